package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast GEMM path: packed panels and a register-blocked {@code FloatVector} FMA micro-kernel, in the
 * Goto/BLIS structure. This is the only class that touches {@code jdk.incubator.vector}; {@link Gemm} loads it
 * by name only when the module is in the boot layer, so the engine runs without {@code --add-modules}.
 *
 * <p>Legend: MR×NR is the register tile (MR = {@value #MR} rows, NR = two vectors, 16 floats on AVX2),
 * KC the depth of a K block, MC the rows of an A block, NC the columns of a B block.
 * <pre>
 * for jc in N step NC                    B block  op(B)[pc:pc+KC, jc:jc+NC] packed → L3
 *   for pc in K step KC                  (micro-panels of KC×NR, contiguous)
 *     for ic in M step MC                A block  op(A)[ic:ic+MC, pc:pc+KC] packed → L2
 *       for jr in NC step NR             (micro-panels of KC×MR, contiguous)
 *         for ir in MC step MR           micro-kernel: 8 accumulators += a-broadcast × b-vectors, KC times
 * </pre>
 * Packing copies whatever the transposes and leading dimensions are into the same layout, so one micro-kernel
 * serves all four transpose cases. One exception: with few rows (M ≤ {@value #DIRECT_B_MAX_ROWS}, typical of a
 * conv forward pass, K filters × Ho·Wo) and B untransposed, the micro-kernel reads B in place, row stride ldb,
 * because copying B would cost a large share of the work. Edge panels are padded with zeros, so edge tiles
 * run the same micro-kernel (into a scratch tile) and every C element is computed by the same sequence of operations wherever it lies:
 * results are bit-identical whichever way {@link Gemm} splits C between threads.
 *
 * <p>Why 4×16 (8 accumulators + 2 B vectors + 1 broadcast A = 11 of AVX2's 16 vector registers) and not
 * the 6×16 of OpenBLAS/BLIS (12 accumulators, 15 registers): measured here in thread CPU time on a 256³
 * product, 6×16 ran at ~35 GFLOP/s on JDK 25 against ~70 for 4×16 (presumably register spills in C2), and on
 * JDK 17 the two were within the noise of the shared machine (40–70).
 */
final class VectorGemm implements GemmKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    static final int MR = 4;
    static final int NR = 2 * L;
    static final int KC = 256;
    /** A block of MC×KC floats = 144 KiB at KC 256: fits the 512 KiB L2 next to streaming B micro-panels. */
    static final int MC = 36 * MR;
    /** B block of KC×NC floats = 4 MiB at most: lives in L3; allocated only as wide as N needs. */
    static final int NC = 4096 / NR * NR;

    /** Per-thread packing buffers, grown on demand and reused: no allocation per call once warmed up. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];
    }

    /**
     * Up to this many rows of C, B is read in place rather than packed (see the K-block loop): packing costs
     * K·N copies against M·N·K multiply-adds, so it pays only when M is large. Measured here on conv shapes:
     * M = 6…32 gained 20–40 %, M = 64 lost.
     */
    static final int DIRECT_B_MAX_ROWS = 32;

    /**
     * Whether successive rows of a row-major matrix with row stride {@code ld} floats land in enough different
     * L1 sets (64 sets of 64-byte lines on this class of CPU) for a KC-row micro-panel to stay cached. A stride
     * of 256 or 1024 floats maps every row to 4 or 1 set(s) and thrashes: measured 4× slower in place.
     */
    static boolean rowsSpreadOverCache(int ld) {
        if (ld % 16 != 0) return true; // rows start at different offsets within lines: sets spread out
        // rows then fall into 64 / gcd(lines per row, 64) sets; gcd ≤ 4 leaves at least 16 sets (128 lines)
        return Integer.numberOfTrailingZeros(ld / 16) <= 2;
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** True when the preferred species is wide enough (4 floats or more) for this kernel to beat the scalar path. */
    static boolean isUseful() {
        return L >= 4;
    }

    VectorGemm() {
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
                // Few rows of A: each B panel is used only a few times, so reading B in place beats copying it.
                // Only the ragged last panel (fewer than NR columns) is still packed, zero-padded.
                boolean directB = !transB && m <= DIRECT_B_MAX_ROWS && rowsSpreadOverCache(ldb);
                int packFrom = directB ? nc / NR * NR : 0;
                packB(transB, b, offB, ldb, pc, kc, jc + packFrom, nc - packFrom, packedB);
                // beta applies once, on the first K block; later blocks accumulate onto C.
                float betaNow = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, offA, lda, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        boolean inPlace = directB && cols == NR;
                        float[] bArray = inPlace ? b : packedB;
                        int bPanel = inPlace ? offB + pc * ldb + jc + jr : (jr - packFrom) * kc;
                        int bStride = inPlace ? ldb : NR;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            int cIndex = offC + (ic + ir) * ldc + jc + jr;
                            if (inPlace) {
                                microKernel(kc, packedA, ir * kc, bArray, bPanel, bStride, tile);
                            } else {
                                microKernelPacked(kc, packedA, ir * kc, bArray, bPanel, tile);
                            }
                            if (rows == MR && cols == NR) {
                                mergeTile(tile, alpha, betaNow, c, cIndex, ldc);
                            } else {
                                mergeEdge(tile, rows, cols, alpha, betaNow, c, cIndex, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Copies op(A)[ic:ic+mc, pc:pc+kc] into MR-row micro-panels: panel r holds, for each p, the MR values
     * op(A)[ic+r·MR .. +MR][pc+p] side by side. Rows past mc are zero.
     */
    private static void packA(boolean transA, float[] a, int offA, int lda, int ic, int mc, int pc, int kc,
                              float[] packed) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (!transA) {
                // A stored M×K: row i is contiguous in p; read rows, write with stride MR.
                for (int r = 0; r < rows; r++) {
                    int src = offA + (ic + ir + r) * lda + pc;
                    int dst = base + r;
                    for (int p = 0; p < kc; p++) packed[dst + p * MR] = a[src + p];
                }
            } else {
                // A stored K×M: the MR values for one p are contiguous.
                for (int p = 0; p < kc; p++) {
                    int src = offA + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < rows; r++) packed[dst + r] = a[src + r];
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < MR; r++) packed[base + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * Copies op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels: panel j holds, for each p, the NR values
     * op(B)[pc+p][jc+j·NR .. +NR] side by side. Columns past nc are zero.
     */
    private static void packB(boolean transB, float[] b, int offB, int ldb, int pc, int kc, int jc, int nc,
                              float[] packed) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {
                // B stored K×N: the NR values for one p are contiguous.
                for (int p = 0; p < kc; p++) {
                    int src = offB + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    if (cols == NR) {
                        FloatVector.fromArray(SPECIES, b, src).intoArray(packed, dst);
                        FloatVector.fromArray(SPECIES, b, src + L).intoArray(packed, dst + L);
                    } else {
                        for (int j = 0; j < cols; j++) packed[dst + j] = b[src + j];
                        for (int j = cols; j < NR; j++) packed[dst + j] = 0f;
                    }
                }
            } else {
                // B stored N×K: column j of op(B) is contiguous in p; read it, write with stride NR.
                for (int j = 0; j < cols; j++) {
                    int src = offB + (jc + jr + j) * ldb + pc;
                    int dst = base + j;
                    for (int p = 0; p < kc; p++) packed[dst + p * NR] = b[src + p];
                }
                if (cols < NR) {
                    for (int p = 0; p < kc; p++) {
                        for (int j = cols; j < NR; j++) packed[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * tile[MR×NR] = Σp a[p]ᵀ·b[p] over one packed A micro-panel and NR columns of B read in place (row p at
     * bIndex + p·bStride), the sum held in 8 vector registers. Deliberately branch-free and self-contained (no
     * vector crosses a call boundary), so C2 compiles it into a tight loop and never has to box a vector
     * (an earlier version that merged into C inside, with beta branches, fell to ~10 GFLOP/s after
     * deoptimisation); merging into C is done by {@link #mergeTile} / {@link #mergeEdge}.
     */
    private static void microKernel(int kc, float[] pa, int aIndex, float[] pb, int bIndex, int bStride,
                                    float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        int ai = aIndex;
        int bi = bIndex;
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /** As {@link #microKernel} for a packed B micro-panel: row stride NR, a constant the JIT can fold. */
    private static void microKernelPacked(int kc, float[] pa, int aIndex, float[] pb, int bIndex, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        int ai = aIndex;
        int bi = bIndex;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * Full tile: C[0:MR, 0:NR] = alpha·tile + beta·C, vector by vector, with the same operations per element as
     * {@link #mergeEdge}. beta = 0 stores without reading C.
     */
    private static void mergeTile(float[] tile, float alpha, float beta, float[] c, int cIndex, int ldc) {
        FloatVector alphas = FloatVector.broadcast(SPECIES, alpha);
        if (beta == 0f) {
            for (int r = 0, row = cIndex; r < MR; r++, row += ldc) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(SPECIES, tile, r * NR + v).mul(alphas).intoArray(c, row + v);
                }
            }
        } else if (beta == 1f) {
            for (int r = 0, row = cIndex; r < MR; r++, row += ldc) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(SPECIES, tile, r * NR + v)
                            .fma(alphas, FloatVector.fromArray(SPECIES, c, row + v)).intoArray(c, row + v);
                }
            }
        } else {
            for (int r = 0, row = cIndex; r < MR; r++, row += ldc) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(SPECIES, tile, r * NR + v)
                            .fma(alphas, FloatVector.fromArray(SPECIES, c, row + v).mul(beta)).intoArray(c, row + v);
                }
            }
        }
    }

    /** Edge tile: the valid rows×cols corner of the scratch tile goes into C with the arithmetic of {@link #mergeTile}. */
    private static void mergeEdge(float[] tile, int rows, int cols, float alpha, float beta,
                                  float[] c, int cIndex, int ldc) {
        for (int r = 0; r < rows; r++) {
            int row = cIndex + r * ldc;
            int t = r * NR;
            for (int j = 0; j < cols; j++) {
                float acc = tile[t + j];
                if (beta == 0f) {
                    c[row + j] = acc * alpha;
                } else if (beta == 1f) {
                    c[row + j] = Math.fma(acc, alpha, c[row + j]);
                } else {
                    c[row + j] = Math.fma(acc, alpha, c[row + j] * beta);
                }
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
        return "vector " + MR + "×" + NR + " FMA (" + SPECIES + ")";
    }
}
