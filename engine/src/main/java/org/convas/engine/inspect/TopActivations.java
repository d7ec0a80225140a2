package org.convas.engine.inspect;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.ReceptiveField;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Model;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;

/**
 * For every filter (channel) of a layer, the images of a data set that excite it most, as Zeiler &amp; Fergus show
 * them: each image counts once, with its strongest activation of that filter, and comes with the patch of the input
 * that activation sees (its receptive field, from the calculator, clipped to the image).
 *
 * <p>One forward pass (evaluation mode) per image serves every filter of the layer at once.
 */
public final class TopActivations {

    private static final int BATCH = 64;

    private TopActivations() {
    }

    /**
     * One image's strongest activation of a filter.
     *
     * @param image        index in the data set
     * @param value        the activation
     * @param row          where it is in the map, row and column
     * @param x            the receptive field on the input, clipped to the image: left, top, width, height (pixels)
     */
    public record Hit(int image, int filter, float value, int row, int column, int x, int y, int width, int height) {
    }

    /**
     * @param perFilter for filter k, its hits, strongest first (ties: lower image index first)
     */
    public record Result(String nodeId, Shape shape, ReceptiveField field, int imagesSearched, List<List<Hit>> perFilter) {
        public List<Hit> top(int filter) {
            return perFilter.get(filter);
        }
    }

    /**
     * Searches images 0 … {@code count}−1.
     *
     * @param images image i as W·H·C values in (C, H, W) order, preprocessed as the network takes them
     * @param top    hits kept per filter (Zeiler &amp; Fergus: 9)
     */
    public static Result find(Model model, IntFunction<float[]> images, int count, String nodeId, int top, Progress progress) {
        LayerReport r = model.report().find(nodeId).orElseThrow(() -> new IllegalArgumentException(
                "top activations: the network has no layer \"" + nodeId + "\""));
        if (nodeId.equals(model.inputId())) throw new IllegalArgumentException("top activations: pick a layer, not the input");
        if (top < 1) throw new IllegalArgumentException("top activations: keep at least 1 image per filter, not " + top);
        if (count < 1) throw new IllegalArgumentException("top activations: no images to search");
        Shape shape = r.output(), in = model.inputShape();
        int k = shape.depth(), plane = shape.width() * shape.height(), size = Math.toIntExact(shape.size());
        int inSize = Math.toIntExact(in.size());
        Comparator<Hit> weakestFirst = Comparator.comparingDouble(Hit::value).thenComparing(Comparator.comparingInt(Hit::image).reversed());
        List<PriorityQueue<Hit>> heaps = new ArrayList<>(k);
        for (int f = 0; f < k; f++) heaps.add(new PriorityQueue<>(weakestFirst));
        int chunk = Batches.fit(model, Math.min(BATCH, count));
        ModelWorker executor = model.newWorker(chunk, true);
        float[] batch = new float[chunk * inSize];
        for (int first = 0; first < count; first += chunk) {
            int n = Math.min(chunk, count - first);
            for (int i = 0; i < n; i++) {
                float[] image = images.apply(first + i);
                if (image.length != inSize) {
                    throw new IllegalArgumentException("image " + (first + i) + " has " + image.length + " values; the network takes "
                            + in + " = " + inSize);
                }
                System.arraycopy(image, 0, batch, i * inSize, inSize);
            }
            executor.forward(batch, 0, n, false, 0);
            float[] a = executor.activation(nodeId);
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < k; f++) {
                    int o = i * size + f * plane, best = 0;
                    for (int p = 1; p < plane; p++) if (a[o + p] > a[o + best]) best = p;
                    float v = a[o + best];
                    PriorityQueue<Hit> heap = heaps.get(f);
                    if (heap.size() < top || v > heap.peek().value()) {
                        int row = best / shape.width(), col = best % shape.width();
                        int[] box = region(r.receptiveField(), row, col, in.width(), in.height());
                        heap.add(new Hit(first + i, f, v, row, col, box[0], box[1], box[2], box[3]));
                        if (heap.size() > top) heap.poll();
                    }
                }
            }
            if (!progress.proceed(first + n, count)) throw new Progress.CancelledException();
        }
        List<List<Hit>> perFilter = new ArrayList<>(k);
        for (PriorityQueue<Hit> heap : heaps) {
            List<Hit> hits = new ArrayList<>(heap);
            hits.sort(weakestFirst.reversed());
            perFilter.add(List.copyOf(hits));
        }
        return new Result(nodeId, shape, r.receptiveField(), count, List.copyOf(perFilter));
    }

    /**
     * The input pixels unit (row, column) of a layer sees: centred at (start + column·jump, start + row·jump), size
     * width×height, clipped to the W×H image; returns {x, y, width, height} (the whole image when the field is unknown). Example: LeNet's conv2 (receptive field
     * 14×14, jump 2, start 7) at row 0, column 0 sees input rows and columns 0–13.
     */
    public static int[] region(ReceptiveField f, int row, int column, int imageWidth, int imageHeight) {
        if (f == null) return new int[] {0, 0, imageWidth, imageHeight};   // unknown: the whole image, never a made-up patch
        double cx = f.startX() + column * f.jumpX(), cy = f.startY() + row * f.jumpY();
        int x0 = (int) Math.floor(cx - f.width() / 2.0 + 1e-9), x1 = (int) Math.ceil(cx + f.width() / 2.0 - 1e-9);
        int y0 = (int) Math.floor(cy - f.height() / 2.0 + 1e-9), y1 = (int) Math.ceil(cy + f.height() / 2.0 - 1e-9);
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        x1 = Math.min(imageWidth, x1);
        y1 = Math.min(imageHeight, y1);
        return new int[] {x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)};
    }
}
