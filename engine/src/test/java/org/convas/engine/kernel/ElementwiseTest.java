package org.convas.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElementwiseTest {

    private static List<Elementwise.Ops> both() {
        Elementwise.Ops vector = Elementwise.vector().orElseThrow(() -> new AssertionError("jdk.incubator.vector is not in the test JVM"));
        return List.of(Elementwise.scalar(), vector);
    }

    @Test
    void copySumCopiesExactlyAndSumsWithinRounding() {
        Random random = new Random(1);
        for (int n : new int[]{0, 1, 7, 16, 33, 784, 1001}) {
            float[] src = new float[n + 5];
            for (int i = 0; i < src.length; i++) src[i] = (float) random.nextGaussian();
            for (Elementwise.Ops ops : both()) {
                float[] dst = new float[n + 3];
                float s = ops.copySum(src, 5, n, dst, 3, n, n, 1);
                double oracle = 0, magnitude = 0;
                for (int i = 0; i < n; i++) {
                    assertEquals(src[5 + i], dst[3 + i]);
                    oracle += src[5 + i];
                    magnitude += Math.abs(src[5 + i]);
                }
                assertEquals(oracle, s, 1e-6 * magnitude + 1e-7, ops + " n=" + n);
            }
        }
    }

    @Test
    void reluGradientPassesWherePositiveAndSumsLikeCopySum() {
        Random random = new Random(2);
        int n = 203;
        float[] dy = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            dy[i] = (float) random.nextGaussian();
            y[i] = i % 5 == 0 ? 0f : (float) random.nextGaussian();
        }
        y[7] = Float.NaN;           // NaN > 0 is false: blocked, as in the ReLU layer
        y[11] = -1f;               // with dy[11] = NaN: 0·NaN = NaN, a NaN gradient is not silently hidden
        for (Elementwise.Ops ops : both()) {
            dy[11] = Float.NaN;
            float[] dst = new float[n];
            float s = ops.reluGradientSum(dy, 0, y, 0, n, dst, 0, n, n, 1);
            for (int i = 0; i < n; i++) {
                float expected = 0f + (y[i] > 0f ? dy[i] : 0f * dy[i]);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(dst[i]), ops + " at " + i);
            }
            assertTrue(Float.isNaN(s));
            dst[11] = 0f;
            float[] copy = new float[n];
            dy[11] = 0f;
            float masked = ops.reluGradientSum(dy, 0, y, 0, n, dst, 0, n, n, 1);
            assertEquals(Float.floatToIntBits(ops.copySum(dst, 0, n, copy, 0, n, n, 1)), Float.floatToIntBits(masked),
                    "the same sum as copySum over the masked values");
        }
    }

    @Test
    void addAccumulatesOntoTheTarget() {
        for (Elementwise.Ops ops : both()) {
            for (int n : new int[]{0, 5, 16, 37}) {
                float[] src = new float[n + 2], dst = new float[n + 4];
                for (int i = 0; i < src.length; i++) src[i] = i * 0.5f;
                for (int i = 0; i < dst.length; i++) dst[i] = -i;
                ops.add(src, 2, n, dst, 1, n, n, 1);
                assertEquals(0f, dst[0]);
                for (int i = 0; i < n; i++) assertEquals(-(i + 1) + (i + 2) * 0.5f, dst[1 + i], ops + " n=" + n);
                for (int i = n + 1; i < dst.length; i++) assertEquals(-i, dst[i], "untouched past n");
            }
        }
    }

    @Test
    void biasReluWritesTheSumAndItsReluAsMathMaxWould() {
        float[] special = {-0f, 0f, -1e-30f, 1e-30f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -3f, 2f};
        int n = 45;
        float[] src = new float[n + 1];
        Random random = new Random(4);
        for (int i = 0; i < src.length; i++) src[i] = i < special.length ? special[i] : (float) random.nextGaussian();
        for (Elementwise.Ops ops : both()) {
            for (float bias : new float[]{0f, 0.25f}) {
                float[] y = new float[n + 2], relu = new float[n + 3], plain = new float[n + 2];
                ops.biasRelu(src, 1, n - 1, bias, y, 2, relu, 3, n - 1, n - 1, 1);
                ops.biasRelu(src, 1, n - 1, bias, plain, 2, null, 0, n - 1, n - 1, 1);
                for (int i = 0; i < n - 1; i++) {
                    float v = src[1 + i] + bias;
                    assertEquals(Float.floatToIntBits(v), Float.floatToIntBits(y[2 + i]), ops + " y at " + i);
                    assertEquals(Float.floatToIntBits(v), Float.floatToIntBits(plain[2 + i]), ops + " y without relu at " + i);
                    assertEquals(Float.floatToIntBits(Math.max(v, 0f)), Float.floatToIntBits(relu[3 + i]), ops + " relu at " + i);
                }
            }
        }
    }
    @Test
    void rowsWithTheirOwnStridesLeaveTheGapsUntouchedOnBothPaths() {
        // 5 rows of 14 values: source rows 16 apart (a conv's output grid), destination rows 14 apart (dense), and back.
        int rows = 5, width = 14, grid = 16, dense = 14;
        Random random = new Random(9);
        float[] src = new float[3 + rows * grid], y = new float[2 + rows * grid];
        for (int i = 0; i < src.length; i++) src[i] = (float) random.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = (float) random.nextGaussian();
        for (Elementwise.Ops ops : both()) {
            float[] out = new float[1 + rows * dense + 2], relu = new float[1 + rows * dense + 2];
            java.util.Arrays.fill(out, 9f);
            java.util.Arrays.fill(relu, 9f);
            ops.biasRelu(src, 3, grid, 0.5f, out, 1, relu, 1, dense, width, rows);
            float[] back = new float[rows * grid + 4], masked = new float[rows * grid + 4];
            java.util.Arrays.fill(back, 7f);
            java.util.Arrays.fill(masked, 7f);
            float sum = ops.copySum(out, 1, dense, back, 2, grid, width, rows);
            float maskedSum = ops.reluGradientSum(src, 3, y, 2, grid, masked, 2, grid, width, rows);
            float[] acc = new float[rows * grid + 4];
            ops.add(src, 3, grid, acc, 2, grid, width, rows);
            double want = 0, wantMasked = 0;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < width; j++) {
                    float v = src[3 + r * grid + j] + 0.5f;
                    assertEquals(v, out[1 + r * dense + j], ops + " y");
                    assertEquals(Math.max(v, 0f), relu[1 + r * dense + j], ops + " relu");
                    assertEquals(v, back[2 + r * grid + j], ops + " copy");
                    float g = 0f + (y[2 + r * grid + j] > 0f ? src[3 + r * grid + j] : 0f * src[3 + r * grid + j]);
                    assertEquals(g, masked[2 + r * grid + j], ops + " masked gradient");
                    assertEquals(src[3 + r * grid + j], acc[2 + r * grid + j], ops + " add");
                    want += v;
                    wantMasked += g;
                }
                for (int j = width; j < grid && r < rows - 1; j++) {
                    assertEquals(7f, back[2 + r * grid + j], ops + " gap after copied row " + r);
                    assertEquals(7f, masked[2 + r * grid + j], ops + " gap after masked row " + r);
                    assertEquals(0f, acc[2 + r * grid + j], ops + " gap after added row " + r);
                }
            }
            assertEquals(9f, out[0]);
            assertEquals(9f, out[1 + rows * dense], ops + " nothing past the last dense row");
            assertEquals(want, sum, 1e-5 * rows * width, ops + " sum");
            assertEquals(wantMasked, maskedSum, 1e-5 * rows * width, ops + " masked sum");
        }
    }

    @Test
    void reluGradientAndAccumulateAddOrOverwriteAsOntoAClearedBuffer() {
        Random random = new Random(8);
        int n = 37;
        float[] dy = new float[n], x = new float[n], start = new float[n];
        for (int i = 0; i < n; i++) {
            dy[i] = (float) random.nextGaussian();
            x[i] = i % 3 == 0 ? -1f : (float) random.nextGaussian();
            start[i] = (float) random.nextGaussian();
        }
        dy[4] = -0f;
        for (Elementwise.Ops ops : both()) {
            for (boolean overwrite : new boolean[]{false, true}) {
                float[] dx = start.clone(), acc = start.clone();
                ops.reluGradient(dy, x, dx, n, overwrite);
                ops.accumulate(dy, acc, n, overwrite);
                for (int i = 0; i < n; i++) {
                    float base = overwrite ? 0f : start[i];
                    assertEquals(Float.floatToIntBits(base + (x[i] > 0f ? dy[i] : 0f * dy[i])), Float.floatToIntBits(dx[i]), ops + " at " + i);
                    assertEquals(Float.floatToIntBits(base + dy[i]), Float.floatToIntBits(acc[i]), ops + " at " + i);
                }
            }
        }
    }

    /**
     * A row split into its even and odd values against the definition, for
     * rows shorter and longer than two vectors, odd and even, and rows at the very end of their array (where the
     * vector kernel must leave the values it may not read to its scalar loop). Only the values named are written.
     */
    @Test
    void aRowSplitsIntoItsEvenAndOddValuesWhateverItsLengthAndPlace() {
        Random random = new Random(9);
        for (int count : new int[]{1, 2, 3, 13, 14, 15, 28, 31, 32, 33, 56, 64, 65, 100}) {
            for (boolean atEnd : new boolean[]{false, true}) {
                int from = 3;
                float[] x = new float[from + count + (atEnd ? 0 : 40)];
                for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
                int evens = (count + 1) / 2, odds = count / 2, even = 5, odd = even + evens + 7;
                for (Elementwise.Ops ops : both()) {
                    String where = ops + " count " + count + (atEnd ? " at the array's end" : "");
                    float[] dst = new float[odd + odds + (atEnd ? 0 : 40)];
                    java.util.Arrays.fill(dst, -7f);
                    ops.splitPairs(x, from, dst, even, odd, count);
                    for (int i = 0; i < dst.length; i++) {
                        float want = i >= even && i < even + evens ? x[from + 2 * (i - even)]
                                : i >= odd && i < odd + odds ? x[from + 2 * (i - odd) + 1] : -7f;
                        assertEquals(want, dst[i], where + ": split value " + i);
                    }
                }
            }
        }
    }
}
