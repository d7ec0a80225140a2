package org.convas.engine.inspect;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Model;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the values inside a network are distributed: a histogram and percentiles of every weight tensor, and of every
 * layer's output on a fixed set of probe images (evaluation mode), with the two failures the lectures warn about:
 * <ul>
 *   <li><b>dead ReLUs</b>: units (channels of a convolutional layer, units of a flat one) whose ReLU output is 0 for
 *       every probe image at every position; no gradient reaches their weights through them any more;</li>
 *   <li><b>saturation</b>: Sigmoid outputs below 0.01 or above 0.99, Tanh outputs beyond ±0.99 (the local gradient
 *       is below 0.01, so learning through them stalls).</li>
 * </ul>
 */
public final class LayerStatistics {

    /** Bins of every histogram. */
    public static final int BINS = 40;
    /** The percentiles kept, TensorBoard's "distributions": min, 7 %, 16 %, 31 %, 50 %, 69 %, 84 %, 93 %, max. */
    public static final double[] PERCENTILES = {0, 0.0668, 0.1587, 0.3085, 0.5, 0.6915, 0.8413, 0.9332, 1};

    private LayerStatistics() {
    }

    /**
     * Counts of values in {@code bins} equal bins over [min, max] (the last bin includes max); a constant tensor gets
     * the range [v − 0.5, v + 0.5]. NaN and infinite values are counted apart in {@code nonFinite}.
     */
    public record Histogram(double min, double max, long[] counts, long nonFinite) {
        public double binWidth() {
            return (max - min) / counts.length;
        }

        public long total() {
            long t = 0;
            for (long c : counts) t += c;
            return t;
        }
    }

    /** Summary of a set of values: mean, standard deviation, {@link #PERCENTILES} and a histogram. */
    public record Distribution(double mean, double std, double[] percentiles, Histogram histogram) {
    }

    /** One weight tensor ("conv1.weight"). */
    public record Weights(String parameter, String nodeId, Distribution distribution) {
    }

    /**
     * One layer's output over the probe images.
     *
     * @param units          channels (or units of a flat output)
     * @param deadFraction   for a ReLU: the fraction of its units that are 0 on every probe image; NaN for other layers
     * @param zeroFraction   fraction of exact zeros among all its outputs
     * @param saturatedFraction for a Sigmoid or Tanh: fraction of outputs in the flat tails; NaN for other layers
     */
    public record Activations(String nodeId, String type, Shape shape, int units, Distribution distribution,
                              double deadFraction, double zeroFraction, double saturatedFraction) {
    }

    public record Report(int probeImages, List<Weights> weights, List<Activations> activations) {
        public Activations activations(String nodeId) {
            return activations.stream().filter(a -> a.nodeId().equals(nodeId)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("no layer " + nodeId));
        }

        public Weights weights(String parameter) {
            return weights.stream().filter(w -> w.parameter().equals(parameter)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("no weight tensor " + parameter));
        }
    }

