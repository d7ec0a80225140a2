package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Gemm;
import org.convas.engine.kernel.Im2col;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Convolution through im2col + GEMM. The images of a batch are processed in chunks of c images whose
 * columns sit side by side, so that each group g needs one GEMM per chunk:
 * Y_g (K/G × c·Ho·Wo) = W_g (K/G × C/G·Fh·Fw) · col_g (C/G·Fh·Fw × c·Ho·Wo), then Y_g is scattered into
 * the (N, K, Ho, Wo) output and the bias added. A wide GEMM keeps a fast kernel busy where one image's
 * Ho·Wo is small (LeNet's conv2: 10·10 = 100 columns per image, 6,400 per batch of 64).
 *
 * <p>Backward, with col_g recomputed (cheap next to the GEMMs, and it saves C·Fh·Fw·Ho·Wo floats an image):
 * dW_g += dY_g · col_gᵀ, db += Σ dY, dcol_g = W_gᵀ · dY_g folded back onto dIn by col2im.
 *
 * <p>Weight layout, as PyTorch: K × (C/G) × Fh × Fw. Example: LeNet's conv2 (16 filters 5×5 over 6 channels)
 * has 16·6·5·5 = 2,400 weights, filter k starting at k·150.
 */
final class Conv2dLayer implements Layer {

    /** Largest im2col workspace, in floats (16 MB): the chunk holds as many images as fit. */
    private static final int WORKSPACE = 1 << 22;

    private final Shape in;
    private final Shape out;
    private final Window win;
    private final int groups;
    private final int cg;      // input channels per group, C/G
    private final int kg;      // filters per group, K/G
    private final int rows;    // C/G·Fh·Fw
    private final int hw;      // Ho·Wo
    private final int chunk;   // images per GEMM
    private final Parameter weight;
    private final Parameter bias;
    private final float[] col;   // rows × chunk·hw
    private final float[] ybuf;  // kg × chunk·hw
    private final KernelThreads kernelThreads;

    Conv2dLayer(Shape in, Shape out, Window win, int groups, Parameter weight, Parameter bias, int maxBatch,
                KernelThreads kernelThreads) {
        this.in = in;
        this.out = out;
        this.win = win;
        this.groups = groups;
        this.cg = in.depth() / groups;
        this.kg = out.depth() / groups;
        this.rows = cg * win.kernelH() * win.kernelW();
        this.hw = out.width() * out.height();
        this.chunk = Math.max(1, Math.min(maxBatch, WORKSPACE / Math.max(1, Math.max(rows, kg) * hw)));
        this.weight = weight;
        this.bias = bias;
        this.col = new float[rows * chunk * hw];
        this.ybuf = new float[kg * chunk * hw];
        this.kernelThreads = kernelThreads;
    }

    private void unfold(float[] x, int first, int count, int g) {
        int inSize = (int) in.size();
        int planeIn = in.width() * in.height();
        int ld = count * hw;
        for (int i = 0; i < count; i++) {
            Im2col.im2col(x, (first + i) * inSize + g * cg * planeIn, cg, in.height(), in.width(), win.kernelH(), win.kernelW(),
                    win.stride(), win.dilation(), win.padTop(), win.padLeft(), out.height(), out.width(), col, i * hw, ld);
        }
    }

    @Override
    public void forward(float[][] inputs, float[] y, int n, boolean training) {
        float[] x = inputs[0];
        float[] w = weight.value();
        int outSize = (int) out.size();
        boolean splitFilters = kernelThreads != null && kernelThreads.threads() > 1 && n < kernelThreads.threads();
        for (int first = 0; first < n; first += chunk) {
            int count = Math.min(chunk, n - first);
            int ld = count * hw;
            for (int g = 0; g < groups; g++) {
                unfold(x, first, count, g);
                int wOff = g * kg * rows;
                if (splitFilters) {
                    // Too few images to split across workers: split the filters, each thread its own rows of Y.
                    kernelThreads.forRows(kg, 4, (from, to) -> Gemm.sgemm(false, false, to - from, ld, rows, 1f,
                            w, wOff + from * rows, rows, col, 0, ld, 0f, ybuf, from * ld, ld));
                } else {
                    Gemm.sgemm(false, false, kg, ld, rows, 1f, w, wOff, rows, col, 0, ld, 0f, ybuf, 0, ld);
                }
                for (int k = 0; k < kg; k++) {
                    float b = bias == null ? 0f : bias.value()[g * kg + k];
                    for (int i = 0; i < count; i++) {
                        int src = k * ld + i * hw;
                        int dst = (first + i) * outSize + (g * kg + k) * hw;
                        for (int p = 0; p < hw; p++) y[dst + p] = ybuf[src + p] + b;
                    }
                }
            }
        }
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
        if (bias != null) {
            float[] db = bias.grad();
            for (int s = 0; s < n; s++) {
                for (int k = 0; k < out.depth(); k++) {
                    int o = s * outSize + k * hw;
                    float sum = 0f;
                    for (int p = 0; p < hw; p++) sum += dy[o + p];
                    db[k] += sum;
                }
            }
        }
        for (int first = 0; first < n; first += chunk) {
            int count = Math.min(chunk, n - first);
            int ld = count * hw;
            for (int g = 0; g < groups; g++) {
                // Gather dY_g of the chunk into kg × count·hw.
                for (int k = 0; k < kg; k++) {
                    for (int i = 0; i < count; i++) {
                        System.arraycopy(dy, (first + i) * outSize + (g * kg + k) * hw, ybuf, k * ld + i * hw, hw);
                    }
                }
                unfold(x, first, count, g);
                Gemm.sgemm(false, true, kg, rows, ld, 1f, ybuf, 0, ld, col, 0, ld, 1f, dw, g * kg * rows, rows);
                if (dx == null) continue;
                // col is free now: reuse it for dcol_g = W_gᵀ · dY_g.
                Gemm.sgemm(true, false, rows, ld, kg, 1f, w, g * kg * rows, rows, ybuf, 0, ld, 0f, col, 0, ld);
                for (int i = 0; i < count; i++) {
                    Im2col.col2imAdd(col, i * hw, ld, cg, in.height(), in.width(), win.kernelH(), win.kernelW(), win.stride(),
                            win.dilation(), win.padTop(), win.padLeft(), out.height(), out.width(), dx,
                            (first + i) * inSize + g * cg * planeIn);
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
