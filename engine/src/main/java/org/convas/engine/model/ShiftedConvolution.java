package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Elementwise;
import org.convas.engine.kernel.Gemm;
import org.convas.engine.spec.Shape;

/**
 * A stride-1, undilated convolution computed without im2col columns ("implicit GEMM"): the GEMMs read their B
 * rows straight from a zero-padded copy of the input through {@link Gemm#sgemmShifted}, which gathers only a
 * 32-column panel at a time into L1. The column matrix of im2col is C/G·Fh·Fw times the input (9× for a 3×3
 * kernel: 0.9 MB per image for VGG-lite's conv2) and went through memory twice per pass; the padded copy is
 * about the input's size.
 *
 * <p>Legend: C×H×W input; K filters Fh×Fw in G groups (C/G channels, K/G filters each); padding pt/pb/pl/pr;
 * Ho×Wo output. The padded copy has rows of Wp = W + max(pl, pr): one run of zeros between a row's data and the
 * next row's serves as the right padding of the one and the left padding of the other (plane = (pt + H + pb)·Wp).
 * <ul>
 *   <li>Forward: output pixel (oy, ox) is computed at grid position oy·Wp + ox, so the window row (c, fy, fx) of
 *       all Ho·Wp grid positions is the run of the padded plane starting at c·plane + fy·Wp + fx. The grid's
 *       Wp − Wo extra columns per row are computed and dropped (VGG-lite: 29/28 and 15/14 more multiply-adds).
 *       Example: 3×3 over 32 channels of 28×28, padding 1: Y_g (32 × 28·29) = W_g (32 × 288) · B, B row
 *       (c·3 + fy)·3 + fx starting at c·870 + fy·29 + fx.</li>
 *   <li>dW: dY is laid on the same grid (zeros in the extra columns), and dW_g += dY_g · Bᵀ through
 *       {@link Gemm#sdotShifted}; the zeros cancel whatever B holds in the extra columns.</li>
 *   <li>dX: the convolution of dY, padded by Fh − 1 − pt, Fw − 1 − pl, Fh − 1 − pb, Fw − 1 − pr, with the filters
 *       flipped and transposed (C/G × K/G·Fh·Fw). dY's grid has exactly the row width and zero columns that
 *       padding needs (Wo + max(Fw − 1 − pl, Fw − 1 − pr) = Wp), so with (Fh − 1 − pt)·Wp + Fw − 1 − pl zeros before it
 *       it is that padded plane, and dX is one more shifted GEMM, onto an H × Wp grid.</li>
 * </ul>
 * Needs each padding smaller than the kernel (true of "same" and "valid").
 * Not used where the grid wastes more than a quarter of the work (Wp &gt; 1.25·Wo: LeNet's conv2, 5×5 valid
 * on 14×14, would compute 14 columns for 10), nor for depthwise-like groups of fewer than 4 filters.
 * {@code -Dconvas.shiftedConv=false} sends every convolution through im2col instead (for comparisons).
 */
final class ShiftedConvolution implements DirectConvolution {

    /** Extra zeros after each padded image and dY plane: the dW dot products run over the grid rounded up to 16. */
    private static final int TAIL = 16;
    /**
     * Images an evaluation pass pads at a time (a training pass pads its whole micro-batch, kept for backward):
     * up to 8, while they fit in 4 M floats (16 MB; a VGG-16 conv at 224×224×64 takes one at a time).
     */
    private static final int EVALUATION_SLOTS = 8;
    private static final int EVALUATION_FLOATS = 1 << 22;

    private final int channels, height, width, groups, cg, kg;
    private final int kh, kw, pt, pl;
    private final int outH, outW;
    private final int padW, plane;
    private final int xImage;     // floats per padded image: C·plane + Fw + TAIL
    private final int grid;       // Ho·Wp
    private final int gridDot;    // grid rounded up to 16
    private final int lead;       // zeros before dY's grid: (Fh − 1 − pt)·Wp + Fw − 1 − pl
    private final int dyPlane;    // one filter's dY plane, lead and trailing zeros included
    private final int rows;       // C/G·Fh·Fw
    private final int backK;      // K/G·Fh·Fw
    private final int[] forwardRows;
    private final int[] backwardRows;
    private final int maxBatch;
    private float[] padded;               // one padded image per slot
    private boolean paddedForBackward;    // the last forward pass was a training pass: slot i holds image i
    private float[] yGrid;                // K/G × grid
    private float[] dyPadded;             // per image: K/G planes of dyPlane
    private float[] dxGrid;               // C/G × H·Wp
    private float[] flipped;              // C/G × K/G·Fh·Fw

