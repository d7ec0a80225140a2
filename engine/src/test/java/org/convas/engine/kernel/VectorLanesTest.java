package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The lane sum's order does not change when HotSpot compiles it. {@code reduceLanes(ADD)} failed this: its
 * compiled form adds in another order than the interpreter, and training curves moved in their last bits
 * once C2 had compiled the kernels (seen as a resumed run differing from the uninterrupted one in CI).
 */
class VectorLanesTest {

    /** The documented order: fold the upper half onto the lower, lane-wise, until one lane is left. */
    private static float folded(float[] lanes) {
        float[] v = lanes.clone();
        for (int n = v.length; n > 1; n /= 2) {
            for (int i = 0; i < n / 2; i++) {
                v[i] = v[i] + v[i + n / 2];
            }
        }
        return v[0];
    }

    @Test
    void sumIsTheFoldedOrderBeforeAndAfterTheJitCompilesIt() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        Random random = new Random(5);
        float[] data = new float[lanes * 512];
        for (int i = 0; i < data.length; i++) {
            // Magnitudes over six decades, so that a different order changes the rounded sum.
            data[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(6)));
        }
        int differentFromSequential = 0;
        // Enough calls for C1 and then C2 to compile sum() while the loop runs (C2's threshold is ~10^4).
        for (int call = 0; call < 200_000; call++) {
            int at = (call % 512) * lanes;
            float[] lanesOf = java.util.Arrays.copyOfRange(data, at, at + lanes);
            float want = folded(lanesOf);
            float got = VectorLanes.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, data, at));
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), "call " + call + ": " + want + " vs " + got);
            if (call < 512) {
                float sequential = 0f;
                for (float x : lanesOf) sequential += x;
                if (sequential != want) differentFromSequential++;
            }
        }
        // The data are such that order matters: otherwise this test could not see a change of order.
        if (lanes > 2) {
            assertEquals(true, differentFromSequential > 50, "order-sensitive sums: " + differentFromSequential);
        }
    }
}
