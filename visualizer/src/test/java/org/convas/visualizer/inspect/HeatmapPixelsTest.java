package org.convas.visualizer.inspect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heatmap colours and the blend onto the image, without a window. */
class HeatmapPixelsTest {

    private static final int GREY = MapPixels.rgb(100, 100, 100);

    @Test
    void aZeroValueOrNoValueLeavesTheImageAsItIsWhateverTheOpacity() {
        int[] image = {GREY, GREY, GREY};
        int[] out = new int[3];
        HeatmapPixels.overlay(image, new float[] {0f, Float.NaN, 2f}, 2f, HeatmapPixels.Scale.SEQUENTIAL, 1.0, out);
        assertEquals(GREY, out[0]);
        assertEquals(GREY, out[1]);
        // The largest value at full opacity is the scale's end colour itself (pale yellow).
        assertEquals(HeatmapPixels.colour(1f, HeatmapPixels.Scale.SEQUENTIAL), out[2]);
        assertEquals(MapPixels.rgb(252, 255, 164), out[2]);
    }

    @Test
    void theBlendIsLinearInOpacityTimesTheValuesShareOfTheScale() {
        int[] out = new int[1];
        // v = 1 of extent 2 → t = 0.5, colour (188, 55, 84); α = 0.5 → weight 0.25: 0.75·100 + 0.25·188 = 122.
        HeatmapPixels.overlay(new int[] {GREY}, new float[] {1f}, 2f, HeatmapPixels.Scale.SEQUENTIAL, 0.5, out);
        assertEquals(MapPixels.rgb(122, 89, 96), out[0]);
    }

    @Test
    void theDivergingScaleIsSymmetricAroundZero() {
        float[] v = {-3f, 0f, 1.5f};
        assertEquals(3f, HeatmapPixels.extent(v, HeatmapPixels.Scale.DIVERGING));
        assertEquals(-1f, HeatmapPixels.position(-3f, 3f, HeatmapPixels.Scale.DIVERGING));
        assertEquals(0.5f, HeatmapPixels.position(1.5f, 3f, HeatmapPixels.Scale.DIVERGING));
        int blue = HeatmapPixels.colour(-1f, HeatmapPixels.Scale.DIVERGING), red = HeatmapPixels.colour(1f, HeatmapPixels.Scale.DIVERGING);
        assertTrue((blue & 255) > (blue >> 16 & 255), "negative is blue");
        assertTrue((red >> 16 & 255) > (red & 255), "positive is red");
        // A map with nothing positive still gets a scale (1), not a division by zero.
        assertEquals(1f, HeatmapPixels.extent(new float[] {0f, -2f}, HeatmapPixels.Scale.SEQUENTIAL));
        assertEquals(0f, HeatmapPixels.position(-2f, 1f, HeatmapPixels.Scale.SEQUENTIAL), "negative clamps to the start");
    }
}
