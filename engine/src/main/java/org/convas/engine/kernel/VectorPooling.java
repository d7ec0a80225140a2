package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Pooling} with {@code FloatVector}: L windows of an output row at a time. The 2L inputs of each of the two
 * input rows are loaded as two vectors and split into even and odd columns by two-vector shuffles; the four
 * candidates are then compared in the scalar path's order, lane by lane, with the winner's index carried in an
 * {@code IntVector}. A row shorter than L (VGG-lite's 14 and 7 outputs) runs masked.
 */
final class VectorPooling implements Pooling.Ops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SPECIES.vectorShape());
    private static final int L = SPECIES.length();
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(SPECIES, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(SPECIES, i -> 2 * i + 1);
    private static final IntVector TWICE_LANE = IntVector.fromArray(INTS, twiceLane(), 0);

    private static int[] twiceLane() {
        int[] v = new int[L];
        for (int i = 0; i < L; i++) v[i] = 2 * i;
        return v;
    }

    @Override
    public void max2x2(float[] x, float[] y, int[] switches, int planes, int w, int h, int ho, int wo) {
        int[] scratch = switches == null ? new int[L] : null;
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int r0 = xo + 2 * oy * w;
                int o = yo + oy * wo;
                for (int ox = 0; ox < wo; ox += L) {
                    int lanes = Math.min(L, wo - ox);
                    if (switches != null) {
                        window(x, r0 + 2 * ox, w, lanes, y, o + ox, switches, o + ox);
                    } else {
                        window(x, r0 + 2 * ox, w, lanes, y, o + ox, scratch, 0);  // an evaluation pass keeps none
                    }
                }
            }
        }
    }

    /** Windows whose top-left inputs are i, i+2, …, i+2(lanes−1) (row below at +w), into y at o and switches at s. */
    private static void window(float[] x, int i, int w, int lanes, float[] y, int o, int[] switches, int s) {
        VectorMask<Float> low = SPECIES.indexInRange(0, 2 * lanes);
        VectorMask<Float> high = SPECIES.indexInRange(L, 2 * lanes);
        FloatVector a0 = FloatVector.fromArray(SPECIES, x, i, low);
        FloatVector a1 = FloatVector.fromArray(SPECIES, x, i + L, high);
        FloatVector b0 = FloatVector.fromArray(SPECIES, x, i + w, low);
        FloatVector b1 = FloatVector.fromArray(SPECIES, x, i + w + L, high);
        FloatVector best = a0.rearrange(EVEN, a1);
        IntVector first = TWICE_LANE.add(i);
        FloatVector v = a0.rearrange(ODD, a1);
        VectorMask<Float> up = v.compare(VectorOperators.LE, best).not();
        best = best.blend(v, up);
        IntVector arg = first.blend(first.add(1), up.cast(INTS));
        v = b0.rearrange(EVEN, b1);
        up = v.compare(VectorOperators.LE, best).not();
        best = best.blend(v, up);
        arg = arg.blend(first.add(w), up.cast(INTS));
        v = b0.rearrange(ODD, b1);
        up = v.compare(VectorOperators.LE, best).not();
        best = best.blend(v, up);
        arg = arg.blend(first.add(w + 1), up.cast(INTS));
        VectorMask<Float> out = SPECIES.indexInRange(0, lanes);
        best.intoArray(y, o, out);
        arg.intoArray(switches, s, INTS.indexInRange(0, lanes));
    }
}
