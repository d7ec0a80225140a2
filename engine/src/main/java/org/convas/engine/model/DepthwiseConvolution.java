package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Elementwise;
import org.convas.engine.kernel.Stencil;
import org.convas.engine.spec.Shape;

import java.util.Arrays;

/**
 * A depthwise convolution (groups = C: each filter sees one channel, K/C filters a channel, MobileNet's 3×3 layers)
 * computed as stencils ({@link Stencil}) over each channel's padded input, split into the stride's phases
 * ({@link Polyphase}), instead of C one-row GEMMs over im2col columns. Per image and filter k of channel c:
 * <ul>
 *   <li>Forward: y_k on the grid Ho×PW = Σ over the Fh·Fw taps of w[k][t]·(phase run of tap t), then the grid's
 *       extra columns dropped as the bias (and a fused ReLU) is applied.</li>
 *   <li>dW: w[k][t] += the dot product of dY_k (on the same grid, zeros in the extra columns) with tap t's run.</li>
 *   <li>dX: phase (ry, rx) of the padded input's gradient = Σ over the channel's filters and the phase's taps
 *       (qy, qx) of w·dY shifted by (qy, qx) (dY's grid with qH zero rows before and after it), then added onto
 *       dX where it falls inside the input.</li>
 * </ul>
 * Needs each padding smaller than the kernel and no dilation.
 */
final class DepthwiseConvolution implements DirectConvolution {

    private static final int TAIL = 16;

    private final int channels, height, width, filters, perChannel;
    private final int taps, outH, outW;
    private final Polyphase phases;
    private final int xImage, grid, gridDot, lead, dyPlane;
    private final int[] tapOffsets;
    /** Per phase: the offsets in dY's padded planes of the channel's filters' taps of that phase, and their kernel positions. */
    private final int[][] phaseOffsets;
    private final int[][] phaseTaps;
    private final int maxBatch;
    private float[] padded;
    private int paddedImages;          // images the last forward pass padded, when it was a training pass
    private float[] yGrid;
    private float[] dyPadded;
    private float[] dxGrid;
    private float[][] phaseWeights;
    private final float[] dots;

    /** Whether this path serves the convolution: one input channel a group, several groups, no dilation, paddings within the kernel. */
    static boolean applies(Shape in, Shape out, Window win, int groups) {
        if ("false".equalsIgnoreCase(System.getProperty("convas.shiftedConv", "true").trim())) return false;
        // Square strides only (the stencil steps both axes alike); per-axis strides take the im2col path.
        return groups > 1 && in.depth() == groups && win.squareStride() && win.dilation() == 1
                && win.padTop() < win.kernelH() && win.padLeft() < win.kernelW();
    }

    DepthwiseConvolution(Shape in, Shape out, Window win, int maxBatch) {
        this.channels = in.depth();
        this.height = in.height();
        this.width = in.width();
        this.filters = out.depth();
        this.perChannel = filters / channels;
        this.taps = win.kernelH() * win.kernelW();
        this.outH = out.height();
        this.outW = out.width();
        this.phases = new Polyphase(in, out, win);
        this.xImage = channels * phases.channelFloats + phases.qw + TAIL;
        this.grid = outH * phases.columns;
        this.gridDot = (grid + 15) / 16 * 16;
        this.lead = phases.qh * phases.columns + phases.qw;
        this.dyPlane = lead + phases.plane + phases.qw + TAIL;
        this.maxBatch = maxBatch;
        this.tapOffsets = new int[taps];
        for (int fy = 0, t = 0; fy < win.kernelH(); fy++) {
            for (int fx = 0; fx < win.kernelW(); fx++) tapOffsets[t++] = phases.tapOffset(fy, fx);
        }
        int s = win.stride();
        this.phaseOffsets = new int[phases.ny * phases.nx][];
        this.phaseTaps = new int[phases.ny * phases.nx][];
        for (int ry = 0; ry < phases.ny; ry++) {
            for (int rx = 0; rx < phases.nx; rx++) {
                int ty = phases.tapsY(ry), tx = phases.tapsX(rx);
                int[] offsets = new int[perChannel * ty * tx], kernel = new int[ty * tx];
                for (int j = 0, r = 0; j < perChannel; j++) {
                    for (int qy = 0; qy < ty; qy++) {
                        for (int qx = 0; qx < tx; qx++) {
                            offsets[r] = j * dyPlane + lead - qy * phases.columns - qx;
                            if (j == 0) kernel[r] = (s * qy + ry) * win.kernelW() + s * qx + rx;
                            r++;
                        }
                    }
                }
                phaseOffsets[ry * phases.nx + rx] = offsets;
                phaseTaps[ry * phases.nx + rx] = kernel;
            }
        }
        this.dots = new float[taps];
    }

