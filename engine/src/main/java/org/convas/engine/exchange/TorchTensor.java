package org.convas.engine.exchange;

import java.util.Arrays;

/**
 * One tensor of a PyTorch state_dict as Convas holds it: its dtype name ("float32", "int64"…), its shape and its
 * values in row-major (C) order, converted to float. Integer tensors (BatchNorm's {@code num_batches_tracked}) keep
 * their dtype so they are written back as such.
 */
public record TorchTensor(String dtype, long[] shape, float[] values) {

    public TorchTensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) n *= d;
        if (n != values.length) {
            throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " holds " + n + " values, not " + values.length);
        }
    }

    public static TorchTensor float32(long[] shape, float[] values) {
        return new TorchTensor("float32", shape, values);
    }

    /** "2×1×3×3", or "scalar". */
    public String shapeText() {
        if (shape.length == 0) return "scalar";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : "×").append(shape[i]);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchTensor t && t.dtype.equals(dtype) && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TorchTensor[" + dtype + " " + shapeText() + "]";
    }
}
