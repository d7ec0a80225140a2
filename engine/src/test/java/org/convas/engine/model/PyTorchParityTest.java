package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.InMemoryBatchSource;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TensorFile;
import org.convas.engine.train.TrainingEvents;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forward outputs, every gradient, a 10-step SGD-with-momentum loss trajectory, BatchNorm running statistics
 * and evaluation-mode outputs against PyTorch 1.13, from files written by
 * {@code engine/src/test/python/make_reference.py} (fixed weights and inputs stored in the files).
 *
 * <p>Tolerance: |convas − torch| ≤ 1e−5 + r·max|torch| per tensor, r = 1e−4 for outputs and losses and 1e−3
 * for gradients (float32 sums in another order).
 */
class PyTorchParityTest {

    static NetworkSpec lenet5() {
        return NetworkSpec.builder("lenet5").input(28, 28, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 2)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2)).add("flatten", new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(120)).add("relu3", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(84)).add("relu4", new LayerSpec.ReLU())
                .add("fc3", LayerSpec.FullyConnected.of(10)).add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /** The script's SmallResNet; conv4 (8 → 4 at stride 2, padding 1) needs floor mode, as in PyTorch. */
    static NetworkSpec resnet() {
        return NetworkSpec.builder("resnet_bn").floorMode(true).input(8, 8, 3)
                .add("conv1", new LayerSpec.Conv2D(8, 3, 3, 1, Padding.of(1), 1, 1, false))
                .add("bn1", LayerSpec.BatchNorm.standard()).add("relu1", new LayerSpec.ReLU())
                .add("conv2", new LayerSpec.Conv2D(8, 3, 3, 1, Padding.of(1), 1, 1, false))
                .add("bn2", LayerSpec.BatchNorm.standard()).add("relu2", new LayerSpec.ReLU())
                .add("conv3", new LayerSpec.Conv2D(8, 3, 3, 1, Padding.of(1), 1, 1, false))
                .add("bn3", LayerSpec.BatchNorm.standard())
                .add("add", new LayerSpec.Add(), "bn3", "relu1").add("relu3", new LayerSpec.ReLU())
                .add("conv4", new LayerSpec.Conv2D(16, 3, 3, 2, Padding.of(1), 1, 1, true))
                .add("bn4", LayerSpec.BatchNorm.standard()).add("relu4", new LayerSpec.ReLU())
                .add("pool", LayerSpec.AvgPool.of(2, 2)).add("gap", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(5)).add("softmax", new LayerSpec.Softmax())
                .build();
    }

    static Map<String, float[]> reference(String name) throws IOException {
        try (InputStream in = PyTorchParityTest.class.getResourceAsStream("/reference/" + name + ".bin")) {
            assertNotNull(in, "reference file " + name + ".bin missing: run engine/src/test/python/make_reference.py");
            return TensorFile.decode(in.readAllBytes(), name);
        }
    }

    private static Model load(NetworkSpec spec, Map<String, float[]> ref) {
        Model model = Model.create(spec, Initializer.HE, 0);
        for (String name : model.tensors().keySet()) model.setTensor(name, ref.get(name));
        return model;
    }

    private static int[] labels(Map<String, float[]> ref) {
        float[] f = ref.get("labels");
        int[] y = new int[f.length];
        for (int i = 0; i < f.length; i++) y[i] = Math.round(f[i]);
        return y;
    }

    static void assertClose(String what, float[] expected, float[] actual, int count, double relative) {
        double max = 0, err = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= 1e-5 + relative * max, what + ": largest difference " + err + " against largest value " + max);
    }

    private void forwardAndGradients(NetworkSpec spec) throws IOException {
        Map<String, float[]> ref = reference(spec.name());
        Model model = load(spec, ref);
        int[] y = labels(ref);
        int n = y.length;
        ModelWorker ex = model.newWorker(n, false);
        ex.zeroParameterGradients();
        ex.forward(ref.get("input"), 0, n, true, 0);
        float[] logits = ex.activation(spec.node("softmax").inputs().get(0));
        assertClose("logits", ref.get("logits"), logits, n * model.classes(), 1e-4);
        double loss = ex.loss(y, 0, n, 1f / n, true) / n;
        assertEquals(ref.get("loss")[0], loss, 1e-5 + 1e-4 * Math.abs(loss));
        ex.backward();
        for (Parameter p : model.parameters()) {
            float[] expected = ref.get("grad." + p.name());
            assertNotNull(expected, "no reference gradient for " + p.name());
            assertClose("gradient of " + p.name(), expected, p.grad(), p.size(), 1e-3);
        }
    }

    private void trajectory(NetworkSpec spec) throws IOException {
        Map<String, float[]> ref = reference(spec.name());
        Model model = load(spec, ref);
        int[] y = labels(ref);
        float[] x = ref.get("input");
        Shape shape = model.inputShape();
        InMemoryBatchSource data = new InMemoryBatchSource(shape, model.classes(), x, y);
        TrainingSettings settings = TrainingSettings.builder().epochs(10).batchSize(y.length).threads(1).shuffle(false)
                .optimizer(OptimizerSettings.momentum(0.01, 0.9).withWeightDecay(5e-4)).normsEvery(0).build();
        List<Double> losses = new ArrayList<>();
        TrainingEvents.RunEnd end = TrainingRun.create(model, data, null, settings).addListener(new TrainingListener() {
            @Override
            public void onBatch(TrainingEvents.BatchStats stats) {
                losses.add(stats.loss());
            }
        }).runHere();
        assertEquals(TrainingEvents.Status.COMPLETED, end.status(), end.message());
        float[] expected = ref.get("trajectory");
        float[] actual = new float[losses.size()];
        for (int i = 0; i < actual.length; i++) actual[i] = losses.get(i).floatValue();
        assertEquals(expected.length, actual.length);
        assertClose("10-step loss trajectory", expected, actual, expected.length, 1e-4);
        for (Map.Entry<String, float[]> e : model.tensors().entrySet()) {
            if (e.getKey().contains("running")) {
                assertClose(e.getKey() + " after 10 steps", ref.get("after." + e.getKey()), e.getValue(), e.getValue().length, 1e-4);
            }
        }
        ModelWorker ex = model.newWorker(y.length, true);
        ex.forward(x, 0, y.length, false, 0);
        assertClose("evaluation-mode logits after 10 steps", ref.get("after.logits"),
                ex.activation(spec.node("softmax").inputs().get(0)), y.length * model.classes(), 1e-3);
    }

    @Test
    void lenet5ForwardAndEveryGradientMatchPyTorch() throws IOException {
        forwardAndGradients(lenet5());
    }

    @Test
    void lenet5TrainingTrajectoryMatchesPyTorch() throws IOException {
        trajectory(lenet5());
    }

    @Test
    void residualNetWithBatchNormForwardAndEveryGradientMatchPyTorch() throws IOException {
        forwardAndGradients(resnet());
    }

    @Test
    void residualNetWithBatchNormTrajectoryAndRunningStatisticsMatchPyTorch() throws IOException {
        trajectory(resnet());
    }
}
