package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Stencil} with {@code FloatVector}: the preferred width over the grid (row ends included, so 14- and 28-wide
 * rows still fill the vectors), the last partial vector masked; the dot products of a few taps at a time share the
 * load of {@code a}, each kept in its own vector accumulator and folded once ({@link VectorLanes}).
 */
final class VectorStencil implements Stencil.Ops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    @Override
    public void correlate(float[] src, int srcOff, int[] offsets, float[] w, int wOff, int taps, float[] dst, int dstOff, int n) {
        int full = n / L * L;
        for (int p = 0; p < full; p += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(SPECIES, src, srcOff + offsets[t] + p).fma(FloatVector.broadcast(SPECIES, w[wOff + t]), acc);
            }
            acc.intoArray(dst, dstOff + p);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(SPECIES, src, srcOff + offsets[t] + full, tail)
                        .fma(FloatVector.broadcast(SPECIES, w[wOff + t]), acc);
            }
            acc.intoArray(dst, dstOff + full, tail);
        }
    }

    @Override
    public void tapDots(float[] a, int aOff, float[] src, int srcOff, int[] offsets, int taps, int n, float[] dots) {
        int full = n / L * L;
        VectorMask<Float> tail = SPECIES.indexInRange(full, n);
        int t = 0;
        // Three taps at a time: one load of a for three products.
        for (; t + 3 <= taps; t += 3) {
            int s0 = srcOff + offsets[t], s1 = srcOff + offsets[t + 1], s2 = srcOff + offsets[t + 2];
            FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES), c2 = FloatVector.zero(SPECIES);
            for (int p = 0; p < full; p += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, a, aOff + p);
                c0 = v.fma(FloatVector.fromArray(SPECIES, src, s0 + p), c0);
                c1 = v.fma(FloatVector.fromArray(SPECIES, src, s1 + p), c1);
                c2 = v.fma(FloatVector.fromArray(SPECIES, src, s2 + p), c2);
            }
            if (full < n) {
                FloatVector v = FloatVector.fromArray(SPECIES, a, aOff + full, tail);
                c0 = v.fma(FloatVector.fromArray(SPECIES, src, s0 + full, tail), c0);
                c1 = v.fma(FloatVector.fromArray(SPECIES, src, s1 + full, tail), c1);
                c2 = v.fma(FloatVector.fromArray(SPECIES, src, s2 + full, tail), c2);
            }
            dots[t] = VectorLanes.sum(c0);
            dots[t + 1] = VectorLanes.sum(c1);
            dots[t + 2] = VectorLanes.sum(c2);
        }
        for (; t < taps; t++) {
            int s0 = srcOff + offsets[t];
            FloatVector c0 = FloatVector.zero(SPECIES);
            for (int p = 0; p < full; p += L) {
                c0 = FloatVector.fromArray(SPECIES, a, aOff + p).fma(FloatVector.fromArray(SPECIES, src, s0 + p), c0);
            }
            if (full < n) {
                c0 = FloatVector.fromArray(SPECIES, a, aOff + full, tail).fma(FloatVector.fromArray(SPECIES, src, s0 + full, tail), c0);
            }
            dots[t] = VectorLanes.sum(c0);
        }
    }
}
