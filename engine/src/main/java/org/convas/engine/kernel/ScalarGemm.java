package org.convas.engine.kernel;

/**
 * The portable GEMM path: plain Java, no Vector API. Used when {@code jdk.incubator.vector} is absent or
 * {@code -Dconvas.simd=false}, and by {@link Gemm} for small products, where packing panels costs more than it
 * saves.
 *
 * <p>Loop order i-p-j: for each row i of C and each p, C[i][j] += (alpha·op(A)[i][p])·op(B)[p][j] over a run of
 * contiguous j, which HotSpot's superword pass turns into SIMD code on its own. op(B) must therefore be read
 * row by row: when B is stored transposed, a KB×NB block of it is first copied (transposed) into a per-thread
 * buffer. Blocking N by {@value #NB} and K by {@value #KB} keeps the C row segment in L1 and the B block in L2.
 */
final class ScalarGemm implements GemmKernel {

    static final ScalarGemm INSTANCE = new ScalarGemm();

    /** Columns of C per block: a row segment of C (1 KiB) stays in L1 while p runs over the K block. */
    private static final int NB = 256;
    /** Depth of a K block: the packed B block is KB×NB = 256 KiB, within L2. */
    private static final int KB = 256;

    private static final ThreadLocal<float[]> PACKED_B = ThreadLocal.withInitial(() -> new float[0]);

    private ScalarGemm() {
    }

    @Override
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int offA, int lda, float[] b, int offB, int ldb,
                         float beta, float[] c, int offC, int ldc) {
        float[] packed = null;
        if (transB) {
            packed = PACKED_B.get();
            int need = Math.min(KB, k) * Math.min(NB, n);
            if (packed.length < need) {
                packed = new float[need];
                PACKED_B.set(packed);
            }
        }
        for (int jc = 0; jc < n; jc += NB) {
            int nb = Math.min(NB, n - jc);
            for (int pc = 0; pc < k; pc += KB) {
                int kb = Math.min(KB, k - pc);
                // bRow(p) = index of op(B)[pc + p][jc] in bArr; row stride bStride
                float[] bArr;
                int bBase;
                int bStride;
                if (transB) {
                    for (int j = 0; j < nb; j++) {
                        int src = offB + (jc + j) * ldb + pc;
                        for (int p = 0; p < kb; p++) packed[p * nb + j] = b[src + p];
                    }
                    bArr = packed;
                    bBase = 0;
                    bStride = nb;
                } else {
                    bArr = b;
                    bBase = offB + pc * ldb + jc;
                    bStride = ldb;
                }
                for (int i = 0; i < m; i++) {
                    int ci = offC + i * ldc + jc;
                    if (pc == 0) scaleRow(c, ci, nb, beta);
                    for (int p = 0; p < kb; p++) {
                        float av = alpha * (transA ? a[offA + (pc + p) * lda + i] : a[offA + i * lda + pc + p]);
                        int bp = bBase + p * bStride;
                        for (int j = 0; j < nb; j++) c[ci + j] += av * bArr[bp + j];
                    }
                }
            }
        }
    }

    /** C row segment *= beta, where beta = 0 overwrites (so NaN or infinity left in C does not survive). */
    private static void scaleRow(float[] c, int from, int length, float beta) {
        if (beta == 0f) {
            java.util.Arrays.fill(c, from, from + length, 0f);
        } else if (beta != 1f) {
            for (int j = from; j < from + length; j++) c[j] *= beta;
        }
    }

    @Override
    public int rowAlignment() {
        return 1;
    }

    @Override
    public int columnAlignment() {
        return 1;
    }

    @Override
    public String description() {
        return "scalar i-p-j (blocked " + KB + "×" + NB + ", auto-vectorised by HotSpot)";
    }
}
