package org.convas.engine.kernel;

import org.convas.engine.calc.Window;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * im2col + GEMM against a direct convolution written out as the definition (seven nested loops, bounds checked
 * per tap), and col2im + GEMM against the direct input gradient of that convolution.
 */
class Im2ColTest {

    /** Geometries covering stride, per-side (asymmetric) padding, dilation, non-square kernels and images. */
    private static final Im2Col.Geometry[] GEOMETRIES = {
            Im2Col.Geometry.square(1, 3, 3, 2, 1, 0),
            Im2Col.Geometry.square(3, 8, 8, 3, 1, 1),
            Im2Col.Geometry.square(2, 9, 7, 3, 2, 1),
            Im2Col.Geometry.square(4, 11, 11, 5, 3, 2),
            new Im2Col.Geometry(2, 7, 9, 2, 3, 2, 1, 0, 1, 1, 0),     // "same"-style odd padding at stride 2
            new Im2Col.Geometry(3, 10, 8, 3, 3, 1, 2, 2, 2, 2, 2),    // dilation 2
            new Im2Col.Geometry(1, 6, 6, 3, 2, 2, 3, 1, 0, 3, 2),     // dilation 3, stride 2, uneven padding
            new Im2Col.Geometry(2, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0),     // 1×1 convolution
            new Im2Col.Geometry(1, 4, 4, 3, 3, 4, 1, 4, 4, 4, 4),     // padding wider than the image
            new Im2Col.Geometry(2, 3, 12, 3, 5, 1, 1, 0, 2, 0, 2),    // wide, non-square kernel
            // Wo = W at stride 1 (the one-copy-per-row path): LeNet's conv1 shape, uneven padding, a kernel
            // taller than the image
            Im2Col.Geometry.square(1, 9, 9, 5, 1, 2),
            new Im2Col.Geometry(2, 6, 7, 4, 3, 1, 1, 3, 1, 0, 1),
            new Im2Col.Geometry(1, 2, 5, 5, 3, 1, 1, 2, 1, 2, 1),
            // Per-axis strides: 2 down and 1 across, 1 down and 3 across with dilation and padding.
            new Im2Col.Geometry(2, 9, 7, 3, 3, 2, 1, 1, 1, 1, 1, 1),
            new Im2Col.Geometry(1, 6, 11, 2, 3, 1, 3, 2, 0, 2, 0, 1),
    };

    @Test
    void lectureExampleThreeByThreeImageTwoByTwoKernel() {
        Im2Col.Geometry g = Im2Col.Geometry.square(1, 3, 3, 2, 1, 0);
        float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] col = new float[4 * 4];
        Im2Col.im2col(g, image, 0, col, 0, 4);
        assertArrayEquals(new float[]{1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, col);
    }

    @Test
    void paddingBecomesZerosAroundTheImage() {
        // 2×2 image, F = 3, P = 1: Ho = Wo = 2; the top-left tap only sees the image at output (1, 1).
        Im2Col.Geometry g = Im2Col.Geometry.square(1, 2, 2, 3, 1, 1);
        float[] col = new float[9 * 4];
        java.util.Arrays.fill(col, Float.NaN); // every target element must be written
        Im2Col.im2col(g, new float[]{1, 2, 3, 4}, 0, col, 0, 4);
        assertArrayEquals(new float[]{0, 0, 0, 1}, java.util.Arrays.copyOfRange(col, 0, 4));       // (fh, fw) = (0, 0)
        assertArrayEquals(new float[]{1, 2, 3, 4}, java.util.Arrays.copyOfRange(col, 16, 20));     // centre tap
        assertArrayEquals(new float[]{4, 0, 0, 0}, java.util.Arrays.copyOfRange(col, 32, 36));     // (2, 2)
    }

    @Test
    void outputSizesFollowTheFloorFormula() {
        assertEquals(32, Im2Col.Geometry.square(3, 32, 32, 5, 1, 2).outHeight());
        assertEquals(55, Im2Col.Geometry.square(3, 227, 227, 11, 4, 0).outWidth());
        // (7 + 1 + 0 − 2·(3 − 1) − 1)/2 + 1 = 2 (floor of 1.5 + 1)
        assertEquals(2, new Im2Col.Geometry(1, 7, 7, 3, 3, 2, 2, 1, 1, 0, 0).outHeight());
        assertEquals(new Im2Col.Geometry(2, 9, 9, 3, 3, 2, 1, 1, 0, 1, 0),
                Im2Col.Geometry.of(2, 9, 9, new Window(3, 3, 2, 1, 1, 0, 1, 0)));
    }

