package org.convas.engine.kernel;

import org.convas.engine.calc.Window;

/**
 * im2col and col2im for NCHW images: the two data rearrangements that turn a convolution into one GEMM.
 *
 * <p>Shape legend (lecture notation), used in every comment of this file:
 * <pre>
 *   N batch, C input channels, H×W input height×width, K filters, Fh×Fw kernel (F×F when square),
 *   S stride (Sh down the rows, Sw across the columns, equal unless a layer says otherwise), D dilation, padding per side: top Pt, left Pl, bottom Pb, right Pr,
 *   Ho = ⌊(H + Pt + Pb − D·(Fh − 1) − 1) / S⌋ + 1,   Wo = ⌊(W + Pl + Pr − D·(Fw − 1) − 1) / S⌋ + 1.
 *   image  [C][H][W]            one image of an NCHW batch (image n starts at n·C·H·W)
 *   col    [C·Fh·Fw][ldCol]      row r = (c·Fh + fh)·Fw + fw, column oh·Wo + ow (+ a column offset)
 * </pre>
 * Element: col[(c·Fh + fh)·Fw + fw][oh·Wo + ow] = image[c][oh·S − Pt + fh·D][ow·S − Pl + fw·D], or 0 where that
 * position falls in the padding. Worked example: C = 1, a 3×3 image 1…9, F = 2, S = 1, no padding gives
 * Ho = Wo = 2 and the 4×4 matrix with rows (1 2 4 5), (2 3 5 6), (4 5 7 8), (5 6 8 9).
 *
 * <p>Use with {@link Gemm#sgemm} (per image, or for the whole batch side by side with ldCol = N·Ho·Wo and
 * column offset n·Ho·Wo):
 * <pre>
 *   forward      out[K × Ho·Wo]      = W[K × C·Fh·Fw] · col[C·Fh·Fw × Ho·Wo]
 *   weight grad  dW[K × C·Fh·Fw]    += dOut[K × Ho·Wo] · colᵀ            (transB)
 *   input grad   dCol[C·Fh·Fw × Ho·Wo] = Wᵀ · dOut                       (transA), then col2im(dCol) += into dX
 * </pre>
 * The inner loops work on runs of contiguous output columns: for each (c, fh, fw, oh) the valid range of ow is
 * computed once, padding is filled with zeros around it, and with S = 1 the run is one array copy.
 */
public final class Im2Col {

    private Im2Col() {
    }

