package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Gemm;
import org.convas.engine.kernel.Im2col;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Convolution through im2col + GEMM, per sample and per group g:
 * out_g (K/G × Ho·Wo) = W_g (K/G × C/G·Fh·Fw) · col_g (C/G·Fh·Fw × Ho·Wo) + b.
 *
 * <p>Backward, with the same col_g (recomputed rather than cached: it is cheap next to the GEMMs and would
 * otherwise cost C·Fh·Fw·Ho·Wo floats per sample): dW_g += dOut_g · col_gᵀ, db += Σ dOut, and
 * dcol_g = W_gᵀ · dOut_g folded back onto dIn by col2im. A 1×1 convolution at stride 1 without padding
 * uses the input itself as col_g.
 *
 * <p>Weight layout, as PyTorch: K × (C/G) × Fh × Fw. Example: LeNet's conv2 (16 filters 5×5 over 6 channels)
 * has 16·6·5·5 = 2,400 weights, filter k starting at k·150.
 */
final class Conv2dLayer implements Layer {

    private final Shape in;
    private final Shape out;
    private final Window win;
    private final int groups;
    private final int cg;      // input channels per group, C/G
    private final int kg;      // filters per group, K/G
    private final int rows;    // C/G·Fh·Fw
    private final int hw;      // Ho·Wo
    private final boolean pointwise;
    private final Parameter weight;
    private final Parameter bias;
    private final float[] col;
    private final float[] dcol;
    private final KernelThreads kernelThreads;

    Conv2dLayer(Shape in, Shape out, Window win, int groups, Parameter weight, Parameter bias, KernelThreads kernelThreads) {
        this.kernelThreads = kernelThreads;
        this.in = in;
        this.out = out;
        this.win = win;
        this.groups = groups;
        this.cg = in.depth() / groups;
        this.kg = out.depth() / groups;
        this.rows = cg * win.kernelH() * win.kernelW();
        this.hw = out.width() * out.height();
        this.pointwise = win.kernelH() == 1 && win.kernelW() == 1 && win.stride() == 1
                && win.padTop() == 0 && win.padLeft() == 0 && win.padBottom() == 0 && win.padRight() == 0;
        this.weight = weight;
        this.bias = bias;
        this.col = pointwise ? null : new float[rows * hw];
        this.dcol = pointwise ? null : new float[rows * hw];
    }

    @Override
    public void forward(float[][] inputs, float[] y, int n, boolean training) {
        float[] x = inputs[0];
        float[] w = weight.value();
        int inSize = (int) in.size();
        int outSize = (int) out.size();
        int planeIn = in.width() * in.height();
        for (int s = 0; s < n; s++) {
            for (int g = 0; g < groups; g++) {
                int xOff = s * inSize + g * cg * planeIn;
                int yOff = s * outSize + g * kg * hw;
                float[] b = unfold(x, xOff);
                int bOff = pointwise ? xOff : 0;
                int wOff = g * kg * rows;
                if (kernelThreads != null && kernelThreads.threads() > 1 && n < kernelThreads.threads()) {
                    // Too few samples to split: split the filters instead, each thread its own output rows.
                    kernelThreads.forRows(kg, 4, (from, to) -> Gemm.sgemm(false, false, to - from, hw, rows, 1f,
                            w, wOff + from * rows, rows, b, bOff, hw, 0f, y, yOff + from * hw, hw));
                } else {
                    Gemm.sgemm(false, false, kg, hw, rows, 1f, w, wOff, rows, b, bOff, hw, 0f, y, yOff, hw);
                }
            }
            if (bias != null) {
                float[] bv = bias.value();
                for (int k = 0; k < out.depth(); k++) {
                    float v = bv[k];
                    int o = s * outSize + k * hw;
                    for (int p = 0; p < hw; p++) y[o + p] += v;
                }
            }
        }
    }

    private float[] unfold(float[] x, int xOff) {
        if (pointwise) return x;
        Im2col.im2col(x, xOff, cg, in.height(), in.width(), win.kernelH(), win.kernelW(), win.stride(),
                win.dilation(), win.padTop(), win.padLeft(), out.height(), out.width(), col);
        return col;
    }

    @Override
    public void backward(float[][] inputs, float[] y, float[] dy, float[][] dIn, int n) {
        float[] x = inputs[0];
        float[] dx = dIn[0];
        float[] w = weight.value();
        float[] dw = weight.grad();
        int inSize = (int) in.size();
        int outSize = (int) out.size();
        int planeIn = in.width() * in.height();
        for (int s = 0; s < n; s++) {
            if (bias != null) {
                float[] db = bias.grad();
                for (int k = 0; k < out.depth(); k++) {
                    int o = s * outSize + k * hw;
                    float sum = 0f;
                    for (int p = 0; p < hw; p++) sum += dy[o + p];
                    db[k] += sum;
                }
            }
            for (int g = 0; g < groups; g++) {
                int xOff = s * inSize + g * cg * planeIn;
                int yOff = s * outSize + g * kg * hw;
                float[] b = unfold(x, xOff);
                Gemm.sgemm(false, true, kg, rows, hw, 1f, dy, yOff, hw, b, pointwise ? xOff : 0, hw,
                        1f, dw, g * kg * rows, rows);
                if (dx == null) continue;
                if (pointwise) {
                    Gemm.sgemm(true, false, rows, hw, kg, 1f, w, g * kg * rows, rows, dy, yOff, hw, 1f, dx, xOff, hw);
                } else {
                    Gemm.sgemm(true, false, rows, hw, kg, 1f, w, g * kg * rows, rows, dy, yOff, hw, 0f, dcol, 0, hw);
                    Im2col.col2imAdd(dcol, cg, in.height(), in.width(), win.kernelH(), win.kernelW(), win.stride(),
                            win.dilation(), win.padTop(), win.padLeft(), out.height(), out.width(), dx, xOff);
                }
            }
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(2);
        p.add(weight);
        if (bias != null) p.add(bias);
        return p;
    }
}
