package org.convas.visualizer.inspect;

/**
 * Heatmaps over an image, as pixels: a colour scale, and the blend of the scale's colour with the image. Plain Java,
 * tested without a window.
 *
 * <p>Two scales:
 * <ul>
 *   <li>{@link Scale#SEQUENTIAL} for maps that are 0 or more (saliency |∂S/∂x|, Grad-CAM): t = v/max from 0 (dark
 *       purple, transparent over the image) to 1 (bright yellow), through red, like the "inferno" map: brightness
 *       grows with the value, so it reads in grey too.</li>
 *   <li>{@link Scale#DIVERGING} for signed maps (the drop in probability under occlusion): t = v/max|v| from −1
 *       (blue) through 0 (white, transparent) to +1 (red).</li>
 * </ul>
 * The overlay: out = (1 − α·w)·image + α·w·colour, with α the opacity and w the weight of the value (t for sequential,
 * |t| for diverging), so a value of 0 leaves the image untouched whatever the opacity; NaN leaves it untouched too.
 */
public final class HeatmapPixels {

    public enum Scale { SEQUENTIAL, DIVERGING }

    /** Anchors of the sequential scale at t = 0, 0.25, 0.5, 0.75, 1 (sRGB). */
    private static final int[][] INFERNO = {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};

    private HeatmapPixels() {
    }

    /** The scale's end value for a map: max v for sequential (1 when none is positive), max |v| for diverging (1 when 0). */
    public static float extent(float[] values, Scale scale) {
        float m = 0;
        for (float v : values) {
            if (Float.isNaN(v)) continue;
            m = Math.max(m, scale == Scale.SEQUENTIAL ? v : Math.abs(v));
        }
        return m > 0 ? m : 1;
    }

    /** Position of v on the scale: [0, 1] sequential (negative clamped to 0), [−1, 1] diverging; NaN stays NaN. */
    public static float position(float v, float extent, Scale scale) {
        if (Float.isNaN(v)) return Float.NaN;
        float t = v / extent;
        return scale == Scale.SEQUENTIAL ? Math.max(0, Math.min(1, t)) : Math.max(-1, Math.min(1, t));
    }

    /** Opaque ARGB of position t on the scale. */
    public static int colour(float t, Scale scale) {
        if (scale == Scale.DIVERGING) {
            return MapPixels.diverging(Math.round(127.5f + 127.5f * t));
        }
        float f = t * 4;
        int i = Math.min(3, (int) f);
        float u = f - i;
        int[] a = INFERNO[i], b = INFERNO[i + 1];
        return MapPixels.rgb(Math.round(a[0] + (b[0] - a[0]) * u), Math.round(a[1] + (b[1] - a[1]) * u),
                Math.round(a[2] + (b[2] - a[2]) * u));
    }

    /**
     * Blends a W×H heatmap onto W×H image pixels.
     *
     * @param image   opaque ARGB of the image
     * @param values  the heatmap, W·H values row-major
     * @param opacity α in [0, 1]
     * @param out     W·H ARGB pixels
     */
    public static void overlay(int[] image, float[] values, float extent, Scale scale, double opacity, int[] out) {
        for (int i = 0; i < values.length; i++) {
            float t = position(values[i], extent, scale);
            if (Float.isNaN(t)) {
                out[i] = image[i];
                continue;
            }
            double w = opacity * Math.abs(t);
            int c = colour(t, scale), p = image[i];
            int r = (int) Math.round((1 - w) * (p >> 16 & 255) + w * (c >> 16 & 255));
            int g = (int) Math.round((1 - w) * (p >> 8 & 255) + w * (c >> 8 & 255));
            int b = (int) Math.round((1 - w) * (p & 255) + w * (c & 255));
            out[i] = MapPixels.rgb(r, g, b);
        }
    }
}
