package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order, whoever runs it.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of the additions to the implementation, and HotSpot uses that
 * freedom: C2's compiled reduction adds in a different order than the interpreter and C1 (which run the
 * library's Java loop), so a kernel's sums would change, in their last bits, the moment C2 compiled it. A
 * training run's loss curve then depended on when that happened, and two runs with the same seed in one JVM
 * were not bit-identical. Here the halves are folded onto each other with lane-wise adds (lane i + lane
 * i + L/2, then i + L/4, …): every lane-wise add is exact IEEE arithmetic in every tier, so the result is
 * the same interpreted, in C1 and in C2.
 */
final class VectorLanes {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rotations by L/2, L/4, …, 1 lanes; the species' lane count is a power of two. */
    private static final VectorShuffle<Float> R16 = rotation(16), R8 = rotation(8), R4 = rotation(4),
            R2 = rotation(2), R1 = rotation(1);

    private VectorLanes() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        return by < L ? SPECIES.iotaShuffle(by, 1, true) : null;
    }

    /**
     * The lanes' sum: after folding by L/2, …, 1, lane 0 holds it. For up to 32 lanes (1024-bit vectors);
     * wider species fold the extra halves first.
     */
    static float sum(FloatVector v) {
        for (int half = L / 2; half > 16; half /= 2) {
            v = v.add(v.rearrange(SPECIES.iotaShuffle(half, 1, true)));
        }
        if (L > 16) v = v.add(v.rearrange(R16));
        if (L > 8) v = v.add(v.rearrange(R8));
        if (L > 4) v = v.add(v.rearrange(R4));
        if (L > 2) v = v.add(v.rearrange(R2));
        if (L > 1) v = v.add(v.rearrange(R1));
        return v.lane(0);
    }
}
