package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Elementwise;
import org.convas.engine.kernel.Gemm;
import org.convas.engine.spec.Shape;

import java.util.Arrays;

/**
 * A convolution of stride S ≥ 2 computed without im2col, by the shifted GEMMs of {@link ShiftedConvolution} over the
 * input split into its S×S phases ("polyphase"). Phase (ry, rx) of the zero-padded input P holds the pixels
 * P[S·i + ry][S·j + rx]; a kernel tap (fy, fx) = (S·qy + ry, S·qx + rx) reads, for output pixel (oy, ox), phase
 * (ry, rx) at (oy + qy, ox + qx). So every tap is a run of one phase plane shifted by (qy, qx), as every tap of a
 * stride-1 convolution is a shifted run of the padded input, and the same GEMM kernels apply, with no extra
 * multiply-adds and no column matrix (a 3×3 stride-2 layer's im2col columns are 2.25× its input).
 *
 * <p>Legend: C×H×W input, K filters Fh×Fw in G groups (C/G channels, K/G filters each), stride S, padding pt/pl
 * (the far side is implied by the output size, floor mode included), Ho×Wo output; qH = ⌊(Fh − 1)/S⌋,
 * qW = ⌊(Fw − 1)/S⌋. Each phase plane is PH×PW = (Ho + qH)×(Wo + qW); only the phases some tap reads are kept
 * (min(S, Fh)·min(S, Fw) of them: 4 for 3×3 at stride 2, 1 for 1×1).
 * <ul>
 *   <li>Forward: output pixel (oy, ox) is computed at grid position oy·PW + ox; the grid's qW extra columns per
 *       row are computed and dropped (3×3/2 on 28×28: 15/14 of the work). B row (c, fy, fx) starts at
 *       c·phases·PH·PW + phase(ry, rx)·PH·PW + qy·PW + qx.</li>
 *   <li>dW: dY laid on the same grid (zeros in the extra columns), dW_g += dY_g·Bᵀ by {@link Gemm#sdotShifted}.</li>
 *   <li>dX: phase (ry, rx) of the padded input's gradient, at (i, j), is Σ over filters k and the taps (qy, qx) of
 *       that phase of w[k][c][S·qy + ry][S·qx + rx]·dY[k][i − qy][j − qx]: one shifted GEMM per phase over dY's
 *       grid with qH zero rows before and after it (the grid's extra columns are the zeros on the left), then
 *       added onto dX at (S·i + ry − pt, S·j + rx − pl) where that falls inside the input.</li>
 * </ul>
 * Needs each padding smaller than the kernel, no dilation, and 4+ filters a group (depthwise convolutions have their
 * own path); {@code -Dconvas.shiftedConv=false} sends every convolution through im2col instead (for comparisons).
 */
final class StridedConvolution implements DirectConvolution {

    /** Extra zeros after each padded image and dY plane: reads run up to qW and up to 16 (dot products) further. */
    private static final int TAIL = 16;
    private static final int EVALUATION_SLOTS = 8;
    private static final int EVALUATION_FLOATS = 1 << 22;

    private final int channels, height, width, groups, cg, kg;
    private final int kh, kw, stride, pt, pl;
    private final int outH, outW;
    private final int qh, qw;        // ⌊(Fh − 1)/S⌋, ⌊(Fw − 1)/S⌋
    private final int ny, nx;        // phases kept along y and x: min(S, Fh), min(S, Fw)
    private final int phH, phW;      // a phase plane: (Ho + qH) × (Wo + qW)
    private final int phPlane;       // PH·PW
    private final int channelFloats; // ny·nx·PH·PW
    private final int xImage;        // floats per polyphase image: C·channelFloats + qW + TAIL
    private final int grid;          // Ho·PW
    private final int gridDot;       // grid rounded up to 16
    private final int lead;          // zeros before dY's grid: qH·PW + qW
    private final int dyPlane;       // one filter's dY plane, lead and trailing zeros included
    private final int rows;          // C/G·Fh·Fw
    private final int[] forwardRows;
    /** Per phase: its taps' rows of dY's padded planes, and the weights they multiply (C/G × K/G·taps), or null. */
    private final int[][] backwardRows;
    private final int maxBatch;
    private final Polyphase phases;
    private float[] padded;
    private boolean paddedForBackward;
    private float[] yGrid;
    private float[] dyPadded;
    private float[] dxGrid;
    private float[][] phaseWeights;

