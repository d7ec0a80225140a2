package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Elementwise} with {@code FloatVector}: the preferred width, lane sums reduced once, a scalar tail. */
final class VectorElementwise implements Elementwise.Ops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    @Override
    public float copySum(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, src, srcOff + i);
            v.intoArray(dst, dstOff + i);
            acc = acc.add(v);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = src[srcOff + i];
            dst[dstOff + i] = v;
            s += v;
        }
        return s;
    }

    @Override
    public float reluGradientSum(float[] dy, int dyOff, float[] y, int yOff, float[] dst, int dstOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, dy, dyOff + i);
            FloatVector x = FloatVector.fromArray(SPECIES, y, yOff + i);
            FloatVector v = d.mul(0f).blend(d, x.compare(VectorOperators.GT, 0f)).add(0f);
            v.intoArray(dst, dstOff + i);
            acc = acc.add(v);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = dy[dyOff + i];
            float v = 0f + (y[yOff + i] > 0f ? d : 0f * d);
            dst[dstOff + i] = v;
            s += v;
        }
        return s;
    }

    @Override
    public void add(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(SPECIES, dst, dstOff + i).add(FloatVector.fromArray(SPECIES, src, srcOff + i))
                    .intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] += src[srcOff + i];
    }

    @Override
    public void biasRelu(float[] src, int srcOff, float bias, float[] y, int yOff, float[] relu, int reluOff, int n) {
        int i = 0;
        if (relu == null) {
            for (; i <= n - L; i += L) FloatVector.fromArray(SPECIES, src, srcOff + i).add(bias).intoArray(y, yOff + i);
            for (; i < n; i++) y[yOff + i] = src[srcOff + i] + bias;
            return;
        }
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, src, srcOff + i).add(bias);
            v.intoArray(y, yOff + i);
            // max(NaN, 0) must stay NaN (Math.max does); the vector max would also give NaN, but a select on v > 0
            // spells the rule out: 0 where v <= 0, v otherwise (NaN fails v <= 0 and passes through).
            v.blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(relu, reluOff + i);
        }
        for (; i < n; i++) {
            float v = src[srcOff + i] + bias;
            y[yOff + i] = v;
            relu[reluOff + i] = Math.max(v, 0f);
        }
    }
}
