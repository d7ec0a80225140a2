package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} with {@code FloatVector}: the preferred width, each row's last partial vector masked (a
 * row of 14 or 28 values, VGG-lite's conv outputs, would otherwise run mostly in a scalar tail), lane sums
 * reduced once per call.
 */
final class VectorElementwise implements Elementwise.Ops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /**
     * Two-vector shuffles (an index of L or more takes lane index − L of the second vector): the even and the odd
     * lanes of 2L consecutive floats.
     */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(SPECIES, t -> 2 * t);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(SPECIES, t -> 2 * t + 1);

    @Override
    public float copySum(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                         int width, int rows) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int full = width / L * L;
        VectorMask<Float> tail = SPECIES.indexInRange(full, width);
        for (int r = 0, s = srcOff, d = dstOff; r < rows; r++, s += srcStride, d += dstStride) {
            for (int i = 0; i < full; i += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, src, s + i);
                v.intoArray(dst, d + i);
                acc = acc.add(v);
            }
            if (full < width) {
                FloatVector v = FloatVector.fromArray(SPECIES, src, s + full, tail);
                v.intoArray(dst, d + full, tail);
                acc = acc.add(v);
            }
        }
        return VectorLanes.sum(acc);
    }

    @Override
    public float reluGradientSum(float[] dy, int dyOff, float[] y, int yOff, int srcStride, float[] dst, int dstOff,
                                 int dstStride, int width, int rows) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int full = width / L * L;
        VectorMask<Float> tail = SPECIES.indexInRange(full, width);
        for (int r = 0, s = dyOff, t = yOff, d = dstOff; r < rows; r++, s += srcStride, t += srcStride, d += dstStride) {
            for (int i = 0; i < full; i += L) {
                FloatVector v = reluGradient(FloatVector.fromArray(SPECIES, dy, s + i), FloatVector.fromArray(SPECIES, y, t + i));
                v.intoArray(dst, d + i);
                acc = acc.add(v);
            }
            if (full < width) {
                // Masked-off lanes load 0 and give 0·0 + 0 = 0: they add nothing to the sum.
                FloatVector v = reluGradient(FloatVector.fromArray(SPECIES, dy, s + full, tail),
                        FloatVector.fromArray(SPECIES, y, t + full, tail));
                v.intoArray(dst, d + full, tail);
                acc = acc.add(v);
            }
        }
        return VectorLanes.sum(acc);
    }

    private static FloatVector reluGradient(FloatVector d, FloatVector x) {
        return d.mul(0f).blend(d, x.compare(VectorOperators.GT, 0f)).add(0f);
    }

    @Override
    public void add(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int width, int rows) {
        int full = width / L * L;
        VectorMask<Float> tail = SPECIES.indexInRange(full, width);
        for (int r = 0, s = srcOff, d = dstOff; r < rows; r++, s += srcStride, d += dstStride) {
            for (int i = 0; i < full; i += L) {
                FloatVector.fromArray(SPECIES, dst, d + i).add(FloatVector.fromArray(SPECIES, src, s + i))
                        .intoArray(dst, d + i);
            }
            if (full < width) {
                FloatVector.fromArray(SPECIES, dst, d + full, tail).add(FloatVector.fromArray(SPECIES, src, s + full, tail))
                        .intoArray(dst, d + full, tail);
            }
        }
    }

    @Override
    public void biasRelu(float[] src, int srcOff, int srcStride, float bias, float[] y, int yOff, float[] relu,
                         int reluOff, int dstStride, int width, int rows) {
        int full = width / L * L;
        VectorMask<Float> tail = SPECIES.indexInRange(full, width);
        for (int r = 0, s = srcOff, d = yOff, q = reluOff; r < rows; r++, s += srcStride, d += dstStride, q += dstStride) {
            for (int i = 0; i < full; i += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, src, s + i).add(bias);
                v.intoArray(y, d + i);
                if (relu != null) relu(v).intoArray(relu, q + i);
            }
            if (full < width) {
                FloatVector v = FloatVector.fromArray(SPECIES, src, s + full, tail).add(bias);
                v.intoArray(y, d + full, tail);
                if (relu != null) relu(v).intoArray(relu, q + full, tail);
            }
        }
    }

    @Override
    public void relu(float[] x, float[] y, int n) {
        int full = n / L * L;
        for (int i = 0; i < full; i += L) relu(FloatVector.fromArray(SPECIES, x, i)).intoArray(y, i);
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            relu(FloatVector.fromArray(SPECIES, x, full, tail)).intoArray(y, full, tail);
        }
    }

    @Override
    public void reluGradient(float[] dy, float[] x, float[] dx, int n, boolean overwrite) {
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, dy, i);
            FloatVector g = d.mul(0f).blend(d, FloatVector.fromArray(SPECIES, x, i).compare(VectorOperators.GT, 0f));
            (overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dx, i)).add(g).intoArray(dx, i);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector d = FloatVector.fromArray(SPECIES, dy, full, tail);
            FloatVector g = d.mul(0f).blend(d, FloatVector.fromArray(SPECIES, x, full, tail).compare(VectorOperators.GT, 0f));
            (overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dx, full, tail)).add(g).intoArray(dx, full, tail);
        }
    }

    @Override
    public void accumulate(float[] src, float[] dst, int n, boolean overwrite) {
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, src, i);
            (overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dst, i)).add(v).intoArray(dst, i);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector v = FloatVector.fromArray(SPECIES, src, full, tail);
            (overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, dst, full, tail)).add(v).intoArray(dst, full, tail);
        }
    }

    @Override
    public void sum(float[] a, float[] b, float[] y, int n) {
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector.fromArray(SPECIES, a, i).add(FloatVector.fromArray(SPECIES, b, i)).intoArray(y, i);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector.fromArray(SPECIES, a, full, tail).add(FloatVector.fromArray(SPECIES, b, full, tail)).intoArray(y, full, tail);
        }
    }

    @Override
    public void splitPairs(float[] x, int from, float[] dst, int even, int odd, int count) {
        int evens = (count + 1) / 2, odds = count / 2;
        int t = 0;
        // 2L values in, L even and L odd ones out (the last ones stored under a mask); where 2L values from the
        // start would reach past x, the scalar loops finish.
        for (; t < evens && from + 2 * t + 2 * L <= x.length; t += L) {
            FloatVector a = FloatVector.fromArray(SPECIES, x, from + 2 * t);
            FloatVector b = FloatVector.fromArray(SPECIES, x, from + 2 * t + L);
            FloatVector e = a.rearrange(EVENS, b), o = a.rearrange(ODDS, b);
            if (odds - t >= L) {
                e.intoArray(dst, even + t);
                o.intoArray(dst, odd + t);
            } else {
                e.intoArray(dst, even + t, SPECIES.indexInRange(t, evens));
                o.intoArray(dst, odd + t, SPECIES.indexInRange(t, odds));
            }
        }
        for (int u = t; u < evens; u++) dst[even + u] = x[from + 2 * u];
        for (int u = t; u < odds; u++) dst[odd + u] = x[from + 2 * u + 1];
    }

    /**
     * max(NaN, 0) must stay NaN (Math.max does); the vector max would also give NaN, but a select on v &gt; 0
     * spells the rule out: 0 where v &lt;= 0, v otherwise (NaN fails v &lt;= 0 and passes through).
     */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LE, 0f));
    }
}
