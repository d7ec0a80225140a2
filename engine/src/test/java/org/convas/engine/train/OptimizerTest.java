package org.convas.engine.train;

import org.convas.engine.model.Parameter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each optimizer against PyTorch's on a fixed quadratic (optimizers.bin from make_reference.py). */
class OptimizerTest {

    private static Map<String, float[]> reference() throws IOException {
        try (InputStream in = OptimizerTest.class.getResourceAsStream("/reference/optimizers.bin")) {
            return TensorFile.decode(in.readAllBytes(), "optimizers.bin");
        }
    }

    private static void follows(String name, OptimizerSettings settings) throws IOException {
        Map<String, float[]> ref = reference();
        float[] w = ref.get("w0").clone();
        float[] t = ref.get("target");
        float[] c = ref.get("curvature");
        float[] expected = ref.get(name + ".steps");
        Parameter p = new Parameter("x.weight", "x", Parameter.Kind.WEIGHT, w, new float[w.length]);
        Optimizer optimizer = new Optimizer(settings.withWeightDecay(0.1));
        for (int step = 0; step < 6; step++) {
            for (int i = 0; i < w.length; i++) p.grad()[i] = c[i] * (w[i] - t[i]);
            optimizer.step(List.of(p));
            for (int i = 0; i < w.length; i++) {
                assertEquals(expected[step * w.length + i], w[i], 1e-5, name + " step " + (step + 1) + " value " + i);
            }
        }
    }

    @Test
    void sgdMatchesPyTorch() throws IOException {
        follows("sgd", OptimizerSettings.sgd(0.05));
    }

    @Test
    void momentumMatchesPyTorch() throws IOException {
        follows("momentum", OptimizerSettings.momentum(0.05, 0.9));
    }

    @Test
    void nesterovMatchesPyTorch() throws IOException {
        follows("nesterov", OptimizerSettings.nesterov(0.05, 0.9));
    }

    @Test
    void adamMatchesPyTorch() throws IOException {
        follows("adam", OptimizerSettings.adam(0.05));
    }

    @Test
    void rmsPropMatchesPyTorch() throws IOException {
        follows("rmsprop", OptimizerSettings.rmsProp(0.05));
        follows("rmsprop_momentum", OptimizerSettings.rmsProp(0.05).withMomentum(0.5));
    }

    @Test
    void adaGradMatchesPyTorch() throws IOException {
        follows("adagrad", OptimizerSettings.adaGrad(0.05));
    }

    @Test
    void weightDecaySparesBiasesAndNormParameters() {
        float[] bias = {1f};
        float[] gamma = {1f};
        Optimizer o = new Optimizer(OptimizerSettings.sgd(0.1).withWeightDecay(0.5));
        o.step(List.of(new Parameter("fc.bias", "fc", Parameter.Kind.BIAS, bias, new float[1]),
                new Parameter("bn.weight", "bn", Parameter.Kind.NORM, gamma, new float[1])));
        assertArrayEquals(new float[] {1f}, bias);
        assertArrayEquals(new float[] {1f}, gamma);
    }

    @Test
    void learningRateChangeTakesEffectAtTheNextStep() {
        float[] w = {0f};
        Parameter p = new Parameter("w.weight", "w", Parameter.Kind.WEIGHT, w, new float[] {1f});
        Optimizer o = new Optimizer(OptimizerSettings.sgd(0.1));
        o.step(List.of(p));
        o.setLearningRate(0.01);
        o.step(List.of(p));
        assertEquals(-0.11f, w[0], 1e-7);
    }

    @Test
    void impossibleHyperparametersAreRefusedWithTheRule() {
        String lr = assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.sgd(0)).getMessage();
        assertTrue(lr.contains("learning rate must be positive (it is 0.0)"), lr);
        String mu = assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.momentum(0.1, 1.0)).getMessage();
        assertTrue(mu.contains("momentum must be in [0, 1) (it is 1.0)"), mu);
        assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.momentum(0.1, -0.1));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.sgd(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.sgd(0.1).withWeightDecay(-1));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.adam(0.1).withBetas(0.9, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer(OptimizerSettings.sgd(0.1)).setLearningRate(-2));
    }

    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(1.0, new LearningRateSchedule.Constant().factor(7, 1), 0);
        LearningRateSchedule step = new LearningRateSchedule.Step(10, 0.1);
        assertEquals(1.0, step.factor(9, 1), 1e-12);
        assertEquals(0.1, step.factor(10, 1), 1e-12);
        assertEquals(0.01, step.factor(25, 1), 1e-12);
        LearningRateSchedule cosine = new LearningRateSchedule.Cosine(10, 0);
        assertEquals(1.0, cosine.factor(0, 1), 1e-12);
        assertEquals(0.5, cosine.factor(5, 1), 1e-12);
        assertEquals(0.0, cosine.factor(10, 1), 1e-12);
        assertEquals(0.25, new LearningRateSchedule.ReduceOnPlateau(0.5, 2, 0.01).factor(3, 0.25), 0);
        String e = assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.Step(0, 0.1)).getMessage();
        assertTrue(e.contains("every must be at least 1"), e);
    }

    @Test
    void trainingSettingsRefuseImpossibleValues() {
        String epochs = assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().epochs(0).build()).getMessage();
        assertTrue(epochs.contains("epochs must be at least 1 (it is 0)"), epochs);
        String batch = assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().batchSize(0).build()).getMessage();
        assertTrue(batch.contains("batch size must be at least 1 (it is 0)"), batch);
        assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().threads(0).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().clipNorm(-1).build());
    }
}
