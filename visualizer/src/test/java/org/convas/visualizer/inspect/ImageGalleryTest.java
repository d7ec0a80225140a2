package org.convas.visualizer.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javafx.scene.Scene;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ImageGalleryTest {

    private ImageGallery gallery;
    private DatasetPreview preview;

    @Start
    void start(Stage stage) {
        gallery = new ImageGallery();
        preview = new DatasetPreview();
        stage.setScene(new Scene(new javafx.scene.layout.VBox(gallery, preview), 700, 600));
        stage.show();
    }

    private static GalleryImage gray(String caption, float value) {
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) pixels[i] = value * (i % 28);
        return new GalleryImage(pixels, 1, 28, 28, caption);
    }

    @Test
    void clickingAnImageReportsItsIndex(FxRobot robot) {
        List<Integer> clicked = new ArrayList<>();
        robot.interact(() -> {
            gallery.setOnImageClicked(clicked::add);
            gallery.setImages(List.of(gray("true: Shirt / predicted: T-shirt (0.71)", 1f), gray("b", 2f),
                    gray("c", 3f)));
        });
        assertEquals(3, gallery.imageCount());
        assertEquals("true: Shirt / predicted: T-shirt (0.71)", gallery.caption(0));
        assertEquals(56, (int) gallery.imageTile(2).writableImage().getWidth(), "28 px magnified ×2 for 64");
        robot.clickOn(gallery.imageTile(2));
        assertEquals(List.of(2), clicked);
    }

    @Test
    void colourImagesAreDrawnInColour(FxRobot robot) {
        float[] rgb = new float[3 * 2 * 2];
        for (int i = 0; i < 4; i++) rgb[i] = 1f; // red plane full, green and blue 0
        robot.interact(() -> gallery.setImages(List.of(new GalleryImage(rgb, 3, 2, 2, "red"))));
        assertEquals(0xFFFF0000, gallery.imageTile(0).writableImage().getPixelReader().getArgb(0, 0));
    }

    @Test
    void datasetPreviewShowsSamplesMeanAndStd(FxRobot robot) {
        float[] mean = new float[28 * 28];
        float[] std = new float[28 * 28];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = 0.5f * i / mean.length;
            std[i] = 0.1f + 0.2f * (i % 28) / 27f;
        }
        robot.interact(() -> {
            preview.setSamples("Fashion-MNIST train", List.of(gray("Shirt", 1f), gray("Bag", 1f)));
            preview.setMeanAndStd(mean, std, 1, 28, 28);
        });
        assertEquals("Fashion-MNIST train · 2 samples", preview.titleText());
        assertEquals(2, preview.gallery().imageCount());
        assertTrue(preview.meanText().startsWith("mean: 0.00 … 0.499"), preview.meanText());
        assertEquals("std: 0.100 … 0.300", preview.stdText());
        assertEquals(0xFF000000, preview.meanTile().writableImage().getPixelReader().getArgb(0, 0));
    }
}
