package org.convas.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Products with a shifted B (rows are overlapping windows of one array) against the same product written out
 * with B gathered into an ordinary matrix and multiplied in double precision; both kernels, both register tiles.
 */
class ShiftedGemmTest {

    private static List<GemmKernel> kernels() {
        List<GemmKernel> k = new ArrayList<>(List.of(Gemm.scalarKernel(), new VectorGemm(4), new VectorGemm(8)));
        assertTrue(Gemm.vectorKernel().isPresent(), "jdk.incubator.vector is not in the test JVM");
        return k;
    }

    /** Row offsets of a 3×3 window over channels of a plane of width wp: (c·3 + fy)·3 + fx → c·plane + fy·wp + fx. */
    private static int[] windows(int channels, int plane, int wp, int kh, int kw) {
        int[] rows = new int[channels * kh * kw];
        for (int c = 0, r = 0; c < channels; c++) {
            for (int fy = 0; fy < kh; fy++) for (int fx = 0; fx < kw; fx++) rows[r++] = c * plane + fy * wp + fx;
        }
        return rows;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    @Test
    void shiftedProductMatchesTheGatheredMatrixForEveryImage() {
        Random random = new Random(5);
        for (int[] shape : new int[][]{{32, 840, 3}, {13, 70, 2}, {5, 33, 1}, {9, 31, 4}}) {
            int m = shape[0], n = shape[1], channels = shape[2], wp = 30, plane = 900;
            int[] rows = windows(channels, plane, wp, 3, 3);
            int k = rows.length, images = 3, bImage = channels * plane + 40, offB = 7, offA = 3, lda = k + 2, ldc = n + 5;
            float[] a = gaussian(random, offA + m * lda);
            float[] b = gaussian(random, offB + images * bImage);
            for (GemmKernel kernel : kernels()) {
                float[] c = new float[m * ldc];
                java.util.Arrays.fill(c, Float.NaN);  // beta 0: whatever C held is overwritten
                List<float[]> got = new ArrayList<>();
                kernel.multiplyShifted(m, n, k, a, offA, lda, b, offB, rows, images, bImage, c, 0, ldc,
                        image -> got.add(c.clone()));
                assertEquals(images, got.size(), "one call back per image");
                for (int image = 0; image < images; image++) {
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double want = 0, size = 0;
                            for (int p = 0; p < k; p++) {
                                double term = (double) a[offA + i * lda + p] * b[offB + image * bImage + rows[p] + j];
                                want += term;
                                size += Math.abs(term);
                            }
                            assertEquals(want, got.get(image)[i * ldc + j], 1e-5 * size + 1e-6,
                                    kernel.description() + " " + m + "×" + n + "×" + k + " image " + image + " C[" + i + "][" + j + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowBlocksOfTheShiftedProductAreBitIdenticalToTheWhole() {
        Random random = new Random(6);
        int m = 37, n = 100, wp = 12, plane = 12 * 12;
        int[] rows = windows(4, plane, wp, 3, 3);
        int k = rows.length;
        float[] a = gaussian(random, m * k), b = gaussian(random, 4 * plane + 64);
        for (GemmKernel kernel : kernels()) {
            float[] whole = new float[m * n], parts = new float[m * n];
            kernel.multiplyShifted(m, n, k, a, 0, k, b, 0, rows, 1, 0, whole, 0, n, null);
            for (int from = 0; from < m; from += 5) {
                int size = Math.min(5, m - from);
                kernel.multiplyShifted(size, n, k, a, from * k, k, b, 0, rows, 1, 0, parts, from * n, n, null);
            }
            assertArrayEquals(whole, parts, kernel.description());
        }
    }

    /**
     * The ragged last panel of the grid is read as whole vectors when the array has room past it, and packed float by
     * float when it has not: C is bit-identical either way, and what lies past the grid (NaN here) never reaches it.
     */
    @Test
    void theRaggedLastPanelGivesTheSameBitsWithOrWithoutRoomToReadItWhole() {
        Random random = new Random(8);
        for (int m : new int[]{16, 64}) {
            int wp = 15, plane = 15 * 15, n = 14 * wp, channels = 4;   // 210 columns: 6 whole panels of 32 + 18
            int[] rows = windows(channels, plane, wp, 3, 3);
            int k = rows.length, images = 2, bImage = channels * plane + 16;
            int last = (images - 1) * bImage + rows[k - 1] + n;   // one past the last value the product reads
            float[] a = gaussian(random, m * k);
            float[] tight = java.util.Arrays.copyOf(gaussian(random, last), last);
            float[] roomy = java.util.Arrays.copyOf(tight, last + 64);
            java.util.Arrays.fill(roomy, last, roomy.length, Float.NaN);
            for (GemmKernel kernel : kernels()) {
                float[] want = new float[images * m * n], got = new float[images * m * n];
                float[] c = new float[m * n];
                kernel.multiplyShifted(m, n, k, a, 0, k, tight, 0, rows, images, bImage, c, 0, n,
                        image -> System.arraycopy(c, 0, want, image * m * n, m * n));
                kernel.multiplyShifted(m, n, k, a, 0, k, roomy, 0, rows, images, bImage, c, 0, n,
                        image -> System.arraycopy(c, 0, got, image * m * n, m * n));
                assertArrayEquals(want, got, kernel.description() + " M=" + m);
                for (float v : got) assertTrue(Float.isFinite(v), kernel.description() + ": NaN from past the grid");
            }
        }
    }

    @Test
    void shiftedDotProductsAccumulateOverImages() {
        Random random = new Random(7);
        for (int[] shape : new int[][]{{32, 288, 848, 4}, {26, 45, 100, 2}, {6, 18, 17, 2}, {3, 9, 40, 1}}) {
            int m = shape[0], n = shape[1], k = shape[2], images = shape[3];
            int channels = n / 9, wp = 30, plane = 30 * 30;
            int[] rows = windows(channels, plane, wp, 3, 3);
            int lda = k + 3, aImage = m * lda + 11, bImage = channels * plane + k + 20, offA = 2, offB = 5;
            float[] a = gaussian(random, offA + images * aImage);
            float[] b = gaussian(random, offB + images * bImage);
            float[] start = gaussian(random, m * n);
            for (GemmKernel kernel : kernels()) {
                float[] c = start.clone();
                kernel.dotShifted(m, n, k, images, a, offA, lda, aImage, b, offB, rows, bImage, c, 0, n);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = start[i * n + j], size = Math.abs(want);
                        for (int image = 0; image < images; image++) {
                            for (int p = 0; p < k; p++) {
                                double term = (double) a[offA + image * aImage + i * lda + p]
                                        * b[offB + image * bImage + rows[j] + p];
                                want += term;
                                size += Math.abs(term);
                            }
                        }
                        assertEquals(want, c[i * n + j], 1e-5 * size + 1e-6,
                                kernel.description() + " " + m + "×" + n + "×" + k + "×" + images + " C[" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void windowsPastTheArrayAreRefusedWithTheNumbers() {
        float[] a = new float[4 * 9], b = new float[100], c = new float[4 * 20];
        int[] rows = windows(1, 100, 10, 3, 3);   // last window starts at 22 and needs 20 values: fine up to 41
        Gemm.sgemmShifted(4, 20, 9, a, 0, 9, b, 0, rows, c, 0, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmShifted(4, 20, 9, a, 0, 9, b, 70, rows, c, 0, 20));
        assertTrue(e.getMessage().contains("reach index 111") && e.getMessage().contains("100 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmShifted(4, 20, 10, new float[40], 0, 10, b, 0, rows, c, 0, 20));
        assertTrue(e.getMessage().contains("needs 10 row offsets, got 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sdotShifted(4, 9, 20, 3, new float[4 * 20], 0, 20, 0, b, 0, rows, 30, c, 0, 9));
        assertTrue(e.getMessage().contains("3 images 30 apart"), e.getMessage());
    }
}