    @Test
    void im2colTimesWeightsEqualsDirectConvolution() {
        Random random = new Random(7);
        for (Im2Col.Geometry g : GEOMETRIES) {
            int filters = 3;
            float[] image = random(random, g.imageSize() + 5);
            float[] weights = random(random, filters * g.colRows());
            int ho = g.outHeight(), wo = g.outWidth(), cols = g.colColumns();

            // col placed inside a wider matrix at a column offset, as a batch laid side by side would be
            int ldCol = cols + 4;
            float[] col = new float[g.colRows() * ldCol + 2];
            java.util.Arrays.fill(col, -99f);
            Im2Col.im2col(g, image, 5, col, 2, ldCol);
            for (int r = 0; r < g.colRows(); r++) {
                for (int j = cols; j < ldCol; j++) {
                    if (2 + r * ldCol + j < col.length) {
                        assertEquals(-99f, col[2 + r * ldCol + j], "im2col wrote outside its block " + g);
                    }
                }
            }
            float[] out = new float[filters * cols];
            Gemm.reference(false, false, filters, cols, g.colRows(), 1f, weights, 0, g.colRows(), col, 2, ldCol,
                    0f, out, 0, cols);

            for (int k = 0; k < filters; k++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double direct = 0;
                        double magnitude = 0;
                        for (int c = 0; c < g.channels(); c++) {
                            for (int fh = 0; fh < g.kernelH(); fh++) {
                                for (int fw = 0; fw < g.kernelW(); fw++) {
                                    int ih = oh * g.strideH() - g.padTop() + fh * g.dilation();
                                    int iw = ow * g.strideW() - g.padLeft() + fw * g.dilation();
                                    if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) continue;
                                    double term = weights[((k * g.channels() + c) * g.kernelH() + fh) * g.kernelW() + fw]
                                            * (double) image[5 + (c * g.height() + ih) * g.width() + iw];
                                    direct += term;
                                    magnitude += Math.abs(term);
                                }
                            }
                        }
                        assertClose(direct, out[k * cols + oh * wo + ow], magnitude, g.colRows(),
                                g + " out[" + k + "][" + oh + "][" + ow + "]");
                    }
                }
            }
        }
    }

    @Test
    void col2imOfWeightsTransposeTimesOutputGradientEqualsDirectInputGradient() {
        Random random = new Random(8);
        for (Im2Col.Geometry g : GEOMETRIES) {
            int filters = 2;
            int ho = g.outHeight(), wo = g.outWidth(), cols = g.colColumns();
            float[] weights = random(random, filters * g.colRows());
            float[] outGrad = random(random, filters * cols);

            float[] colGrad = new float[g.colRows() * cols];
            Gemm.reference(true, false, g.colRows(), cols, filters, 1f, weights, 0, g.colRows(), outGrad, 0, cols,
                    0f, colGrad, 0, cols);
            float[] start = random(random, g.imageSize() + 3);
            float[] inputGrad = start.clone();
            Im2Col.col2im(g, colGrad, 0, cols, inputGrad, 3);

            // dX[c][ih][iw] = Σ over taps that read (c, ih, iw) of W[k][c][fh][fw]·dOut[k][oh][ow]
            double[] direct = new double[g.imageSize()];
            double[] magnitude = new double[g.imageSize()];
            for (int k = 0; k < filters; k++) {
                for (int c = 0; c < g.channels(); c++) {
                    for (int fh = 0; fh < g.kernelH(); fh++) {
                        for (int fw = 0; fw < g.kernelW(); fw++) {
                            for (int oh = 0; oh < ho; oh++) {
                                for (int ow = 0; ow < wo; ow++) {
                                    int ih = oh * g.strideH() - g.padTop() + fh * g.dilation();
                                    int iw = ow * g.strideW() - g.padLeft() + fw * g.dilation();
                                    if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) continue;
                                    int at = (c * g.height() + ih) * g.width() + iw;
                                    double term = weights[((k * g.channels() + c) * g.kernelH() + fh) * g.kernelW() + fw]
                                            * (double) outGrad[(k * ho + oh) * wo + ow];
                                    direct[at] += term;
                                    magnitude[at] += Math.abs(term);
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < 3; i++) assertEquals(start[i], inputGrad[i], "col2im wrote before its offset");
            for (int at = 0; at < direct.length; at++) {
                // col2im accumulates onto what was there
                assertClose(start[3 + at] + direct[at], inputGrad[3 + at], magnitude[at] + Math.abs(start[3 + at]),
                        filters * g.kernelH() * g.kernelW() + 1, g + " dX at " + at);
            }
        }
    }

    @Test
    void batchLaidSideBySideMatchesImageByImage() {
        Random random = new Random(9);
        Im2Col.Geometry g = new Im2Col.Geometry(2, 6, 5, 3, 2, 2, 1, 1, 0, 1, 1);
        int batch = 3, cols = g.colColumns(), ld = batch * cols;
        float[] images = random(random, batch * g.imageSize());
        float[] wide = new float[g.colRows() * ld];
        for (int n = 0; n < batch; n++) Im2Col.im2col(g, images, n * g.imageSize(), wide, n * cols, ld);
        for (int n = 0; n < batch; n++) {
            float[] single = new float[g.colRows() * cols];
            Im2Col.im2col(g, images, n * g.imageSize(), single, 0, cols);
            for (int r = 0; r < g.colRows(); r++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(single, r * cols, (r + 1) * cols),
                        java.util.Arrays.copyOfRange(wide, r * ld + n * cols, r * ld + (n + 1) * cols));
            }
        }
    }

    @Test
    void badGeometryAndArraysAreRejectedWithTheRuleNamed() {
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> Im2Col.Geometry.square(1, 5, 5, 3, 0, 0));
        assertEquals("Im2Col.Geometry: stride Sh must be at least 1, got 0", stride.getMessage());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> new Im2Col.Geometry(1, 4, 4, 3, 3, 1, 2, 0, 0, 0, 0));
        assertEquals("Im2Col.Geometry: the 5×5 (dilated) kernel does not fit the padded 4×4 input (H×W = 4×4)",
                tooBig.getMessage());
        IllegalArgumentException padding = assertThrows(IllegalArgumentException.class,
                () -> new Im2Col.Geometry(1, 4, 4, 3, 3, 1, 1, 0, -1, 0, 0));
        assertEquals("Im2Col.Geometry: padding left must be at least 0, got -1", padding.getMessage());

        Im2Col.Geometry g = Im2Col.Geometry.square(2, 4, 4, 3, 1, 0); // col 18 × 4
        IllegalArgumentException shortImage = assertThrows(IllegalArgumentException.class,
                () -> Im2Col.im2col(g, new float[31], 0, new float[72], 0, 4));
        assertEquals("Im2Col.im2col: image C·H·W = 2·4·4 at offset 0 does not fit an array of 31",
                shortImage.getMessage());
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> Im2Col.col2im(g, new float[72], 0, 3, new float[32], 0));
        assertEquals("Im2Col.col2im: ldCol = 3 is smaller than Ho·Wo = 2·2 = 4", narrow.getMessage());
        IllegalArgumentException shortCol = assertThrows(IllegalArgumentException.class,
                () -> Im2Col.im2col(g, new float[32], 0, new float[72], 1, 4));
        assertTrue(shortCol.getMessage().startsWith("Im2Col.im2col: col C·Fh·Fw × Ho·Wo = 18 × 4 at offset 1"),
                shortCol.getMessage());
    }

    private static void assertClose(double expected, float actual, double magnitude, int terms, String what) {
        double bound = 2 * (terms + 2) * (Math.ulp(1f) / 2) * magnitude + Float.MIN_NORMAL;
        if (!(Math.abs(expected - actual) <= bound)) {
            fail(what + ": expected " + expected + ", got " + actual + " (bound " + bound + ")");
        }
    }

    private static float[] random(Random random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = random.nextFloat() * 2 - 1;
        return x;
    }
}