    /**
     * Statistics of every weight tensor and of every layer's output on {@code n} probe images.
     *
     * @param probe n images of W·H·C values in (C, H, W) order, one after the other
     */
    public static Report compute(Model model, float[] probe, int n) {
        int inSize = Math.toIntExact(model.inputShape().size());
        if (n < 1 || probe.length < (long) n * inSize) {
            throw new IllegalArgumentException("layer statistics need at least one probe image of " + inSize + " values; got "
                    + probe.length + " values for " + n + " images");
        }
        List<Weights> weights = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (p.kind() == Parameter.Kind.WEIGHT) weights.add(new Weights(p.name(), p.nodeId(), distribution(p.value(), 0, p.size())));
        }
        ModelWorker executor = model.newWorker(n, true);
        executor.forward(probe, 0, n, false, 0);
        List<Activations> activations = new ArrayList<>();
        for (Node node : model.order()) {
            if (node.id().equals(model.inputId())) continue;
            Shape shape = model.report().layer(node.id()).output();
            int size = Math.toIntExact(shape.size());
            float[] a = executor.activation(node.id());
            int units = shape.depth(), plane = shape.width() * shape.height();
            long zeros = 0;
            for (int i = 0; i < n * size; i++) if (a[i] == 0f) zeros++;
            double dead = Double.NaN, saturated = Double.NaN;
            LayerSpec layer = node.layer();
            if (layer instanceof LayerSpec.ReLU) {
                int deadUnits = 0;
                for (int u = 0; u < units; u++) {
                    boolean alive = false;
                    for (int s = 0; s < n && !alive; s++) {
                        int o = s * size + u * plane;
                        for (int q = 0; q < plane; q++) {
                            if (a[o + q] != 0f) {
                                alive = true;
                                break;
                            }
                        }
                    }
                    if (!alive) deadUnits++;
                }
                dead = (double) deadUnits / units;
            } else if (layer instanceof LayerSpec.Sigmoid || layer instanceof LayerSpec.Tanh) {
                boolean sigmoid = layer instanceof LayerSpec.Sigmoid;
                long tails = 0;
                for (int i = 0; i < n * size; i++) {
                    float v = a[i];
                    if (sigmoid ? v < 0.01f || v > 0.99f : Math.abs(v) > 0.99f) tails++;
                }
                saturated = (double) tails / ((long) n * size);
            }
            activations.add(new Activations(node.id(), layer.type(), shape, units, distribution(a, 0, n * size), dead,
                    (double) zeros / ((long) n * size), saturated));
        }
        return new Report(n, List.copyOf(weights), List.copyOf(activations));
    }

    /** Percentiles come from a sorted sample of at most this many values. */
    public static final int PERCENTILE_SAMPLE = 1 << 16;

    /**
     * Mean and standard deviation (population) over the finite values; the histogram counts every finite value; the
     * percentiles are nearest-rank on the sorted finite values, exact up to {@value #PERCENTILE_SAMPLE} of them and
     * beyond that taken on an evenly spaced sample of that many (every k-th value), which keeps a layer of millions of
     * outputs to a sort of 65,536 values.
     */
    public static Distribution distribution(float[] values, int offset, int length) {
        int m = 0;
        double sum = 0;
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float v = values[offset + i];
            if (Float.isFinite(v)) {
                m++;
                sum += v;
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        }
        if (m == 0) {
            double[] nan = new double[PERCENTILES.length];
            Arrays.fill(nan, Double.NaN);
            return new Distribution(Double.NaN, Double.NaN, nan, new Histogram(-0.5, 0.5, new long[BINS], length));
        }
        double mean = sum / m, sq = 0;
        int step = Math.max(1, (m + PERCENTILE_SAMPLE - 1) / PERCENTILE_SAMPLE);
        float[] sample = new float[(m + step - 1) / step];
        int k = 0, seen = 0;
        double min = lo, max = hi;
        if (lo == hi) {
            min -= 0.5;
            max += 0.5;
        }
        long[] counts = new long[BINS];
        double width = (max - min) / BINS;
        for (int i = 0; i < length; i++) {
            float v = values[offset + i];
            if (!Float.isFinite(v)) continue;
            sq += (v - mean) * (v - mean);
            counts[Math.min(BINS - 1, (int) ((v - min) / width))]++;
            if (seen++ % step == 0) sample[k++] = v;
        }
        Arrays.sort(sample, 0, k);
        double[] pct = new double[PERCENTILES.length];
        for (int i = 0; i < pct.length; i++) pct[i] = sample[(int) Math.round(PERCENTILES[i] * (k - 1))];
        pct[0] = lo;                    // the ends are exact whatever the sample
        pct[pct.length - 1] = hi;
        return new Distribution(mean, Math.sqrt(sq / m), pct, new Histogram(min, max, counts, length - m));
    }
}
