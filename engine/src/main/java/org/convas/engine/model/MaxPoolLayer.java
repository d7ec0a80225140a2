package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Pooling;
import org.convas.engine.spec.Shape;

/**
 * Max pooling F×F at stride Sh×Sw. Padded positions never win (as in PyTorch). The forward pass keeps, for each
 * output, the index of the winning input ("switches"); backward routes dOut there only. Overlapping windows
 * (F > S) may send several gradients to one input: they add.
 */
final class MaxPoolLayer implements Layer {

    private final Shape in;
    private final Shape out;
    private final Window win;
    private final int[] switches;
    private boolean switchesValid; // the last forward pass recorded its switches (an evaluation pass skips them)

    MaxPoolLayer(Shape in, Shape out, Window win, int maxBatch) {
        this.in = in;
        this.out = out;
        this.win = win;
        this.switches = new int[Math.toIntExact(maxBatch * out.size())];
    }

    @Override
    public void forward(float[][] inputs, float[] y, int n, boolean training) {
        float[] x = inputs[0];
        int h = in.height(), w = in.width(), ho = out.height(), wo = out.width();
        int f = win.kernelH(), sh = win.strideH(), sw = win.strideW();
        int planes = n * in.depth();
        boolean plain2x2 = f == 2 && sh == 2 && sw == 2 && win.padTop() == 0 && win.padLeft() == 0;
        switchesValid = training || !plain2x2;
        if (plain2x2) {
            Pooling.max2x2(x, y, training ? switches : null, planes, w, h, ho, wo);
            return;
        }
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int y0 = oy * sh - win.padTop();
                int yLo = Math.max(y0, 0), yHi = Math.min(y0 + f, h);
                for (int ox = 0; ox < wo; ox++) {
                    int x0 = ox * sw - win.padLeft();
                    int xLo = Math.max(x0, 0), xHi = Math.min(x0 + f, w);
                    float best = Float.NEGATIVE_INFINITY;
                    int arg = xo + yLo * w + xLo;
                    for (int iy = yLo; iy < yHi; iy++) {
                        int r = xo + iy * w;
                        for (int ix = xLo; ix < xHi; ix++) {
                            float v = x[r + ix];
                            // !(v <= best) lets NaN win too, so a broken activation travels on and is found.
                            if (!(v <= best)) {
                                best = v;
                                arg = r + ix;
                            }
                        }
                    }
                    y[yo + oy * wo + ox] = best;
                    switches[yo + oy * wo + ox] = arg;
                }
            }
        }
    }

    @Override
    public void backward(float[][] inputs, float[] y, float[] dy, float[][] dIn, int n) {
        float[] dx = dIn[0];
        if (dx == null) return;
        if (!switchesValid) {
            // The last forward pass was an evaluation pass, which keeps no switches: find them again.
            Pooling.max2x2(inputs[0], y, switches, n * in.depth(), in.width(), in.height(), out.height(), out.width());
            switchesValid = true;
        }
        int total = Math.toIntExact(n * out.size());
        for (int i = 0; i < total; i++) dx[switches[i]] += dy[i];
    }
}
