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
        final int count = blocks;
        AtomicInteger nextBlock = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int block; (block = nextBlock.getAndIncrement()) < count; ) {
                try {
                    int from = block * blockLength;
                    int size = Math.min(blockLength, length - from);
                    if (byColumns) {
                        kernel.multiply(transA, transB, m, size, k, alpha, a, offA, lda,
                                b, offB + (transB ? from * ldb : from), ldb, beta, c, offC + from, ldc);
                    } else {
                        kernel.multiply(transA, transB, size, n, k, alpha, a, offA + (transA ? from : from * lda),
                                lda, b, offB, ldb, beta, c, offC + from * ldc, ldc);
                    }
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