    /**
     * The geometry of one convolution over one image: input C×H×W, kernel Fh×Fw, stride S, dilation D and
     * per-side zero padding. Derived: Ho, Wo (see the class legend), {@link #colRows()} = C·Fh·Fw and
     * {@link #colColumns()} = Ho·Wo. Example: C = 3, H = W = 32, F = 5, S = 1, P = 2 on every side gives
     * Ho = Wo = (32 + 4 − 5)/1 + 1 = 32 and a 75 × 1024 col matrix.
     */
    public record Geometry(int channels, int height, int width, int kernelH, int kernelW, int strideH, int strideW, int dilation,
                           int padTop, int padLeft, int padBottom, int padRight) {

        /** The same stride S down the rows and across the columns. */
        public Geometry(int channels, int height, int width, int kernelH, int kernelW, int stride, int dilation,
                        int padTop, int padLeft, int padBottom, int padRight) {
            this(channels, height, width, kernelH, kernelW, stride, stride, dilation, padTop, padLeft, padBottom, padRight);
        }

        /** The stride when both axes share it; throws when they differ (read strideH and strideW). */
        public int stride() {
            if (strideH != strideW) throw new IllegalStateException("the strides differ (" + strideH + "×" + strideW + ")");
            return strideH;
        }

        public Geometry {
            atLeast("channels C", channels, 1);
            atLeast("height H", height, 1);
            atLeast("width W", width, 1);
            atLeast("kernel height Fh", kernelH, 1);
            atLeast("kernel width Fw", kernelW, 1);
            atLeast("stride Sh", strideH, 1);
            atLeast("stride Sw", strideW, 1);
            atLeast("dilation D", dilation, 1);
            atLeast("padding top", padTop, 0);
            atLeast("padding left", padLeft, 0);
            atLeast("padding bottom", padBottom, 0);
            atLeast("padding right", padRight, 0);
            long spanH = (long) dilation * (kernelH - 1) + 1;
            long spanW = (long) dilation * (kernelW - 1) + 1;
            if (height + (long) padTop + padBottom < spanH || width + (long) padLeft + padRight < spanW) {
                throw new IllegalArgumentException("Im2Col.Geometry: the " + spanH + "×" + spanW
                        + " (dilated) kernel does not fit the padded " + (height + padTop + padBottom) + "×"
                        + (width + padLeft + padRight) + " input (H×W = " + height + "×" + width + ")");
            }
            if ((long) channels * kernelH * kernelW > Integer.MAX_VALUE
                    || (long) channels * height * width > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Im2Col.Geometry: C·H·W or C·Fh·Fw exceeds the largest Java array");
            }
        }

        /** Square kernel F×F with the same padding P on every side, no dilation: the lecture's (W − F + 2P)/S + 1. */
        public static Geometry square(int channels, int height, int width, int kernel, int stride, int padding) {
            return new Geometry(channels, height, width, kernel, kernel, stride, 1, padding, padding, padding,
                    padding);
        }

        /** The geometry the calculator resolved for a conv layer (padding "same"/"valid" already worked out). */
        public static Geometry of(int channels, int height, int width, Window window) {
            return new Geometry(channels, height, width, window.kernelH(), window.kernelW(), window.strideH(), window.strideW(),
                    window.dilation(), window.padTop(), window.padLeft(), window.padBottom(), window.padRight());
        }

        /** Ho = ⌊(H + Pt + Pb − D·(Fh − 1) − 1) / Sh⌋ + 1. */
        public int outHeight() {
            return (height + padTop + padBottom - dilation * (kernelH - 1) - 1) / strideH + 1;
        }

        /** Wo = ⌊(W + Pl + Pr − D·(Fw − 1) − 1) / Sw⌋ + 1. */
        public int outWidth() {
            return (width + padLeft + padRight - dilation * (kernelW - 1) - 1) / strideW + 1;
        }

        /** Rows of the col matrix: C·Fh·Fw. */
        public int colRows() {
            return channels * kernelH * kernelW;
        }

        /** Columns one image contributes to the col matrix: Ho·Wo. */
        public int colColumns() {
            return outHeight() * outWidth();
        }

        /** Elements of one image: C·H·W. */
        public int imageSize() {
            return channels * height * width;
        }

        private static void atLeast(String name, int value, int minimum) {
            if (value < minimum) {
                throw new IllegalArgumentException("Im2Col.Geometry: " + name + " must be at least " + minimum
                        + ", got " + value);
            }
        }
    }

