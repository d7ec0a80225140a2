package org.convas.engine.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Both GEMM paths against {@link Gemm#reference}, with an error bound from floating-point analysis rather than
 * a tuned tolerance: |fast − exact| and |reference − exact| are each at most about (K + 2)·ε·(|alpha|·Σ|a||b| +
 * |beta|·|c|), ε = 2⁻²⁴, so the two may differ by twice that.
 */
class GemmTest {

    /**
     * M, N, K triples: tiny, primes, and sizes either side of the 4×16 vector and 4×4 scalar tiles, KC = 256 and MC = 144; M ≤ 32
     * reads B in place unless its row stride is a multiple of 128 floats ({7, 128, 20}, {9, 256, 300}).
     */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 1, 7}, {1, 17, 1}, {2, 3, 5}, {7, 13, 17}, {6, 16, 1}, {5, 15, 3}, {7, 17, 2},
            {12, 32, 8}, {13, 33, 257}, {11, 19, 256}, {31, 37, 41}, {145, 20, 10}, {150, 49, 3},
            {1, 100, 30}, {40, 1, 30}, {3, 300, 2}, {7, 128, 20}, {9, 256, 300}, {33, 48, 5},
    };

    /** alpha, beta pairs: plain product, accumulate, general scaling, and beta = 0 with NaN garbage in C. */
    private static final float[][] SCALARS = {{1f, 0f}, {1f, 1f}, {0.5f, -2f}, {-1.5f, 0f}};

    /** Helpers for the multithreaded cases; the caller thread always takes part as well. */
    private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    private static GemmKernel vectorKernel() {
        // The test JVM runs with --add-modules jdk.incubator.vector (parent pom): the vector path must be there.
        return Gemm.vectorKernel().orElseThrow(() -> new AssertionError("jdk.incubator.vector is not in the test JVM"));
    }

    @Test
    void scalarPathMatchesReferenceOnAllShapesTransposesOffsetsAndScalars() {
        checkAllCases(Gemm.scalarKernel(), 1);
    }

    @Test
    void vectorPathMatchesReferenceOnAllShapesTransposesOffsetsAndScalars() {
        checkAllCases(vectorKernel(), 1);
    }

    @Test
    void fourAndEightRowRegisterTilesBothMatchReferenceWhicheverThisCpuPrefers() {
        for (int rows : new int[]{4, 8}) {
            GemmKernel kernel = new VectorGemm(rows);
            checkAllCases(kernel, 1);
            checkAllCases(kernel, 3);
        }
        assertThrows(IllegalArgumentException.class, () -> new VectorGemm(6));
    }

    @Test
    void aFewRowsRunOnTheFourRowTileBitIdenticallyToTheEightRowTile() {
        // M ≤ 4 (an FC layer on a micro-batch of 4) takes the 4-row tile on either kernel; a row block of a
        // split product may be that short too, so both tiles must give the same bits.
        Random random = new Random(21);
        for (int m : new int[]{1, 3, 4, 5, 9}) {
            for (boolean transB : new boolean[]{false, true}) {
                Case base = new Case(random, false, transB, m, 300, 200, 1f, 0f, 2, 1);
                float[] eight = base.result(new VectorGemm(8), 1);
                float[] four = base.result(new VectorGemm(4), 1);
                base.assertClose(eight, "8-row tile, M = " + m);
                assertArrayEquals(four, eight, "M = " + m + (transB ? ", B transposed" : ""));
            }
        }
    }

    @Test
    void publicSgemmMatchesReferenceOnSmallAndLargeProducts() {
        Random random = new Random(3);
        for (int[] mnk : new int[][]{{3, 4, 5}, {70, 90, 50}, {64, 300, 75}}) {
            for (boolean transA : new boolean[]{false, true}) {
                for (boolean transB : new boolean[]{false, true}) {
                    Case c = new Case(random, transA, transB, mnk[0], mnk[1], mnk[2], 1.25f, 0.5f, 0, 0);
                    c.run((ta, tb, m, n, k, al, a, oa, la, b, ob, lb, be, cc, oc, lc) ->
                            Gemm.sgemm(ta, tb, m, n, k, al, a, oa, la, b, ob, lb, be, cc, oc, lc));
                }
            }
        }
    }

    @Test
    void vectorPathIsTheDefaultUnderTheTestFlags() {
        assertTrue(Gemm.implementation().startsWith("vector"), Gemm.implementation());
        assertTrue(Gemm.isAvailable(Gemm.Path.VECTOR));
        assertTrue(Gemm.isAvailable(Gemm.Path.SCALAR));
    }

    @Test
    void betaZeroOverwritesNanAndInfinityInC() {
        for (GemmKernel kernel : List.of(Gemm.scalarKernel(), vectorKernel())) {
            float[] a = {1, 2, 3, 4, 5, 6};       // 2×3
            float[] b = {1, 0, 0, 1, 1, 1};       // 3×2
            float[] c = {Float.NaN, Float.POSITIVE_INFINITY, Float.NaN, Float.NEGATIVE_INFINITY};
            Gemm.multiply(kernel, null, 1, false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
            assertArrayEquals(new float[]{4, 5, 10, 11}, c, kernel.description());
        }
    }

    @Test
    void emptyDepthScalesCByBetaAndClearsNanWhenBetaIsZero() {
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 3f, c, 0, 2);
        assertArrayEquals(new float[]{3, 6, 9, 12}, c);
        float[] garbage = {Float.NaN, 1, 2, Float.NaN};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 0f, garbage, 0, 2);
        assertArrayEquals(new float[4], garbage);
    }

    @Test
    void alphaZeroOnlyScalesC() {
        float[] a = {Float.NaN, 1, 1, 1};
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[]{0.5f, 1, 1.5f, 2}, c);
    }

    @Test
    void emptyRowsOrColumnsLeaveCUntouched() {
        float[] c = {Float.NaN, 7};
        Gemm.sgemm(false, false, 0, 2, 3, 1f, new float[0], 0, 3, new float[6], 0, 2, 0f, c, 0, 2);
        Gemm.sgemm(false, false, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        assertTrue(Float.isNaN(c[0]));
        assertEquals(7f, c[1]);
    }

    @Test
    void threadCountsGiveBitIdenticalResultsSplittingColumnsOrRows() {
        Random random = new Random(11);
        // products above the 2·10⁶ parallel threshold; wide C splits by columns, tall C by rows; M = 20 reads
        // B in place
        int[][] shapes = {{37, 1030, 61}, {1030, 37, 61}, {200, 130, 90}, {20, 2000, 60}};
        for (GemmKernel kernel : List.of(Gemm.scalarKernel(), vectorKernel())) {
            for (int[] mnk : shapes) {
                for (boolean transA : new boolean[]{false, true}) {
                    boolean transB = transA == (mnk[0] > mnk[1]); // two of the four cases per shape
                    Case base = new Case(random, transA, transB, mnk[0], mnk[1], mnk[2], 0.75f, -1f, 3, 5);
                    float[] single = base.result(kernel, 1);
                    base.assertClose(single, kernel.description() + " 1 thread");
                    for (int threads : new int[]{2, 3, 7}) {
                        assertArrayEquals(single, base.result(kernel, threads),
                                kernel.description() + " " + threads + " threads " + base);
                    }
                }
            }
        }
    }

    @Test
    void weightGradientShapesTakeTheDotProductPathAndMatchTheReference() {
        // dW = dY · colᵀ of LeNet's conv1/conv2 and VGG-lite's conv2 at a few images, plus ragged edges:
        // M, N not multiples of 4 and K not a multiple of the vector length.
        int[][] shapes = {{6, 25, 3136}, {16, 150, 400}, {32, 288, 3136}, {7, 5, 1003}, {1, 3, 259}, {5, 1, 300}};
        Random random = new Random(21);
        for (int[] mnk : shapes) {
            assertTrue(VectorGemm.useDotProducts(mnk[0], mnk[1], mnk[2]), java.util.Arrays.toString(mnk));
            for (float[] scalars : SCALARS) {
                Case c = new Case(random, false, true, mnk[0], mnk[1], mnk[2], scalars[0], scalars[1], 3, 7);
                c.assertClose(c.result(vectorKernel(), 1), "dot products");
            }
        }
        assertFalse(VectorGemm.useDotProducts(64, 400, 100), "a short K packs as before");
        assertFalse(VectorGemm.useDotProducts(512, 512, 512), "a large C packs as before");
    }

    @Test
    void oneToThreeRowsOfDotProductsMatchTheSameRowsOfAFourRowBlockBitForBit() {
        // An FC layer on one image: A·Bᵀ with a single row of A runs one row against 8 rows of B at a time, not
        // a 4×4 block with the row repeated. Same operations per element, so the same bits as inside a 4-row block;
        // N = 21 leaves a ragged block of 5 columns, K = 1003 a tail after the whole vectors.
        Random random = new Random(33);
        for (float[] scalars : SCALARS) {
            Case four = new Case(random, false, true, 4, 21, 1003, scalars[0], scalars[1], 3, 5);
            float[] whole = four.result(vectorKernel(), 1);
            four.assertClose(whole, "4 rows");
            for (int rows = 1; rows < 4; rows++) {
                assertTrue(VectorGemm.useDotProducts(rows, 21, 1003));
                float[] c = four.freshC();
                Gemm.multiply(vectorKernel(), null, 1, false, true, rows, 21, 1003, four.alpha, four.a, four.offset,
                        four.lda, four.b, four.offset, four.ldb, four.beta, c, four.offset, four.ldc);
                for (int idx = 0; idx < c.length; idx++) {
                    int row = (idx - four.offset) / four.ldc;
                    float want = idx >= four.offset && row < rows ? whole[idx] : four.c0[idx];
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(c[idx]),
                            rows + " rows, alpha " + four.alpha + ", beta " + four.beta + ", index " + idx);
                }
            }
        }
    }

    @Test
    void dotProductPathGivesBitIdenticalResultsWhateverTheThreadSplit() {
        Random random = new Random(12);
        for (int[] mnk : new int[][]{{16, 150, 1003}, {150, 16, 1003}}) {
            Case base = new Case(random, false, true, mnk[0], mnk[1], mnk[2], 1f, 1f, 3, 5);
            float[] single = base.result(vectorKernel(), 1);
            base.assertClose(single, "1 thread");
            for (int threads : new int[]{2, 3, 7}) {
                assertArrayEquals(single, base.result(vectorKernel(), threads), threads + " threads " + base);
            }
        }
    }

    @Test
    void executorOverloadCompletesEvenWhenTheExecutorIsBusyOrRejects() throws Exception {
        Random random = new Random(5);
        Case base = new Case(random, false, true, 64, 400, 100, 1f, 0f, 0, 0);
        float[] expected = base.result(vectorKernel(), 1);

        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            // Occupy the only worker: the caller must do every block itself rather than wait.
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            single.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            float[] c = base.freshC();
            Gemm.sgemm(false, true, base.m, base.n, base.k, 1f, base.a, 0, base.lda, base.b, 0, base.ldb, 0f,
                    c, 0, base.ldc, single, 4);
            release.countDown();
            assertArrayEquals(expected, c);
        } finally {
            single.shutdown();
            assertTrue(single.awaitTermination(5, TimeUnit.SECONDS));
        }

        float[] c = base.freshC();
        Gemm.sgemm(false, true, base.m, base.n, base.k, 1f, base.a, 0, base.lda, base.b, 0, base.ldb, 0f,
                c, 0, base.ldc, task -> {
                    throw new RejectedExecutionException("full");
                }, 4);
        assertArrayEquals(expected, c);
    }

    @Test
    void badArgumentsAreRejectedWithTheMatrixAndNumbersNamed() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        IllegalArgumentException shortA = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, new float[5], 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertEquals("Gemm.sgemm: A stored 2×3 with offset 0 and lda 3 reaches index 5, but the array has only 5 "
                + "elements", shortA.getMessage());
        IllegalArgumentException narrowLdb = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertEquals("Gemm.sgemm: ldb = 2 but Bᵀ stored 2×3 needs a row stride of at least 3",
                narrowLdb.getMessage());
        IllegalArgumentException offsetC = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 1, 2));
        assertTrue(offsetC.getMessage().startsWith("Gemm.sgemm: C stored 2×2 with offset 1"), offsetC.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertEquals("Gemm.sgemm: sizes must be ≥ 0, got M=-1, N=2, K=3", negative.getMessage());
        IllegalArgumentException nullB = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, null, 0, 2, 0f, c, 0, 2));
        assertEquals("Gemm.sgemm: matrix B is null", nullB.getMessage());
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2, 0));
        assertEquals("Gemm.sgemm: threads must be at least 1, got 0", threads.getMessage());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Every shape × transpose pair; small shapes also with every alpha/beta pair, packed and padded; larger ones
     * (M·N·K above 20 000, to keep the suite fast) with one alpha/beta pair per transpose pair, in padded arrays.
     */
    private static void checkAllCases(GemmKernel kernel, int threads) {
        Random random = new Random(1234);
        int cases = 0;
        for (int[] mnk : SHAPES) {
            boolean small = (long) mnk[0] * mnk[1] * mnk[2] <= 20_000;
            for (boolean transA : new boolean[]{false, true}) {
                for (boolean transB : new boolean[]{false, true}) {
                    for (int s = 0; s < SCALARS.length; s++) {
                        if (!small && s != (transA ? 2 : 0) + (transB ? 1 : 0)) continue;
                        // packed tight at offset 0, and inside larger arrays with padded rows
                        for (int pad : small ? new int[]{0, 3} : new int[]{3}) {
                            Case c = new Case(random, transA, transB, mnk[0], mnk[1], mnk[2], SCALARS[s][0],
                                    SCALARS[s][1], pad, pad == 0 ? 0 : 7);
                            c.assertClose(c.result(kernel, threads), kernel.description());
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases > SHAPES.length * 4, "cases run: " + cases);
    }

    @FunctionalInterface
    private interface Sgemm {
        void run(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                 float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc);
    }

    /** One product with random data, stored with the given extra row padding and array offset. */
    private static final class Case {
        final boolean transA, transB;
        final int m, n, k, lda, ldb, ldc, offset;
        final float alpha, beta;
        final float[] a, b, c0;

        Case(Random random, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
             int rowPadding, int offset) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.offset = offset;
            this.lda = (transA ? m : k) + rowPadding;
            this.ldb = (transB ? k : n) + rowPadding;
            this.ldc = n + rowPadding;
            this.a = randomArray(random, offset + (transA ? k : m) * lda);
            this.b = randomArray(random, offset + (transB ? n : k) * ldb);
            this.c0 = randomArray(random, offset + m * ldc);
            if (beta == 0f) {
                for (int i = 0; i < m; i++) c0[offset + i * ldc] = Float.NaN; // must not leak through beta = 0
            }
        }

        float[] freshC() {
            return c0.clone();
        }

        float[] result(GemmKernel kernel, int threads) {
            float[] c = freshC();
            Gemm.multiply(kernel, threads == 1 ? null : POOL, threads, transA, transB,
                    m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, c, offset, ldc);
            return c;
        }

        void run(Sgemm sgemm) {
            float[] c = freshC();
            sgemm.run(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, c, offset, ldc);
            assertClose(c, "public sgemm");
        }

        /** Compares with the reference loops element by element, and checks C's padding was not written. */
        void assertClose(float[] actual, String what) {
            float[] expected = freshC();
            Gemm.reference(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, expected,
                    offset, ldc);
            double eps = Math.ulp(1f) / 2;
            for (int idx = 0; idx < expected.length; idx++) {
                int rel = idx - offset;
                boolean inside = rel >= 0 && rel % ldc < n && rel / ldc < m;
                if (!inside) {
                    if (Float.floatToRawIntBits(actual[idx]) != Float.floatToRawIntBits(c0[idx])) {
                        fail(what + " " + this + ": wrote outside C at index " + idx);
                    }
                    continue;
                }
                int i = rel / ldc;
                int j = rel % ldc;
                double magnitude = beta == 0f ? 0 : Math.abs((double) beta * c0[idx]);
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[offset + p * lda + i] : a[offset + i * lda + p];
                    double bv = transB ? b[offset + j * ldb + p] : b[offset + p * ldb + j];
                    magnitude += Math.abs(alpha * av * bv);
                }
                double bound = 2 * (k + 2) * eps * magnitude + Float.MIN_NORMAL;
                double error = Math.abs((double) actual[idx] - expected[idx]);
                if (!(error <= bound)) {
                    fail(what + " " + this + ": C[" + i + "][" + j + "] = " + actual[idx] + ", reference "
                            + expected[idx] + ", error " + error + " > bound " + bound);
                }
            }
        }

        @Override
        public String toString() {
            return (transA ? "Aᵀ" : "A") + "·" + (transB ? "Bᵀ" : "B") + " M=" + m + " N=" + n + " K=" + k
                    + " alpha=" + alpha + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " offset=" + offset;
        }

        private static float[] randomArray(Random random, int length) {
            float[] x = new float[length];
            for (int i = 0; i < length; i++) x[i] = random.nextFloat() * 2 - 1;
            return x;
        }
    }
}
