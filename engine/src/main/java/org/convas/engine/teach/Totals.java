package org.convas.engine.teach;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.ReceptiveField;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;

import java.util.List;

/**
 * What a network or a block costs, from the calculator: parameters (weights and biases), multiply-adds, forward
 * activation memory per image, the output shape and the receptive field of its output. Example: three 3×3 convs of
 * C = 64 channels without bias have 3·(3·3·64·64) = 110,592 weights and a 7×7 receptive field.
 *
 * @param name           the network's name
 * @param valid          false when the calculator found errors (the totals then cover the nodes it could size)
 * @param weights        learned weights
 * @param biases         learned biases
 * @param macs           multiply-accumulates of one forward pass for one image
 * @param activations    activation values of one image's forward pass, input included
 * @param forwardBytes   forward activation memory per image (4 bytes a value)
 * @param output         the shape of the last node, or null when unknown
 * @param receptiveField the receptive field of the last node, or null when unknown
 */
public record Totals(String name, boolean valid, long weights, long biases, long macs, long activations,
                     long forwardBytes, Shape output, ReceptiveField receptiveField) {

    public static Totals of(NetworkSpec spec) {
        return of(Calculator.analyze(spec));
    }

    public static Totals of(NetworkReport report) {
        List<LayerReport> layers = report.layers();
        LayerReport last = null;
        // The output: the last node nothing consumes (the spec's last output), else the last in evaluation order.
        var outputs = report.spec().outputs();
        if (!outputs.isEmpty()) last = report.find(outputs.get(outputs.size() - 1).id()).orElse(null);
        if (last == null && !layers.isEmpty()) last = layers.get(layers.size() - 1);
        return new Totals(report.spec().name(), report.isValid(), report.totalWeights(), report.totalBiases(),
                report.totalMacs(), report.totalActivations(), report.forwardBytesPerImage(),
                last == null ? null : last.output(), last == null ? null : last.receptiveField());
    }

    public long parameters() {
        return weights + biases;
    }
}
