package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The im2col-free convolutions ({@link ShiftedConvolution} at stride 1, {@link StridedConvolution} at stride 2 and
 * 3, {@link DepthwiseConvolution} at strides 1 and 2) against the definition, written as plain loops in double precision:
 * y[k][oy][ox] = b[k] + Σ w[k][c][fy][fx]·x[c][S·oy + fy − pt][S·ox + fx − pl] (0 outside the input), and its
 * gradients dW, db, dX by the chain rule over the same sum. Asymmetric padding, rectangular kernels, 1×1,
 * groups, floor mode (a far side left unused), and the fused ReLU are covered, and so is a backward pass that
 * follows an evaluation pass (the padded input must then be rebuilt).
 */
class ShiftedConvolutionTest {

    record Case(String name, int c, int h, int w, int k, int fh, int fw, int pt, int pl, int pb, int pr, int groups, int s) {
        Case(String name, int c, int h, int w, int k, int fh, int fw, int pt, int pl, int pb, int pr, int groups) {
            this(name, c, h, w, k, fh, fw, pt, pl, pb, pr, groups, 1);
        }

        Shape in() {
            return Shape.of(w, h, c);
        }

        Window window() {
            return new Window(fh, fw, s, 1, pt, pl, pb, pr);
        }

        Shape out() {
            return Shape.of((w + pl + pr - fw) / s + 1, (h + pt + pb - fh) / s + 1, k);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("3×3 same, 3→8", 3, 9, 12, 8, 3, 3, 1, 1, 1, 1, 1),
                new Case("asymmetric padding", 2, 7, 11, 4, 3, 3, 0, 2, 1, 0, 1),
                new Case("rectangular 3×2 kernel", 3, 8, 13, 5, 3, 2, 1, 0, 1, 1, 1),
                new Case("1×1, no padding", 6, 5, 7, 9, 1, 1, 0, 0, 0, 0, 1),
                new Case("two groups", 4, 8, 10, 8, 3, 3, 1, 1, 1, 1, 2),
                new Case("5×5 same", 2, 12, 18, 6, 5, 5, 2, 2, 2, 2, 1),
                new Case("3×3 valid on 16 wide", 3, 6, 16, 4, 3, 3, 0, 0, 0, 0, 1),
                new Case("wide: 40 channels, 36 filters", 40, 6, 18, 36, 3, 3, 1, 1, 1, 1, 1),
                new Case("3×3/2 pad 1 on 28×28, floored", 3, 28, 28, 8, 3, 3, 1, 1, 1, 1, 1, 2),
                new Case("3×3/2 pad 1 on 15×15, exact", 4, 15, 15, 8, 3, 3, 1, 1, 1, 1, 1, 2),
                new Case("1×1/2 projection on 14×14", 6, 14, 14, 12, 1, 1, 0, 0, 0, 0, 1, 2),
                new Case("5×3/3 asymmetric padding, two groups", 4, 13, 11, 8, 5, 3, 2, 0, 1, 1, 2, 3),
                new Case("4×4/2, padding 0", 2, 10, 12, 4, 4, 4, 0, 0, 0, 0, 1, 2),
                new Case("depthwise 3×3 pad 1 on 14×14", 5, 14, 14, 5, 3, 3, 1, 1, 1, 1, 5),
                new Case("depthwise 3×3/2 pad 1 on 28×28, floored", 4, 28, 28, 4, 3, 3, 1, 1, 1, 1, 4, 2),
                new Case("depthwise, 2 filters a channel, 5×3/2 asymmetric", 3, 11, 9, 6, 5, 3, 2, 1, 1, 0, 3, 2),
                new Case("depthwise 3×3/2 pad 1 on 7×7, exact", 6, 7, 7, 6, 3, 3, 1, 1, 1, 1, 6, 2)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheDefinition(Case t) {
        DirectConvolution path = Conv2dLayer.direct(t.in(), t.out(), t.window(), t.groups(), 4);
        Class<?> expected = t.c == t.groups ? DepthwiseConvolution.class : t.s == 1 ? ShiftedConvolution.class : StridedConvolution.class;
        assertEquals(expected, path == null ? null : path.getClass(),
                "case must take the im2col-free path");
        for (boolean relu : new boolean[]{false, true}) {
            for (boolean evaluationFirst : new boolean[]{false, true}) check(t, relu, evaluationFirst);
        }
    }

    private static void check(Case t, boolean relu, boolean evaluationFirst) {
        int n = 3;
        Shape in = t.in(), out = t.out();
        int cg = t.c / t.groups, kg = t.k / t.groups;
        int inSize = (int) in.size(), outSize = (int) out.size(), ho = out.height(), wo = out.width();
        Random random = new Random(t.name().hashCode() + (relu ? 1 : 0));
        float[] x = gaussian(random, n * inSize);
        float[] w = gaussian(random, t.k * cg * t.fh * t.fw);
        float[] bias = gaussian(random, t.k);
        float[] dy = gaussian(random, n * outSize);
        float[] dxStart = gaussian(random, n * inSize);   // dX accumulates onto what is there
        float[] dwStart = gaussian(random, w.length);
        float[] dbStart = gaussian(random, t.k);

        // The definition, in double.
        double[] yRef = new double[n * outSize];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < t.k; k++) {
                int g = k / kg;
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double s = bias[k];
                        for (int c = 0; c < cg; c++) {
                            for (int fy = 0; fy < t.fh; fy++) {
                                for (int fx = 0; fx < t.fw; fx++) {
                                    int iy = t.s * oy + fy - t.pt, ix = t.s * ox + fx - t.pl;
                                    if (iy < 0 || iy >= t.h || ix < 0 || ix >= t.w) continue;
                                    s += (double) w[((k * cg + c) * t.fh + fy) * t.fw + fx]
                                            * x[i * inSize + ((g * cg + c) * t.h + iy) * t.w + ix];
                                }
                            }
                        }
                        yRef[i * outSize + (k * ho + oy) * wo + ox] = s;
                    }
                }
            }
        }
        // dY of the conv output: through the ReLU when fused (dy where y > 0).
        double[] dz = new double[dy.length];
        for (int q = 0; q < dz.length; q++) dz[q] = !relu || yRef[q] > 0 ? dy[q] : 0;
        double[] dwRef = new double[w.length], dbRef = new double[t.k], dxRef = new double[x.length];
        for (int q = 0; q < w.length; q++) dwRef[q] = dwStart[q];
        for (int q = 0; q < t.k; q++) dbRef[q] = dbStart[q];
        for (int q = 0; q < x.length; q++) dxRef[q] = dxStart[q];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < t.k; k++) {
                int g = k / kg;
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double d = dz[i * outSize + (k * ho + oy) * wo + ox];
                        dbRef[k] += d;
                        for (int c = 0; c < cg; c++) {
                            for (int fy = 0; fy < t.fh; fy++) {
                                for (int fx = 0; fx < t.fw; fx++) {
                                    int iy = t.s * oy + fy - t.pt, ix = t.s * ox + fx - t.pl;
                                    if (iy < 0 || iy >= t.h || ix < 0 || ix >= t.w) continue;
                                    int wi = ((k * cg + c) * t.fh + fy) * t.fw + fx;
                                    int xi = i * inSize + ((g * cg + c) * t.h + iy) * t.w + ix;
                                    dwRef[wi] += d * x[xi];
                                    dxRef[xi] += d * w[wi];
                                }
                            }
                        }
                    }
                }
            }
        }

        DirectConvolution conv = Conv2dLayer.direct(in, out, t.window(), t.groups(), 4);
        float[] y = new float[n * outSize];
        float[] r = relu ? new float[n * outSize] : null;
        if (evaluationFirst) {
            // An evaluation pass on other images, then a training pass that is not cached: backward rebuilds.
            conv.forward(gaussian(random, n * inSize), w, bias, y, r, n, false, null);
            conv.forward(x, w, bias, y, r, n, false, null);
        } else {
            conv.forward(x, w, bias, y, r, n, true, null);
        }
        float[] dw = dwStart.clone(), db = dbStart.clone(), dx = dxStart.clone();
        conv.backward(x, y, dy, w, dw, db, dx, n, relu, false);

        String where = t.name() + (relu ? ", fused ReLU" : "") + (evaluationFirst ? ", after an evaluation pass" : "");
        int terms = cg * t.fh * t.fw;
        assertClose(yRef, y, terms, where + ": y");
        if (relu) {
            double[] reluRef = new double[yRef.length];
            for (int q = 0; q < yRef.length; q++) reluRef[q] = Math.max(0, y[q]);
            for (int q = 0; q < yRef.length; q++) assertEquals(reluRef[q], r[q], 0.0, where + ": ReLU(y) at " + q);
        }
        assertClose(dwRef, dw, n * ho * wo, where + ": dW");
        assertClose(dbRef, db, n * ho * wo, where + ": db");
        assertClose(dxRef, dx, kg * t.fh * t.fw, where + ": dX");

        // Written rather than added (the input's only consumer): over stale values, the bits of adding onto zeros.
        float[] dxAdded = new float[dx.length], dxWritten = gaussian(random, dx.length);
        conv.backward(x, y, dy, w, dwStart.clone(), dbStart.clone(), dxAdded, n, relu, false);
        conv.backward(x, y, dy, w, dwStart.clone(), dbStart.clone(), dxWritten, n, relu, true);
        for (int q = 0; q < dx.length; q++) {
            assertEquals(Float.floatToIntBits(dxAdded[q]), Float.floatToIntBits(dxWritten[q]), where + ": dX written, at " + q);
        }
    }

    /** |got − want| ≤ 1e-5·√terms·(1 + |want|): float rounding of a sum of that many terms of unit size. */
    private static void assertClose(double[] want, float[] got, int terms, String what) {
        double tolerance = 1e-5 * Math.sqrt(terms);
        for (int q = 0; q < want.length; q++) {
            double allowed = tolerance * (1 + Math.abs(want[q])) * 4;
            assertTrue(Math.abs(got[q] - want[q]) <= allowed,
                    what + " at " + q + ": " + got[q] + " against " + want[q] + " (tolerance " + allowed + ")");
        }
    }

    private static float[] gaussian(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float) random.nextGaussian();
        return v;
    }
}
