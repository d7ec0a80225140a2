package org.convas.engine.model;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutions and pooling with different strides down and across against PyTorch 1.13: every output shape, the logits,
 * the loss, every parameter gradient and the input gradient of one training pass, from {@code reference/strides.bin},
 * written by {@code engine/src/test/python/make_stride_reference.py}.
 */
class PerAxisStrideParityTest {

    static NetworkSpec network() {
        return NetworkSpec.builder("strides").input(8, 9, 2)
                .add("conv1", new LayerSpec.Conv2D(4, 3, 3, 2, 1, Padding.of(1), 1, 1, true)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", new LayerSpec.MaxPool(2, 1, 2, Padding.NONE))
                .add("conv2", new LayerSpec.Conv2D(3, 2, 2, 1, 2, Padding.of(0, 1), 1, 1, true))
                .add("pool2", new LayerSpec.AvgPool(3, 2, 1, Padding.of(1)))
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(3))
                .add("softmax", new LayerSpec.Softmax()).build();
    }

    @Test
    void shapesForwardEveryGradientAndTheInputGradientMatchPyTorch() throws IOException {
        Map<String, float[]> ref;
        try (InputStream in = getClass().getResourceAsStream("/reference/strides.bin")) {
            assertNotNull(in, "reference/strides.bin missing: run engine/src/test/python/make_stride_reference.py");
            ref = TensorFile.decode(in.readAllBytes(), "strides");
        }
        NetworkReport report = Calculator.analyze(network());
        assertTrue(report.isValid(), report.problems().toString());
        for (String id : new String[] {"conv1", "pool1", "conv2", "pool2"}) {
            float[] chw = ref.get("shape." + id);
            var s = report.layer(id).output();
            assertEquals((int) chw[0] + "×" + (int) chw[1] + "×" + (int) chw[2], s.depth() + "×" + s.height() + "×" + s.width(), id);
        }
        assertEquals("W: (8 − 3 + 2·1)/1 + 1 = 8; H: (9 − 3 + 2·1)/2 + 1 = 5", report.layer("conv1").shapeFormula());
        assertEquals("Conv 3×3/2×1, 4", network().node("conv1").layer().label());
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
        PyTorchParityTest.assertClose("logits", ref.get("logits"), ex.logits(), n * 3, 1e-4);
        double loss = ex.loss(y, 0, n, 1f / n, true) / n;
        assertEquals(ref.get("loss")[0], loss, 1e-5 + 1e-4 * Math.abs(loss));
        ex.backward();
        for (Parameter p : model.parameters()) {
            float[] expected = ref.get("grad." + p.name());
            assertNotNull(expected, "no reference gradient for " + p.name());
            PyTorchParityTest.assertClose("gradient of " + p.name(), expected, p.grad(), p.size(), 1e-3);
        }
        PyTorchParityTest.assertClose("input gradient", ref.get("grad.input"), ex.inputGradient(), n * 144, 1e-3);
    }
}
