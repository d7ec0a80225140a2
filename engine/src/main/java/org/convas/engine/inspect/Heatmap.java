package org.convas.engine.inspect;

import java.util.Arrays;

/**
 * A W×H map of values, row-major: value (x, y) is at y·W + x. Saliency, Grad-CAM and occlusion maps over the input
 * image are heatmaps; NaN marks a pixel without a value.
 */
public record Heatmap(int width, int height, float[] values) {

    public Heatmap {
        if (width < 1 || height < 1) throw new IllegalArgumentException("a heatmap needs W, H ≥ 1, got " + width + "×" + height);
        if (values.length != width * height) {
            throw new IllegalArgumentException("a " + width + "×" + height + " heatmap holds " + width * height + " values, not " + values.length);
        }
    }

    public float value(int x, int y) {
        return values[y * width + x];
    }

    /** Smallest value, NaN ignored (NaN when every value is NaN). */
    public float min() {
        float m = Float.NaN;
        for (float v : values) if (!Float.isNaN(v) && (Float.isNaN(m) || v < m)) m = v;
        return m;
    }

    /** Largest value, NaN ignored (NaN when every value is NaN). */
    public float max() {
        float m = Float.NaN;
        for (float v : values) if (!Float.isNaN(v) && (Float.isNaN(m) || v > m)) m = v;
        return m;
    }

    /**
     * Bilinear resize to W'×H' with PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)} rule:
     * output pixel x' samples the source at x = (x' + 0.5)·W/W' − 0.5, clamped to [0, W − 1], between its two
     * neighbours. Example: 2 → 4 samples at −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1):
     * [a, b] → [a, 0.75a + 0.25b, 0.25a + 0.75b, b].
     */
    public Heatmap resized(int newWidth, int newHeight) {
        float[] out = new float[newWidth * newHeight];
        double sx = (double) width / newWidth, sy = (double) height / newHeight;
        for (int y = 0; y < newHeight; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, height - 1), y1 = Math.min(y0 + 1, height - 1);
            double ty = fy - y0;
            for (int x = 0; x < newWidth; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, width - 1), x1 = Math.min(x0 + 1, width - 1);
                double tx = fx - x0;
                double top = values[y0 * width + x0] * (1 - tx) + values[y0 * width + x1] * tx;
                double bottom = values[y1 * width + x0] * (1 - tx) + values[y1 * width + x1] * tx;
                out[y * newWidth + x] = (float) (top * (1 - ty) + bottom * ty);
            }
        }
        return new Heatmap(newWidth, newHeight, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Heatmap h && h.width == width && h.height == height && Arrays.equals(h.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Heatmap " + width + "×" + height + " [" + min() + " … " + max() + "]";
    }
}
