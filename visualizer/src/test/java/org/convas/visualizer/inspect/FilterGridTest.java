package org.convas.visualizer.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class FilterGridTest {

    private FilterGrid grid;

    @Start
    void start(Stage stage) {
        grid = new FilterGrid();
        stage.setScene(new Scene(grid, 600, 400));
        stage.show();
    }

    @Test
    void showsExactlyOneTilePerFilterWithTheCountLabel(FxRobot robot) {
        robot.interact(() -> grid.setFilters(new float[32 * 3 * 5 * 5], 32, 3, 5, 5));
        assertEquals(32, grid.tileCount());
        assertEquals("32 filters 5×5×3", grid.countText());
        assertEquals(FilterGrid.RGB, grid.shownChannel());
        // 5×5 magnified by 9 (largest integer ≤ 48/5)
        assertEquals(45, (int) grid.tile(0).writableImage().getWidth());
    }

    @Test
    void threeChannelFiltersAreDrawnInColour(FxRobot robot) {
        // K=1, C=3, 1×2: pixel 0 only red weight, pixel 1 only blue weight.
        float[] w = {1f, 0f, 0f, 0f, 0f, 1f};
        robot.interact(() -> grid.setFilters(w, 1, 3, 1, 2));
        PixelReader pixels = grid.tile(0).writableImage().getPixelReader();
        assertEquals(0xFFFF0000, pixels.getArgb(0, 0));
        int scale = (int) grid.tile(0).writableImage().getWidth() / 2;
        assertEquals(0xFF0000FF, pixels.getArgb(scale, 0), "second pixel starts after one magnified block");
        assertEquals(0xFFFF0000, pixels.getArgb(scale - 1, scale - 1), "nearest neighbour: whole block red");
    }

    @Test
    void singleChannelTilesAreNormalisedPerFilter(FxRobot robot) {
        // Two 1×2 filters with very different scales both span black..white.
        float[] w = {0f, 0.001f, -50f, 50f};
        robot.interact(() -> grid.setFilters(w, 2, 1, 1, 2));
        for (int k = 0; k < 2; k++) {
            PixelReader pixels = grid.tile(k).writableImage().getPixelReader();
            int scale = (int) grid.tile(k).writableImage().getWidth() / 2;
            assertEquals(0xFF000000, pixels.getArgb(0, 0));
            assertEquals(0xFFFFFFFF, pixels.getArgb(scale, 0));
        }
    }

    @Test
    void chosenChannelAndSymmetricDivergingOption(FxRobot robot) {
        // K=1, C=2, 1×1 each plane: channel 0 = -1, channel 1 = +3 → mean 1
        float[] w = {-1f, 3f};
        robot.interact(() -> {
            grid.setFilters(w, 1, 2, 1, 1);
            grid.setSymmetric(true);
            grid.showChannel(0);
        });
        // A single negative value under symmetric: level 0 → the blue end.
        assertEquals(MapPixels.diverging(0), grid.tile(0).writableImage().getPixelReader().getArgb(0, 0));
        robot.interact(() -> grid.showChannel(1));
        assertEquals(MapPixels.diverging(255), grid.tile(0).writableImage().getPixelReader().getArgb(0, 0));
    }

    @Test
    void sameShapeReusesImagesAndNewShapeRebuilds(FxRobot robot) {
        robot.interact(() -> grid.setFilters(new float[6 * 25], 6, 1, 5, 5));
        WritableImage first = grid.tile(3).writableImage();
        float[] next = new float[6 * 25];
        next[3 * 25] = 1f;
        robot.interact(() -> grid.setFilters(next, 6, 1, 5, 5));
        assertSame(first, grid.tile(3).writableImage());
        assertEquals(0xFFFFFFFF, first.getPixelReader().getArgb(0, 0), "pixels updated in place");
        robot.interact(() -> grid.setFilters(new float[16 * 6 * 25], 16, 6, 5, 5));
        assertEquals(16, grid.tileCount());
        assertEquals(FilterGrid.CHANNEL_MEAN, grid.shownChannel());
    }

    @Test
    void wrongWeightCountIsRejectedNamingTheProduct() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> grid.setFilters(new float[10], 2, 1, 3, 3));
        assertTrue(e.getMessage().contains("K·C·Fh·Fw = 2·1·3·3 = 18"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> grid.setFilters(new float[0], 0, 1, 3, 3));
    }
}
