package org.convas.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Image;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;

class SyntheticDatasetsTest {

    /**
     * The dominant orientation of the strokes, in degrees 0..180 counter-clockwise as seen, from the structure
     * tensor: the image gradients point across the strokes, whatever their position and polarity.
     */
    static double strokeOrientation(Image img) {
        double gxx = 0, gyy = 0, gxy = 0;
        for (int y = 1; y < img.height() - 1; y++)
            for (int x = 1; x < img.width() - 1; x++) {
                double gx = img.get(0, y, x + 1) - img.get(0, y, x - 1);
                double gy = -(img.get(0, y + 1, x) - img.get(0, y - 1, x)); // y up, as seen
                gxx += gx * gx;
                gyy += gy * gy;
                gxy += gx * gy;
            }
        double gradient = Math.toDegrees(0.5 * Math.atan2(2 * gxy, gxx - gyy));
        return ((gradient + 90) % 180 + 180) % 180;
    }

    @Test
    void barsPointInTheirClassDirectionWhereverTheyAre() {
        Dataset clean = SyntheticDatasets.bars(25, 7, "clean bars", 0);
        assertEquals(100, clean.size());
        assertArrayEquals(new int[] {25, 25, 25, 25}, clean.classCounts());
        int within = 0;
        for (int i = 0; i < clean.size(); i++) {
            double expected = 45 * clean.label(i);
            double diff = Math.abs(strokeOrientation(clean.image(i)) - expected);
            if (Math.min(diff, 180 - diff) < 15) within++;
        }
        // The class orientation varies by ±10° and short clutter strokes pull the estimate a little.
        assertTrue(within >= 95, within + " of 100 images point within 15° of their class orientation");
    }

    @Test
    void theNoiseIsStrongAndBothPolaritiesOccur() {
        Dataset clean = SyntheticDatasets.bars(50, 9, "clean", 0), noisy = SyntheticDatasets.bars(50, 9, "noisy", SyntheticDatasets.NOISE);
        double sq = 0;
        int n = 0, brightFigures = 0;
        for (int i = 0; i < clean.size(); i++) {
            int[] values = new int[28 * 28];
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) {
                    int c = clean.image(i).get(0, y, x), v = noisy.image(i).get(0, y, x);
                    values[y * 28 + x] = c;
                    if (v > 0 && v < 255 && c > 0 && c < 255) {
                        sq += (v - c) * (double) (v - c);
                        n++;
                    }
                }
            Arrays.sort(values);
            int median = values[values.length / 2];
            if (values[values.length - 1] - median > median - values[0]) brightFigures++;
        }
        double sigma = Math.sqrt(sq / n) / 255;
        assertEquals(SyntheticDatasets.NOISE, sigma, 0.01, "pixel noise σ on the 0..1 scale");
        assertTrue(brightFigures > 60 && brightFigures < 140, brightFigures + " of 200 figures are brighter than the background");
    }

    @Test
    void shapesAreBalancedAndSpreadOverTheImage() {
        DatasetPair shapes = SyntheticDatasets.shapes(10, 3, 1);
        Dataset train = shapes.train();
        assertEquals(Shape.of(28, 28, 1), train.commonShape().orElseThrow());
        assertArrayEquals(new int[] {10, 10, 10, 10}, train.classCounts());
        Dataset clean = SyntheticDatasets.shapes(25, 5, "clean shapes", 0);
        double minX = 28, maxX = 0, minY = 28, maxY = 0;
        for (int i = 0; i < clean.size(); i++) {
            int[] values = new int[28 * 28];
            for (int p = 0; p < values.length; p++) values[p] = clean.image(i).get(0, p / 28, p % 28);
            int[] sorted = values.clone();
            Arrays.sort(sorted);
            int median = sorted[sorted.length / 2];
            double m = 0, mx = 0, my = 0;
            for (int p = 0; p < values.length; p++) {
                double w = Math.abs(values[p] - median) > 40 ? 1 : 0;
                m += w;
                mx += w * (p % 28);
                my += w * (p / 28);
            }
            assertTrue(m > 15 && m < 400, "image " + i + " has " + m + " figure pixels");
            minX = Math.min(minX, mx / m);
            maxX = Math.max(maxX, mx / m);
            minY = Math.min(minY, my / m);
            maxY = Math.max(maxY, my / m);
        }
        assertTrue(maxX - minX > 8 && maxY - minY > 8, "shape centres span x " + minX + ".." + maxX + ", y " + minY + ".." + maxY);
    }

    @Test
    void sameSeedDrawsTheSameImagesAndAnotherSeedDoesNot() {
        DatasetPair a = SyntheticDatasets.shapes(5, 2, 99), b = SyntheticDatasets.shapes(5, 2, 99);
        assertTrue(a.train().sameContent(b.train()) && a.test().sameContent(b.test()));
        assertFalse(a.train().sameContent(SyntheticDatasets.shapes(5, 2, 100).train()));
        assertFalse(a.train().sameContent(a.test()), "training and test images differ");
        assertTrue(SyntheticDatasets.orientedBars(3, 1, 5).train().sameContent(SyntheticDatasets.orientedBars(3, 1, 5).train()));
    }
}
