package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.train.TensorFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A residual block with a Squeeze-and-Excitation branch (the new Scale layer) against PyTorch 1.13: logits, loss, every
 * parameter gradient and the input gradient of one training-mode pass, from {@code reference/se_block.bin}, written by
 * {@code engine/src/test/python/make_se_reference.py}. Tolerances as in {@link PyTorchParityTest}.
 */
class SqueezeExcitationParityTest {

    static NetworkSpec network() {
        LayerSpec.Conv2D conv = new LayerSpec.Conv2D(8, 3, 3, 1, Padding.of(1), 1, 1, false);
        return NetworkSpec.builder("se_block").input(8, 8, 3)
                .add("conv1", conv).add("bn1", LayerSpec.BatchNorm.standard()).add("relu1", new LayerSpec.ReLU())
                .add("conv2", conv).add("bn2", LayerSpec.BatchNorm.standard())
                .add("se_pool", new LayerSpec.GlobalAvgPool()).add("se_fc1", LayerSpec.FullyConnected.of(2))
                .add("se_relu", new LayerSpec.ReLU()).add("se_fc2", LayerSpec.FullyConnected.of(8))
                .add("se_sigmoid", new LayerSpec.Sigmoid())
                .add("se_scale", new LayerSpec.ChannelScale(), "bn2", "se_sigmoid")
                .add("add", new LayerSpec.Add(), "se_scale", "relu1").add("relu", new LayerSpec.ReLU())
                .add("gap", new LayerSpec.GlobalAvgPool()).add("fc", LayerSpec.FullyConnected.of(5))
                .add("softmax", new LayerSpec.Softmax()).build();
    }

    @Test
    void forwardEveryGradientAndTheInputGradientMatchPyTorch() throws IOException {
        Map<String, float[]> ref;
        try (InputStream in = getClass().getResourceAsStream("/reference/se_block.bin")) {
            assertNotNull(in, "reference/se_block.bin missing: run engine/src/test/python/make_se_reference.py");
            ref = TensorFile.decode(in.readAllBytes(), "se_block");
        }
        Model model = Model.create(network(), Initializer.HE, 0);
        for (String name : model.tensors().keySet()) model.setTensor(name, ref.get(name));
        float[] labels = ref.get("labels");
        int n = labels.length;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = Math.round(labels[i]);
        ModelWorker ex = model.newWorker(n, false);
        ex.computeInputGradient(true);
        ex.zeroParameterGradients();
        ex.forward(ref.get("input"), 0, n, true, 0);
        PyTorchParityTest.assertClose("logits", ref.get("logits"), ex.logits(), n * 5, 1e-4);
        double loss = ex.loss(y, 0, n, 1f / n, true) / n;
        assertEquals(ref.get("loss")[0], loss, 1e-5 + 1e-4 * Math.abs(loss));
        ex.backward();
        for (Parameter p : model.parameters()) {
            float[] expected = ref.get("grad." + p.name());
            assertNotNull(expected, "no reference gradient for " + p.name());
            PyTorchParityTest.assertClose("gradient of " + p.name(), expected, p.grad(), p.size(), 1e-3);
        }
        PyTorchParityTest.assertClose("input gradient", ref.get("grad.input"), ex.inputGradient(), n * 192, 1e-3);
    }
}
