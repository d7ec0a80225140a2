package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Normalization} with {@code FloatVector}: the preferred width, the run's last partial vector masked (masked-off
 * lanes load 0 and are not stored), lane sums folded once per run in a fixed order ({@link VectorLanes}).
 */
final class VectorNormalization implements Normalization.Ops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    @Override
    public void shiftedSums(float[] x, int off, int n, float shift, float[] sums) {
        FloatVector a = FloatVector.zero(SPECIES), b = FloatVector.zero(SPECIES);
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, off + i).sub(shift);
            a = a.add(d);
            b = d.fma(d, b);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector d = FloatVector.fromArray(SPECIES, x, off + full, tail).sub(shift);
            d = d.blend(0f, tail.not());
            a = a.add(d);
            b = d.fma(d, b);
        }
        sums[0] = VectorLanes.sum(a);
        sums[1] = VectorLanes.sum(b);
    }

    @Override
    public void normalize(float[] x, int off, int n, float mean, float inv, float gamma, float beta, float[] y, float[] relu) {
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, off + i).sub(mean).mul(inv).mul(gamma).add(beta);
            if (y != null) v.intoArray(y, off + i);
            if (relu != null) relu(v).intoArray(relu, off + i);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector v = FloatVector.fromArray(SPECIES, x, off + full, tail).sub(mean).mul(inv).mul(gamma).add(beta);
            if (y != null) v.intoArray(y, off + full, tail);
            if (relu != null) relu(v).intoArray(relu, off + full, tail);
        }
    }

    @Override
    public void gradientSums(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float[] sums) {
        FloatVector a = FloatVector.zero(SPECIES), b = FloatVector.zero(SPECIES);
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector g = gradient(dy, mask, off + i);
            a = a.add(g);
            b = b.add(g.mul(FloatVector.fromArray(SPECIES, x, off + i).sub(mean).mul(inv)));
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector g = gradient(dy, mask, off + full, tail);
            a = a.add(g);
            b = b.add(g.mul(FloatVector.fromArray(SPECIES, x, off + full, tail).sub(mean).mul(inv)), tail);
        }
        sums[0] = VectorLanes.sum(a);
        sums[1] = VectorLanes.sum(b);
    }

    @Override
    public void inputGradient(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float k, float m,
                              float sumDy, float sumDyXhat, float[] dx, boolean overwrite) {
        int full = n / L * L;
        for (int i = 0; i < full; i += L) {
            FloatVector xhat = FloatVector.fromArray(SPECIES, x, off + i).sub(mean).mul(inv);
            FloatVector v = gradient(dy, mask, off + i).mul(m).sub(sumDy).sub(xhat.mul(sumDyXhat)).mul(k);
            v = overwrite ? v.add(0f) : FloatVector.fromArray(SPECIES, dx, off + i).add(v);
            v.intoArray(dx, off + i);
        }
        if (full < n) {
            VectorMask<Float> tail = SPECIES.indexInRange(full, n);
            FloatVector xhat = FloatVector.fromArray(SPECIES, x, off + full, tail).sub(mean).mul(inv);
            FloatVector v = gradient(dy, mask, off + full, tail).mul(m).sub(sumDy).sub(xhat.mul(sumDyXhat)).mul(k);
            v = overwrite ? v.add(0f) : FloatVector.fromArray(SPECIES, dx, off + full, tail).add(v);
            v.intoArray(dx, off + full, tail);
        }
    }

    /**
     * dy, or masked by mask &gt; 0 as 0 + (mask &gt; 0 ? dy : 0·dy) (see {@link Normalization}). Full vectors and the
     * masked tail have a method each: one that chose between the two loads at run time kept C2 from compiling the
     * loads to vector instructions (a profile showed 9 % of a resnet step in the Java fallback of fromArray).
     */
    private static FloatVector gradient(float[] dy, float[] mask, int at) {
        FloatVector d = FloatVector.fromArray(SPECIES, dy, at);
        if (mask == null) return d;
        return masked(d, FloatVector.fromArray(SPECIES, mask, at));
    }

    private static FloatVector gradient(float[] dy, float[] mask, int at, VectorMask<Float> tail) {
        FloatVector d = FloatVector.fromArray(SPECIES, dy, at, tail);
        if (mask == null) return d;
        return masked(d, FloatVector.fromArray(SPECIES, mask, at, tail));
    }

    private static FloatVector masked(FloatVector d, FloatVector r) {
        return d.mul(0f).blend(d, r.compare(VectorOperators.GT, 0f)).add(0f);
    }

    /** max(v, 0) with NaN kept: 0 where v &lt;= 0, v otherwise. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LE, 0f));
    }
}
