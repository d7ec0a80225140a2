package org.convas.engine.train;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterTuningTest {

    static final float[] SOBEL_X = {-1, 0, 1, -2, 0, 2, -1, 0, 1};

    @Test
    void sobelPrefersVerticalStripesAndItsTransposeHorizontalOnes() {
        FilterTuning.Tuning x = FilterTuning.of(SOBEL_X, 3, 3);
        float[] sobelY = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
        FilterTuning.Tuning y = FilterTuning.of(sobelY, 3, 3);
        System.out.println("Sobel x: " + x + "\nSobel y: " + y);
        assertEquals(90, x.preferredOrientation(), 1e-6);
        assertEquals(0, Math.min(y.preferredOrientation(), 180 - y.preferredOrientation()), 1e-6);
        assertEquals(x.orientationSelectivity(), y.orientationSelectivity(), 1e-9, "a quarter turn changes nothing else");
        // Oracle: Sobel x is [1 2 1]ᵀ ⊗ [−1 0 1], so its response to a grating of wave vector k is
        // |2 sin kx| · |2 + 2 cos ky|, largest (8) at 0.25 cycle per pixel along x: that is the preferred frequency.
        double sum = 0, re = 0, im = 0;
        for (int o = 0; o < 16; o++) {
            double theta = Math.PI * o / 16, k = 2 * Math.PI * 0.25;
            double r = Math.abs(2 * Math.sin(k * Math.cos(theta))) * Math.abs(2 + 2 * Math.cos(k * Math.sin(theta)));
            sum += r;
            re += r * Math.cos(2 * theta);
            im += r * Math.sin(2 * theta);
        }
        assertEquals(Math.hypot(re, im) / sum, x.orientationSelectivity(), 1e-9);
        assertEquals(0.375, x.orientationSelectivity(), 1e-3);
    }

    @Test
    void aDiagonalEdgeIsTunedToItsDiagonal() {
        // Bright above the rising diagonal "/", dark below it: stripes running at 45°, counter-clockwise as seen.
        int f = 7;
        float[] w = new float[f * f];
        for (int r = 0; r < f; r++) for (int c = 0; c < f; c++) w[r * f + c] = Math.signum((f - 1) - r - c) * -1f;
        FilterTuning.Tuning t = FilterTuning.of(w, f, f);
        assertEquals(45, t.preferredOrientation(), 6);
        assertTrue(t.orientationSelectivity() > 0.3, t.toString());
        assertEquals("Gabor 45°", t.template());
    }

    @Test
    void aRoundBlobHasNoOrientationAndMatchesTheBlobTemplate() {
        int f = 7;
        float[] w = new float[f * f];
        for (int r = 0; r < f; r++) for (int c = 0; c < f; c++) w[r * f + c] = (float) Math.exp(-((r - 3) * (r - 3) + (c - 3) * (c - 3)) / (2 * 1.75 * 1.75));
        FilterTuning.Tuning t = FilterTuning.of(w, f, f);
        assertTrue(t.orientationSelectivity() < 0.05, t.toString());
        assertEquals("blob", t.template());
        assertEquals(1, t.templateMatch(), 1e-3, "a Gaussian of the dictionary's own size matches itself");
    }

    @Test
    void aGaborPatchMatchesItsTemplateAlmostExactly() {
        int f = 9;
        float[] w = new float[f * f];
        double theta = Math.toRadians(45), lambda = 9, sigma = 0.45 * 9;
        for (int y = 0; y < f; y++) {
            for (int x = 0; x < f; x++) {
                double u = (x - 4) * Math.cos(theta) + (y - 4) * Math.sin(theta);
                w[y * f + x] = (float) (Math.exp(-((x - 4) * (x - 4) + (y - 4) * (y - 4)) / (2 * sigma * sigma)) * Math.cos(2 * Math.PI * u / lambda));
            }
        }
        FilterTuning.Tuning t = FilterTuning.of(w, f, f);
        assertEquals(1, t.templateMatch(), 1e-3);
        // A wave along the down-right diagonal of the image: stripes rising "/" as seen, 45°.
        assertEquals("Gabor 45°", t.template());
        assertEquals(45, t.preferredOrientation(), 6);
    }

    @Test
    void randomHeFiltersScoreLowOnBoth() {
        NetworkSpec net = NetworkSpec.builder("probe").input(28, 28, 1).add("conv1", LayerSpec.Conv2D.of(64, 5, 1, 0))
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(2)).add("softmax", new LayerSpec.Softmax()).build();
        float[] w = Model.create(net, Initializer.HE, 3).tensor("conv1.weight");
        FilterTuning.Bank bank = FilterTuning.of(w, 64, 1, 5, 5);
        System.out.println("64 random 5×5 He filters: " + bank.describe());
        assertTrue(bank.meanOrientationSelectivity() < 0.3, bank.describe());
        assertTrue(bank.meanTemplateMatch() < 0.65, bank.describe());
        assertEquals(64, bank.filters().size());
    }

    @Test
    void channelsAreSummedAndAWrongSizeIsNamed() {
        float[] rgb = new float[27];
        for (int c = 0; c < 3; c++) System.arraycopy(SOBEL_X, 0, rgb, 9 * c, 9);
        FilterTuning.Tuning grey = FilterTuning.of(SOBEL_X, 3, 3), summed = FilterTuning.of(rgb, 1, 3, 3, 3).filters().get(0);
        assertEquals(grey.orientationSelectivity(), summed.orientationSelectivity(), 1e-12);
        assertEquals(grey.templateMatch(), summed.templateMatch(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FilterTuning.of(new float[10], 2, 1, 3, 3));
        assertEquals("expected 2·1·3·3 = 18 weights, got 10", e.getMessage());
    }
}
