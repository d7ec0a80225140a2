package org.convas.app.teach;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Shape;
import org.convas.engine.teach.SlidingWindow;
import org.convas.engine.teach.Volume;
import org.convas.engine.train.TrainingEvents.ActivationMap;
import org.convas.engine.train.TrainingEvents.FilterBank;
import org.convas.engine.train.TrainingEvents.Snapshot;

import java.util.Optional;

/**
 * The numbers the network really computes at one block, taken from the Train tab's snapshot (the image on show,
 * the weights of the model as trained so far, or as initialised before the first run): the volume that arrives at
 * the block and, for a convolution, its learned filters and biases.
 *
 * <p>A snapshot carries every node's output and every convolution's weights but not the biases; a bias is recovered
 * as the block's own output at the first position minus the dot product there, b = out − Σ x·w (the snapshot's
 * outputs are taken before any fused ReLU). The walk then reproduces every output of the block to float rounding,
 * which {@code NetworkValuesTest} checks against the engine.
 *
 * @param input       the block's input volume
 * @param weights     K × D/G × F × F, or empty for pooling
 * @param biases      K values, or empty for pooling
 * @param inputText   where the input comes from, for the explorer's source line
 * @param filterText  where the filters come from ("" for pooling)
 */
public record NetworkValues(Volume input, double[] weights, double[] biases, String inputText, String filterText) {

    /** The block's values in a snapshot, when the snapshot is of this network (the shapes match); else empty. */
    public static Optional<NetworkValues> from(Snapshot snapshot, LayerReport block) {
        if (snapshot == null || block == null || block.inputShapes().size() != 1 || block.output() == null) return Optional.empty();
        String inputId = block.node().inputs().get(0);
        Shape in = block.inputShapes().get(0);
        ActivationMap arriving = find(snapshot, inputId, in);
        ActivationMap leaving = find(snapshot, block.id(), block.output());
        if (arriving == null || leaving == null) return Optional.empty();
        Volume input = Volume.ofFloats(in.depth(), in.height(), in.width(), arriving.values());
        String image = snapshot.label() >= 0 ? "validation image (label " + snapshot.label() + ")" : "loaded image";
        // An idle model's snapshot says epoch 0 whether it was trained or not: name the model, not its age.
        String inputText = "Input: what arrives at " + block.id() + " in the Train tab's model for its " + image
                + " (shown to 2 decimals; the sums use the full values).";
        LayerSpec layer = block.node().layer();
        if (!(layer instanceof LayerSpec.Conv2D conv)) {
            return Optional.of(new NetworkValues(input, new double[0], new double[0], inputText, ""));
        }
        FilterBank bank = snapshot.filters().stream().filter(f -> f.nodeId().equals(block.id())).findFirst().orElse(null);
        int perGroup = in.depth() / conv.groups();
        if (bank == null || bank.filters() != conv.filters() || bank.depth() != perGroup || bank.height() != conv.kernelHeight()
                || bank.width() != conv.kernelWidth()) {
            return Optional.empty();
        }
        double[] weights = new double[bank.weights().length];
        for (int i = 0; i < weights.length; i++) weights[i] = bank.weights()[i];
        double[] biases = new double[conv.filters()];
        if (conv.bias()) {
            SlidingWindow noBias = SlidingWindow.convolution(input, conv, weights, biases);
            Shape out = block.output();
            for (int k = 0; k < biases.length; k++) {
                double out0 = leaving.values()[k * out.height() * out.width()];
                biases[k] = out0 - noBias.value(k, 0, 0);
            }
        }
        return Optional.of(new NetworkValues(input, weights, biases, inputText, "Filters and biases: " + block.id()
                + "'s own, from the same model" + (conv.bias() ? " (each bias recovered as the output at the first position minus its dot product)." : ".")));
    }

    private static ActivationMap find(Snapshot s, String id, Shape shape) {
        for (ActivationMap m : s.activations()) {
            if (m.nodeId().equals(id)) return m.shape().equals(shape) && m.values().length == shape.size() ? m : null;
        }
        return null;
    }
}
