package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.spec.Shape;

/**
 * Average pooling F×F at stride Sh×Sw: each output is the sum of its window divided by F·F, padded zeros
 * included (PyTorch's default {@code count_include_pad=True}). Backward spreads dOut/(F·F) over the window.
 */
final class AvgPoolLayer implements Layer {

    private final Shape in;
    private final Shape out;
    private final Window win;

    AvgPoolLayer(Shape in, Shape out, Window win) {
        this.in = in;
        this.out = out;
        this.win = win;
    }

    @Override
    public void forward(float[][] inputs, float[] y, int n, boolean training) {
        float[] x = inputs[0];
        int h = in.height(), w = in.width(), ho = out.height(), wo = out.width();
        int f = win.kernelH(), sh = win.strideH(), sw = win.strideW();
        float inv = 1f / (f * f);
        int planes = n * in.depth();
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int y0 = oy * sh - win.padTop();
                int yLo = Math.max(y0, 0), yHi = Math.min(y0 + f, h);
                for (int ox = 0; ox < wo; ox++) {
                    int x0 = ox * sw - win.padLeft();
                    int xLo = Math.max(x0, 0), xHi = Math.min(x0 + f, w);
                    float sum = 0f;
                    for (int iy = yLo; iy < yHi; iy++) {
                        int r = xo + iy * w;
                        for (int ix = xLo; ix < xHi; ix++) sum += x[r + ix];
                    }
                    y[yo + oy * wo + ox] = sum * inv;
                }
            }
        }
    }

    @Override
    public void backward(float[][] inputs, float[] y, float[] dy, float[][] dIn, int n) {
        float[] dx = dIn[0];
        if (dx == null) return;
        int h = in.height(), w = in.width(), ho = out.height(), wo = out.width();
        int f = win.kernelH(), sh = win.strideH(), sw = win.strideW();
        float inv = 1f / (f * f);
        int planes = n * in.depth();
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int y0 = oy * sh - win.padTop();
                int yLo = Math.max(y0, 0), yHi = Math.min(y0 + f, h);
                for (int ox = 0; ox < wo; ox++) {
                    int x0 = ox * sw - win.padLeft();
                    int xLo = Math.max(x0, 0), xHi = Math.min(x0 + f, w);
                    float g = dy[yo + oy * wo + ox] * inv;
                    for (int iy = yLo; iy < yHi; iy++) {
                        int r = xo + iy * w;
                        for (int ix = xLo; ix < xHi; ix++) dx[r + ix] += g;
                    }
                }
            }
        }
    }
}
