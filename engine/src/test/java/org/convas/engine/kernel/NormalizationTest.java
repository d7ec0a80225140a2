package org.convas.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchNorm's passes, scalar and vector, against the formulas in double precision. */
class NormalizationTest {

    private static List<Normalization.Ops> both() {
        Normalization.Ops vector = Normalization.vector().orElseThrow(() -> new AssertionError("jdk.incubator.vector is not in the test JVM"));
        return List.of(Normalization.scalar(), vector);
    }

    private static float[] gaussian(int n, double mean, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + random.nextGaussian());
        return v;
    }

    @Test
    void shiftedSumsMatchDoublePrecision() {
        for (int n : new int[]{1, 7, 16, 49, 196, 785}) {
            float[] x = gaussian(n + 3, 2.5, n);
            float shift = 2.2f;
            double s1 = 0, s2 = 0;
            for (int i = 3; i < n + 3; i++) {
                double d = (double) x[i] - shift;
                s1 += d;
                s2 += d * d;
            }
            for (Normalization.Ops ops : both()) {
                float[] sums = new float[2];
                ops.shiftedSums(x, 3, n, shift, sums);
                assertEquals(s1, sums[0], 1e-5 * n, ops + " n=" + n);
                assertEquals(s2, sums[1], 1e-5 * (s2 + 1), ops + " n=" + n);
            }
        }
    }

    @Test
    void normalizeWritesTheOutputAndTheFusedRelu() {
        int n = 37;
        float[] x = gaussian(n + 2, 0.3, 1);
        x[5] = Float.NaN;
        for (Normalization.Ops ops : both()) {
            float[] y = new float[n + 2], r = new float[n + 2];
            ops.normalize(x, 2, n, 0.3f, 1.7f, 0.8f, -0.1f, y, r);
            for (int i = 2; i < n + 2; i++) {
                double expected = 0.8 * ((x[i] - 0.3) * 1.7) - 0.1;
                if (i == 5) {
                    assertTrue(Float.isNaN(y[i]) && Float.isNaN(r[i]), "NaN stays NaN through the fused ReLU");
                    continue;
                }
                assertEquals(expected, y[i], 1e-6, ops + " at " + i);
                assertEquals(Math.max(y[i], 0f), r[i], ops + " at " + i);
            }
            assertEquals(0f, y[0]);
            assertEquals(0f, r[1]);
            float[] only = new float[n + 2];
            ops.normalize(x, 2, n, 0.3f, 1.7f, 0.8f, -0.1f, null, only);
            assertEquals(r[20], only[20]);
        }
    }

    @Test
    void gradientPassesMatchTheFormulaWithAndWithoutTheReluMask() {
        int n = 51;
        float[] x = gaussian(n, 0.4, 2), dy = gaussian(n, 0, 3), mask = gaussian(n, 0, 4), dxStart = gaussian(n, 0, 5);
        float mean = 0.4f, inv = 1.3f, k = 0.02f, m = 400f;
        for (float[] relu : new float[][]{null, mask}) {
            double sd = 0, sdx = 0;
            for (int i = 0; i < n; i++) {
                double g = relu == null || relu[i] > 0 ? dy[i] : 0;
                sd += g;
                sdx += g * ((x[i] - mean) * inv);
            }
            for (Normalization.Ops ops : both()) {
                float[] sums = new float[2];
                ops.gradientSums(dy, relu, x, 0, n, mean, inv, sums);
                assertEquals(sd, sums[0], 1e-5, ops.toString());
                assertEquals(sdx, sums[1], 1e-5, ops.toString());
                for (boolean overwrite : new boolean[]{false, true}) {
                    float[] dx = dxStart.clone();
                    ops.inputGradient(dy, relu, x, 0, n, mean, inv, k, m, (float) sd, (float) sdx, dx, overwrite);
                    for (int i = 0; i < n; i++) {
                        double g = relu == null || relu[i] > 0 ? dy[i] : 0;
                        double v = k * (m * g - sd - (x[i] - mean) * inv * sdx);
                        assertEquals((overwrite ? 0 : dxStart[i]) + v, dx[i], 1e-4, ops + " at " + i);
                    }
                }
            }
        }
    }
}
