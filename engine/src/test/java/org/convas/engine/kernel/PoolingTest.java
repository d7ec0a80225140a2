package org.convas.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 2×2 max pooling, vector and scalar, against the window scanned in row order (first maximum wins, NaN wins). */
class PoolingTest {

    private static List<Pooling.Ops> both() {
        Pooling.Ops vector = Pooling.vector().orElseThrow(() -> new AssertionError("jdk.incubator.vector is not in the test JVM"));
        return List.of(Pooling.scalar(), vector);
    }

    @Test
    void maximaAndSwitchesFollowTheRowOrderRuleOnEveryWidth() {
        Random random = new Random(11);
        // Widths below, at and above a vector's 16 or 8 lanes, odd sizes (last row and column unused), ties, NaN.
        for (int[] size : new int[][]{{28, 28}, {14, 14}, {7, 7}, {2, 2}, {5, 9}, {66, 4}, {33, 3}}) {
            int w = size[0], h = size[1], ho = h / 2, wo = w / 2, planes = 3;
            float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) {
                int kind = random.nextInt(10);
                x[i] = kind < 4 ? 0f : kind == 4 ? -0f : kind == 5 ? Float.NaN : kind == 6 ? 1f : (float) random.nextGaussian();
            }
            float[] want = new float[planes * ho * wo];
            int[] wantArg = new int[want.length];
            for (int p = 0; p < planes; p++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                int i = p * h * w + (2 * oy + dy) * w + 2 * ox + dx;
                                if (arg < 0 || !(x[i] <= best)) {
                                    best = x[i];
                                    arg = i;
                                }
                            }
                        }
                        want[(p * ho + oy) * wo + ox] = best;
                        wantArg[(p * ho + oy) * wo + ox] = arg;
                    }
                }
            }
            for (Pooling.Ops ops : both()) {
                float[] y = new float[want.length + 3];
                int[] switches = new int[want.length + 3];
                float[] values = new float[want.length + 3];
                java.util.Arrays.fill(y, 7f);
                java.util.Arrays.fill(values, 7f);
                java.util.Arrays.fill(switches, -7);
                ops.max2x2(x, y, switches, planes, w, h, ho, wo);
                ops.max2x2(x, values, null, planes, w, h, ho, wo);
                for (int o = 0; o < want.length; o++) {
                    String where = ops.getClass().getSimpleName() + " " + w + "×" + h + " output " + o;
                    assertEquals(Float.floatToIntBits(want[o]), Float.floatToIntBits(y[o]), where);
                    assertEquals(Float.floatToIntBits(want[o]), Float.floatToIntBits(values[o]), where + " (values only)");
                    assertEquals(wantArg[o], switches[o], where + " switch");
                }
                for (int o = want.length; o < y.length; o++) {
                    assertEquals(7f, y[o], "nothing written past the output");
                    assertEquals(-7, switches[o], "nothing written past the switches");
                }
            }
        }
    }
}
