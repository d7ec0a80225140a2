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

    /** Row splits between threads fall on multiples of this (the register tile height). */
    int rowAlignment();

    /** Column splits between threads fall on multiples of this (the register tile width). */
    int columnAlignment();

    /** Human-readable description for logs and benchmarks, e.g. "vector 4×16 FMA (Species[float, 8, S_256_BIT])". */
    String description();
}
