package org.convas.visualizer.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class DecimationTest {

    @Test
    void keepsFirstLastAndEachBucketsMinAndMax() {
        double[] ys = {5, 1, 7, 3, 9, 2, 8, 4, 6, 0};
        assertArrayEquals(new int[] {0, 1, 4, 5, 6, 9}, Decimation.minMaxIndices(ys, 10, 2));
    }

    @Test
    void shortSeriesIsKeptWhole() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, Decimation.minMaxIndices(new double[] {1, 2, 3, 4}, 4, 1));
    }

    @Test
    void aSingleSpikeSurvivesHeavyThinning() {
        double[] ys = new double[100_000];
        Arrays.fill(ys, 1.0);
        ys[54_321] = 50.0;
        int[] keep = Decimation.minMaxIndices(ys, ys.length, 100);
        assertTrue(keep.length <= 202);
        assertTrue(Arrays.stream(keep).anyMatch(i -> i == 54_321));
        assertEquals(0, keep[0]);
        assertEquals(99_999, keep[keep.length - 1]);
        for (int i = 1; i < keep.length; i++) assertTrue(keep[i] > keep[i - 1], "ascending, no duplicates");
    }
}