    /** Whether this path serves the convolution: stride 1, no dilation, at most 25 % grid waste, 4+ filters a group. */
    static boolean applies(Shape in, Shape out, Window win, int groups) {
        if ("false".equalsIgnoreCase(System.getProperty("convas.shiftedConv", "true").trim())) return false;
        int padW = in.width() + Math.max(win.padLeft(), win.padRight());
        boolean padsWithinKernel = win.padTop() < win.kernelH() && win.padBottom() < win.kernelH()
                && win.padLeft() < win.kernelW() && win.padRight() < win.kernelW();
        return padsWithinKernel && win.strideH() == 1 && win.strideW() == 1 && win.dilation() == 1 && out.depth() / groups >= 4
                && 4L * padW <= 5L * out.width();
    }

    ShiftedConvolution(Shape in, Shape out, Window win, int groups, int maxBatch) {
        this.channels = in.depth();
        this.height = in.height();
        this.width = in.width();
        this.groups = groups;
        this.cg = channels / groups;
        this.kg = out.depth() / groups;
        this.kh = win.kernelH();
        this.kw = win.kernelW();
        this.pt = win.padTop();
        this.pl = win.padLeft();
        this.outH = out.height();
        this.outW = out.width();
        this.padW = width + Math.max(win.padLeft(), win.padRight());
        int padH = height + win.padTop() + win.padBottom();
        this.plane = padH * padW;
        this.xImage = channels * plane + kw + TAIL;
        this.grid = outH * padW;
        this.gridDot = (grid + 15) / 16 * 16;
        this.lead = (kh - 1 - pt) * padW + kw - 1 - pl;
        this.dyPlane = lead + (outH + kh - 1) * padW + kw + TAIL;
        this.rows = cg * kh * kw;
        this.backK = kg * kh * kw;
        this.maxBatch = maxBatch;
        this.forwardRows = new int[rows];
        for (int c = 0, r = 0; c < cg; c++) {
            for (int fy = 0; fy < kh; fy++) {
                for (int fx = 0; fx < kw; fx++) forwardRows[r++] = c * plane + fy * padW + fx;
            }
        }
        this.backwardRows = new int[backK];
        for (int k = 0, r = 0; k < kg; k++) {
            for (int gy = 0; gy < kh; gy++) {
                for (int gx = 0; gx < kw; gx++) backwardRows[r++] = k * dyPlane + gy * padW + gx;
            }
        }
    }

    /** Floats this path holds per image of a training micro-batch: the padded input and dY on its padded grid. */
    static long heldFloatsPerImage(Shape in, Shape out, Window win, int groups) {
        int padW = in.width() + Math.max(win.padLeft(), win.padRight());
        int padH = in.height() + win.padTop() + win.padBottom();
        long x = (long) in.depth() * padH * padW;
        long dy = (long) out.depth() * (out.height() + 2L * (win.kernelH() - 1) + 1) * padW;
        return x + dy;
    }

    /** Copies image {@code image} of x into padded slot {@code slot}; the padding is never written, so stays 0. */
    private void pad(float[] x, int image, int slot) {
        int inSize = channels * height * width;
        for (int c = 0; c < channels; c++) {
            int src = image * inSize + c * height * width;
            int dst = slot * xImage + c * plane + pt * padW + pl;
            for (int y = 0; y < height; y++, src += width, dst += padW) System.arraycopy(x, src, padded, dst, width);
        }
    }

    private void ensurePadded(int slots) {
        if (padded == null || padded.length < slots * xImage) padded = new float[slots * xImage + DirectConvolution.READ_SLACK];
    }

    @Override
    public void forward(float[] x, float[] w, float[] bias, float[] y, float[] relu, int n, boolean training,
                 KernelThreads kernelThreads) {
        boolean splitFilters = kernelThreads != null && kernelThreads.threads() > 1 && n < kernelThreads.threads();
        int slots = Math.max(1, Math.min(Math.min(maxBatch, EVALUATION_SLOTS), EVALUATION_FLOATS / xImage));
        ensurePadded(training ? maxBatch : slots);
        if (yGrid == null) yGrid = new float[kg * grid];
        if (training) {
            // All n images padded (kept for the backward pass), then one GEMM call per group.
            for (int i = 0; i < n; i++) pad(x, i, i);
            convolvePadded(w, bias, y, relu, 0, n, kernelThreads, splitFilters);
        } else {
            for (int first = 0; first < n; first += slots) {
                int count = Math.min(slots, n - first);
                for (int i = 0; i < count; i++) pad(x, first + i, i);
                convolvePadded(w, bias, y, relu, first, count, kernelThreads, splitFilters);
            }
        }
        paddedForBackward = training;
    }

