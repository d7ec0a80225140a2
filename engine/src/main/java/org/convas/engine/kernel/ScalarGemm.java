package org.convas.engine.kernel;

/**
 * The portable GEMM path: plain Java, no Vector API. Used when {@code jdk.incubator.vector} is absent or
 * {@code -Dconvas.simd=false}, and by {@link Gemm} for tiny products, where the vector path's set-up does not
 * pay.
 *
 * <p>The same Goto/BLIS structure as the vector path, scaled to scalars: op(A) and op(B) are packed into
 * {@value #MR}-row and {@value #NR}-column micro-panels (whatever the transposes and leading dimensions), and a
 * 4×4 micro-kernel keeps 16 sums in registers, so each step does 16 multiply-adds for 8 loads and no stores.
 * (A plain i-p-j loop stores a C element per multiply-add and, because HotSpot does not vectorise it when C and
 * B may alias, ran at 2–4 GFLOP/s here.) Java forbids fusing a·b + c, so this path uses separate multiplies and
 * adds. Edge panels are zero-padded, so every C element is computed by the same operations wherever it lies.
 */
final class ScalarGemm implements GemmKernel {

    static final ScalarGemm INSTANCE = new ScalarGemm();

    static final int MR = 4;
    static final int NR = 4;
    static final int KC = 256;
    /** A block MC×KC = 128 KiB, in L2. */
    static final int MC = 32 * MR;
    /** B block KC×NC = 2 MiB at most, in L3; allocated only as wide as N needs. */
    static final int NC = 2048;

    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private ScalarGemm() {
    }

    @Override
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int offA, int lda, float[] b, int offB, int ldb,
                         float beta, float[] c, int offC, int ldc) {
        Workspace ws = WORKSPACE.get();
        int kcMax = Math.min(KC, k);
        int needA = roundUp(Math.min(MC, m), MR) * kcMax;
        int needB = roundUp(Math.min(NC, n), NR) * kcMax;
        if (ws.packedA.length < needA) ws.packedA = new float[needA];
        if (ws.packedB.length < needB) ws.packedB = new float[needB];
        float[] packedA = ws.packedA;
        float[] packedB = ws.packedB;
        float[] tile = ws.tile;

        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, offB, ldb, pc, kc, jc, nc, packedB);
                float betaNow = pc == 0 ? beta : 1f; // beta once, on the first K block
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, offA, lda, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            microKernel(kc, packedA, ir * kc, packedB, jr * kc, tile);
                            merge(tile, rows, cols, alpha, betaNow, c, offC + (ic + ir) * ldc + jc + jr, ldc);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void multiplyShifted(int m, int n, int k, float[] a, int offA, int lda, float[] b, int offB, int[] rows,
                                int images, int bImage, float[] c, int offC, int ldc,
                                java.util.function.IntConsumer eachImage) {
        Workspace ws = WORKSPACE.get();
        int needA = roundUp(m, MR) * k;
        if (ws.packedA.length < needA) ws.packedA = new float[needA];
        if (ws.packedB.length < NR * k) ws.packedB = new float[NR * k];
        float[] packedA = ws.packedA;
        float[] packedB = ws.packedB;
        packA(false, a, offA, lda, 0, m, 0, k, packedA);
        for (int image = 0; image < images; image++) {
            for (int jr = 0; jr < n; jr += NR) {
                int cols = Math.min(NR, n - jr);
                for (int p = 0; p < k; p++) {
                    int src = offB + image * bImage + rows[p] + jr;
                    for (int j = 0; j < NR; j++) packedB[p * NR + j] = j < cols ? b[src + j] : 0f;
                }
                for (int ir = 0; ir < m; ir += MR) {
                    microKernel(k, packedA, ir * k, packedB, 0, ws.tile);
                    merge(ws.tile, Math.min(MR, m - ir), cols, 1f, 0f, c, offC + ir * ldc + jr, ldc);
                }
            }
            if (eachImage != null) eachImage.accept(image);
        }
    }

    @Override
    public void dotShifted(int m, int n, int k, int images, float[] a, int offA, int lda, int aImage,
                           float[] b, int offB, int[] rows, int bImage, float[] c, int offC, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int image = 0; image < images; image++) {
                    int ai = offA + image * aImage + i * lda;
                    int bi = offB + image * bImage + rows[j];
                    for (int p = 0; p < k; p++) acc += a[ai + p] * b[bi + p];
                }
                c[offC + i * ldc + j] += acc;
            }
        }
    }

    /** Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row micro-panels, [p][r] within a panel; missing rows are 0. */
    private static void packA(boolean transA, float[] a, int offA, int lda, int ic, int mc, int pc, int kc,
                              float[] packed) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = ir * kc;
            for (int p = 0; p < kc; p++) {
                int dst = base + p * MR;
                for (int r = 0; r < MR; r++) {
                    int i = ic + ir + r;
                    packed[dst + r] = r >= rows ? 0f
                            : transA ? a[offA + (pc + p) * lda + i] : a[offA + i * lda + pc + p];
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels, [p][j] within a panel; missing columns are 0. */
    private static void packB(boolean transB, float[] b, int offB, int ldb, int pc, int kc, int jc, int nc,
                              float[] packed) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
            for (int p = 0; p < kc; p++) {
                int dst = base + p * NR;
                for (int j = 0; j < NR; j++) {
                    int col = jc + jr + j;
                    packed[dst + j] = j >= cols ? 0f
                            : transB ? b[offB + col * ldb + pc + p] : b[offB + (pc + p) * ldb + col];
                }
            }
        }
    }

    /** tile[4×4] = Σp a[p]ᵀ·b[p], the 16 sums in local variables (registers). */
    private static void microKernel(int kc, float[] pa, int aIndex, float[] pb, int bIndex, float[] tile) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int ai = aIndex;
        int bi = bIndex;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            float a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
            float b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
    }

    /** C[0:rows, 0:cols] = alpha·tile + beta·C; beta = 0 does not read C (NaN there does not survive). */
    private static void merge(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int cIndex,
                              int ldc) {
        for (int r = 0; r < rows; r++) {
            int row = cIndex + r * ldc;
            for (int j = 0; j < cols; j++) {
                float sum = alpha * tile[r * NR + j];
                c[row + j] = beta == 0f ? sum : beta == 1f ? c[row + j] + sum : beta * c[row + j] + sum;
            }
        }
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    @Override
    public int rowAlignment() {
        return MR;
    }

    @Override
    public int columnAlignment() {
        return NR;
    }

    @Override
    public String description() {
        return "scalar " + MR + "×" + NR + " register-blocked (packed panels, no Vector API)";
    }
}
