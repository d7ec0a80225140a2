package org.convas.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convas.engine.data.Augmentation.Transform;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    static final Shape S3 = Shape.of(3, 3, 1);
    static final float[] ONE_TO_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    static float[] warp(float[] src, Shape shape, Transform t) {
        float[] dst = new float[src.length];
        Augmentation.warp(src, 0, shape, t, dst, 0);
        return dst;
    }

    @Test
    void shiftMovesPixelsAndPadsWithZeros() {
        assertArrayEquals(new float[] {0, 1, 2, 0, 4, 5, 0, 7, 8}, warp(ONE_TO_NINE, S3, new Transform(1, 0, false, 0, 1)), 0);
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 0, 0, 0}, warp(ONE_TO_NINE, S3, new Transform(0, -1, false, 0, 1)), 0);
    }

    @Test
    void flipMirrorsLeftRight() {
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7}, warp(ONE_TO_NINE, S3, new Transform(0, 0, true, 0, 1)), 0);
    }

    @Test
    void ninetyDegreesTurnsCounterClockwise() {
        // 1 2 3        3 6 9
        // 4 5 6   →    2 5 8
        // 7 8 9        1 4 7
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, warp(ONE_TO_NINE, S3, new Transform(0, 0, false, 90, 1)), 1e-5f);
    }

    @Test
    void smallRotationInterpolatesBilinearly() {
        // A vertical line x = 2 in a 5×5 image, turned 45° counter-clockwise, becomes "\\": the centre stays.
        float[] line = new float[25];
        for (int y = 0; y < 5; y++) line[y * 5 + 2] = 1;
        float[] out = warp(line, Shape.of(5, 5, 1), new Transform(0, 0, false, 45, 1));
        assertEquals(1f, out[12], 1e-6f);
        // The source of (1, 1) is (2.0, 0.59), on the line; the source of (3, 1) is (3.41, 2.0), off it.
        assertEquals(1f, out[1 * 5 + 1], 1e-5f);
        assertEquals(0f, out[1 * 5 + 3], 1e-5f);
        // The source of (1, 2) is (1.29, 1.29): 29% of the way from column 1 to the line at column 2.
        assertEquals(0.2929f, out[2 * 5 + 1], 1e-4f);
    }

    @Test
    void scalingTwoEnlargesAboutTheCentre() {
        float[] out = warp(ONE_TO_NINE, S3, new Transform(0, 0, false, 0, 2));
        assertEquals(5f, out[4], 1e-6f); // centre unchanged
        assertEquals(3f, out[0], 1e-6f); // (0,0) reads (0.5, 0.5): mean of 1, 2, 4, 5
    }

    @Test
    void sameSeedEpochAndIndexGiveTheSameTransform() {
        Augmentation a = Augmentation.builder().shift(4).horizontalFlip(true).rotation(15).scale(0.9, 1.1).seed(7).build();
        Augmentation b = Augmentation.builder().shift(4).horizontalFlip(true).rotation(15).scale(0.9, 1.1).seed(7).build();
        assertEquals(a.draw(3, 42), b.draw(3, 42));
        boolean epochMatters = false, indexMatters = false, seedMatters = false;
        Augmentation c = Augmentation.builder().shift(4).horizontalFlip(true).rotation(15).scale(0.9, 1.1).seed(8).build();
        for (int i = 0; i < 20; i++) {
            epochMatters |= !a.draw(3, i).equals(a.draw(4, i));
            indexMatters |= !a.draw(3, i).equals(a.draw(3, i + 1));
            seedMatters |= !a.draw(3, i).equals(c.draw(3, i));
        }
        assertTrue(epochMatters && indexMatters && seedMatters);
        Transform t = a.draw(0, 0);
        assertTrue(Math.abs(t.dx()) <= 4 && Math.abs(t.dy()) <= 4);
        assertTrue(Math.abs(t.degrees()) <= 15 && t.scale() >= 0.9 && t.scale() <= 1.1);
    }

    @Test
    void drawnValuesCoverTheConfiguredRange() {
        Augmentation a = Augmentation.builder().shift(2).horizontalFlip(true).seed(1).build();
        java.util.Set<Integer> shifts = new java.util.HashSet<>();
        int flips = 0;
        for (int i = 0; i < 400; i++) {
            Transform t = a.draw(0, i);
            shifts.add(t.dx());
            if (t.flip()) flips++;
            assertEquals(0, t.degrees());
            assertEquals(1, t.scale());
        }
        assertEquals(java.util.Set.of(-2, -1, 0, 1, 2), shifts);
        assertTrue(flips > 150 && flips < 250, "flips " + flips);
    }

    @Test
    void noneLeavesImagesUnchanged() {
        float[] dst = new float[9];
        Augmentation.none().apply(ONE_TO_NINE, 0, S3, dst, 0, 5, 5);
        assertArrayEquals(ONE_TO_NINE, dst, 0);
        assertTrue(Augmentation.none().isNone());
        assertNotEquals(Augmentation.none().toString(), Augmentation.builder().shift(1).build().toString());
    }

    @Test
    void builderExplainsOutOfRangeSettings() {
        assertEquals("the rotation must be between 0 and 180 degrees (10 to 15 is usual), got 200.0",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().rotation(200).build()).getMessage());
        assertEquals("the scale range needs 0.1 ≤ min ≤ max ≤ 10 (e.g. 0.9 to 1.1), got 1.2 to 0.8",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().scale(1.2, 0.8).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().shift(-1).build())
                .getMessage().startsWith("the shift must be between 0 and 64 pixels"));
    }
}