    /** Images first … first+count−1 of y from padded slots 0 … count−1. */
    private void convolvePadded(float[] w, float[] bias, float[] y, float[] relu, int first, int count,
                                KernelThreads kernelThreads, boolean splitFilters) {
        int outSize = groups * kg * outH * outW;
        for (int g = 0; g < groups; g++) {
            int offB = g * cg * plane;
            int offW = g * kg * rows;
            int group = g;
            if (splitFilters) {
                // Too few images to split across workers: split the filters, each thread its own rows of Y.
                for (int slot = 0; slot < count; slot++) {
                    int offImage = offB + slot * xImage;
                    kernelThreads.forRows(kg, Gemm.shiftedRowAlignment(), (from, to) -> Gemm.sgemmShifted(to - from,
                            grid, rows, w, offW + from * rows, rows, padded, offImage, forwardRows, yGrid, from * grid, grid));
                    scatter(bias, y, relu, first + slot, g, outSize);
                }
            } else {
                Gemm.sgemmShifted(kg, grid, rows, w, offW, rows, padded, offB, forwardRows, count, xImage,
                        yGrid, 0, grid, slot -> scatter(bias, y, relu, first + slot, group, outSize));
            }
        }
    }

    /** Image {@code image}'s group {@code g} from the grid into y: the bias added, the extra columns dropped. */
    private void scatter(float[] bias, float[] y, float[] relu, int image, int g, int outSize) {
        for (int k = 0; k < kg; k++) {
            float b = bias == null ? 0f : bias[g * kg + k];
            int dst = image * outSize + (g * kg + k) * outH * outW;
            Elementwise.biasReluRows(yGrid, k * grid, padW, b, y, dst, relu, dst, outW, outW, outH);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] w, float[] dw, float[] db, float[] dx, int n,
                  boolean throughRelu, boolean overwriteDx) {
        if (!paddedForBackward) {
            ensurePadded(maxBatch);
            for (int i = 0; i < n; i++) pad(x, i, i);
        }
        if (dyPadded == null) dyPadded = new float[maxBatch * kg * dyPlane + DirectConvolution.READ_SLACK];
        int outSize = groups * kg * outH * outW;
        int inSize = channels * height * width;
        for (int g = 0; g < groups; g++) {
            // dY of group g onto its padded grids; only the data positions are written, the zeros stay.
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < kg; k++) {
                    int src = i * outSize + (g * kg + k) * outH * outW;
                    int dst = (i * kg + k) * dyPlane + lead;
                    float sum = throughRelu
                            ? Elementwise.reluGradientSumRows(dy, src, y, src, outW, dyPadded, dst, padW, outW, outH)
                            : Elementwise.copySumRows(dy, src, outW, dyPadded, dst, padW, outW, outH);
                    if (db != null) db[g * kg + k] += sum;
                }
            }
            Gemm.sdotShifted(kg, rows, gridDot, n, dyPadded, lead, dyPlane, kg * dyPlane,
                    padded, g * cg * plane, forwardRows, xImage, dw, g * kg * rows, rows);
            if (dx != null) inputGradient(w, g, n, dx, inSize, overwriteDx);
        }
    }

    /** dX of group g; the grid covers every input pixel, so with {@code overwrite} each is written as 0 + v. */
    private void inputGradient(float[] w, int g, int n, float[] dx, int inSize, boolean overwrite) {
        if (flipped == null) {
            flipped = new float[cg * backK];
            dxGrid = new float[cg * height * padW];
        }
        for (int c = 0; c < cg; c++) {
            for (int k = 0; k < kg; k++) {
                int src = (g * kg + k) * rows + c * kh * kw;
                int dst = c * backK + k * kh * kw;
                for (int q = 0; q < kh * kw; q++) flipped[dst + q] = w[src + kh * kw - 1 - q];
            }
        }
        int dxN = height * padW;
        Gemm.sgemmShifted(cg, dxN, backK, flipped, 0, backK, dyPadded, 0, backwardRows, n, kg * dyPlane,
                dxGrid, 0, dxN, i -> {
                    for (int c = 0; c < cg; c++) {
                        int to = i * inSize + (g * cg + c) * height * width;
                        if (overwrite) {
                            Elementwise.biasReluRows(dxGrid, c * dxN, padW, 0f, dx, to, null, to, width, width, height);
                        } else {
                            Elementwise.addRows(dxGrid, c * dxN, padW, dx, to, width, width, height);
                        }
                    }
                });
    }
}
