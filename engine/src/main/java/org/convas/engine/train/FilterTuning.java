package org.convas.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * How much a bank of convolution filters looks like what trained first layers look like: oriented edge and bar
 * detectors (Gabor-like) and blob detectors (centre-surround). Two measures per filter, both 0..1, both also
 * computed for random filters so a trained bank can be compared with its random start:
 *
 * <ul>
 *   <li><b>Orientation selectivity</b> (the circular-variance index used for V1 neurons): the filter's response
 *   to sine gratings at 16 orientations θ, phase-invariant (the magnitude of its Fourier coefficient at
 *   frequency f·(cos θ, sin θ), after removing its mean), at the frequency f where it responds most;
 *   OSI = |Σ R(θ) e^{2iθ}| / Σ R(θ). 0: the same response at every orientation; 1: it responds to one
 *   orientation only. Small filters are broadly tuned, so the figures are modest: the 3×3 Sobel filter
 *   {@code [-1 0 1; -2 0 2; -1 0 1]} scores 0.375, a round Gaussian blob 0, random 5×5 filters about 0.2.</li>
 *   <li><b>Template match</b>: the largest |cosine similarity| between the filter and a dictionary of Gabor
 *   patches (16 orientations, 8 phases, 4 wavelengths, centred or shifted by one pixel) and blob patches
 *   (Gaussians and differences of Gaussians, 3 sizes). A learned edge detector matches one of them closely;
 *   a random filter matches only by chance.</li>
 * </ul>
 *
 * Filters with several input channels (an RGB first layer) are measured on the sum of their channels, the
 * part a grey edge drives. Shapes: weights in (K, D, F_h, F_w) order, as {@link TrainingEvents.FilterBank}.
 */
public final class FilterTuning {

    /** Orientations of the gratings and Gabor templates: every 180/16 = 11.25°. */
    static final int ORIENTATIONS = 16;

    /**
     * One filter's figures.
     *
     * @param orientationSelectivity  OSI, 0..1
     * @param preferredOrientation   degrees counter-clockwise from horizontal as seen, 0..180: the stripes it prefers
 *                                (a vertical edge detector: 90)
     * @param templateMatch           largest |cosine| with a Gabor or blob template, 0..1
     * @param template                which template matched best, e.g. "Gabor 45°" or "blob"
     */
    public record Tuning(double orientationSelectivity, double preferredOrientation, double templateMatch, String template) {
    }

    /** Figures of a whole bank: the per-filter ones and their means. */
    public record Bank(List<Tuning> filters, double meanOrientationSelectivity, double meanTemplateMatch) {
        /** "orientation selectivity 0.62, match with edge/blob templates 0.81". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "orientation selectivity %.2f, match with edge/blob templates %.2f",
                    meanOrientationSelectivity, meanTemplateMatch);
        }
    }

    private FilterTuning() {
    }

    /** Measures every filter of a bank (weights K·D·H·W in that order). */
    public static Bank of(float[] weights, int filters, int depth, int height, int width) {
        int size = depth * height * width;
        if (weights.length != (long) filters * size) {
            throw new IllegalArgumentException("expected " + filters + "·" + depth + "·" + height + "·" + width + " = "
                    + (long) filters * size + " weights, got " + weights.length);
        }
        List<Template> templates = templates(height, width);
        List<Tuning> out = new ArrayList<>(filters);
        double osi = 0, match = 0;
        for (int k = 0; k < filters; k++) {
            double[] f = new double[height * width];
            for (int c = 0; c < depth; c++) {
                for (int i = 0; i < height * width; i++) f[i] += weights[k * size + c * height * width + i];
            }
            Tuning t = tune(f, height, width, templates);
            out.add(t);
            osi += t.orientationSelectivity();
            match += t.templateMatch();
        }
        return new Bank(List.copyOf(out), filters == 0 ? 0 : osi / filters, filters == 0 ? 0 : match / filters);
    }

    /** The figures of one grey filter (H·W values, row by row). */
    public static Tuning of(float[] filter, int height, int width) {
        return of(filter, 1, 1, height, width).filters().get(0);
    }

