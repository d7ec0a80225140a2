package org.convas.app.inspect;

import org.convas.engine.data.PreparedDataset;
import org.convas.engine.inspect.Explainer;
import org.convas.engine.inspect.Heatmap;
import org.convas.engine.inspect.Progress;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.visualizer.inspect.HeatmapPixels.Scale;

import java.util.List;
import java.util.Locale;

/**
 * What the Explain view asks for and what it gets back, and the computation between them (no JavaFX: tested without a
 * window). The class is the network's prediction unless one is chosen.
 */
final class Explanation {

    private Explanation() {
    }

    enum Method {
        SALIENCY("Saliency"), GRAD_CAM("Grad-CAM"), OCCLUSION("Occlusion");

        private final String title;

        Method(String title) {
            this.title = title;
        }

        @Override
        public String toString() {
            return title;
        }
    }

    /**
     * @param classIndex the class to explain, or −1 for the predicted one
     * @param layer      Grad-CAM's layer, or null for the last convolution
     * @param patch      occlusion: the square's side, or 0 for about a fifth of the image's side
     * @param stride     occlusion: its step, or 0 for half the patch
     */
    record Request(Method method, int classIndex, String layer, int patch, int stride, List<String> classNames,
                   PreparedDataset data) {
    }

    /**
     * @param values the map over the image, W×H row-major
     * @param layers the layers Grad-CAM can use in this network (for the chooser)
     */
    record Result(Snapshot snapshot, Request request, int classIndex, float[] values, int width, int height, Scale scale,
                  String caption, String format, List<String> layers, String layer, int patch, int stride) {
        String text(double v) {
            return String.format(Locale.ROOT, format, v);
        }
    }

    /** Occlusion's default square: a fifth of the shorter side, at least 1 (28 → 6, 32 → 6, 224 → 45). */
    static int defaultPatch(Shape input) {
        return Math.max(1, Math.round(Math.min(input.width(), input.height()) / 5f));
    }

    /** Half the patch, at least 1. */
    static int defaultStride(int patch) {
        return Math.max(1, patch / 2);
    }

    /**
     * The occluding square's value in each channel: the mean of the prepared data set's images, i.e. the average
     * "grey" the network saw in training (0 after per-channel normalisation; the value then carries no signal).
     */
    static float[] meanPerChannel(PreparedDataset data, int images) {
        Shape s = data.shape();
        int plane = s.width() * s.height();
        double[] sum = new double[s.depth()];
        int n = Math.min(images, data.size());
        for (int i = 0; i < n; i++) {
            float[] x = data.inputs(i);
            for (int c = 0; c < s.depth(); c++) for (int p = 0; p < plane; p++) sum[c] += x[c * plane + p];
        }
        float[] mean = new float[s.depth()];
        for (int c = 0; c < mean.length; c++) mean[c] = n == 0 ? 0 : (float) (sum[c] / ((double) n * plane));
        return mean;
    }

    /** Where a caption says which weights it explains; the view puts {@link Moment#of} there. */
    static final String WHEN = "{when}";

    static Result compute(InspectFeed.Source source, Request request, Progress progress) {
        Snapshot s = source.snapshot();
        Explainer explainer = new Explainer(source.model());
        Shape in = source.model().inputShape();
        if (!in.equals(s.imageShape())) {
            throw new IllegalArgumentException("the image is " + s.imageShape() + " but the network takes " + in);
        }
        int classes = source.model().classes();
        int c = request.classIndex() >= 0 && request.classIndex() < classes ? request.classIndex() : s.predicted();
        String name = c < request.classNames().size() ? request.classNames().get(c) : "class " + c;
        float p = s.probabilities()[c];
        String who = "“" + name + "” (p = " + String.format(Locale.ROOT, "%.2f", p) + ")";
        String when = WHEN;
        List<String> layers = Explainer.gradCamLayers(source.model());
        String layer = request.layer() != null && layers.contains(request.layer()) ? request.layer()
                : Explainer.defaultGradCamLayer(source.model());
        int patch = request.patch() > 0 ? request.patch() : defaultPatch(in);
        int stride = request.stride() > 0 ? request.stride() : defaultStride(patch);
        switch (request.method()) {
            case SALIENCY -> {
                Explainer.Saliency sal = explainer.saliency(s.image(), c);
                Heatmap m = sal.map();
                String caption = "Saliency of " + who + ": " + (sal.channels() == 1 ? "|∂S/∂x|" : "max over the " + sal.channels()
                        + " channels of |∂S/∂x|") + ", S the class score (" + String.format(Locale.ROOT, "%.3f", sal.score())
                        + ") before the softmax. Bright pixels change the score most. " + when + ".";
                return new Result(s, request, c, m.values(), m.width(), m.height(), Scale.SEQUENTIAL, caption, "%.3g", layers,
                        layer, patch, stride);
            }
            case GRAD_CAM -> {
                if (layer == null) throw new IllegalArgumentException("Grad-CAM needs a layer with feature maps; this network has none");
                Explainer.GradCam cam = explainer.gradCam(s.image(), c, layer);
                Heatmap m = cam.map();
                int positive = 0;
                for (float w : cam.channelWeights()) if (w > 0) positive++;
                String caption = "Grad-CAM of " + who + " at " + layer + " (" + cam.layerShape() + ", resized to " + in.width()
                        + "×" + in.height() + "): ReLU(Σ αₖ·Aₖ), αₖ the mean gradient of S over map k; " + positive + " of "
                        + cam.channelWeights().length + " maps weigh for the class. " + when + ".";
                return new Result(s, request, c, m.values(), m.width(), m.height(), Scale.SEQUENTIAL, caption, "%.3g", layers,
                        layer, patch, stride);
            }
            case OCCLUSION -> {
                float[] fill = request.data() != null && request.data().shape().equals(in)
                        ? meanPerChannel(request.data(), 1000) : new float[in.depth()];
                Explainer.Occlusion o = explainer.occlusion(s.image(), c, patch, stride, fill, progress);
                int worst = 0;
                for (int i = 1; i < o.probabilities().length; i++) if (o.probabilities()[i] < o.probabilities()[worst]) worst = i;
                int wx = o.xs()[worst % o.xs().length], wy = o.ys()[worst / o.xs().length];
                String caption = String.format(Locale.ROOT, "Occlusion: a %d×%d square of the data's mean every %d pixels, %d "
                                + "positions. p(%s) is %.3f without it, %.3f at its lowest (square at x %d, y %d). Each pixel shows "
                                + "the mean drop in p over the squares covering it: red, hiding it lowers p; blue, raises it. %s.",
                        patch, patch, stride, o.probabilities().length, name, o.baseline(), o.probabilities()[worst], wx, wy, when);
                return new Result(s, request, c, o.map().values(), in.width(), in.height(), Scale.DIVERGING, caption, "%+.3f",
                        layers, layer, patch, stride);
            }
            default -> throw new IllegalStateException();
        }
    }
}
