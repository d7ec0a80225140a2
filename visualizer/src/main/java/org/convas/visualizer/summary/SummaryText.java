package org.convas.visualizer.summary;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.calc.Problem;

import java.util.stream.Collectors;

/**
 * The text of each summary column for one layer, shared by the {@link SummaryTable} and the command-line
 * summary so both show exactly the same thing. Plain Java: no JavaFX here.
 *
 * <p>Example, LeNet-5's conv1: layer "conv1  Conv 5×5/1, 6", output "28×28×6", shape formula
 * "(32 − 5 + 2·0)/1 + 1 = 28", parameters "156" from "(5·5·1 + 1)·6 = 156", MACs "117.6K", memory
 * "18.4 KiB", receptive field "5×5".
 */
public final class SummaryText {

    /** Shown where a value depends on an output shape the calculator could not work out. */
    public static final String UNKNOWN = "?";

    /** Shown for a layer without parameters or without multiply-accumulates. */
    public static final String NONE = "—";

    private SummaryText() {
    }

    /** The node's id. */
    public static String id(LayerReport layer) {
        return layer.id();
    }

    /** The layer's short label, e.g. "Conv 5×5/1, 6". */
    public static String label(LayerReport layer) {
        return layer.node().layer().label();
    }

    /** "28×28×6", or {@link #UNKNOWN} when the output shape is unknown. */
    public static String output(LayerReport layer) {
        return layer.isKnown() ? layer.output().toString() : UNKNOWN;
    }

    /** How the output follows from the input, with the numbers. */
    public static String shapeFormula(LayerReport layer) {
        return layer.shapeFormula();
    }

    /** Weights plus biases with grouped digits ("34,944"), {@link #NONE} for 0, {@link #UNKNOWN} when unknown. */
    public static String parameters(LayerReport layer) {
        if (!layer.isKnown()) return UNKNOWN;
        return layer.parameters() == 0 ? NONE : Numbers.grouped(layer.parameters());
    }

    /** "(5·5·1 + 1)·6 = 156", or "" for layers without parameters. */
    public static String parameterFormula(LayerReport layer) {
        return layer.paramFormula();
    }

    /** Multiply-accumulates per image, compact: 105,415,200 → "105.4M". */
    public static String macs(LayerReport layer) {
        if (!layer.isKnown()) return UNKNOWN;
        return layer.macs() == 0 ? NONE : Numbers.compact(layer.macs());
    }

    /** The exact MAC count with grouped digits, for tooltips and JSON readers. */
    public static String macsExact(LayerReport layer) {
        return layer.isKnown() ? Numbers.grouped(layer.macs()) + " multiply-accumulates per image" : "unknown";
    }

    /** Forward activation memory this layer adds per image at 4 bytes a value; "in place" when it adds none. */
    public static String memory(LayerReport layer) {
        if (!layer.isKnown()) return UNKNOWN;
        return layer.inPlace() ? "in place" : Numbers.bytes(layer.memoryBytes());
    }

    /** What the memory cell means, with the count of values. */
    public static String memoryExplained(LayerReport layer) {
        if (!layer.isKnown()) return "unknown: the output shape is unknown";
        if (layer.inPlace()) return "in place: " + label(layer) + " reuses its input's memory";
        return Numbers.grouped(layer.activations()) + " values × 4 bytes = " + Numbers.grouped(layer.memoryBytes()) + " bytes";
    }

    /** "5×5", or {@link #UNKNOWN}. */
    public static String receptiveField(LayerReport layer) {
        return layer.receptiveField() == null ? UNKNOWN : layer.receptiveField().sizeText();
    }

    /** Every problem of the layer, one per line, errors first. */
    public static String problems(LayerReport layer) {
        return layer.problems().stream()
                .sorted((a, b) -> Boolean.compare(b.isError(), a.isError()))
                .map(SummaryText::problem)
                .collect(Collectors.joining("\n"));
    }

    /** "error in stride: <text>" or "warning: <text>" (the text already carries the numbers and the fix). */
    public static String problem(Problem p) {
        return (p.isError() ? "error" : "warning") + (p.field().isEmpty() ? "" : " in " + p.field()) + ": " + p.text();
    }
}
