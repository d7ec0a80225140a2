package org.convas.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Image;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;

class SyntheticDatasetsTest {

    /**
     * Orientation of the bright pixels (above 100, so the background noise does not count) from
     * second moments, in degrees 0..180, y up.
     */
    static double orientation(Image img) {
        double m = 0, mx = 0, my = 0;
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) {
                double v = img.get(0, y, x) > 100 ? img.get(0, y, x) : 0;
                m += v;
                mx += v * x;
                my += v * y;
            }
        mx /= m;
        my /= m;
        double cxx = 0, cyy = 0, cxy = 0;
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) {
                double v = img.get(0, y, x) > 100 ? img.get(0, y, x) : 0;
                cxx += v * (x - mx) * (x - mx);
                cyy += v * (y - my) * (y - my);
                cxy += v * (x - mx) * (y - my);
            }
        double deg = Math.toDegrees(0.5 * Math.atan2(-2 * cxy, cxx - cyy)); // −cxy: image y points down
        return (deg + 180) % 180;
    }

    @Test
    void barsPointInTheirClassDirection() {
        DatasetPair bars = SyntheticDatasets.orientedBars(25, 5, 7);
        assertEquals(100, bars.train().size());
        assertEquals(20, bars.test().size());
        assertArrayEquals(new int[] {25, 25, 25, 25}, bars.train().classCounts());
        for (int i = 0; i < bars.train().size(); i++) {
            double expected = 45 * bars.train().label(i);
            double got = orientation(bars.train().image(i));
            double diff = Math.abs(got - expected);
            diff = Math.min(diff, 180 - diff);
            assertTrue(diff < 10, "image " + i + ": class " + expected + "°, measured " + got + "°");
        }
    }

    @Test
    void shapesAreBalancedCentredAndDistinct() {
        DatasetPair shapes = SyntheticDatasets.shapes(10, 3, 1);
        Dataset train = shapes.train();
        assertEquals(Shape.of(28, 28, 1), train.commonShape().orElseThrow());
        assertArrayEquals(new int[] {10, 10, 10, 10}, train.classCounts());
        for (int i = 0; i < train.size(); i++) {
            int bright = 0;
            for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) if (train.image(i).get(0, y, x) > 128) bright++;
            assertTrue(bright > 40 && bright < 500, "image " + i + " has " + bright + " bright pixels");
            assertTrue(train.image(i).get(0, 0, 0) < 40, "corners stay dark");
        }
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