    /** Whether this path serves the convolution: stride 2 or more, no dilation, paddings within the kernel, 4+ filters a group. */
    static boolean applies(Shape in, Shape out, Window win, int groups) {
        if ("false".equalsIgnoreCase(System.getProperty("convas.shiftedConv", "true").trim())) return false;
        boolean padsWithinKernel = win.padTop() < win.kernelH() && win.padLeft() < win.kernelW();
        // Square strides only (the phases split both axes alike); per-axis strides take the im2col path.
        return padsWithinKernel && win.squareStride() && win.stride() >= 2 && win.dilation() == 1 && out.depth() / groups >= 4;
    }

    StridedConvolution(Shape in, Shape out, Window win, int groups, int maxBatch) {
        this.channels = in.depth();
        this.height = in.height();
        this.width = in.width();
        this.groups = groups;
        this.cg = channels / groups;
        this.kg = out.depth() / groups;
        this.kh = win.kernelH();
        this.kw = win.kernelW();
        this.stride = win.stride();
        this.pt = win.padTop();
        this.pl = win.padLeft();
        this.outH = out.height();
        this.outW = out.width();
        this.qh = (kh - 1) / stride;
        this.qw = (kw - 1) / stride;
        this.ny = Math.min(stride, kh);
        this.nx = Math.min(stride, kw);
        this.phH = outH + qh;
        this.phW = outW + qw;
        this.phPlane = phH * phW;
        this.channelFloats = ny * nx * phPlane;
        this.xImage = channels * channelFloats + qw + TAIL;
        this.grid = outH * phW;
        this.gridDot = (grid + 15) / 16 * 16;
        this.lead = qh * phW + qw;
        this.dyPlane = lead + (outH + qh) * phW + qw + TAIL;
        this.rows = cg * kh * kw;
        this.maxBatch = maxBatch;
        this.phases = new Polyphase(in, out, win);
        this.forwardRows = new int[rows];
        for (int c = 0, r = 0; c < cg; c++) {
            for (int fy = 0; fy < kh; fy++) {
                for (int fx = 0; fx < kw; fx++) {
                    forwardRows[r++] = c * channelFloats + phases.tapOffset(fy, fx);
                }
            }
        }
        this.backwardRows = new int[ny * nx][];
        for (int ry = 0; ry < ny; ry++) {
            for (int rx = 0; rx < nx; rx++) {
                int taps = tapsY(ry) * tapsX(rx);
                int[] offsets = new int[kg * taps];
                for (int k = 0, r = 0; k < kg; k++) {
                    for (int qy = 0; qy < tapsY(ry); qy++) {
                        for (int qx = 0; qx < tapsX(rx); qx++) offsets[r++] = k * dyPlane + lead - qy * phW - qx;
                    }
                }
                backwardRows[ry * nx + rx] = offsets;
            }
        }
    }

    private int tapsY(int ry) {
        return phases.tapsY(ry);
    }

    private int tapsX(int rx) {
        return phases.tapsX(rx);
    }

    /** Floats this path holds per image of a training micro-batch: the polyphase input and dY on its padded grid. */
    static long heldFloatsPerImage(Shape in, Shape out, Window win, int groups) {
        int s = win.stride();
        long phases = (long) Math.min(s, win.kernelH()) * Math.min(s, win.kernelW());
        long plane = (long) (out.height() + (win.kernelH() - 1) / s) * (out.width() + (win.kernelW() - 1) / s);
        long dy = (long) out.depth() * (out.height() + 2L * ((win.kernelH() - 1) / s) + 1) * (out.width() + (win.kernelW() - 1) / s + 1);
        return in.depth() * phases * plane + dy;
    }

