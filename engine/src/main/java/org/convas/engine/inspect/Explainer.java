package org.convas.engine.inspect;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Why a network decides what it decides about one image: saliency (Simonyan et al. 2014), Grad-CAM (Selvaraju et al.
 * 2017) and occlusion sensitivity (Zeiler &amp; Fergus 2014), all in evaluation mode (running BatchNorm statistics, no
 * dropout) on the model's current weights. Give it a {@link Model#copy()} when the model is training.
 *
 * <p>Images are W·H·C values in (C, H, W) order, as the model takes them (preprocessed). The class score S_c is the
 * logit of class c, the input of the final softmax: its gradient is not damped by the softmax's saturation.
 *
 * <p>Not thread-safe: one caller at a time (it keeps its own executors).
 */
public final class Explainer {

    /** Occluded copies of the image evaluated in one forward pass. */
    private static final int OCCLUSION_BATCH = 32;

    private final Model model;
    private final Shape input;
    private final ModelWorker single;
    private ModelWorker batch;

    public Explainer(Model model) {
        this.model = model;
        this.input = model.inputShape();
        this.single = model.newWorker(1, true);
        single.computeInputGradient(true);
    }

    public Model model() {
        return model;
    }

    /** The gradient of S_c with respect to the input, C×H×W, and the saliency map: max over channels of |∂S_c/∂x|. */
    public record Saliency(int classIndex, float score, float[] gradient, int channels, Heatmap map) {
    }

    /**
     * The Grad-CAM of class c at a layer with K maps A_k of H'×W': weights α_k = (1/(H'·W'))·Σ_ij ∂S_c/∂A_k(i, j), map
     * L = ReLU(Σ_k α_k·A_k) at the layer's resolution ({@code coarse}), then resized bilinearly to the input
     * ({@code map}, {@link Heatmap#resized}).
     */
    public record GradCam(int classIndex, String nodeId, Shape layerShape, float score, float[] channelWeights,
                          Heatmap coarse, Heatmap map) {
    }

    /**
     * Occlusion sensitivity: the probability of class c with a patch×patch square of {@code fill} at each position
     * (left edges {@code xs}, top edges {@code ys}; {@code probabilities} is ys.length × xs.length, row-major), the
     * probability without the square ({@code baseline}), and per input pixel the mean drop baseline − p over the
     * positions whose square covers it ({@code map}; red where hiding the pixel hurts the class).
     */
    public record Occlusion(int classIndex, int patch, int stride, float baseline, int[] xs, int[] ys,
                            float[] probabilities, Heatmap map) {
        public float probability(int row, int column) {
            return probabilities[row * xs.length + column];
        }
    }

    /** Class probabilities of one image. */
    public float[] probabilities(float[] image) {
        checkImage(image);
        single.forward(image, 0, 1, false, 0);
        return Arrays.copyOf(single.probabilities(), model.classes());
    }

