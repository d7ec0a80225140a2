package org.convas.visualizer.inspect;

/**
 * Turns float maps (filter weights, activation maps, images; layout C×H×W, row-major) into opaque ARGB pixels.
 * Plain Java with no JavaFX, so the numbers are tested without a window.
 *
 * <p>Two contrast normalisations, both per map (per filter, per activation map, per image):
 * <ul>
 * <li>{@link Normalisation#MIN_MAX}: level = round(255·(v − min)/(max − min)). Example: values
 *     {-2, 0, 6} give levels {0, 64, 255}. A constant map (max = min) is drawn black.</li>
 * <li>{@link Normalisation#SYMMETRIC}: zero stays in the middle: level = round(127.5 + 127.5·v/max|v|).
 *     Example: values {-2, 0, 6} give {85, 128, 255}: positive and negative weights stay comparable.
 *     An all-zero map is drawn at the middle level.</li>
 * </ul>
 * NaN values count as neither min nor max and are drawn at level 0 (so a diverging run shows black holes).
 */
public final class MapPixels {

    /** How values are stretched to the 0..255 display range. */
    public enum Normalisation {
        /** Smallest value black, largest white. */
        MIN_MAX,
        /** Zero in the middle, ±max|v| at the ends; pairs well with the diverging colour map. */
        SYMMETRIC
    }

    /** Smallest and largest finite value of a map; both 0 when the map has no finite value. */
    public record ValueRange(float min, float max) {
        /** max(|min|, |max|). */
        public float maxAbs() {
            return Math.max(Math.abs(min), Math.abs(max));
        }
    }

    private static final int OPAQUE = 0xFF000000;

    private MapPixels() {
    }