    /**
     * Writes the col matrix of one image: col[(c·Fh + fh)·Fw + fw][colOffset-relative oh·Wo + ow] =
     * image[c][oh·S − Pt + fh·D][ow·S − Pl + fw·D] (0 in the padding). Every one of the C·Fh·Fw × Ho·Wo target
     * elements is written; nothing else in {@code col} is touched.
     *
     * @param image       image[C][H][W] starting at {@code imageOffset}
     * @param col         col[C·Fh·Fw][ldCol]; this image's block starts at {@code colOffset}
     * @param ldCol       row stride of col, ≥ Ho·Wo (N·Ho·Wo when a batch is laid side by side)
     */
    public static void im2col(Geometry g, float[] image, int imageOffset, float[] col, int colOffset, int ldCol) {
        checkArrays("im2col", g, image, imageOffset, col, colOffset, ldCol);
        if (keepsWidth(g)) {
            im2colSameWidth(g, image, imageOffset, col, colOffset, ldCol);
            return;
        }
        int height = g.height, width = g.width, stride = g.strideW, strideH = g.strideH, dilation = g.dilation;
        int outH = g.outHeight(), outW = g.outWidth();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
            int channelBase = imageOffset + c * height * width;
            for (int fh = 0; fh < g.kernelH; fh++) {
                for (int fw = 0; fw < g.kernelW; fw++, row++) {
                    int shiftW = fw * dilation - g.padLeft;   // iw = ow·Sw + shiftW
                    int owFrom = firstInside(shiftW, stride, outW);
                    int owTo = endInside(shiftW, stride, width, outW);
                    int target = colOffset + row * ldCol;
                    for (int oh = 0; oh < outH; oh++, target += outW) {
                        int ih = oh * strideH + fh * dilation - g.padTop;
                        if (ih < 0 || ih >= height || owFrom >= owTo) {
                            java.util.Arrays.fill(col, target, target + outW, 0f);
                            continue;
                        }
                        // The padded ends are a value or two: plain stores, not an Arrays.fill call each.
                        for (int ow = 0; ow < owFrom; ow++) col[target + ow] = 0f;
                        int source = channelBase + ih * width + owFrom * stride + shiftW;
                        if (stride == 1) {
                            System.arraycopy(image, source, col, target + owFrom, owTo - owFrom);
                        } else {
                            for (int ow = owFrom; ow < owTo; ow++, source += stride) col[target + ow] = image[source];
                        }
                        for (int ow = owTo; ow < outW; ow++) col[target + ow] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every col element back onto the image position it was copied from,
     * image[c][oh·S − Pt + fh·D][ow·S − Pl + fw·D] += col[(c·Fh + fh)·Fw + fw][oh·Wo + ow]; elements that came
     * from the padding are dropped. Accumulates (+=) into {@code image}, as a backward pass needs when
     * windows overlap; clear it first for a plain rearrangement. The order of additions is fixed, so results
     * are reproducible. When Wo = W at stride 1 the entries of {@code col} that belong to padding positions
     * may be set to zero on the way (they are dropped either way): pass a scratch matrix, as a dcol is.
     *
     * @param col         col[C·Fh·Fw][ldCol]; this image's block starts at {@code colOffset}
     * @param ldCol       row stride of col, ≥ Ho·Wo
     * @param image       image[C][H][W] starting at {@code imageOffset}, accumulated into
     */
    public static void col2im(Geometry g, float[] col, int colOffset, int ldCol, float[] image, int imageOffset) {
        checkArrays("col2im", g, image, imageOffset, col, colOffset, ldCol);
        if (keepsWidth(g)) {
            col2imSameWidth(g, col, colOffset, ldCol, image, imageOffset);
            return;
        }
        int height = g.height, width = g.width, stride = g.strideW, strideH = g.strideH, dilation = g.dilation;
        int outH = g.outHeight(), outW = g.outWidth();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
            int channelBase = imageOffset + c * height * width;
            for (int fh = 0; fh < g.kernelH; fh++) {
                for (int fw = 0; fw < g.kernelW; fw++, row++) {
                    int shiftW = fw * dilation - g.padLeft;
                    int owFrom = firstInside(shiftW, stride, outW);
                    int owTo = endInside(shiftW, stride, width, outW);
                    if (owFrom >= owTo) continue;
                    int source = colOffset + row * ldCol;
                    for (int oh = 0; oh < outH; oh++, source += outW) {
                        int ih = oh * strideH + fh * dilation - g.padTop;
                        if (ih < 0 || ih >= height) continue;
                        int target = channelBase + ih * width + owFrom * stride + shiftW;
                        if (stride == 1) {
                            int from = source + owFrom;
                            int count = owTo - owFrom;
                            for (int j = 0; j < count; j++) image[target + j] += col[from + j];
                        } else {
                            for (int ow = owFrom; ow < owTo; ow++, target += stride) image[target] += col[source + ow];
                        }
                    }
                }
            }
        }
    }

    /**
     * Stride 1, no dilation and Wo = W (a "same" convolution across: 3×3 with P = 1, 5×5 with P = 2). Then
     * col row r = (c, fh, fw) is the channel's plane shifted by (fh − Pt)·W + (fw − Pl): column oh·W + ow holds
     * plane[oh·W + ow + shift]. One copy per row replaces one per (row, oh) (Wo floats each, too short for a
     * copy call to pay), after which the few positions that fall in the padding are zeroed: whole output rows
     * above and below the image, and at each valid output row the |fw − Pl| columns that wrapped around to the
     * neighbouring image row.
     */
    private static boolean keepsWidth(Geometry g) {
        return g.strideH == 1 && g.strideW == 1 && g.dilation == 1 && g.outWidth() == g.width;
    }

    private static void im2colSameWidth(Geometry g, float[] image, int imageOffset, float[] col, int colOffset, int ldCol) {
        int height = g.height, width = g.width, plane = height * width;
        int outH = g.outHeight(), columns = outH * width;
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
            int channelBase = imageOffset + c * plane;
            for (int fh = 0; fh < g.kernelH; fh++) {
                int dh = fh - g.padTop;
                int ohFrom = Math.max(0, -dh), ohTo = Math.min(outH, height - dh);  // rows with 0 ≤ oh + dh < H
                for (int fw = 0; fw < g.kernelW; fw++, row++) {
                    int dw = fw - g.padLeft;
                    int target = colOffset + row * ldCol;
                    if (ohFrom >= ohTo) {
                        java.util.Arrays.fill(col, target, target + columns, 0f);
                        continue;
                    }
                    java.util.Arrays.fill(col, target, target + ohFrom * width, 0f);
                    java.util.Arrays.fill(col, target + ohTo * width, target + columns, 0f);
                    // plane[j + shift] for j in [ohFrom·W, ohTo·W), clipped to the plane; the clipped ends and the
                    // wrapped columns are zeroed below.
                    int from = ohFrom * width, to = ohTo * width;
                    int shift = dh * width + dw;
                    int lo = Math.max(from, -shift), hi = Math.min(to, plane - shift);
                    System.arraycopy(image, channelBase + lo + shift, col, target + lo, hi - lo);
                    for (int j = from; j < lo; j++) col[target + j] = 0f;
                    for (int j = hi; j < to; j++) col[target + j] = 0f;
                    zeroWrappedColumns(col, target, ohFrom, ohTo, width, dw);
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2colSameWidth}: image plane[j + shift] += col[r][j] over the valid output rows.
     * The wrapped columns of {@code col} (gradients of padding positions) are set to zero first, so one long
     * add per row drops them; {@code col} is the caller's scratch, as a backward pass's dcol is.
     */
    private static void col2imSameWidth(Geometry g, float[] col, int colOffset, int ldCol, float[] image, int imageOffset) {
        int height = g.height, width = g.width, plane = height * width;
        int outH = g.outHeight();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
            int channelBase = imageOffset + c * plane;
            for (int fh = 0; fh < g.kernelH; fh++) {
                int dh = fh - g.padTop;
                int ohFrom = Math.max(0, -dh), ohTo = Math.min(outH, height - dh);
                for (int fw = 0; fw < g.kernelW; fw++, row++) {
                    if (ohFrom >= ohTo) continue;
                    int dw = fw - g.padLeft;
                    int source = colOffset + row * ldCol;
                    zeroWrappedColumns(col, source, ohFrom, ohTo, width, dw);
                    int shift = dh * width + dw;
                    int lo = Math.max(ohFrom * width, -shift), hi = Math.min(ohTo * width, plane - shift);
                    Elementwise.add(col, source + lo, image, channelBase + shift + lo, hi - lo);
                }
            }
        }
    }

    /**
     * In a col row laid as the plane shifted by dw columns, zeroes the |dw| columns of output rows ohFrom … ohTo−1
     * that wrapped around to the neighbouring image row: the first −dw when dw &lt; 0, the last dw when dw &gt; 0.
     */
    private static void zeroWrappedColumns(float[] col, int row, int ohFrom, int ohTo, int width, int dw) {
        int from = dw < 0 ? 0 : width - dw, to = dw < 0 ? -dw : width;
        for (int oh = ohFrom; oh < ohTo; oh++) {
            for (int ow = from; ow < to; ow++) col[row + oh * width + ow] = 0f;
        }
    }

    /** Smallest ow ≥ 0 with ow·S + shift ≥ 0 (capped at Wo). */
    private static int firstInside(int shift, int stride, int outW) {
        if (shift >= 0) return 0;
        return Math.min(outW, (-shift + stride - 1) / stride);
    }

    /** One past the largest ow < Wo with ow·S + shift ≤ W − 1 (0 when none). */
    private static int endInside(int shift, int stride, int width, int outW) {
        int last = width - 1 - shift;
        if (last < 0) return 0;
        return Math.min(outW, last / stride + 1);
    }

    private static void checkArrays(String operation, Geometry g, float[] image, int imageOffset, float[] col,
                                    int colOffset, int ldCol) {
        if (g == null) throw new IllegalArgumentException("Im2Col." + operation + ": geometry is required");
        if (image == null || col == null) {
            throw new IllegalArgumentException("Im2Col." + operation + ": " + (image == null ? "image" : "col")
                    + " array is null");
        }
        if (imageOffset < 0 || (long) imageOffset + g.imageSize() > image.length) {
            throw new IllegalArgumentException("Im2Col." + operation + ": image C·H·W = " + g.channels + "·"
                    + g.height + "·" + g.width + " at offset " + imageOffset + " does not fit an array of "
                    + image.length);
        }
        int columns = g.colColumns();
        if (ldCol < columns) {
            throw new IllegalArgumentException("Im2Col." + operation + ": ldCol = " + ldCol
                    + " is smaller than Ho·Wo = " + g.outHeight() + "·" + g.outWidth() + " = " + columns);
        }
        long last = (long) colOffset + (long) (g.colRows() - 1) * ldCol + columns;
        if (colOffset < 0 || last > col.length) {
            throw new IllegalArgumentException("Im2Col." + operation + ": col C·Fh·Fw × Ho·Wo = " + g.colRows()
                    + " × " + columns + " at offset " + colOffset + " with ldCol " + ldCol + " needs " + last
                    + " elements, the array has " + col.length);
        }
    }
}