    /** Floats this path holds per image of a training micro-batch: the padded input and dY on its padded grid. */
    static long heldFloatsPerImage(Shape in, Shape out, Window win) {
        Polyphase p = new Polyphase(in, out, win);
        long dyPlane = (long) (p.qh * p.columns + p.qw) + p.plane + p.qw + TAIL;
        return (long) in.depth() * p.channelFloats + out.depth() * dyPlane;
    }

    private void pad(float[] x, int image, int slot) {
        int inSize = channels * height * width;
        for (int c = 0; c < channels; c++) {
            phases.pad(x, image * inSize + c * height * width, padded, slot * xImage + c * phases.channelFloats);
        }
    }

    @Override
    public void forward(float[] x, float[] w, float[] bias, float[] y, float[] relu, int n, boolean training,
                        KernelThreads kernelThreads) {
        int slots = training ? maxBatch : 1;
        if (padded == null || padded.length < slots * xImage) padded = new float[slots * xImage];
        if (yGrid == null) yGrid = new float[grid];
        int outSize = filters * outH * outW;
        for (int i = 0; i < n; i++) {
            int slot = training ? i : 0;
            pad(x, i, slot);
            for (int k = 0; k < filters; k++) {
                int c = k / perChannel;
                Stencil.correlate(padded, slot * xImage + c * phases.channelFloats, tapOffsets, w, k * taps, taps, yGrid, 0, grid);
                int dst = i * outSize + k * outH * outW;
                Elementwise.biasReluRows(yGrid, 0, phases.columns, bias == null ? 0f : bias[k], y, dst, relu, dst, outW, outW, outH);
            }
        }
        paddedImages = training ? n : 0;
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] w, float[] dw, float[] db, float[] dx, int n,
                         boolean throughRelu, boolean overwriteDx) {
        if (paddedImages < n) {
            if (padded == null || padded.length < maxBatch * xImage) padded = new float[maxBatch * xImage];
            for (int i = 0; i < n; i++) pad(x, i, i);
            paddedImages = n;
        }
        if (dyPadded == null) dyPadded = new float[maxBatch * filters * dyPlane];
        int outSize = filters * outH * outW;
        int inSize = channels * height * width;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < filters; k++) {
                int src = i * outSize + k * outH * outW;
                int at = (i * filters + k) * dyPlane + lead;
                float sum = throughRelu
                        ? Elementwise.reluGradientSumRows(dy, src, y, src, outW, dyPadded, at, phases.columns, outW, outH)
                        : Elementwise.copySumRows(dy, src, outW, dyPadded, at, phases.columns, outW, outH);
                if (db != null) db[k] += sum;
                Stencil.tapDots(dyPadded, at, padded, i * xImage + k / perChannel * phases.channelFloats, tapOffsets, taps, gridDot, dots);
                for (int t = 0; t < taps; t++) dw[k * taps + t] += dots[t];
            }
        }
        if (dx != null) inputGradient(w, n, dx, inSize, overwriteDx);
    }

    /**
     * dX channel by channel of each image, its phases in turn while the channel's plane is in L1 (phase by phase
     * over the whole batch went over a BatchNorm net's dX, megabytes, once per phase). Every pixel lies in one
     * phase, so its value is the same in either order; with {@code overwrite}, the plane is cleared first.
     */
    private void inputGradient(float[] w, int n, float[] dx, int inSize, boolean overwrite) {
        if (dxGrid == null) {
            dxGrid = new float[phases.plane];
            phaseWeights = new float[phaseOffsets.length][];
        }
        for (int ph = 0; ph < phaseOffsets.length; ph++) {
            int[] kernel = phaseTaps[ph];
            int count = perChannel * kernel.length;
            if (phaseWeights[ph] == null) phaseWeights[ph] = new float[channels * count];
            // Channel c's weights of this phase: its filters' taps in the order of phaseOffsets.
            for (int c = 0; c < channels; c++) {
                for (int j = 0, r = 0; j < perChannel; j++) {
                    for (int t : kernel) phaseWeights[ph][c * count + r++] = w[(c * perChannel + j) * taps + t];
                }
            }
        }
        int planeIn = height * width;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int to = i * inSize + c * planeIn;
                if (overwrite) Arrays.fill(dx, to, to + planeIn, 0f);
                for (int ph = 0; ph < phaseOffsets.length; ph++) {
                    int count = perChannel * phaseTaps[ph].length;
                    Stencil.correlate(dyPadded, (i * filters + c * perChannel) * dyPlane, phaseOffsets[ph], phaseWeights[ph],
                            c * count, count, dxGrid, 0, phases.plane);
                    phases.addPhase(dxGrid, 0, ph / phases.nx, ph % phases.nx, dx, to);
                }
            }
        }
    }
}