    /** Range of {@code values[offset .. offset+length)}, ignoring NaN and infinities. */
    public static ValueRange range(float[] values, int offset, int length) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = offset, end = offset + length; i < end; i++) {
            float v = values[i];
            if (v < min && v > Float.NEGATIVE_INFINITY) min = v;
            if (v > max && v < Float.POSITIVE_INFINITY) max = v;
        }
        return min > max ? new ValueRange(0f, 0f) : new ValueRange(min, max);
    }

    /** Display level 0..255 of value v in a map with the given range, under the given normalisation. */
    public static int level(float v, ValueRange range, Normalisation normalisation) {
        if (Float.isNaN(v)) return 0;
        if (normalisation == Normalisation.SYMMETRIC) {
            float maxAbs = range.maxAbs();
            if (maxAbs == 0f) return 128;
            return clamp(Math.round(127.5f + 127.5f * v / maxAbs));
        }
        float span = range.max() - range.min();
        if (span <= 0f) return 0;
        return clamp(Math.round(255f * (v - range.min()) / span));
    }

    /** Opaque grey ARGB pixel of a level 0..255. */
    public static int gray(int level) {
        return OPAQUE | level << 16 | level << 8 | level;
    }

    /**
     * Diverging blue–white–red colour of a level (ColorBrewer RdBu ends): 0 → blue (33, 102, 172),
     * 128 → near white (247, 247, 247), 255 → red (178, 24, 43). Linear in between.
     */
    public static int diverging(int level) {
        if (level < 128) {
            float t = level / 128f;
            return rgb(lerp(33, 247, t), lerp(102, 247, t), lerp(172, 247, t));
        }
        float t = (level - 128) / 127f;
        return rgb(lerp(247, 178, t), lerp(247, 24, t), lerp(247, 43, t));
    }

    /** Opaque ARGB from 0..255 components. */
    public static int rgb(int r, int g, int b) {
        return OPAQUE | clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    /**
     * Draws one H×W plane {@code values[offset ..]} into {@code argb[0 .. H·W)}, normalised over that plane.
     *
     * @param diverging blue–white–red instead of grey
     * @return the plane's value range (shown next to an enlarged map)
     */
    public static ValueRange renderPlane(float[] values, int offset, int height, int width,
                                         Normalisation normalisation, boolean diverging, int[] argb) {
        int n = height * width;
        ValueRange range = range(values, offset, n);
        for (int i = 0; i < n; i++) {
            int level = level(values[offset + i], range, normalisation);
            argb[i] = diverging ? diverging(level) : gray(level);
        }
        return range;
    }

    /**
     * Like {@link #renderPlane} but keeps only every {@code step}-th row and column (nearest-neighbour shrink),
     * for maps larger than their tile: a 224×224 map with step 2 becomes 112×112, a quarter of the pixels.
     * Output size ⌈H/step⌉×⌈W/step⌉; pixel (y, x) shows values[(y·step)·W + x·step]. The range is still taken
     * over the whole plane, so a small bright spot between the kept pixels still sets the contrast.
     */
    public static ValueRange renderPlaneSampled(float[] values, int offset, int height, int width, int step,
                                                Normalisation normalisation, boolean diverging, int[] argb) {
        if (step < 1) {
            throw new IllegalArgumentException("renderPlaneSampled: step must be ≥ 1, got " + step);
        }
        ValueRange range = range(values, offset, height * width);
        int i = 0;
        for (int y = 0; y < height; y += step) {
            int row = offset + y * width;
            for (int x = 0; x < width; x += step) {
                int level = level(values[row + x], range, normalisation);
                argb[i++] = diverging ? diverging(level) : gray(level);
            }
        }
        return range;
    }

    /** Output edge of {@link #renderPlaneSampled}: ⌈size / step⌉. */
    public static int sampledSize(int size, int step) {
        return (size + step - 1) / step;
    }

    /**
     * Draws three planes (R, G, B) of a 3×H×W block in colour, normalised jointly over all three planes so the
     * colour balance survives (a filter that mostly weighs red stays red).
     */
    public static ValueRange renderRgb(float[] values, int offset, int height, int width,
                                       Normalisation normalisation, int[] argb) {
        int n = height * width;
        ValueRange range = range(values, offset, 3 * n);
        for (int i = 0; i < n; i++) {
            argb[i] = OPAQUE
                    | level(values[offset + i], range, normalisation) << 16
                    | level(values[offset + n + i], range, normalisation) << 8
                    | level(values[offset + 2 * n + i], range, normalisation);
        }
        return range;
    }

    /**
     * Mean over the C channels of a C×H×W block into {@code mean[0 .. H·W)}:
     * mean[y·W + x] = (1/C)·Σ_c values[offset + c·H·W + y·W + x].
     */
    public static void channelMean(float[] values, int offset, int channels, int height, int width, float[] mean) {
        int n = height * width;
        java.util.Arrays.fill(mean, 0, n, 0f);
        for (int c = 0; c < channels; c++) {
            int base = offset + c * n;
            for (int i = 0; i < n; i++) {
                mean[i] += values[base + i];
            }
        }
        float inv = 1f / channels;
        for (int i = 0; i < n; i++) {
            mean[i] *= inv;
        }
    }

    /**
     * Draws a C×H×W image the way a person expects to see it: C = 3 in colour (joint min–max), C = 1 in grey,
     * any other C as the grey channel mean. Min–max normalised, so images standardised to mean 0 and std 1
     * look the same as images in 0..1.
     *
     * @param scratch at least H·W floats, used only when C is neither 1 nor 3
     */
    public static ValueRange renderImage(float[] chw, int channels, int height, int width, int[] argb,
                                         float[] scratch) {
        requireLength("image", chw, channels, height, width);
        if (channels == 3) {
            return renderRgb(chw, 0, height, width, Normalisation.MIN_MAX, argb);
        }
        if (channels == 1) {
            return renderPlane(chw, 0, height, width, Normalisation.MIN_MAX, false, argb);
        }
        channelMean(chw, 0, channels, height, width, scratch);
        return renderPlane(scratch, 0, height, width, Normalisation.MIN_MAX, false, argb);
    }

    /** Checks that a C×H×W array has the advertised length, naming what it is in the message. */
    static void requireLength(String what, float[] values, int channels, int height, int width) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(what + ": C, H and W must be positive, got C=" + channels
                    + ", H=" + height + ", W=" + width);
        }
        long expected = (long) channels * height * width;
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException(what + ": expected C·H·W = " + channels + "·" + height + "·" + width
                    + " = " + expected + " values, got " + (values == null ? "null" : values.length));
        }
    }

    private static int lerp(int a, int b, float t) {
        return Math.round(a + (b - a) * t);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