    private static Tuning tune(double[] f, int h, int w, List<Template> templates) {
        double[] centred = f.clone();
        double mean = 0;
        for (double v : centred) mean += v;
        mean /= centred.length;
        for (int i = 0; i < centred.length; i++) centred[i] -= mean;

        // Grating responses: the preferred frequency is the one with the largest response at any orientation.
        double[] best = null;
        double bestPeak = -1;
        int maxSide = Math.max(h, w);
        for (int fi = 1; fi <= 2 * maxSide; fi++) {
            double freq = 0.5 * fi / (2 * maxSide); // up to Nyquist, 0.5 cycle per pixel
            if (freq < 1.0 / (2 * maxSide)) continue;
            double[] r = new double[ORIENTATIONS];
            double peak = 0;
            for (int o = 0; o < ORIENTATIONS; o++) {
                double theta = Math.PI * o / ORIENTATIONS;
                double kx = 2 * Math.PI * freq * Math.cos(theta), ky = 2 * Math.PI * freq * Math.sin(theta);
                double re = 0, im = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double phase = kx * x + ky * y;
                        re += centred[y * w + x] * Math.cos(phase);
                        im += centred[y * w + x] * Math.sin(phase);
                    }
                }
                r[o] = Math.hypot(re, im);
                peak = Math.max(peak, r[o]);
            }
            if (peak > bestPeak) {
                bestPeak = peak;
                best = r;
            }
        }
        double sum = 0, cx = 0, sy = 0;
        for (int o = 0; o < ORIENTATIONS; o++) {
            double angle = 2 * Math.PI * o / ORIENTATIONS; // 2θ: orientation is periodic in 180°
            sum += best[o];
            cx += best[o] * Math.cos(angle);
            sy += best[o] * Math.sin(angle);
        }
        double osi = sum == 0 ? 0 : Math.hypot(cx, sy) / sum;
        // The wave vector's direction (clockwise as seen: image y points down); the stripes run at right angles to
        // it, reported counter-clockwise from horizontal as seen, like the teaching sets' classes.
        double waveDeg = Math.toDegrees(Math.atan2(sy, cx) / 2);
        double stripes = seen(waveDeg);

        double norm = 0;
        for (double v : f) norm += v * v;
        norm = Math.sqrt(norm);
        double bestMatch = 0;
        String bestName = "none";
        if (norm > 0) {
            for (Template t : templates) {
                double dot = 0;
                for (int i = 0; i < f.length; i++) dot += f[i] * t.values[i];
                double m = Math.abs(dot) / norm;
                if (m > bestMatch) {
                    bestMatch = m;
                    bestName = t.name;
                }
            }
        }
        return new Tuning(osi, stripes, Math.min(1, bestMatch), bestName);
    }

    /** Stripes' orientation as seen (counter-clockwise, 0..180) for a wave vector at {@code waveDegrees} in image coordinates. */
    private static double seen(double waveDegrees) {
        return ((90 - waveDegrees) % 180 + 180) % 180;
    }

    /** A unit-length patch. */
    private record Template(String name, double[] values) {
    }

    private static List<Template> templates(int h, int w) {
        List<Template> out = new ArrayList<>();
        double cy0 = (h - 1) / 2.0, cx0 = (w - 1) / 2.0;
        int side = Math.max(h, w);
        int shift = side >= 5 ? 1 : 0;
        for (int dy = -shift; dy <= shift; dy++) {
            for (int dx = -shift; dx <= shift; dx++) {
                double cy = cy0 + dy, cx = cx0 + dx;
                for (double lambdaShare : new double[] {0.5, 0.75, 1.0, 1.5}) {
                    double lambda = Math.max(2.0, lambdaShare * side);
                    double sigma = 0.45 * lambda;
                    for (int o = 0; o < ORIENTATIONS; o++) {
                        double theta = Math.PI * o / ORIENTATIONS;
                        for (int p = 0; p < 8; p++) {
                            double phase = Math.PI * p / 8;
                            double[] v = new double[h * w];
                            for (int y = 0; y < h; y++) {
                                for (int x = 0; x < w; x++) {
                                    double u = (x - cx) * Math.cos(theta) + (y - cy) * Math.sin(theta);
                                    double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                                    v[y * w + x] = Math.exp(-r2 / (2 * sigma * sigma)) * Math.cos(2 * Math.PI * u / lambda + phase);
                                }
                            }
                            add(out, String.format(java.util.Locale.ROOT, "Gabor %.0f°", seen(Math.toDegrees(theta))), v);
                        }
                    }
                }
                for (double s : new double[] {0.15, 0.25, 0.4}) {
                    double sc = Math.max(0.5, s * side);
                    double[] blob = new double[h * w], dog = new double[h * w];
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                            double centre = Math.exp(-r2 / (2 * sc * sc));
                            double surround = Math.exp(-r2 / (8 * sc * sc)) / 4;
                            blob[y * w + x] = centre;
                            dog[y * w + x] = centre - surround;
                        }
                    }
                    add(out, "blob", blob);
                    add(out, "centre-surround", dog);
                }
            }
        }
        return out;
    }

    private static void add(List<Template> out, String name, double[] v) {
        double n = 0;
        for (double x : v) n += x * x;
        n = Math.sqrt(n);
        if (n < 1e-9) return;
        for (int i = 0; i < v.length; i++) v[i] /= n;
        out.add(new Template(name, v));
    }
}
