package org.convas.engine.teach;

import org.convas.engine.spec.Shape;

import java.util.Arrays;

/**
 * A small activation volume with its numbers, for working through a layer by hand: D×H×W values in (C, H, W)
 * order, as the engine stores one image. Example: the lecture's 7×7 input is {@code Volume.of(1, 7, 7, ...)}.
 *
 * @param depth  D, channels
 * @param height H, rows
 * @param width  W, columns
 * @param values D·H·W values, value (d, r, c) at (d·H + r)·W + c
 */
public record Volume(int depth, int height, int width, double[] values) {

    public Volume {
        if (depth < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a volume needs at least 1×1×1 values (it is " + width + "×" + height + "×" + depth + ")");
        }
        if (values.length != (long) depth * height * width) {
            throw new IllegalArgumentException("a " + width + "×" + height + "×" + depth + " volume holds "
                    + (long) depth * height * width + " values, not " + values.length);
        }
        values = values.clone();
    }

    public static Volume of(int depth, int height, int width, double... values) {
        return new Volume(depth, height, width, values);
    }

    /** Values in (C, H, W) order, e.g. an image as the engine stores it. */
    public static Volume ofFloats(int depth, int height, int width, float[] chw) {
        double[] v = new double[chw.length];
        for (int i = 0; i < v.length; i++) v[i] = chw[i];
        return new Volume(depth, height, width, v);
    }

    public Shape shape() {
        return new Shape(width, height, depth);
    }

    /** The value at channel d, row r, column c; 0 outside the volume (zero padding). */
    public double at(int d, int r, int c) {
        if (r < 0 || r >= height || c < 0 || c >= width) return 0;
        return values[(d * height + r) * width + c];
    }

    public boolean inside(int r, int c) {
        return r >= 0 && r < height && c >= 0 && c < width;
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** The values as floats in (C, H, W) order, for the engine. */
    public float[] toFloats() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Volume v && v.depth == depth && v.height == height && v.width == width && Arrays.equals(v.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * depth + height) + width) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Volume " + shape();
    }
}
