package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.spec.Shape;

/**
 * Max pooling F×F at stride S. Padded positions never win (as in PyTorch). The forward pass keeps, for each
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
        int f = win.kernelH(), s = win.stride();
        int planes = n * in.depth();
        boolean plain2x2 = f == 2 && s == 2 && win.padTop() == 0 && win.padLeft() == 0;
        switchesValid = training || !plain2x2;
        if (plain2x2) {
            if (training) pool2x2(x, y, planes, w, h, ho, wo);
            else pool2x2Values(x, y, planes, w, h, ho, wo);
            return;
        }
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int y0 = oy * s - win.padTop();
                int yLo = Math.max(y0, 0), yHi = Math.min(y0 + f, h);
                for (int ox = 0; ox < wo; ox++) {
                    int x0 = ox * s - win.padLeft();
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

    /** The common 2×2 window at stride 2 without padding, unrolled; same tie rule (first maximum wins). */
    private void pool2x2(float[] x, float[] y, int planes, int w, int h, int ho, int wo) {
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int r0 = xo + 2 * oy * w;
                int r1 = r0 + w;
                int o = yo + oy * wo;
                for (int ox = 0; ox < wo; ox++) {
                    // Selects, not branches: after a ReLU, ties at 0 are common and branches mispredict.
                    int i = r0 + 2 * ox;
                    float best = x[i];
                    int arg = i;
                    float v = x[i + 1];
                    boolean up = !(v <= best);
                    best = up ? v : best;
                    arg = up ? i + 1 : arg;
                    int j = r1 + 2 * ox;
                    v = x[j];
                    up = !(v <= best);
                    best = up ? v : best;
                    arg = up ? j : arg;
                    v = x[j + 1];
                    up = !(v <= best);
                    best = up ? v : best;
                    arg = up ? j + 1 : arg;
                    y[o + ox] = best;
                    switches[o + ox] = arg;
                }
            }
        }
    }

    /**
     * {@link #pool2x2} without the switches, for evaluation: the same comparisons as selects instead of
     * branches (a ReLU output is 0 about half the time, so branches on it are mispredicted often).
     */
    private static void pool2x2Values(float[] x, float[] y, int planes, int w, int h, int ho, int wo) {
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w;
            int yo = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                int r0 = xo + 2 * oy * w;
                int r1 = r0 + w;
                int o = yo + oy * wo;
                for (int ox = 0; ox < wo; ox++) {
                    int i = r0 + 2 * ox;
                    int j = r1 + 2 * ox;
                    float best = x[i];
                    float v = x[i + 1];
                    best = v <= best ? best : v;
                    v = x[j];
                    best = v <= best ? best : v;
                    v = x[j + 1];
                    best = v <= best ? best : v;
                    y[o + ox] = best;
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
            pool2x2(inputs[0], y, n * in.depth(), in.width(), in.height(), out.height(), out.width());
            switchesValid = true;
        }
        int total = Math.toIntExact(n * out.size());
        for (int i = 0; i < total; i++) dx[switches[i]] += dy[i];
    }
}