    /** The phases of image {@code image} of x into slot {@code slot}; positions outside the input stay 0. */
    private void pad(float[] x, int image, int slot) {
        int inSize = channels * height * width;
        for (int c = 0; c < channels; c++) {
            phases.pad(x, image * inSize + c * height * width, padded, slot * xImage + c * channelFloats);
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
        int step = training ? n : slots;
        for (int first = 0; first < n; first += step) {
            int count = Math.min(step, n - first);
            for (int i = 0; i < count; i++) pad(x, first + i, i);
            convolvePadded(w, bias, y, relu, first, count, kernelThreads, splitFilters);
        }
        paddedForBackward = training;
    }

    private void convolvePadded(float[] w, float[] bias, float[] y, float[] relu, int first, int count,
                                KernelThreads kernelThreads, boolean splitFilters) {
        int outSize = groups * kg * outH * outW;
        for (int g = 0; g < groups; g++) {
            int offB = g * cg * channelFloats;
            int offW = g * kg * rows;
            int group = g;
            if (splitFilters) {
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

    private void scatter(float[] bias, float[] y, float[] relu, int image, int g, int outSize) {
        for (int k = 0; k < kg; k++) {
            float b = bias == null ? 0f : bias[g * kg + k];
            int dst = image * outSize + (g * kg + k) * outH * outW;
            Elementwise.biasReluRows(yGrid, k * grid, phW, b, y, dst, relu, dst, outW, outW, outH);
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
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < kg; k++) {
                    int src = i * outSize + (g * kg + k) * outH * outW;
                    int dst = (i * kg + k) * dyPlane + lead;
                    float sum = throughRelu
                            ? Elementwise.reluGradientSumRows(dy, src, y, src, outW, dyPadded, dst, phW, outW, outH)
                            : Elementwise.copySumRows(dy, src, outW, dyPadded, dst, phW, outW, outH);
                    if (db != null) db[g * kg + k] += sum;
                }
            }
            Gemm.sdotShifted(kg, rows, gridDot, n, dyPadded, lead, dyPlane, kg * dyPlane,
                    padded, g * cg * channelFloats, forwardRows, xImage, dw, g * kg * rows, rows);
            if (dx != null) inputGradient(w, g, n, dx, inSize, overwriteDx);
        }
    }

    /**
     * dX of group g: one GEMM per phase over all the images (its weights packed once), each image's plane added onto
     * its gradient. With {@code overwrite}, the first phase clears the image's channels before adding (a 1×1/2 conv's
     * one phase covers a quarter of them). Image by image, all phases at once, was tried: a GEMM call per image and
     * phase cost more than the cache it saved.
     */
    private void inputGradient(float[] w, int g, int n, float[] dx, int inSize, boolean overwrite) {
        if (phaseWeights == null) {
            phaseWeights = new float[ny * nx][];
            dxGrid = new float[cg * phPlane];
        }
        int groupFloats = cg * height * width;
        for (int ry = 0; ry < ny; ry++) {
            for (int rx = 0; rx < nx; rx++) {
                int ph = ry * nx + rx;
                int ty = tapsY(ry), tx = tapsX(rx), backK = kg * ty * tx;
                if (phaseWeights[ph] == null) phaseWeights[ph] = new float[cg * backK];
                float[] a = phaseWeights[ph];
                for (int c = 0; c < cg; c++) {
                    for (int k = 0, r = 0; k < kg; k++) {
                        int filter = ((g * kg + k) * cg + c) * kh * kw;
                        for (int qy = 0; qy < ty; qy++) {
                            for (int qx = 0; qx < tx; qx++) a[c * backK + r++] = w[filter + (stride * qy + ry) * kw + stride * qx + rx];
                        }
                    }
                }
                int phaseRow = ry, phaseColumn = rx;
                boolean clear = overwrite && ph == 0;
                Gemm.sgemmShifted(cg, phPlane, backK, a, 0, backK, dyPadded, 0, backwardRows[ph], n, kg * dyPlane,
                        dxGrid, 0, phPlane, i -> {
                            int image = i * inSize + g * groupFloats;
                            if (clear) Arrays.fill(dx, image, image + groupFloats, 0f);
                            addPhase(dx, image, phaseRow, phaseColumn);
                        });
            }
        }
    }

    /** dxGrid (C/G phase planes of one image) added onto dx at (S·i + ry − pt, S·j + rx − pl) inside the input. */
    private void addPhase(float[] dx, int image, int ry, int rx) {
        for (int c = 0; c < cg; c++) phases.addPhase(dxGrid, c * phPlane, ry, rx, dx, image + c * height * width);
    }
}
