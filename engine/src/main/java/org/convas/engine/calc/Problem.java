package org.convas.engine.calc;

import java.util.List;

/**
 * Something wrong (or worth knowing) about one node, as a value: the node, the field at fault (may be
 * empty), the rule it breaks, the full explanation with the numbers, the proposed fix as text (empty if
 * none), and the fixes that can be applied as they are ({@link Fix}), each verified by the calculator.
 *
 * <p>Example: node "conv1", field "stride", rule "fit", text "(7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at
 * stride 3 does not fit a 7×7 input; padding 1, stride 2, same padding or floor mode (a network setting)
 * would fit", fix "padding 1, stride 2, same padding or floor mode (a network setting)", and four fixes.
 * Advice that is not one edit ("connect a layer's output to it") is in {@code fix} with no {@code fixes}.
 */
public record Problem(Severity severity, String nodeId, String field, String rule, String text, String fix, List<Fix> fixes) {

    public Problem {
        fixes = List.copyOf(fixes);
    }

    /** A problem with advice only, no applicable fix. */
    public Problem(Severity severity, String nodeId, String field, String rule, String text, String fix) {
        this(severity, nodeId, field, rule, text, fix, List.of());
    }

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
