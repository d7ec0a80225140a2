package org.convas.visualizer.fx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PixelTileMathTest {

    @Test
    void nearestNeighbourRepeatsEachPixelAsASquareBlock() {
        int[] src = {1, 2, 3, 4, 5, 6}; // 3 wide, 2 high
        int[] dst = new int[6 * 4];
        PixelTile.upscaleNearest(src, 3, 2, 2, dst);
        assertArrayEquals(new int[] {
            1, 1, 2, 2, 3, 3,
            1, 1, 2, 2, 3, 3,
            4, 4, 5, 5, 6, 6,
            4, 4, 5, 5, 6, 6}, dst);
    }

    @Test
    void scaleIsTheLargestIntegerThatFitsTheTarget() {
        assertEquals(9, PixelTile.scaleFor(5, 5, 48));
        assertEquals(2, PixelTile.scaleFor(28, 28, 56));
        assertEquals(16, PixelTile.scaleFor(3, 2, 48));
        assertEquals(1, PixelTile.scaleFor(224, 224, 56), "never below 1");
    }
}
