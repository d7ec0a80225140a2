package org.convas.visualizer.inspect;

import java.util.List;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.fx.SingleChildRegion;

/**
 * A dataset at a glance: a grid of sample images with their labels, and beside it the per-pixel mean image and
 * standard-deviation image of the training set.
 *
 * <p>Mean and std are C×H×W floats: mean[c,y,x] = (1/N)·Σ_n x_n[c,y,x], std the square root of the matching
 * variance. Each is min–max normalised for display (C = 3 in colour, otherwise grey), and its value range is
 * written under it, since the stretch hides the absolute level. On Fashion-MNIST the mean shows the average
 * garment silhouette and the std is brightest on the outline where classes differ most.
 */
public final class DatasetPreview extends SingleChildRegion {

    private final ImageGallery samples = new ImageGallery();
    private final Label title = new Label("no samples");
    private final PixelTile meanTile = new PixelTile();
    private final PixelTile stdTile = new PixelTile();
    private final Label meanLabel = new Label("mean: –");
    private final Label stdLabel = new Label("std: –");
    private int[] argb = new int[0];
    private float[] scratch = new float[0];

    public DatasetPreview() {
        this(new BorderPane());
    }

    private DatasetPreview(BorderPane root) {
        super(root);
        getStyleClass().add("dataset-preview");
        title.setStyle("-fx-font-weight: bold;");
        title.setPadding(new Insets(4));
        VBox statistics = new VBox(4, new Label("mean image"), meanTile, meanLabel,
                new Label("std image"), stdTile, stdLabel);
        statistics.setPadding(new Insets(6));
        statistics.setMinWidth(140);
        root.setTop(title);
        root.setCenter(samples);
        root.setRight(statistics);
    }

    /**
     * Shows sample images with their captions (usually the class name).
     *
     * @param datasetName shown in the title with the sample count, e.g. "Fashion-MNIST train · 32 samples"
     */
    public void setSamples(String datasetName, List<GalleryImage> images) {
        samples.setImages(images);
        title.setText(datasetName + " · " + images.size() + " samples");
    }

    /** Shows the mean and standard-deviation images (C×H×W each). */
    public void setMeanAndStd(float[] mean, float[] std, int channels, int height, int width) {
        MapPixels.requireLength("DatasetPreview mean", mean, channels, height, width);
        MapPixels.requireLength("DatasetPreview std", std, channels, height, width);
        meanLabel.setText("mean: " + rangeText(draw(meanTile, mean, channels, height, width)));
        stdLabel.setText("std: " + rangeText(draw(stdTile, std, channels, height, width)));
    }

    /** The sample grid, e.g. to set a click handler. */
    public ImageGallery gallery() {
        return samples;
    }

    /** The title text. */
    public String titleText() {
        return title.getText();
    }

    /** The mean image's range text, e.g. "mean: 0.00 … 0.731". */
    public String meanText() {
        return meanLabel.getText();
    }

    /** The std image's range text. */
    public String stdText() {
        return stdLabel.getText();
    }

    /** The tile showing the mean image. */
    public PixelTile meanTile() {
        return meanTile;
    }

    /** The tile showing the std image. */
    public PixelTile stdTile() {
        return stdTile;
    }

    private MapPixels.ValueRange draw(PixelTile tile, float[] chw, int channels, int height, int width) {
        int n = height * width;
        if (argb.length < n) {
            argb = new int[n];
            scratch = new float[n];
        }
        MapPixels.ValueRange range = MapPixels.renderImage(chw, channels, height, width, argb, scratch);
        tile.draw(argb, width, height, PixelTile.scaleFor(width, height, 112));
        return range;
    }

    private static String rangeText(MapPixels.ValueRange range) {
        return FilterGrid.format(range.min()) + " … " + FilterGrid.format(range.max());
    }
}
