package org.convas.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast GEMM path: packed panels and a register-blocked {@code FloatVector} FMA micro-kernel, in the
 * Goto/BLIS structure. Like the package's other {@code Vector*} classes, it alone touches
 * {@code jdk.incubator.vector}; {@link Gemm} loads it by name only when the module is in the boot layer, so the
 * engine runs without {@code --add-modules}. Lane sums go through {@link VectorLanes}, whose order does not
 * change when the JIT compiles them.
 *
 * <p>Legend: MR×NR is the register tile (MR = 4 or 8 rows, {@link #PREFERRED_MR}; NR = two vectors, 16 floats on
 * AVX2, 32 on AVX-512),
 * KC the depth of a K block, MC the rows of an A block, NC the columns of a B block.
 * <pre>
 * for jc in N step NC                    B block  op(B)[pc:pc+KC, jc:jc+NC] packed → L3
 *   for pc in K step KC                  (micro-panels of KC×NR, contiguous)
 *     for ic in M step MC                A block  op(A)[ic:ic+MC, pc:pc+KC] packed → L2
 *       for jr in NC step NR             (micro-panels of KC×MR, contiguous)
 *         for ir in MC step MR           micro-kernel: 2·MR accumulators += a-broadcast × b-vectors, KC times
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
 * JDK 17 the two were within the noise of the shared machine (40–70). With AVX-512's 32 registers the 8-row
 * tile (16 accumulators, 19 registers) fits without spills and is the default there.
 */
final class VectorGemm implements GemmKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /**
     * Rows of the register tile on this CPU: 8 with 32 vector registers of 16 floats (AVX-512: 16 accumulators
     * + 2 B vectors + 1 broadcast), 4 otherwise (AVX2's 16 registers hold 8 accumulators + 3). Measured on a
     * Xeon with AVX-512, conv-shaped products: 8 rows ran at 1.2–1.6× the GFLOP/s of 4.
     */
    static final int PREFERRED_MR = L >= 16 ? 8 : 4;
    private static final int MAX_MR = 8;
    static final int NR = 2 * L;
    static final int KC = 256;
    /** Rows of the register tile (4 or 8) and of an A block, MC = 36·MR: 144 or 288 KiB at KC 256, within L2. */
    private final int mr;
    private final int mc;
    /** B block of KC×NC floats = 4 MiB at most: lives in L3; allocated only as wide as N needs. */
    static final int NC = 4096 / NR * NR;

    /** Per-thread packing buffers, grown on demand and reused: no allocation per call once warmed up. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        float[] dotAcc = new float[0];
        final float[] tile = new float[MAX_MR * NR];
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
        this(PREFERRED_MR);
    }

    /** A kernel with a register tile of {@code rows} (4 or 8) rows; tests run both on any CPU. */
    VectorGemm(int rows) {
        if (rows != 4 && rows != 8) throw new IllegalArgumentException("register tile rows must be 4 or 8, got " + rows);
        this.mr = rows;
        this.mc = 36 * rows;
    }

    @Override
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int offA, int lda, float[] b, int offB, int ldb,
                         float beta, float[] c, int offC, int ldc) {
        if (!transA && transB && useDotProducts(m, n, k)) {
            dotProducts(m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        Workspace ws = WORKSPACE.get();
        // Four rows or fewer (an FC layer on a micro-batch of 4) would leave half of an 8-row tile empty: the 4-row
        // tile does the same multiply-adds per element in the same order, so C is bit-identical either way.
        int mr = m <= 4 ? 4 : this.mr;
        // K in equal blocks of at most KC: 288 = 144 + 144 rather than 256 + 32, whose short block would pay a
        // whole tile merge for 32 steps (VGG-lite's convs have K = 288 and 576).
        int kBlocks = (k + KC - 1) / KC;
        int kcMax = (k + kBlocks - 1) / kBlocks;
        int needA = roundUp(Math.min(mc, m), mr) * kcMax;
        int needB = roundUp(Math.min(NC, n), NR) * kcMax;
        if (ws.packedA.length < needA) ws.packedA = new float[needA];
        if (ws.packedB.length < needB) ws.packedB = new float[needB];
        float[] packedA = ws.packedA;
        float[] packedB = ws.packedB;
        float[] tile = ws.tile;

        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                // Few rows of A: each B panel is used only a few times, so reading B in place beats copying it.
                // Only the ragged last panel (fewer than NR columns) is still packed, zero-padded.
                boolean directB = !transB && m <= DIRECT_B_MAX_ROWS && rowsSpreadOverCache(ldb);
                int packFrom = directB ? nc / NR * NR : 0;
                packB(transB, b, offB, ldb, pc, kc, jc + packFrom, nc - packFrom, packedB);
                // beta applies once, on the first K block; later blocks accumulate onto C.
                float betaNow = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += this.mc) {
                    int mc = Math.min(this.mc, m - ic);
                    packA(mr, transA, a, offA, lda, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        boolean inPlace = directB && cols == NR;
                        float[] bArray = inPlace ? b : packedB;
                        int bPanel = inPlace ? offB + pc * ldb + jc + jr : (jr - packFrom) * kc;
                        int bStride = inPlace ? ldb : NR;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int rows = Math.min(mr, mc - ir);
                            int cIndex = offC + (ic + ir) * ldc + jc + jr;
                            if (mr == 8) {
                                microKernel8(kc, packedA, ir * kc, bArray, bPanel, inPlace ? bStride : NR, tile);
                            } else if (inPlace) {
                                microKernel(kc, packedA, ir * kc, bArray, bPanel, bStride, tile);
                            } else {
                                microKernelPacked(kc, packedA, ir * kc, bArray, bPanel, tile);
                            }
                            if (rows == mr && cols == NR) {
                                mergeTile(tile, mr, alpha, betaNow, c, cIndex, ldc);
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
     * Whether C = A·Bᵀ goes through {@link #dotProducts}: a long K against a small C, the shape of a
     * convolution's weight gradient (dW = dY · colᵀ: K/G filters × C/G·Fh·Fw, summed over every output pixel of
     * the batch). There both A and B are row-major along K, so their rows are read as they are; the packed path
     * would first have to transpose B, a strided copy of the whole column matrix (measured: 15 % of a LeNet
     * training step, against 8 % for the multiply-adds themselves).
     */
    static boolean useDotProducts(int m, int n, int k) {
        return k >= DOT_MIN_K && (long) m * n * 8 <= k * 64L;
    }

    /** Below this K, a row of A·Bᵀ is too short for vector dot products to beat packing. */
    static final int DOT_MIN_K = 256;

    /**
     * C[i][j] = alpha·(A row i · B row j) + beta·C[i][j] for A stored M×K and B stored N×K (op(B) = Bᵀ), in
     * blocks of 4 rows × 4 columns: 16 vector accumulators run along K, 8 loads feed 16 FMAs. Every element
     * is computed by the same operations (lane-wise FMAs over whole vectors, the lanes summed, the K mod L tail
     * added in order, then merged as {@link #mergeEdge} does), so the split of C between threads never changes
     * a bit.
     */
    private static void dotProducts(int m, int n, int k, float alpha, float[] a, int offA, int lda,
                                    float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        int kv = k / L * L;
        float[] sums = new float[16];
        for (int i = 0; i < m; i += 4) {
            int rows = Math.min(4, m - i);
            if (rows < 4) {
                // One to three rows (an FC layer on a single image): each row against 8 B rows at a time, so no
                // multiply-add is spent on a repeated row. The same operations per element as dot4x4: C is
                // bit-identical to what the 4-row blocks give.
                for (int r = 0; r < rows; r++) {
                    dotRow(kv, k, alpha, a, offA + (i + r) * lda, n, b, offB, ldb, beta, c, offC + (i + r) * ldc, sums);
                }
                break;
            }
            // Edge blocks repeat their last row or column (results discarded): the same kernel, so every
            // element is computed the same way wherever it lies.
            int a0 = offA + i * lda;
            int a1 = offA + (i + Math.min(1, rows - 1)) * lda;
            int a2 = offA + (i + Math.min(2, rows - 1)) * lda;
            int a3 = offA + (i + Math.min(3, rows - 1)) * lda;
            for (int j = 0; j < n; j += 4) {
                int cols = Math.min(4, n - j);
                int b0 = offB + j * ldb;
                int b1 = offB + (j + Math.min(1, cols - 1)) * ldb;
                int b2 = offB + (j + Math.min(2, cols - 1)) * ldb;
                int b3 = offB + (j + Math.min(3, cols - 1)) * ldb;
                dot4x4(kv, 1, a, a0, a1, a2, a3, 0, b, b0, b1, b2, b3, 0, sums);
                for (int r = 0; r < rows; r++) {
                    int ai = offA + (i + r) * lda;
                    int row = offC + (i + r) * ldc + j;
                    for (int q = 0; q < cols; q++) {
                        finishDot(sums[r * 4 + q], kv, k, a, ai, b, offB + (j + q) * ldb, alpha, beta, c, row + q);
                    }
                }
            }
        }
    }

    /** C row = alpha·(A row · B rows 0…n−1) + beta·C row, 8 B rows at a time (the last block repeats its last row). */
    private static void dotRow(int kv, int k, float alpha, float[] a, int ai, int n, float[] b, int offB, int ldb,
                               float beta, float[] c, int row, float[] sums) {
        for (int j = 0; j < n; j += 8) {
            int cols = Math.min(8, n - j);
            int b0 = offB + j * ldb;
            dot1x8(kv, a, ai, b, b0, b0 + Math.min(1, cols - 1) * ldb, b0 + Math.min(2, cols - 1) * ldb,
                    b0 + Math.min(3, cols - 1) * ldb, b0 + Math.min(4, cols - 1) * ldb, b0 + Math.min(5, cols - 1) * ldb,
                    b0 + Math.min(6, cols - 1) * ldb, b0 + Math.min(7, cols - 1) * ldb, sums);
            for (int q = 0; q < cols; q++) {
                finishDot(sums[q], kv, k, a, ai, b, b0 + q * ldb, alpha, beta, c, row + j + q);
            }
        }
    }

    /**
     * One element of a dot-product block: the whole vectors' sum {@code acc}, plus the K mod L tail in order,
     * merged into c[at] as {@link #mergeEdge} does (beta = 0 overwrites whatever C held).
     */
    private static void finishDot(float acc, int kv, int k, float[] a, int ai, float[] b, int bi, float alpha,
                                  float beta, float[] c, int at) {
        for (int p = kv; p < k; p++) acc = Math.fma(a[ai + p], b[bi + p], acc);
        if (beta == 0f) {
            c[at] = acc * alpha;
        } else if (beta == 1f) {
            c[at] = Math.fma(acc, alpha, c[at]);
        } else {
            c[at] = Math.fma(acc, alpha, c[at] * beta);
        }
    }

    /** sums[q] = Σ over whole vectors of A row a · B row b_q (their first kv values), for 8 rows of B. */
    private static void dot1x8(int kv, float[] a, int a0, float[] b, int b0, int b1, int b2, int b3, int b4, int b5,
                               int b6, int b7, float[] sums) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES), c2 = FloatVector.zero(SPECIES), c3 = FloatVector.zero(SPECIES);
        FloatVector c4 = FloatVector.zero(SPECIES), c5 = FloatVector.zero(SPECIES), c6 = FloatVector.zero(SPECIES), c7 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kv; p += L) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, a0 + p);
            c0 = x.fma(FloatVector.fromArray(SPECIES, b, b0 + p), c0);
            c1 = x.fma(FloatVector.fromArray(SPECIES, b, b1 + p), c1);
            c2 = x.fma(FloatVector.fromArray(SPECIES, b, b2 + p), c2);
            c3 = x.fma(FloatVector.fromArray(SPECIES, b, b3 + p), c3);
            c4 = x.fma(FloatVector.fromArray(SPECIES, b, b4 + p), c4);
            c5 = x.fma(FloatVector.fromArray(SPECIES, b, b5 + p), c5);
            c6 = x.fma(FloatVector.fromArray(SPECIES, b, b6 + p), c6);
            c7 = x.fma(FloatVector.fromArray(SPECIES, b, b7 + p), c7);
        }
        sums[0] = VectorLanes.sum(c0);
        sums[1] = VectorLanes.sum(c1);
        sums[2] = VectorLanes.sum(c2);
        sums[3] = VectorLanes.sum(c3);
        sums[4] = VectorLanes.sum(c4);
        sums[5] = VectorLanes.sum(c5);
        sums[6] = VectorLanes.sum(c6);
        sums[7] = VectorLanes.sum(c7);
    }

    /**
     * sums[r·4 + q] = Σ over whole vectors of A row a_r · B row b_q (their first kv values), for a 4×4 block,
     * summed over {@code images} pairs of rows (image i's rows i·aImage and i·bImage further on).
     */
    private static void dot4x4(int kv, int images, float[] a, int a0, int a1, int a2, int a3, int aImage,
                               float[] b, int b0, int b1, int b2, int b3, int bImage, float[] sums) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES), c02 = FloatVector.zero(SPECIES), c03 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES), c12 = FloatVector.zero(SPECIES), c13 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES), c22 = FloatVector.zero(SPECIES), c23 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES), c32 = FloatVector.zero(SPECIES), c33 = FloatVector.zero(SPECIES);
        for (int image = 0; image < images; image++, a0 += aImage, a1 += aImage, a2 += aImage, a3 += aImage,
                b0 += bImage, b1 += bImage, b2 += bImage, b3 += bImage) {
        for (int p = 0; p < kv; p += L) {
            FloatVector y0 = FloatVector.fromArray(SPECIES, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(SPECIES, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(SPECIES, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(SPECIES, b, b3 + p);
            FloatVector x = FloatVector.fromArray(SPECIES, a, a0 + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.fromArray(SPECIES, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.fromArray(SPECIES, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.fromArray(SPECIES, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        }
        sums[0] = VectorLanes.sum(c00);
        sums[1] = VectorLanes.sum(c01);
        sums[2] = VectorLanes.sum(c02);
        sums[3] = VectorLanes.sum(c03);
        sums[4] = VectorLanes.sum(c10);
        sums[5] = VectorLanes.sum(c11);
        sums[6] = VectorLanes.sum(c12);
        sums[7] = VectorLanes.sum(c13);
        sums[8] = VectorLanes.sum(c20);
        sums[9] = VectorLanes.sum(c21);
        sums[10] = VectorLanes.sum(c22);
        sums[11] = VectorLanes.sum(c23);
        sums[12] = VectorLanes.sum(c30);
        sums[13] = VectorLanes.sum(c31);
        sums[14] = VectorLanes.sum(c32);
        sums[15] = VectorLanes.sum(c33);
    }

    /**
     * One image's step of {@link #dot4x4}: its 16 accumulators start from acc[at …] (16 vectors, r·4 + q) and are
     * stored back there, so a block's sums run on over the images exactly as in dot4x4's image loop.
     */
    private static void dot4x4Carried(int kv, float[] a, int a0, int a1, int a2, int a3,
                                      float[] b, int b0, int b1, int b2, int b3, float[] acc, int at) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, acc, at), c01 = FloatVector.fromArray(SPECIES, acc, at + L);
        FloatVector c02 = FloatVector.fromArray(SPECIES, acc, at + 2 * L), c03 = FloatVector.fromArray(SPECIES, acc, at + 3 * L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, acc, at + 4 * L), c11 = FloatVector.fromArray(SPECIES, acc, at + 5 * L);
        FloatVector c12 = FloatVector.fromArray(SPECIES, acc, at + 6 * L), c13 = FloatVector.fromArray(SPECIES, acc, at + 7 * L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, acc, at + 8 * L), c21 = FloatVector.fromArray(SPECIES, acc, at + 9 * L);
        FloatVector c22 = FloatVector.fromArray(SPECIES, acc, at + 10 * L), c23 = FloatVector.fromArray(SPECIES, acc, at + 11 * L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, acc, at + 12 * L), c31 = FloatVector.fromArray(SPECIES, acc, at + 13 * L);
        FloatVector c32 = FloatVector.fromArray(SPECIES, acc, at + 14 * L), c33 = FloatVector.fromArray(SPECIES, acc, at + 15 * L);
        for (int p = 0; p < kv; p += L) {
            FloatVector y0 = FloatVector.fromArray(SPECIES, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(SPECIES, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(SPECIES, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(SPECIES, b, b3 + p);
            FloatVector x = FloatVector.fromArray(SPECIES, a, a0 + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.fromArray(SPECIES, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.fromArray(SPECIES, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.fromArray(SPECIES, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        c00.intoArray(acc, at);
        c01.intoArray(acc, at + L);
        c02.intoArray(acc, at + 2 * L);
        c03.intoArray(acc, at + 3 * L);
        c10.intoArray(acc, at + 4 * L);
        c11.intoArray(acc, at + 5 * L);
        c12.intoArray(acc, at + 6 * L);
        c13.intoArray(acc, at + 7 * L);
        c20.intoArray(acc, at + 8 * L);
        c21.intoArray(acc, at + 9 * L);
        c22.intoArray(acc, at + 10 * L);
        c23.intoArray(acc, at + 11 * L);
        c30.intoArray(acc, at + 12 * L);
        c31.intoArray(acc, at + 13 * L);
        c32.intoArray(acc, at + 14 * L);
        c33.intoArray(acc, at + 15 * L);
    }

    /**
     * Shifted B (see {@link Gemm#sgemmShifted}): each NR-column panel of B is gathered from its k row windows into
     * a contiguous k×NR micro-panel, which then stays in L1 while every mr-row tile of C runs over it. The
     * gather is an im2col of just NR columns: K·NR copies per panel against M·K·NR multiply-adds, where a whole
     * column matrix would stream K·N floats through memory twice. With few rows (M ≤ {@value #DIRECT_B_MAX_ROWS}) on
     * the 8-row tile, the micro-kernel reads the windows in place instead (measured on conv shapes, one thread:
     * M = 32 gained 1–20 %, M = 64 lost up to 9 %).
     */
    @Override
    public void multiplyShifted(int m, int n, int k, float[] a, int offA, int lda, float[] b, int offB, int[] rows,
                                int images, int bImage, float[] c, int offC, int ldc,
                                java.util.function.IntConsumer eachImage) {
        Workspace ws = WORKSPACE.get();
        int needA = roundUp(m, mr) * k;
        if (ws.packedA.length < needA) ws.packedA = new float[needA];
        if (ws.packedB.length < NR * k) ws.packedB = new float[NR * k];
        float[] packedA = ws.packedA;
        float[] packedB = ws.packedB;
        float[] tile = ws.tile;
        packA(mr, false, a, offA, lda, 0, m, 0, k, packedA);   // once for all the images
        // The last row window that starts furthest on: a panel whose every row can be read NR floats wide within
        // the array is read (or packed) whole even when it is the ragged last one; the columns past n then hold
        // whatever follows in B, and the tile columns they give are never merged into C (each C column depends on
        // its own B column only), so the valid columns are computed exactly as from a zero-padded panel.
        int maxRow = 0;
        for (int p = 0; p < k; p++) maxRow = Math.max(maxRow, rows[p]);
        for (int image = 0; image < images; image++) {
            for (int jr = 0; jr < n; jr += NR) {
                int cols = Math.min(NR, n - jr);
                int from = offB + image * bImage + jr;
                boolean whole = cols == NR || from + maxRow + NR <= b.length;
                // Few rows (M ≤ DIRECT_B_MAX_ROWS): B read in place, as in multiply.
                boolean direct = mr == 8 && m <= DIRECT_B_MAX_ROWS && whole;
                if (!direct) packShiftedB(b, from, rows, k, whole ? NR : cols, packedB);
                for (int ir = 0; ir < m; ir += mr) {
                    int tileRows = Math.min(mr, m - ir);
                    if (direct) {
                        microKernel8Shifted(k, packedA, ir * k, b, from, rows, tile);
                    } else if (mr == 8) {
                        microKernel8(k, packedA, ir * k, packedB, 0, NR, tile);
                    } else {
                        microKernelPacked(k, packedA, ir * k, packedB, 0, tile);
                    }
                    int cIndex = offC + ir * ldc + jr;
                    if (tileRows == mr && cols == NR) {
                        mergeTile(tile, mr, 1f, 0f, c, cIndex, ldc);
                    } else {
                        mergeEdge(tile, tileRows, cols, 1f, 0f, c, cIndex, ldc);
                    }
                }
            }
            if (eachImage != null) eachImage.accept(image);
        }
    }

    /**
     * The k×NR micro-panel of B's columns from..from+cols−1 (row p starting at from + rows[p]), zero-padded; with
     * cols = NR, whole vectors are copied (the caller passes NR for a ragged panel whose rows can be read that far).
     */
    private static void packShiftedB(float[] b, int from, int[] rows, int k, int cols, float[] packed) {
        if (cols == NR) {
            for (int p = 0, dst = 0; p < k; p++, dst += NR) {
                int src = from + rows[p];
                FloatVector.fromArray(SPECIES, b, src).intoArray(packed, dst);
                FloatVector.fromArray(SPECIES, b, src + L).intoArray(packed, dst + L);
            }
        } else {
            for (int p = 0, dst = 0; p < k; p++, dst += NR) {
                int src = from + rows[p];
                for (int j = 0; j < cols; j++) packed[dst + j] = b[src + j];
                for (int j = cols; j < NR; j++) packed[dst + j] = 0f;
            }
        }
    }

    /**
     * Shifted dot products (see {@link Gemm#sdotShifted}): with rows enough to fill three quarters of the NR-wide
     * tiles (a convolution's filters: 24 or more with AVX-512's NR = 32, 12 with AVX2's 16), {@link #broadcastDots},
     * on either tile (AVX2's 4-row tile took the 4×4 blocks until measured otherwise: their 16
     * accumulators do not fit its 16 vector registers); otherwise in 4×4 blocks, as {@link #dotProducts}, with the images' partial
     * sums kept in the vector accumulators and reduced once.
     */
    @Override
    public void dotShifted(int m, int n, int k, int images, float[] a, int offA, int lda, int aImage,
                           float[] b, int offB, int[] rows, int bImage, float[] c, int offC, int ldc) {
        if (4 * m >= 3 * NR && 4 * m >= 3 * roundUp(m, NR)) {
            broadcastDots(m, n, k, images, a, offA, lda, aImage, b, offB, rows, bImage, c, offC, ldc);
            return;
        }
        int kv = k / L * L;
        float[] sums = new float[16];
        // Image by image, every 4×4 block of C in turn, the blocks' 16 vector accumulators carried from one image to
        // the next in a buffer: each lane gets the same FMAs in the same order as with the images innermost (as
        // dot4x4 runs them), but an image's 4 rows of A stay in L1 while its B rows pass, where running every block
        // over all the images read the whole batch's A and B from L2 or beyond again for each block (16 filters
        // over 16 channels of 28×28: 144 blocks × 64 images × 26 KB; measured 75 against 110+ GFLOP/s).
        int blocksJ = (n + 3) / 4;
        int blockFloats = 16 * L;
        Workspace ws = WORKSPACE.get();
        int need = (m + 3) / 4 * blocksJ * blockFloats;
        if (ws.dotAcc.length < need) ws.dotAcc = new float[need];
        float[] carried = ws.dotAcc;
        java.util.Arrays.fill(carried, 0, need, 0f);
        for (int image = 0; image < images; image++) {
            int imageA = offA + image * aImage, imageB = offB + image * bImage;
            for (int i = 0; i < m; i += 4) {
                int rowsHere = Math.min(4, m - i);
                int a0 = imageA + i * lda;
                int a1 = imageA + (i + Math.min(1, rowsHere - 1)) * lda;
                int a2 = imageA + (i + Math.min(2, rowsHere - 1)) * lda;
                int a3 = imageA + (i + Math.min(3, rowsHere - 1)) * lda;
                int at = i / 4 * blocksJ * blockFloats;
                for (int j = 0; j < n; j += 4, at += blockFloats) {
                    int cols = Math.min(4, n - j);
                    dot4x4Carried(kv, a, a0, a1, a2, a3, b, imageB + rows[j], imageB + rows[j + Math.min(1, cols - 1)],
                            imageB + rows[j + Math.min(2, cols - 1)], imageB + rows[j + Math.min(3, cols - 1)], carried, at);
                }
            }
        }
        for (int i = 0; i < m; i += 4) {
            int rowsHere = Math.min(4, m - i);
            for (int j = 0; j < n; j += 4) {
                int cols = Math.min(4, n - j);
                int at = (i / 4 * blocksJ + j / 4) * blockFloats;
                for (int v = 0; v < 16; v++) sums[v] = VectorLanes.sum(FloatVector.fromArray(SPECIES, carried, at + v * L));
                for (int r = 0; r < rowsHere; r++) {
                    int row = offC + (i + r) * ldc + j;
                    for (int q = 0; q < cols; q++) {
                        float acc = sums[r * 4 + q];
                        if (kv < k) {
                            for (int image = 0; image < images; image++) {
                                int ai = offA + image * aImage + (i + r) * lda;
                                int bi = offB + image * bImage + rows[j + q];
                                for (int p = kv; p < k; p++) acc = Math.fma(a[ai + p], b[bi + p], acc);
                            }
                        }
                        c[row + q] += acc;
                    }
                }
            }
        }
    }

    /**
     * {@link #dotShifted} for a C of many rows (the filters of a convolution, 32 or more): Cᵀ is computed in
     * 8×NR tiles, 8 B rows by NR rows of A, with the {@link #microKernel8} step — 8 broadcasts from the 8 B rows,
     * 2 vector loads from a packed panel of A transposed (K×NR, NR rows of A side by side), 16 FMAs — so no lane
     * sums are needed and the shifted B rows are read one float at a time, never as split vectors. K is cut into
     * blocks so that the packed A panel stays in L1 while all of B's rows pass; partial tiles are added into a
     * Cᵀ buffer, which is added onto C at the end. Each C element gets the same operations wherever it lies.
     */
    private void broadcastDots(int m, int n, int k, int images, float[] a, int offA, int lda, int aImage,
                               float[] b, int offB, int[] rows, int bImage, float[] c, int offC, int ldc) {
        Workspace ws = WORKSPACE.get();
        int kBlocks = (k + KC - 1) / KC;
        int kcMax = (k + kBlocks - 1) / kBlocks;
        int nPad = roundUp(n, 8);
        if (ws.packedA.length < NR * kcMax) ws.packedA = new float[NR * kcMax];
        if (ws.packedB.length < nPad * NR) ws.packedB = new float[nPad * NR];
        float[] panel = ws.packedA;
        float[] ct = ws.packedB;
        int[] rowStarts = new int[NR];   // gather offsets: A's rows i0 … i0+NR−1
        for (int q = 0; q < NR; q++) rowStarts[q] = q * lda;
        float[] tile = ws.tile;
        for (int i0 = 0; i0 < m; i0 += NR) {
            int cols = Math.min(NR, m - i0);
            java.util.Arrays.fill(ct, 0, nPad * NR, 0f);
            for (int image = 0; image < images; image++) {
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    // panel[p·NR + q] = A[i0 + q][pc + p]; rows past m are 0.
                    int src = offA + image * aImage + i0 * lda + pc;
                    if (cols == NR) {
                        // Gathers, NR rows a step: measured 10 % faster than copying float by float.
                        for (int p = 0; p < kc; p++) {
                            FloatVector.fromArray(SPECIES, a, src + p, rowStarts, 0).intoArray(panel, p * NR);
                            FloatVector.fromArray(SPECIES, a, src + p, rowStarts, L).intoArray(panel, p * NR + L);
                        }
                    } else {
                        for (int q = 0; q < NR; q++) {
                            if (q < cols) {
                                for (int p = 0; p < kc; p++) panel[p * NR + q] = a[src + q * lda + p];
                            } else {
                                for (int p = 0; p < kc; p++) panel[p * NR + q] = 0f;
                            }
                        }
                    }
                    int base = offB + image * bImage + pc;
                    for (int j0 = 0; j0 < n; j0 += mr) {
                        int last = Math.min(mr, n - j0) - 1;  // an edge block repeats its last row; results discarded
                        if (mr == 8) {
                            microKernel8Rows(kc, b, base + rows[j0], base + rows[j0 + Math.min(1, last)],
                                    base + rows[j0 + Math.min(2, last)], base + rows[j0 + Math.min(3, last)],
                                    base + rows[j0 + Math.min(4, last)], base + rows[j0 + Math.min(5, last)],
                                    base + rows[j0 + Math.min(6, last)], base + rows[j0 + Math.min(7, last)], panel, tile);
                        } else {
                            microKernel4Rows(kc, b, base + rows[j0], base + rows[j0 + Math.min(1, last)],
                                    base + rows[j0 + Math.min(2, last)], base + rows[j0 + Math.min(3, last)], panel, tile);
                        }
                        for (int v = 0, end = Math.min(mr, n - j0) * NR; v < end; v += L) {
                            FloatVector.fromArray(SPECIES, ct, j0 * NR + v).add(FloatVector.fromArray(SPECIES, tile, v))
                                    .intoArray(ct, j0 * NR + v);
                        }
                    }
                }
            }
            for (int q = 0; q < cols; q++) {
                int row = offC + (i0 + q) * ldc;
                for (int j = 0; j < n; j++) c[row + j] += ct[j * NR + q];
            }
        }
    }

    /**
     * {@link #microKernel8Rows} for 4 B rows: 8 accumulators, so that AVX2's 16 vector registers hold them with the
     * two panel vectors and the broadcast (8 rows would need 19 and spill).
     */
    private static void microKernel4Rows(int kc, float[] b, int b0, int b1, int b2, int b3, float[] panel, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        for (int p = 0, pi = 0; p < kc; p++, pi += NR) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, panel, pi);
            FloatVector v1 = FloatVector.fromArray(SPECIES, panel, pi + L);
            FloatVector s = FloatVector.broadcast(SPECIES, b[b0 + p]);
            c00 = s.fma(v0, c00);
            c01 = s.fma(v1, c01);
            s = FloatVector.broadcast(SPECIES, b[b1 + p]);
            c10 = s.fma(v0, c10);
            c11 = s.fma(v1, c11);
            s = FloatVector.broadcast(SPECIES, b[b2 + p]);
            c20 = s.fma(v0, c20);
            c21 = s.fma(v1, c21);
            s = FloatVector.broadcast(SPECIES, b[b3 + p]);
            c30 = s.fma(v0, c30);
            c31 = s.fma(v1, c31);
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

    /** tile[r·NR + q] = Σp b[b_r + p]·panel[p·NR + q]: {@link #microKernel8} with its 8 scalars read from 8 rows. */
    private static void microKernel8Rows(int kc, float[] b, int b0, int b1, int b2, int b3, int b4, int b5, int b6,
                                         int b7, float[] panel, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        for (int p = 0, pi = 0; p < kc; p++, pi += NR) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, panel, pi);
            FloatVector v1 = FloatVector.fromArray(SPECIES, panel, pi + L);
            FloatVector s = FloatVector.broadcast(SPECIES, b[b0 + p]);
            c00 = s.fma(v0, c00);
            c01 = s.fma(v1, c01);
            s = FloatVector.broadcast(SPECIES, b[b1 + p]);
            c10 = s.fma(v0, c10);
            c11 = s.fma(v1, c11);
            s = FloatVector.broadcast(SPECIES, b[b2 + p]);
            c20 = s.fma(v0, c20);
            c21 = s.fma(v1, c21);
            s = FloatVector.broadcast(SPECIES, b[b3 + p]);
            c30 = s.fma(v0, c30);
            c31 = s.fma(v1, c31);
            s = FloatVector.broadcast(SPECIES, b[b4 + p]);
            c40 = s.fma(v0, c40);
            c41 = s.fma(v1, c41);
            s = FloatVector.broadcast(SPECIES, b[b5 + p]);
            c50 = s.fma(v0, c50);
            c51 = s.fma(v1, c51);
            s = FloatVector.broadcast(SPECIES, b[b6 + p]);
            c60 = s.fma(v0, c60);
            c61 = s.fma(v1, c61);
            s = FloatVector.broadcast(SPECIES, b[b7 + p]);
            c70 = s.fma(v0, c70);
            c71 = s.fma(v1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * Copies op(A)[ic:ic+mc, pc:pc+kc] into mr-row micro-panels: panel r holds, for each p, the mr values
     * op(A)[ic+r·mr .. +mr][pc+p] side by side. Rows past mc are zero.
     */
    private static void packA(int mr, boolean transA, float[] a, int offA, int lda, int ic, int mc, int pc, int kc,
                              float[] packed) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc;
            if (!transA) {
                // A stored M×K: row i is contiguous in p; read rows, write with stride mr.
                for (int r = 0; r < rows; r++) {
                    int src = offA + (ic + ir + r) * lda + pc;
                    int dst = base + r;
                    for (int p = 0; p < kc; p++) packed[dst + p * mr] = a[src + p];
                }
            } else {
                // A stored K×M: the mr values for one p are contiguous.
                for (int p = 0; p < kc; p++) {
                    int src = offA + (pc + p) * lda + ic + ir;
                    int dst = base + p * mr;
                    for (int r = 0; r < rows; r++) packed[dst + r] = a[src + r];
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < mr; r++) packed[base + p * mr + r] = 0f;
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
        for (int p = 0; p < kc; p++, ai += 4, bi += bStride) {
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

    /** 8×2L tile, 16 accumulators: for 32-register ISAs (AVX-512), where 4 rows leave the FMA units half fed. */
    private static void microKernel8(int kc, float[] pa, int aIndex, float[] pb, int bIndex, int bStride,
                                     float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        int ai = aIndex;
        int bi = bIndex;
        for (int p = 0; p < kc; p++, ai += 8, bi += bStride) {
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
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(SPECIES, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(SPECIES, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * {@link #microKernel8} reading B row p in place at bIndex + rows[p]. A copy rather than a flag or an offsets
     * array for every call: C2 keeps the 16 accumulators in registers only in a branch-free loop, and the packed
     * path's constant stride is worth keeping free of the extra load.
     */
    private static void microKernel8Shifted(int kc, float[] pa, int aIndex, float[] pb, int bIndex, int[] rows,
                                            float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        int ai = aIndex;
        for (int p = 0; p < kc; p++, ai += 8) {
            int bi = bIndex + rows[p];
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
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(SPECIES, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(SPECIES, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /** As {@link #microKernel} for a packed B micro-panel: row stride NR, a constant the JIT can fold. */
    private static void microKernelPacked(int kc, float[] pa, int aIndex, float[] pb, int bIndex, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        int ai = aIndex;
        int bi = bIndex;
        for (int p = 0; p < kc; p++, ai += 4, bi += NR) {
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
     * Full tile: C[0:rows, 0:NR] = alpha·tile + beta·C, vector by vector, with the same operations per element as
     * {@link #mergeEdge}. beta = 0 stores without reading C.
     */
    private static void mergeTile(float[] tile, int rows, float alpha, float beta, float[] c, int cIndex, int ldc) {
        FloatVector alphas = FloatVector.broadcast(SPECIES, alpha);
        if (beta == 0f) {
            for (int r = 0, row = cIndex; r < rows; r++, row += ldc) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(SPECIES, tile, r * NR + v).mul(alphas).intoArray(c, row + v);
                }
            }
        } else if (beta == 1f) {
            for (int r = 0, row = cIndex; r < rows; r++, row += ldc) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(SPECIES, tile, r * NR + v)
                            .fma(alphas, FloatVector.fromArray(SPECIES, c, row + v)).intoArray(c, row + v);
                }
            }
        } else {
            for (int r = 0, row = cIndex; r < rows; r++, row += ldc) {
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
        return mr;
    }

    @Override
    public int columnAlignment() {
        return NR;
    }

    @Override
    public String description() {
        return "vector " + mr + "×" + NR + " FMA (" + SPECIES + ")";
    }

    @Override
    public int vectorBits() {
        return SPECIES.vectorBitSize();
    }
}
