package org.convas.visualizer.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ActivationViewTest {

    private ActivationView view;

    @Start
    void start(Stage stage) {
        view = new ActivationView();
        stage.setScene(new Scene(view, 1000, 700));
        stage.show();
    }

    private static LayerActivation layer(String name, int w, int h, int d) {
        float[] values = new float[w * h * d];
        for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i * 0.37);
        return new LayerActivation(name, Shape.of(w, h, d), values);
    }

    private static List<LayerActivation> leNet() {
        return List.of(layer("conv1", 28, 28, 6), layer("pool1", 14, 14, 6), layer("conv2", 10, 10, 16),
                layer("pool2", 5, 5, 16), layer("fc1", 1, 1, 120), layer("fc2", 1, 1, 84), layer("fc3", 1, 1, 10));
    }

    @Test
    void showsOneMapPerChannelAndFlatLayersAsOneGrid(FxRobot robot) {
        robot.interact(() -> view.setLayers(leNet()));
        assertEquals(7, view.layerCount());
        assertArrayEquals(new int[] {6, 6, 16, 16, 1, 1, 1},
                java.util.stream.IntStream.range(0, 7).map(view::shownMapCount).toArray());
        assertEquals("conv1  28×28×6", view.layerTitle(0));
        assertEquals("", view.moreText(0));
        // fc1: 120 values in ⌈√120⌉ = 11 columns × 11 rows, magnified by ⌊56/11⌋ = 5
        assertEquals(55, (int) view.mapTile(4, 0).writableImage().getWidth());
    }

    @Test
    void capsMapsPerLayerWithAMoreNote(FxRobot robot) {
        robot.interact(() -> {
            view.setMaxMapsPerLayer(64);
            view.setLayers(List.of(layer("conv3", 4, 4, 256), layer("conv4", 4, 4, 64)));
        });
        assertEquals(64, view.shownMapCount(0));
        assertEquals("+192 more", view.moreText(0));
        assertEquals(64, view.shownMapCount(1));
        assertEquals("", view.moreText(1));
    }

    @Test
    void clickingAMapEnlargesItWithItsValueRange(FxRobot robot) {
        float[] values = new float[2 * 3 * 3];
        for (int i = 9; i < 18; i++) values[i] = i - 9f; // map 1 holds 0..8
        robot.interact(() -> view.setLayers(List.of(new LayerActivation("conv1", Shape.of(3, 3, 2), values))));
        robot.clickOn(view.mapTile(0, 1));
        assertTrue(view.detailText().startsWith("conv1 · map 2 of 2 · 3×3"), "maps count from 1, as people do: " + view.detailText());
        assertTrue(view.detailText().contains("min 0.00   max 8.00"), view.detailText());
    }

    @Test
    void repeatedCallsWithTheSameLayersReuseImages(FxRobot robot) {
        robot.interact(() -> view.setLayers(leNet()));
        WritableImage before = view.mapTile(2, 5).writableImage();
        robot.interact(() -> view.setLayers(leNet()));
        assertSame(before, view.mapTile(2, 5).writableImage());
    }

    @Test
    void topFiveProbabilitiesLargestFirst(FxRobot robot) {
        List<String> names = List.of("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt");
        float[] p = {0.05f, 0.01f, 0.02f, 0.1f, 0.12f, 0.0f, 0.7f};
        robot.interact(() -> view.setProbabilities(p, names));
        assertEquals(List.of("Shirt 0.70", "Coat 0.12", "Dress 0.10", "T-shirt 0.05", "Pullover 0.02"),
                view.probabilityTexts());
        assertArrayEquals(new int[] {1, 2}, ActivationView.topIndices(new float[] {0.1f, 0.6f, 0.3f}, 2));
    }

    @Test
    void badInputIsRejectedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerActivation("conv1", Shape.of(28, 28, 6), new float[10]));
        assertTrue(e.getMessage().contains("'conv1'") && e.getMessage().contains("4704"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> view.setProbabilities(new float[3], List.of("a", "b")));
    }

    @Test
    void largeMapsAreShrunkWhileConvertingAndEnlargedInFull(FxRobot robot) {
        robot.interact(() -> view.setLayers(List.of(layer("conv1_1", 224, 224, 2))));
        // 224 > 2·56: every 2nd pixel → 112×112 per tile
        assertEquals(112, (int) view.mapTile(0, 0).writableImage().getWidth());
        robot.interact(() -> view.selectMap(0, 1));
        assertTrue(view.detailText().contains("224×224"), view.detailText());
    }
}
