package org.convas.engine.kernel;

/**
 * One way of computing C = alpha·op(A)·op(B) + beta·C over a whole (sub-)problem, with the argument
 * conventions of {@link Gemm#sgemm}. {@link Gemm} has already validated the arguments and handled the trivial
 * cases (M = 0, N = 0, K = 0, alpha = 0) before a kernel is called, so kernels may assume M, N, K ≥ 1.
 *
 * <p>Contract that makes multithreading deterministic: the value written to C[i][j] depends only on row i of
 * op(A), column j of op(B), the old C[i][j], alpha and beta — never on where the (sub-)problem starts or ends.
 * {@link Gemm} relies on it when it splits C between threads along {@link #rowAlignment()} /
 * {@link #columnAlignment()} boundaries.
 */
interface GemmKernel {

    void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, int offA, int lda, float[] b, int offB, int ldb,
                  float beta, float[] c, int offC, int ldc);

    /**
     * For each image i: C = A·B_i (beta 0, alpha 1) where B_i is a <em>shifted view</em> of one array: row p of B_i is
     * the n values from {@code b[offB + i·bImage + rows[p]]} on; then {@code eachImage.accept(i)} (if not null)
     * before the next image overwrites C. See {@link Gemm#sgemmShifted}; arguments are already checked.
     */
    void multiplyShifted(int m, int n, int k, float[] a, int offA, int lda, float[] b, int offB, int[] rows,
                         int images, int bImage, float[] c, int offC, int ldc, java.util.function.IntConsumer eachImage);

    /**
     * C += Σ over images of A_i·B_iᵀ where B_i row j is the k values from {@code b[offB + i·bImage + rows[j]]} on
     * and A_i row r those from {@code a[offA + i·aImage + r·lda]}. See {@link Gemm#sdotShifted}.
     */
    void dotShifted(int m, int n, int k, int images, float[] a, int offA, int lda, int aImage,
                    float[] b, int offB, int[] rows, int bImage, float[] c, int offC, int ldc);

    /** Row splits between threads fall on multiples of this (the register tile height). */
    int rowAlignment();

    /** Column splits between threads fall on multiples of this (the register tile width). */
    int columnAlignment();

    /** Human-readable description for logs and benchmarks, e.g. "vector 4×16 FMA (Species[float, 8, S_256_BIT])". */
    String description();

    /** Width of the vectors the kernel computes with, in bits; 0 for scalar code. */
    default int vectorBits() {
        return 0;
    }
}
