package org.convas.engine.inspect;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.TensorFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Saliency against PyTorch and finite differences, Grad-CAM against PyTorch on the same weights
 * ({@code engine/src/test/python/make_inspect_reference.py} wrote {@code reference/inspect.bin}), occlusion against a
 * direct loop that builds every occluded image by hand.
 */
class ExplainerTest {

    /** The script's network. */
    static NetworkSpec network() {
        return NetworkSpec.builder("inspect").input(12, 12, 2)
                .add("conv1", LayerSpec.Conv2D.of(4, 3, 1, 1)).add("bn1", LayerSpec.BatchNorm.standard())
                .add("relu1", new LayerSpec.ReLU()).add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(6, 3, 1, 1)).add("relu2", new LayerSpec.ReLU())
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(5))
                .add("softmax", new LayerSpec.Softmax()).build();
    }

    /** Smooth everywhere (Tanh, Sigmoid, average pooling, BatchNorm in evaluation), so finite differences are exact to O(h²). */
    static NetworkSpec smooth() {
        return NetworkSpec.builder("smooth").input(8, 8, 3)
                .add("conv1", LayerSpec.Conv2D.of(5, 3, 1, 1)).add("bn1", LayerSpec.BatchNorm.standard())
                .add("tanh1", new LayerSpec.Tanh()).add("pool1", LayerSpec.AvgPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(4, 3, 1, 0)).add("sig", new LayerSpec.Sigmoid())
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(4))
                .add("softmax", new LayerSpec.Softmax()).build();
    }

    static Map<String, float[]> reference() throws IOException {
        try (InputStream in = ExplainerTest.class.getResourceAsStream("/reference/inspect.bin")) {
            assertNotNull(in, "reference/inspect.bin missing: run engine/src/test/python/make_inspect_reference.py");
            return TensorFile.decode(in.readAllBytes(), "inspect");
        }
    }

    static Model referenceModel(Map<String, float[]> ref) {
        Model model = Model.create(network(), Initializer.HE, 0);
        for (String name : model.tensors().keySet()) model.setTensor(name, ref.get(name));
        return model;
    }

    /** |a − b| ≤ 1e−6 + 1e−4·max|b| element by element. */
    static void close(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        float max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        double tol = 1e-6 + 1e-4 * max;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    @Test
    void gradCamMatchesPyTorchAtEveryLayerAndClass() throws IOException {
        Map<String, float[]> ref = reference();
        Explainer explainer = new Explainer(referenceModel(ref));
        float[] image = ref.get("input");
        for (String layer : new String[] {"conv1", "relu1", "conv2"}) {
            for (int c : new int[] {0, 3}) {
                Explainer.GradCam cam = explainer.gradCam(image, c, layer);
                String key = "gradcam." + layer + "." + c;
                close(ref.get(key + ".alpha"), cam.channelWeights(), key + ".alpha");
                close(ref.get(key + ".coarse"), cam.coarse().values(), key + ".coarse");
                close(ref.get(key + ".map"), cam.map().values(), key + ".map");
                assertEquals(12, cam.map().width());
                assertEquals(ref.get("logits")[c], cam.score(), 1e-5, "S_c is the logit");
            }
        }
        // The maps have structure (a map of ReLU(negative) = 0 everywhere would pass trivially): conv2's map for class 3
        // is positive at all 36 positions, class 0's at 27 (counted in the reference file).
        assertEquals(27, positives(explainer.gradCam(image, 0, "conv2").coarse().values()));
        assertEquals(36, positives(explainer.gradCam(image, 3, "conv2").coarse().values()));
    }

    private static int positives(float[] v) {
        int n = 0;
        for (float x : v) if (x > 0) n++;
        return n;
    }

    @Test
    void saliencyGradientMatchesPyTorch() throws IOException {
        Map<String, float[]> ref = reference();
        Explainer explainer = new Explainer(referenceModel(ref));
        for (int c : new int[] {0, 3}) {
            Explainer.Saliency s = explainer.saliency(ref.get("input"), c);
            close(ref.get("saliency." + c + ".gradient"), s.gradient(), "saliency " + c);
            float[] g = s.gradient();
            for (int p = 0; p < 144; p++) {
                assertEquals(Math.max(Math.abs(g[p]), Math.abs(g[144 + p])), s.map().values()[p], 0f, "max over channels at " + p);
            }
        }
    }

    @Test
    void saliencyMatchesFiniteDifferencesThroughBatchNormInEvaluation() {
        Model model = Model.create(smooth(), Initializer.XAVIER, 5);
        // BatchNorm with running statistics away from 0 and 1, and γ, β not the defaults.
        SplittableRandom r = new SplittableRandom(3);
        for (String t : new String[] {"bn1.running_mean", "bn1.running_var", "bn1.weight", "bn1.bias"}) {
            float[] v = model.tensor(t);
            for (int i = 0; i < v.length; i++) v[i] = (float) (t.endsWith("var") ? 0.5 + r.nextDouble() : r.nextDouble() - 0.3);
        }
        float[] image = new float[8 * 8 * 3];
        for (int i = 0; i < image.length; i++) image[i] = (float) r.nextGaussian();
        Explainer explainer = new Explainer(model);
        ModelWorker probe = model.newWorker(1, true);
        for (int c = 0; c < 4; c++) {
            float[] g = explainer.saliency(image, c).gradient();
            float max = 0;
            for (float v : g) max = Math.max(max, Math.abs(v));
            double h = 1e-2;
            for (int i = 0; i < image.length; i++) {
                float keep = image[i];
                image[i] = (float) (keep + h);
                probe.forward(image, 0, 1, false, 0);
                double up = probe.logits()[c];
                image[i] = (float) (keep - h);
                probe.forward(image, 0, 1, false, 0);
                double down = probe.logits()[c];
                image[i] = keep;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, g[i], 2e-4 + 2e-3 * max, "class " + c + ", input " + i);
            }
        }
    }

    @Test
    void occlusionMatchesADirectLoop() {
        Model model = Model.create(network(), Initializer.HE, 11);
        SplittableRandom r = new SplittableRandom(8);
        float[] image = new float[2 * 12 * 12];
        for (int i = 0; i < image.length; i++) image[i] = (float) r.nextGaussian();
        float[] fill = {0.25f, -0.5f};
        int patch = 5, stride = 3, c = 2;
        Explainer.Occlusion o = new Explainer(model).occlusion(image, c, patch, stride, fill, Progress.NONE);
        // Positions by hand: 0, 3, 6 fit (6 + 5 = 11 ≤ 12), 9 does not; the edge position 7 is added.
        assertArrayEquals(new int[] {0, 3, 6, 7}, o.xs());
        assertArrayEquals(new int[] {0, 3, 6, 7}, o.ys());
        float baseline = model.predict(image, 1)[c];
        assertEquals(baseline, o.baseline(), 0f);
        double[] sum = new double[144];
        int[] count = new int[144];
        for (int row = 0; row < 4; row++) {
            for (int col = 0; col < 4; col++) {
                int top = o.ys()[row], left = o.xs()[col];
                float[] copy = image.clone();
                for (int ch = 0; ch < 2; ch++) {
                    for (int y = 0; y < 12; y++) {
                        for (int x = 0; x < 12; x++) {
                            if (y >= top && y < top + patch && x >= left && x < left + patch) copy[ch * 144 + y * 12 + x] = fill[ch];
                        }
                    }
                }
                float p = model.predict(copy, 1)[c];
                assertEquals(p, o.probability(row, col), 1e-6f, "position " + row + ", " + col);
                for (int y = top; y < top + patch; y++) {
                    for (int x = left; x < left + patch; x++) {
                        sum[y * 12 + x] += baseline - p;
                        count[y * 12 + x]++;
                    }
                }
            }
        }
        for (int i = 0; i < 144; i++) assertEquals(sum[i] / count[i], o.map().values()[i], 1e-6, "pixel " + i);
    }

    @Test
    void occlusionStopsWhenCancelled() {
        Model model = Model.create(network(), Initializer.HE, 1);
        int[] calls = {0};
        assertThrows(Progress.CancelledException.class, () -> new Explainer(model).occlusion(new float[288], 0, 2, 1,
                new float[2], (done, total) -> ++calls[0] < 2));
        assertEquals(2, calls[0]);
    }

    @Test
    void badRequestsNameTheRule() {
        Explainer e = new Explainer(Model.create(network(), Initializer.HE, 1));
        float[] image = new float[288];
        assertEquals("class 5 is outside 0..4", assertThrows(IllegalArgumentException.class, () -> e.saliency(image, 5)).getMessage());
        assertEquals("the network takes 12×12×2 = 288 values, the image has 10",
                assertThrows(IllegalArgumentException.class, () -> e.saliency(new float[10], 0)).getMessage());
        assertEquals("Grad-CAM needs a layer with feature maps; fc gives 1×1×5 (no height and width to map)",
                assertThrows(IllegalArgumentException.class, () -> e.gradCam(image, 0, "fc")).getMessage());
        assertEquals("occlusion: the patch must be 1 to 12 pixels (the image is 12×12), not 13",
                assertThrows(IllegalArgumentException.class, () -> e.occlusion(image, 0, 13, 1, new float[2], Progress.NONE)).getMessage());
        assertEquals("occlusion: one fill value per channel (2) is needed, got 1",
                assertThrows(IllegalArgumentException.class, () -> e.occlusion(image, 0, 3, 1, new float[1], Progress.NONE)).getMessage());
    }

    @Test
    void gradCamOffersTheSpatialLayersAndDefaultsToTheLastConvolution() {
        Model model = Model.create(network(), Initializer.HE, 1);
        assertEquals(java.util.List.of("conv1", "bn1", "relu1", "pool1", "conv2", "relu2"), Explainer.gradCamLayers(model));
        assertEquals("conv2", Explainer.defaultGradCamLayer(model));
    }

    @Test
    void bilinearResizeFollowsPyTorchsHalfPixelRule() {
        Heatmap h = new Heatmap(2, 1, new float[] {1, 5}).resized(4, 1);
        assertArrayEquals(new float[] {1, 2, 4, 5}, h.values(), 1e-6f);
    }

    @Test
    void copyHoldsTheWeightsOfTheMomentItWasTaken() {
        Model model = Model.create(network(), Initializer.HE, 4);
        Model copy = model.copy();
        assertArrayEquals(model.tensor("conv1.weight"), copy.tensor("conv1.weight"));
        float before = model.tensor("conv1.weight")[0];
        model.tensor("conv1.weight")[0] = before + 1;
        assertEquals(before, copy.tensor("conv1.weight")[0], 0f);
    }
}