    /** Saliency of class {@code classIndex}: one forward and one backward pass. */
    public Saliency saliency(float[] image, int classIndex) {
        float score = backpropagateScore(image, classIndex);
        int c = input.depth(), h = input.height(), w = input.width(), plane = h * w;
        float[] gradient = Arrays.copyOf(single.inputGradient(), c * plane);
        float[] map = new float[plane];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < plane; p++) map[p] = Math.max(map[p], Math.abs(gradient[ch * plane + p]));
        }
        return new Saliency(classIndex, score, gradient, c, new Heatmap(w, h, map));
    }

    /** Grad-CAM of class {@code classIndex} at node {@code nodeId} (one of {@link #gradCamLayers}). */
    public GradCam gradCam(float[] image, int classIndex, String nodeId) {
        LayerReport r = model.report().find(nodeId).orElseThrow(() -> new IllegalArgumentException(
                "Grad-CAM: the network has no layer \"" + nodeId + "\""));
        Shape shape = r.output();
        if (!isSpatial(shape) || nodeId.equals(model.inputId())) {
            throw new IllegalArgumentException("Grad-CAM needs a layer with feature maps; " + nodeId + " gives " + shape
                    + (nodeId.equals(model.inputId()) ? " (the input)" : " (no height and width to map)"));
        }
        float score = backpropagateScore(image, classIndex);
        int k = shape.depth(), plane = shape.width() * shape.height();
        float[] a = single.activation(nodeId), da = single.activationGradient(nodeId);
        float[] alpha = new float[k];
        float[] cam = new float[plane];
        for (int ch = 0; ch < k; ch++) {
            double sum = 0;
            for (int p = 0; p < plane; p++) sum += da[ch * plane + p];
            alpha[ch] = (float) (sum / plane);
        }
        for (int p = 0; p < plane; p++) {
            double v = 0;
            for (int ch = 0; ch < k; ch++) v += alpha[ch] * a[ch * plane + p];
            cam[p] = (float) Math.max(0, v);
        }
        Heatmap coarse = new Heatmap(shape.width(), shape.height(), cam);
        return new GradCam(classIndex, nodeId, shape, score, alpha, coarse, coarse.resized(input.width(), input.height()));
    }

    /**
     * Occlusion sensitivity for class {@code classIndex}: a patch×patch square slides over the image in steps of
     * {@code stride} (one more position at the right and bottom edges when the steps do not end there, so every pixel is
     * covered), each square filled with {@code fill[c]} in channel c (the training set's mean, 0 after normalisation,
     * is a neutral grey). Costs one forward pass per position, {@value #OCCLUSION_BATCH} at a time: a 28×28 image with
     * patch 6 and stride 2 has 12·12 = 144 positions.
     *
     * @param progress told after every batch of positions; returning false cancels
     */
    public Occlusion occlusion(float[] image, int classIndex, int patch, int stride, float[] fill, Progress progress) {
        checkImage(image);
        checkClass(classIndex);
        int c = input.depth(), h = input.height(), w = input.width(), plane = h * w, size = c * plane;
        if (patch < 1 || patch > Math.min(w, h)) {
            throw new IllegalArgumentException("occlusion: the patch must be 1 to " + Math.min(w, h) + " pixels (the image is "
                    + w + "×" + h + "), not " + patch);
        }
        if (stride < 1) throw new IllegalArgumentException("occlusion: the stride must be at least 1, not " + stride);
        if (fill.length != c) {
            throw new IllegalArgumentException("occlusion: one fill value per channel (" + c + ") is needed, got " + fill.length);
        }
        int[] xs = positions(w, patch, stride), ys = positions(h, patch, stride);
        int total = xs.length * ys.length;
        float baseline = probabilities(image)[classIndex];
        float[] probs = new float[total];
        int chunk = Batches.fit(model, Math.min(OCCLUSION_BATCH, total));
        if (batch == null || batch.maxBatch() < chunk) batch = model.newWorker(chunk, true);
        float[] copies = new float[chunk * size];
        int k = model.classes();
        for (int first = 0; first < total; first += chunk) {
            int n = Math.min(chunk, total - first);
            for (int i = 0; i < n; i++) {
                int pos = first + i;
                int x0 = xs[pos % xs.length], y0 = ys[pos / xs.length];
                System.arraycopy(image, 0, copies, i * size, size);
                for (int ch = 0; ch < c; ch++) {
                    for (int y = y0; y < y0 + patch; y++) {
                        int row = i * size + ch * plane + y * w;
                        Arrays.fill(copies, row + x0, row + x0 + patch, fill[ch]);
                    }
                }
            }
            batch.forward(copies, 0, n, false, 0);
            float[] p = batch.probabilities();
            for (int i = 0; i < n; i++) probs[first + i] = p[i * k + classIndex];
            if (!progress.proceed(first + n, total)) throw new Progress.CancelledException();
        }
        float[] drop = new float[plane];
        int[] count = new int[plane];
        for (int row = 0; row < ys.length; row++) {
            for (int col = 0; col < xs.length; col++) {
                float d = baseline - probs[row * xs.length + col];
                for (int y = ys[row]; y < ys[row] + patch; y++) {
                    for (int x = xs[col]; x < xs[col] + patch; x++) {
                        drop[y * w + x] += d;
                        count[y * w + x]++;
                    }
                }
            }
        }
        for (int p = 0; p < plane; p++) drop[p] = count[p] == 0 ? Float.NaN : drop[p] / count[p];
        return new Occlusion(classIndex, patch, stride, baseline, xs, ys, probs, new Heatmap(w, h, drop));
    }

    /**
     * Left (or top) edges of a patch sliding over {@code length} pixels: 0, S, 2S, … up to length − patch, and
     * length − patch itself when the steps miss it. Example: 28 pixels, patch 6, stride 4: 0, 4, …, 20, then 22.
     */
    public static int[] positions(int length, int patch, int stride) {
        List<Integer> p = new ArrayList<>();
        for (int x = 0; x + patch <= length; x += stride) p.add(x);
        if (p.get(p.size() - 1) != length - patch) p.add(length - patch);
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The layers Grad-CAM can use: every node but the input whose output has feature maps (H·W &gt; 1), in order. */
    public static List<String> gradCamLayers(Model model) {
        List<String> ids = new ArrayList<>();
        for (Node n : model.order()) {
            if (!n.id().equals(model.inputId()) && isSpatial(model.report().layer(n.id()).output())) ids.add(n.id());
        }
        return ids;
    }

    /** The last convolution, Grad-CAM's usual layer (the best compromise of meaning and resolution), or null. */
    public static String defaultGradCamLayer(Model model) {
        String last = null;
        for (Node n : model.order()) {
            if (n.layer() instanceof LayerSpec.Conv2D && isSpatial(model.report().layer(n.id()).output())) last = n.id();
        }
        List<String> all = gradCamLayers(model);
        return last != null ? last : all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static boolean isSpatial(Shape s) {
        return (long) s.width() * s.height() > 1;
    }

    /** Forward pass, then back-propagates the class score S_c alone; returns S_c. */
    private float backpropagateScore(float[] image, int classIndex) {
        checkImage(image);
        checkClass(classIndex);
        single.forward(image, 0, 1, false, 0);
        float[] seed = new float[model.classes()];
        seed[classIndex] = 1f;
        single.seedLogitGradient(seed);
        single.backward();
        return single.logits()[classIndex];
    }

    private void checkImage(float[] image) {
        if (image.length != input.size()) {
            throw new IllegalArgumentException("the network takes " + input + " = " + input.size() + " values, the image has "
                    + image.length);
        }
    }

    private void checkClass(int classIndex) {
        if (classIndex < 0 || classIndex >= model.classes()) {
            throw new IllegalArgumentException("class " + classIndex + " is outside 0.." + (model.classes() - 1));
        }
    }
}
