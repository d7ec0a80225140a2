package org.convas.engine.calc;

/**
 * Something wrong (or worth knowing) about one node, as a value: the node, the field at fault (may be
 * empty), the rule it breaks, the full explanation with the numbers, and a proposed fix (empty if none).
 *
 * <p>Example: node "conv1", field "stride", rule "fit", text "(7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at
 * stride 3 does not fit a 7×7 input; padding 1 or stride 2 would fit", fix "padding 1 or stride 2".
 */
public record Problem(Severity severity, String nodeId, String field, String rule, String text, String fix) {

    public enum Severity { ERROR, WARNING }

    /** Rules, so views and tests can tell problems apart without parsing text. */
    public static final String FIT = "fit";
    public static final String EMPTY_OUTPUT = "empty-output";
    /** A size or count beyond what Convas computes exactly (more than 2^53 values, or a side over 2^31 − 1). */
    public static final String TOO_LARGE = "too-large";
    public static final String RANGE = "range";
    public static final String CONNECTION = "connection";
    public static final String CYCLE = "cycle";
    public static final String MERGE_SHAPE = "merge-shape";
    public static final String GROUPS = "groups";
    public static final String NO_INPUT = "no-input";
    public static final String UNUSED = "unused";

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return (severity == Severity.ERROR ? "error" : "warning") + " at " + nodeId + ": " + text;
    }
}
