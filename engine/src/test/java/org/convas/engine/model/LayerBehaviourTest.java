package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values worked out by hand for the layers whose behaviour is more than a gradient. */
class LayerBehaviourTest {

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }

    @Test
    void dropoutIsIdentityInEvaluationAndScalesTheKeptValuesInTraining() {
        NetworkSpec spec = NetworkSpec.builder("d").input(10, 10, 1).add("drop", new LayerSpec.Dropout(0.25))
                .add("fc", LayerSpec.FullyConnected.of(2)).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        ModelWorker ex = model.newWorker(4, true);
        float[] x = ramp(400);
        ex.forward(x, 0, 4, false, 3);
        assertArrayEquals(x, java.util.Arrays.copyOf(ex.activation("drop"), 400), 0f, "the first n·size values are the batch's");
        ex.forward(x, 0, 4, true, 3);
        float[] y = ex.activation("drop");
        int zeros = 0;
        for (int i = 0; i < 400; i++) {
            if (y[i] == 0f) zeros++;
            else assertEquals(x[i] / 0.75f, y[i], 1e-4f * x[i]);
        }
        assertTrue(zeros > 70 && zeros < 130, "about a quarter dropped: " + zeros);
    }

    @Test
    void maxPoolFloorsLikeTheCalculatorAndKeepsTheFirstMaximum() {
        // 5×5 input, 2×2 at stride 2 in floor mode: (5 − 2)/2 + 1 = 2.5 → 2; the last row and column are dropped.
        NetworkSpec spec = NetworkSpec.builder("p").floorMode(true).input(5, 5, 1).add("pool", LayerSpec.MaxPool.of(2, 2))
                .add("fc", LayerSpec.FullyConnected.of(2)).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        assertEquals(org.convas.engine.spec.Shape.of(2, 2, 1), model.report().layer("pool").output());
        ModelWorker ex = model.newWorker(1, true);
        float[] x = ramp(25);
        x[0] = 7; // ties with x[6] = 7: the first in reading order wins
        ex.forward(x, 0, 1, false, 0);
        assertArrayEquals(new float[] {7, 9, 17, 19}, java.util.Arrays.copyOf(ex.activation("pool"), 4), 0f);
    }

    @Test
    void maxPoolBackwardAfterAnEvaluationPassRoutesGradientsLikeAfterATrainingPass() {
        // An evaluation pass keeps no switches; a backward pass after it must find the same winners (ties included).
        NetworkSpec spec = NetworkSpec.builder("p").input(4, 4, 2).add("pool", LayerSpec.MaxPool.of(2, 2))
                .add("fc", LayerSpec.FullyConnected.of(3)).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        float[] x = ramp(64);
        for (int i = 0; i < 64; i += 5) x[i] = -x[i];
        x[1] = x[5]; // a tie inside the first window: the first maximum takes the gradient
        int[] labels = {2, 0};
        ModelWorker trained = model.newWorker(2, true);
        trained.computeInputGradient(true);
        trained.forward(x, 0, 2, true, 0);
        trained.loss(labels, 0, 2, 1f, true);
        trained.backward();
        ModelWorker evaluated = model.newWorker(2, true);
        evaluated.computeInputGradient(true);
        evaluated.forward(x, 0, 2, false, 0);
        evaluated.loss(labels, 0, 2, 1f, true);
        evaluated.backward();
        assertArrayEquals(java.util.Arrays.copyOf(trained.activation("pool"), 16),
                java.util.Arrays.copyOf(evaluated.activation("pool"), 16), 0f);
        assertArrayEquals(java.util.Arrays.copyOf(trained.inputGradient(), 64),
                java.util.Arrays.copyOf(evaluated.inputGradient(), 64), 0f);
    }

    @Test
    void concatStacksChannelsInInputOrder() {
        NetworkSpec spec = NetworkSpec.builder("c").input(2, 1, 1)
                .add("a", new LayerSpec.Conv2D(1, 1, 1, 1, Padding.NONE, 1, 1, false), "input")
                .add("b", new LayerSpec.Conv2D(2, 1, 1, 1, Padding.NONE, 1, 1, false), "input")
                .add("cat", new LayerSpec.Concat(), "b", "a")
                .add("fc", LayerSpec.FullyConnected.of(2), "cat").build();
        Model model = Model.create(spec, Initializer.HE, 1);
        model.setTensor("a.weight", new float[] {10});
        model.setTensor("b.weight", new float[] {2, 3});
        ModelWorker ex = model.newWorker(1, true);
        ex.forward(new float[] {1, 2}, 0, 1, false, 0);
        // b's two channels (2·x, 3·x), then a's (10·x), each a 1×2 map.
        assertArrayEquals(new float[] {2, 4, 3, 6, 10, 20}, java.util.Arrays.copyOf(ex.activation("cat"), 6), 0f);
    }

    @Test
    void depthwiseConvolutionKeepsChannelsApart() {
        NetworkSpec spec = NetworkSpec.builder("dw").input(2, 2, 2)
                .add("dw", new LayerSpec.Conv2D(2, 1, 1, 1, Padding.NONE, 1, 2, true))
                .add("fc", LayerSpec.FullyConnected.of(2)).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        model.setTensor("dw.weight", new float[] {2, -1});
        model.setTensor("dw.bias", new float[] {0.5f, 1});
        ModelWorker ex = model.newWorker(1, true);
        ex.forward(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 1, false, 0);
        assertArrayEquals(new float[] {2.5f, 4.5f, 6.5f, 8.5f, -4, -5, -6, -7}, java.util.Arrays.copyOf(ex.activation("dw"), 8), 0f);
    }

    @Test
    void networksThatAreNotClassifiersAreRefusedWithAReason() {
        NetworkSpec twoOutputs = NetworkSpec.builder("two").input(4, 4, 1)
                .add("a", LayerSpec.FullyConnected.of(2), "input").add("b", LayerSpec.FullyConnected.of(2), "input").build();
        String m = assertThrows(ModelException.class, () -> Model.create(twoOutputs, Initializer.HE, 1)).getMessage();
        assertTrue(m.contains("exactly one output") && m.contains("[a, b]"), m);
        NetworkSpec spatial = NetworkSpec.builder("map").input(4, 4, 1).add("conv", LayerSpec.Conv2D.of(2, 3, 1, 1)).build();
        String s = assertThrows(ModelException.class, () -> Model.create(spatial, Initializer.HE, 1)).getMessage();
        assertTrue(s.contains("gives 4×4×2") && s.contains("add Flatten and a FullyConnected"), s);
        NetworkSpec misfit = NetworkSpec.builder("misfit").input(7, 7, 1).add("conv", LayerSpec.Conv2D.of(2, 3, 3, 0))
                .add("fc", LayerSpec.FullyConnected.of(2)).build();
        String f = assertThrows(ModelException.class, () -> Model.create(misfit, Initializer.HE, 1)).getMessage();
        assertTrue(f.contains("cannot be trained until its errors are fixed") && f.contains("conv"), f);
    }

    @Test
    void initialisersDrawWithTheirScaleAndRepeatForASeed() {
        NetworkSpec spec = NetworkSpec.builder("init").input(1, 1, 200).add("fc", LayerSpec.FullyConnected.of(300)).build();
        Model he = Model.create(spec, Initializer.HE, 5);
        double sq = 0;
        for (float v : he.tensor("fc.weight")) sq += v * v;
        assertEquals(Math.sqrt(2.0 / 200), Math.sqrt(sq / 60000), 0.002);   // He: σ = √(2/fan-in)
        Model xavier = Model.create(spec, Initializer.XAVIER, 5);
        float max = 0;
        for (float v : xavier.tensor("fc.weight")) max = Math.max(max, Math.abs(v));
        double a = Math.sqrt(6.0 / 500);                                   // Glorot: U(−a, a), a = √(6/(in + out))
        assertTrue(max <= a && max > 0.99 * a, max + " vs " + a);
        assertArrayEquals(he.tensor("fc.weight"), Model.create(spec, Initializer.HE, 5).tensor("fc.weight"), 0f);
        assertArrayEquals(new float[300], he.tensor("fc.bias"), 0f);
    }

    @Test
    void aSingleImageSplitAcrossKernelThreadsGivesTheSerialResult() throws Exception {
        NetworkSpec spec = NetworkSpec.builder("k").input(9, 9, 3)
                .add("conv", new LayerSpec.Conv2D(13, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("fc", LayerSpec.FullyConnected.of(3)).build();
        Model model = Model.create(spec, Initializer.HE, 2);
        float[] x = ramp(243);
        ModelWorker serial = model.newWorker(1, true);
        serial.forward(x, 0, 1, false, 0);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            ModelWorker split = model.newWorker(1, true, new KernelThreads(pool, 3));
            split.forward(x, 0, 1, false, 0);
            float[] a = serial.activation("conv"), b = split.activation("conv");
            for (int i = 0; i < 13 * 81; i++) assertEquals(a[i], b[i], 1e-6f * Math.max(1f, Math.abs(a[i])));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void convolutionInChunksOfImagesMatchesImageByImage() {
        // 64×64×16 with 3×3 filters: 144 rows × 4,096 columns an image, so the workspace holds 7 images and a
        // batch of 10 runs as chunks of 7 and 3.
        NetworkSpec spec = NetworkSpec.builder("chunks").input(64, 64, 16)
                .add("conv", new LayerSpec.Conv2D(16, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("gap", new LayerSpec.GlobalAvgPool()).add("fc", LayerSpec.FullyConnected.of(3)).build();
        Model model = Model.create(spec, Initializer.HE, 4);
        int n = 10, size = 64 * 64 * 16;
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
        ModelWorker batch = model.newWorker(n, true);
        batch.zeroParameterGradients();
        batch.forward(x, 0, n, true, 0);
        batch.loss(y, 0, n, 1f, true);
        batch.backward();
        ModelWorker single = model.newWorker(1, true);
        single.zeroParameterGradients();
        float[] out = batch.activation("conv");
        for (int s = 0; s < n; s++) {
            single.forward(x, s, 1, true, 0);
            float[] one = single.activation("conv");
            for (int i = 0; i < 16 * 4096; i++) assertEquals(one[i], out[s * 16 * 4096 + i], 1e-5f * Math.max(1f, Math.abs(one[i])));
            single.loss(y, s, 1, 1f, true);
            single.backward();
        }
        float[] gb = batch.parameters().get(0).grad(), gs = single.parameters().get(0).grad();
        float max = 0;
        for (float v : gs) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < gb.length; i++) assertEquals(gs[i], gb[i], 1e-4f * max, "dW " + i);
    }
}
