package org.convas.engine.kernel;

/**
 * Single-precision matrix multiply on flat row-major arrays, BLAS-style:
 * C = alpha·op(A)·op(B) + beta·C, where op(X) is X or its transpose.
 *
 * <p>Shapes: op(A) is M×K, op(B) is K×N, C is M×N. {@code lda}, {@code ldb}, {@code ldc} are the row
 * strides of the arrays as stored (so A stored untransposed is M×K with lda ≥ K; stored transposed it is
 * K×M with lda ≥ M). Offsets select a sub-matrix inside a larger array.
 *
 * <p>This is the reference implementation: plain loops, correct for every case, kept as the oracle the
 * fast kernels are tested against.
 */
public final class Gemm {

    private Gemm() {
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int offA, int lda, float[] b, int offB, int ldb,
                             float beta, float[] c, int offC, int ldc) {
        reference(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
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
}
