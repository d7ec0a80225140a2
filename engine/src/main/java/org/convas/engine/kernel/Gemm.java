package org.convas.engine.kernel;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Single-precision matrix multiply on flat row-major arrays, BLAS-style:
 * C = alpha·op(A)·op(B) + beta·C, where op(X) is X or its transpose.
 *
 * <p>Shapes: op(A) is M×K, op(B) is K×N, C is M×N. {@code lda}, {@code ldb}, {@code ldc} are the row
 * strides of the arrays as stored (so A stored untransposed is M×K with lda ≥ K; stored transposed it is
 * K×M with lda ≥ M). Offsets select a sub-matrix inside a larger array. Example: a 2×3 sub-matrix starting at
 * row 1, column 2 of a 5×8 array X is {@code (X, offset 1·8 + 2 = 10, ld 8)}; the convolution forward pass
 * out[K × Ho·Wo] = W[K × C·F·F] · col[C·F·F × Ho·Wo] is {@code sgemm(false, false, K, Ho·Wo, C·F·F, 1, W, 0,
 * C·F·F, col, 0, Ho·Wo, 0, out, 0, Ho·Wo)}.
 *
 * <p>Semantics as in BLAS: beta = 0 overwrites C without reading it (NaN or garbage in C does not survive);
 * K = 0 or alpha = 0 only scales C by beta. C must not overlap A or B. Arguments are checked up front:
 * negative sizes, a leading dimension smaller than the stored row, or an array too short for the
 * described matrix throw {@link IllegalArgumentException} naming the matrix and the numbers.
 *
 * <p>Implementations, chosen once at class initialisation:
 * <ul>
 *   <li>vector — packed panels and a 4×16 register-blocked FMA micro-kernel ({@code VectorGemm}), used when the
 *       {@code jdk.incubator.vector} module is in the boot layer ({@code --add-modules jdk.incubator.vector})
 *       and {@code -Dconvas.simd=false} is not set;</li>
 *   <li>scalar — packed panels and a 4×4 register-blocked plain-Java micro-kernel ({@code ScalarGemm})
 *       otherwise, and for tiny products
 *       (M·N·K below {@value #SMALL_PRODUCT}) on either path, where packing does not pay.</li>
 * </ul>
 * {@link #implementation()} says which one is active.
 *
 * <p>Threads: {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float,
 * float[], int, int, int)} with a thread count, or the overload taking an {@link Executor}, splits C into
 * disjoint blocks of rows or columns (whichever dimension is longer), one per task; the calling thread works
 * too. Every element of C is computed by the same operations whatever the split, so results are
 * bit-identical for every thread count.
 *
 * <p>{@link #reference} is the plain-loop oracle the fast kernels are tested against.
 */
public final class Gemm {

    /**
     * Below this M·N·K (a 10×10×10 product) the scalar kernel is as fast as the vector one, whose set-up then
     * dominates; measured here: 8³ scalar 2.4 vs vector 2.6 GFLOP/s, 16³ 4.3 vs 15, 64³ 6.4 vs 42.
     */
    static final long SMALL_PRODUCT = 1_000;

    /** Below this M·N·K a second thread costs more (hand-off, cache warm-up) than it saves. */
    static final long PARALLEL_MIN_PRODUCT = 1L << 21;

    private static final GemmKernel FAST = selectKernel();

    private Gemm() {
    }

    /** C = alpha·op(A)·op(B) + beta·C on the calling thread. See the class comment for shapes and rules. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int offA, int lda, float[] b, int offB, int ldb,
                             float beta, float[] c, int offC, int ldc) {
        multiply(kernelFor(m, n, k), null, 1, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb,
                beta, c, offC, ldc);
    }

    /**
     * As {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float,
     * float[], int, int)}, split over up to {@code threads} threads: the caller plus helpers from a shared pool
     * of daemon threads. Use it when one product is big and there is nothing else to run in parallel (a batch
     * of one); when the caller already runs one product per thread (a batch split across cores), pass 1.
     * Products under about 2·10⁶ multiply-adds run on the caller alone.
     *
     * @param threads how many threads may work on this product, at least 1
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int offA, int lda, float[] b, int offB, int ldb,
                             float beta, float[] c, int offC, int ldc, int threads) {
        if (threads < 1) throw new IllegalArgumentException("Gemm.sgemm: threads must be at least 1, got " + threads);
        multiply(kernelFor(m, n, k), threads == 1 ? null : HelperPool.EXECUTOR, threads, transA, transB, m, n, k,
                alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    /**
     * As the thread-count overload, with helper tasks submitted to the caller's {@code executor} (for example
     * the engine's training pool). The calling thread takes part and picks up any block no helper has started,
     * so a busy or even single-threaded executor cannot deadlock or stall the call; a rejected submission just
     * means the caller does more of the work.
     *
     * @param parallelism the number of blocks C is split into at most (caller included), at least 1
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int offA, int lda, float[] b, int offB, int ldb,
                             float beta, float[] c, int offC, int ldc, Executor executor, int parallelism) {
        if (executor == null) throw new IllegalArgumentException("Gemm.sgemm: executor is required");
        if (parallelism < 1) {
            throw new IllegalArgumentException("Gemm.sgemm: parallelism must be at least 1, got " + parallelism);
        }
        multiply(kernelFor(m, n, k), executor, parallelism, transA, transB, m, n, k, alpha, a, offA, lda,
                b, offB, ldb, beta, c, offC, ldc);
    }

    /**
     * C = A·B for a B that is a <em>shifted view</em> of one array: row p of B (K×N) is the N values starting at
     * {@code b[offB + rows[p]]}; rows may overlap. A is M×K row-major (lda), C is M×N (ldc), overwritten.
     *
     * <p>This is a stride-1 convolution without im2col: over a zero-padded input plane of width Wp, the window
     * row (c, fy, fx) of every output pixel on an Ho × Wp grid is one run starting at c·Hp·Wp + fy·Wp + fx
     * (the grid's Wp − Wo extra columns per row are computed and thrown away). Example: a 3×3 conv of 32
     * channels on 28×28 padded to 30×30 is M = filters, K = 288, N = 28·30 = 840, and row p = (c·3 + fy)·3 + fx
     * starts at c·900 + fy·30 + fx.
     *
     * <p>Each C element depends only on its row of A and its column of B, so a caller that splits the rows of C
     * between threads (best on {@link #shiftedRowAlignment()} boundaries) changes no bit.
     *
     * @throws IllegalArgumentException if a size is negative, {@code rows} has fewer than K entries, or a matrix
     *                                  reaches past its array
     */
    public static void sgemmShifted(int m, int n, int k, float[] a, int offA, int lda, float[] b, int offB,
                                    int[] rows, float[] c, int offC, int ldc) {
        sgemmShifted(m, n, k, a, offA, lda, b, offB, rows, 1, 0, c, offC, ldc, null);
    }

    /**
     * {@link #sgemmShifted(int, int, int, float[], int, int, float[], int, int[], float[], int, int)} for
     * {@code images} B's, image i's rows {@code i·bImage} further on, with A packed once: C is overwritten with
     * A·B_i, then {@code eachImage.accept(i)} runs (to take C away) before the next image.
     */
    public static void sgemmShifted(int m, int n, int k, float[] a, int offA, int lda, float[] b, int offB,
                                    int[] rows, int images, int bImage, float[] c, int offC, int ldc,
                                    IntConsumer eachImage) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("Gemm.sgemmShifted: sizes must be ≥ 0, got M=" + m + ", N=" + n + ", K=" + k);
        }
        checkMatrix("C", false, m, n, c, offC, ldc, "ldc");
        if (images < 0) throw new IllegalArgumentException("Gemm.sgemmShifted: images must be ≥ 0, got " + images);
        if (m == 0 || n == 0 || images == 0) return;
        if (k == 0) {
            for (int image = 0; image < images; image++) {
                for (int i = 0; i < m; i++) scaleRow(c, offC + i * ldc, n, 0f);
                if (eachImage != null) eachImage.accept(image);
            }
            return;
        }
        checkMatrix("A", false, m, k, a, offA, lda, "lda");
        checkWindows("Gemm.sgemmShifted", "B", k, n, b, offB, rows, images, bImage);
        kernelFor(m, n, k).multiplyShifted(m, n, k, a, offA, lda, b, offB, rows, images, bImage, c, offC, ldc,
                eachImage);
    }

    /** Row splits of {@link #sgemmShifted} between threads fall on multiples of this. */
    public static int shiftedRowAlignment() {
        return FAST.rowAlignment();
    }

    /**
     * C += Σ over {@code images} of A_i·B_iᵀ, B_i a shifted view: C is M×N, row r of A_i is the K values from
     * {@code a[offA + i·aImage + r·lda]} on, and row j of B_i the K values from {@code b[offB + i·bImage + rows[j]]}
     * on. This is a stride-1 convolution's weight gradient without im2col: dW (filters × C·Fh·Fw) summed over the
     * images, with A_i = dY laid on the Ho × Wp grid (zeros in the extra columns, so whatever B holds there adds
     * nothing) and B_i the padded input read as {@link #sgemmShifted} reads it.
     */
    public static void sdotShifted(int m, int n, int k, int images, float[] a, int offA, int lda, int aImage,
                                   float[] b, int offB, int[] rows, int bImage, float[] c, int offC, int ldc) {
        if (m < 0 || n < 0 || k < 0 || images < 0) {
            throw new IllegalArgumentException("Gemm.sdotShifted: sizes must be ≥ 0, got M=" + m + ", N=" + n
                    + ", K=" + k + ", images=" + images);
        }
        checkMatrix("C", false, m, n, c, offC, ldc, "ldc");
        if (m == 0 || n == 0 || k == 0 || images == 0) return;
        if (a == null) throw new IllegalArgumentException("Gemm.sdotShifted: matrix A is null");
        if (lda < k) throw new IllegalArgumentException("Gemm.sdotShifted: lda = " + lda + " but A's rows hold K = " + k);
        long lastA = offA + (long) (images - 1) * aImage + (long) (m - 1) * lda + k - 1;
        if (offA < 0 || aImage < 0 || lastA >= a.length) {
            throw new IllegalArgumentException("Gemm.sdotShifted: A (" + images + " images of " + m + "×" + k
                    + ", offset " + offA + ", lda " + lda + ", image stride " + aImage + ") reaches index " + lastA
                    + ", but the array has only " + a.length + " elements");
        }
        checkWindows("Gemm.sdotShifted", "B", n, k, b, offB, rows, images, bImage);
        kernelFor(m, n, k * images).dotShifted(m, n, k, images, a, offA, lda, aImage, b, offB, rows, bImage,
                c, offC, ldc);
    }

    /** Checks {@code count} windows of {@code length} values at offB + image·stride + rows[p], for every image. */
    private static void checkWindows(String where, String name, int count, int length, float[] b, int offB,
                                     int[] rows, int images, int imageStride) {
        if (b == null) throw new IllegalArgumentException(where + ": matrix " + name + " is null");
        if (rows == null || rows.length < count) {
            throw new IllegalArgumentException(where + ": " + name + " needs " + count + " row offsets, got "
                    + (rows == null ? "none" : rows.length));
        }
        int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
        for (int p = 0; p < count; p++) {
            min = Math.min(min, rows[p]);
            max = Math.max(max, rows[p]);
        }
        long first = (long) offB + min;
        long last = (long) offB + (long) (images - 1) * imageStride + max + length - 1;
        if (first < 0 || imageStride < 0 || last >= b.length) {
            throw new IllegalArgumentException(where + ": the rows of " + name + " (offset " + offB + ", row offsets "
                    + min + "…" + max + ", " + length + " values each" + (images > 1 ? ", " + images
                    + " images " + imageStride + " apart" : "") + ") reach index " + (first < 0 ? first : last)
                    + ", outside the array of " + b.length + " elements");
        }
    }

    /** The two implementations, for benchmarks and for comparing paths; {@link #sgemm} picks one itself. */
    public enum Path {
        /** Blocked i-p-j loops in plain Java; always available. */
        SCALAR,
        /** Packed panels and the FloatVector FMA micro-kernel; needs {@code --add-modules jdk.incubator.vector}. */
        VECTOR
    }

    /** Whether {@code path} can run in this JVM (VECTOR needs the incubator module and a SIMD-capable CPU). */
    public static boolean isAvailable(Path path) {
        return path == Path.SCALAR || VectorHolder.KERNEL.isPresent();
    }

    /**
     * Runs the product on the given {@code path} whatever its size (no small-product shortcut) over up to
     * {@code threads} threads, ignoring {@code -Dconvas.simd}. For benchmarks and cross-checks; layers call
     * {@link #sgemm}.
     *
     * @throws IllegalStateException if the path is not {@link #isAvailable available}
     */
    public static void sgemmOn(Path path, boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int offA, int lda, float[] b, int offB, int ldb,
                               float beta, float[] c, int offC, int ldc, int threads) {
        if (threads < 1) throw new IllegalArgumentException("Gemm.sgemmOn: threads must be at least 1, got " + threads);
        GemmKernel kernel = path == Path.SCALAR ? ScalarGemm.INSTANCE : VectorHolder.KERNEL.orElseThrow(() ->
                new IllegalStateException("Gemm.sgemmOn: the VECTOR path needs --add-modules jdk.incubator.vector"));
        multiply(kernel, threads == 1 ? null : HelperPool.EXECUTOR, threads, transA, transB, m, n, k, alpha,
                a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    /** Which implementation large products use, e.g. "vector 4×16 FMA (Species[float, 8, S_256_BIT])". */
    public static String implementation() {
        return FAST.description();
    }

    /**
     * Width in bits of the vectors the kernels use (512 with AVX-512, 256 with AVX2 or under -XX:UseAVX=2); 0 when
     * they run scalar.
     */
    public static int vectorBits() {
        return FAST.vectorBits();
    }

    /** Triple loop, i-p-j order for the untransposed case; the oracle for every faster kernel. */
    public static void reference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int offA, int lda, float[] b, int offB, int ldb,
                                 float beta, float[] c, int offC, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = offC + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) c[ci + j] = 0f;
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[offA + p * lda + i] : a[offA + i * lda + p]);
                if (av == 0f) continue;
                if (!transB) {
                    int bp = offB + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                } else {
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[offB + j * ldb + p];
                }
            }
        }
    }

    // ---------------------------------------------------------------- dispatch (package-private for tests)

    /** The kernel large products use; the scalar one when the Vector API is unavailable or switched off. */
    static GemmKernel fastKernel() {
        return FAST;
    }

    static GemmKernel scalarKernel() {
        return ScalarGemm.INSTANCE;
    }

    /**
     * The vector kernel if the module is present (regardless of {@code convas.simd}), so tests can exercise both
     * paths in one JVM.
     */
    static Optional<GemmKernel> vectorKernel() {
        return VectorHolder.KERNEL;
    }

    private static GemmKernel kernelFor(int m, int n, int k) {
        return (long) m * n * k < SMALL_PRODUCT ? ScalarGemm.INSTANCE : FAST;
    }

    private static GemmKernel selectKernel() {
        if ("false".equalsIgnoreCase(System.getProperty("convas.simd", "true").trim())) return ScalarGemm.INSTANCE;
        return VectorHolder.KERNEL.orElse(ScalarGemm.INSTANCE);
    }

    private static Optional<GemmKernel> loadVectorKernel() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return Optional.empty();
        try {
            // Loaded by name so that no class referring to jdk.incubator.vector is linked without the module.
            Class<?> type = Class.forName("org.convas.engine.kernel.VectorGemm");
            boolean useful = (Boolean) type.getDeclaredMethod("isUseful").invoke(null);
            if (!useful) return Optional.empty();
            return Optional.of((GemmKernel) type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * Validates, handles the trivial cases, and runs {@code kernel} on the caller or split over
     * {@code parallelism} disjoint blocks of C.
     */
    static void multiply(GemmKernel kernel, Executor executor, int parallelism,
                         boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int offA, int lda, float[] b, int offB, int ldb,
                         float beta, float[] c, int offC, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("Gemm.sgemm: sizes must be ≥ 0, got M=" + m + ", N=" + n + ", K=" + k);
        }
        checkMatrix("C", false, m, n, c, offC, ldc, "ldc");
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            // Nothing to multiply: C = beta·C, as BLAS does (and beta = 0 clears NaN).
            for (int i = 0; i < m; i++) scaleRow(c, offC + i * ldc, n, beta);
            return;
        }
        checkMatrix("A", transA, m, k, a, offA, lda, "lda");
        checkMatrix("B", transB, k, n, b, offB, ldb, "ldb");

        long product = (long) m * n * k;
        if (executor == null || parallelism == 1 || product < PARALLEL_MIN_PRODUCT) {
            kernel.multiply(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        // Split the longer side of C on tile boundaries, so no register tile straddles two blocks.
        boolean byColumns = n >= m;
        int length = byColumns ? n : m;
        int align = byColumns ? kernel.columnAlignment() : kernel.rowAlignment();
        int tiles = (length + align - 1) / align;
        int blocks = Math.min(parallelism, tiles);
        if (blocks <= 1) {
            kernel.multiply(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        int tilesPerBlock = (tiles + blocks - 1) / blocks;
        int blockLength = tilesPerBlock * align;
        blocks = (length + blockLength - 1) / blockLength;
        runBlocks(executor, blocks, block -> {
            int from = block * blockLength;
            int size = Math.min(blockLength, length - from);
            if (byColumns) {
                kernel.multiply(transA, transB, m, size, k, alpha, a, offA, lda,
                        b, offB + (transB ? from * ldb : from), ldb, beta, c, offC + from, ldc);
            } else {
                kernel.multiply(transA, transB, size, n, k, alpha, a, offA + (transA ? from : from * lda),
                        lda, b, offB, ldb, beta, c, offC + from * ldc, ldc);
            }
        });
    }

    /**
     * Runs {@code body} for blocks 0 … count−1: helpers from {@code executor} and the calling thread take the
     * next unclaimed block until none is left; returns when all are done, rethrowing the first failure. The
     * caller takes part and picks up any block no helper has started, so a busy executor cannot stall the call.
     */
    private static void runBlocks(Executor executor, int count, IntConsumer body) {
        AtomicInteger nextBlock = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int block; (block = nextBlock.getAndIncrement()) < count; ) {
                try {
                    body.accept(block);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int helper = 1; helper < count; helper++) {
            try {
                executor.execute(worker);
            } catch (RejectedExecutionException busy) {
                break; // the caller takes the blocks no helper claims
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // helpers are writing into C: wait for them before returning
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        if (t != null) throw new IllegalStateException("Gemm.sgemm: a helper task failed", t);
    }

    /** Checks that {@code x} holds op(X) of rows×cols as stored (transposed when {@code trans}). */
    private static void checkMatrix(String name, boolean trans, int rows, int cols, float[] x, int offset, int ld,
                                    String ldName) {
        if (x == null) throw new IllegalArgumentException("Gemm.sgemm: matrix " + name + " is null");
        int storedRows = trans ? cols : rows;
        int storedCols = trans ? rows : cols;
        String shape = name + (trans ? "ᵀ" : "") + " stored " + storedRows + "×" + storedCols;
        if (offset < 0) throw new IllegalArgumentException("Gemm.sgemm: offset of " + name + " is negative: " + offset);
        if (ld < storedCols || ld < 1) {
            throw new IllegalArgumentException("Gemm.sgemm: " + ldName + " = " + ld + " but " + shape
                    + " needs a row stride of at least " + Math.max(1, storedCols));
        }
        if (storedRows == 0 || storedCols == 0) return;
        long last = (long) offset + (long) (storedRows - 1) * ld + storedCols - 1;
        if (last >= x.length) {
            throw new IllegalArgumentException("Gemm.sgemm: " + shape + " with offset " + offset + " and " + ldName
                    + " " + ld + " reaches index " + last + ", but the array has only " + x.length + " elements");
        }
    }

    private static void scaleRow(float[] c, int from, int length, float beta) {
        if (beta == 0f) {
            java.util.Arrays.fill(c, from, from + length, 0f);
        } else if (beta != 1f) {
            for (int j = from; j < from + length; j++) c[j] *= beta;
        }
    }

    /** The vector kernel, looked up once; empty without the module. */
    private static final class VectorHolder {
        static final Optional<GemmKernel> KERNEL = loadVectorKernel();
    }

    /** Shared helper threads for the thread-count overload: daemon, created on demand, idle ones retire. */
    private static final class HelperPool {
        static final ExecutorService EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "convas-gemm-" + HelperPool.nextThreadNumber());
                    thread.setDaemon(true);
                    return thread;
                });
        private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

        private static int nextThreadNumber() {
            return THREAD_NUMBER.incrementAndGet();
        }
    }
}
