package org.convas.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The depthwise stencils, scalar and vector, against the sums in double precision. */
class StencilTest {

    private static List<Stencil.Ops> both() {
        Stencil.Ops vector = Stencil.vector().orElseThrow(() -> new AssertionError("jdk.incubator.vector is not in the test JVM"));
        return List.of(Stencil.scalar(), vector);
    }

    @Test
    void correlateAndTapDotsMatchTheirSums() {
        Random random = new Random(9);
        float[] src = new float[600], a = new float[300], w = new float[12];
        for (int i = 0; i < src.length; i++) src[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        int[] offsets = {0, 1, 2, 30, 31, 32, 60, 61, 62, 45};
        for (int n : new int[]{1, 15, 16, 33, 250}) {
            for (int taps : new int[]{1, 4, 9, 10}) {
                for (Stencil.Ops ops : both()) {
                    float[] dst = new float[n + 4];
                    ops.correlate(src, 7, offsets, w, 2, taps, dst, 3, n);
                    float[] dots = new float[taps];
                    ops.tapDots(a, 5, src, 7, offsets, taps, n, dots);
                    for (int p = 0; p < n; p++) {
                        double s = 0;
                        for (int t = 0; t < taps; t++) s += (double) w[2 + t] * src[7 + offsets[t] + p];
                        assertEquals(s, dst[3 + p], 1e-5 * (1 + Math.abs(s)) * taps, ops + " n=" + n + " taps=" + taps + " p=" + p);
                    }
                    assertEquals(0f, dst[2]);
                    for (int t = 0; t < taps; t++) {
                        double s = 0;
                        for (int p = 0; p < n; p++) s += (double) a[5 + p] * src[7 + offsets[t] + p];
                        assertEquals(s, dots[t], 1e-5 * Math.sqrt(n) * 4, ops + " n=" + n + " tap " + t);
                    }
                }
            }
        }
    }
}
