package org.convas.visualizer.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convas.visualizer.inspect.MapPixels.Normalisation;
import org.convas.visualizer.inspect.MapPixels.ValueRange;
import org.junit.jupiter.api.Test;

class MapPixelsTest {

    private static int levelOf(int argb) {
        return argb & 0xFF;
    }

    @Test
    void minMaxMapsMinimumToZeroAndMaximumTo255() {
        float[] values = {-2f, 0f, 6f, 2f};
        int[] argb = new int[4];
        ValueRange range = MapPixels.renderPlane(values, 0, 2, 2, Normalisation.MIN_MAX, false, argb);
        assertEquals(new ValueRange(-2f, 6f), range);
        // 255·(v+2)/8: -2 → 0, 0 → 63.75 → 64, 6 → 255, 2 → 127.5 → 128
        assertArrayEquals(new int[] {0, 64, 255, 128},
                new int[] {levelOf(argb[0]), levelOf(argb[1]), levelOf(argb[2]), levelOf(argb[3])});
        assertEquals(0xFF000000, argb[0], "opaque black");
        assertEquals(0xFFFFFFFF, argb[2], "opaque white");
    }

    @Test
    void symmetricKeepsZeroInTheMiddle() {
        ValueRange range = new ValueRange(-2f, 6f);
        assertEquals(85, MapPixels.level(-2f, range, Normalisation.SYMMETRIC)); // 127.5 − 42.5
        assertEquals(128, MapPixels.level(0f, range, Normalisation.SYMMETRIC));
        assertEquals(255, MapPixels.level(6f, range, Normalisation.SYMMETRIC));
        assertEquals(0, MapPixels.level(-6f, range, Normalisation.SYMMETRIC));
    }

    @Test
    void constantMapIsBlackUnderMinMaxAndMiddleUnderSymmetric() {
        ValueRange flat = MapPixels.range(new float[] {3f, 3f}, 0, 2);
        assertEquals(0, MapPixels.level(3f, flat, Normalisation.MIN_MAX));
        ValueRange zero = new ValueRange(0f, 0f);
        assertEquals(128, MapPixels.level(0f, zero, Normalisation.SYMMETRIC));
    }

    @Test
    void nanAndInfinityDoNotStretchTheRange() {
        ValueRange range = MapPixels.range(new float[] {Float.NaN, 1f, Float.POSITIVE_INFINITY, 3f}, 0, 4);
        assertEquals(new ValueRange(1f, 3f), range);
        assertEquals(0, MapPixels.level(Float.NaN, range, Normalisation.MIN_MAX));
    }

    @Test
    void divergingMapRunsBlueWhiteRed() {
        assertEquals(MapPixels.rgb(33, 102, 172), MapPixels.diverging(0));
        assertEquals(MapPixels.rgb(247, 247, 247), MapPixels.diverging(128));
        assertEquals(MapPixels.rgb(178, 24, 43), MapPixels.diverging(255));
    }

    @Test
    void rgbIsNormalisedJointlyOverTheThreePlanes() {
        // 1×2 image: red plane {4, 0}, green {0, 0}, blue {0, 2}; joint range 0..4
        float[] chw = {4f, 0f, 0f, 0f, 0f, 2f};
        int[] argb = new int[2];
        MapPixels.renderRgb(chw, 0, 1, 2, Normalisation.MIN_MAX, argb);
        assertEquals(MapPixels.rgb(255, 0, 0), argb[0]);
        assertEquals(MapPixels.rgb(0, 0, 128), argb[1]); // 255·2/4 = 127.5 → 128
    }

    @Test
    void channelMeanAveragesPlanes() {
        float[] chw = {1f, 2f, 3f, 5f}; // C=2, 1×2
        float[] mean = new float[2];
        MapPixels.channelMean(chw, 0, 2, 1, 2, mean);
        assertArrayEquals(new float[] {2f, 3.5f}, mean);
    }

    @Test
    void wrongImageLengthNamesTheExpectedProduct() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MapPixels.renderImage(new float[5], 1, 2, 2, new int[4], new float[4]));
        assertTrue(e.getMessage().contains("C·H·W = 1·2·2 = 4"), e.getMessage());
    }

    @Test
    void sampledPlaneKeepsEveryStepthPixelButNormalisesOverAll() {
        // 3×3 plane, step 2 → 2×2 from rows/cols 0 and 2; the max 9 sits at (1,1), which is dropped.
        float[] v = {0, 1, 2,
                     3, 9, 4,
                     5, 6, 7};
        int[] argb = new int[4];
        ValueRange range = MapPixels.renderPlaneSampled(v, 0, 3, 3, 2, Normalisation.MIN_MAX, false, argb);
        assertEquals(new ValueRange(0f, 9f), range);
        assertEquals(2, MapPixels.sampledSize(3, 2));
        int[] expected = {MapPixels.gray(0), MapPixels.gray(57), MapPixels.gray(142), MapPixels.gray(198)};
        assertArrayEquals(expected, argb); // 255·{0, 2, 5, 7}/9 rounded
    }
}
