package org.convas.engine.data;

import java.util.Arrays;
import org.convas.engine.spec.Shape;

/**
 * A float volume W×H×D stored C×H×W, e.g. the mean image or the standard-deviation image of a
 * training set, for the visualizer to draw. The array is copied in and out: the record is immutable.
 */
public record FloatImage(Shape shape, float[] values) {

    public FloatImage {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(shape + " needs " + shape.size() + " values, got " + values.length);
        }
        values = values.clone();
    }

    @Override
    public float[] values() { return values.clone(); }

    /** Value of channel c at row y, column x. */
    public float get(int c, int y, int x) {
        return values[(c * shape.height() + y) * shape.width() + x];
    }

    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : values) m = Math.min(m, v);
        return m;
    }

    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) m = Math.max(m, v);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage f && shape.equals(f.shape) && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(values); }

    @Override
    public String toString() { return "FloatImage " + shape + " [" + min() + ", " + max() + "]"; }
}
