package org.convas.visualizer.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Cursor;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;

import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.fx.SingleChildRegion;

/**
 * A wrapping grid of small images with captions, e.g. the misclassified test images ("true: Shirt / predicted:
 * T-shirt (0.71)"). Clicking an image calls the {@link #setOnImageClicked click handler} with its index, so the
 * caller can open it in the {@link ActivationView}.
 *
 * <p>Images are magnified by an integer factor to about {@link #setImageSize image size} pixels (28×28 → 56×56
 * at the default 64). Cells are reused when the number and size of images stay the same.
 */
public final class ImageGallery extends SingleChildRegion {

    private final FlowPane grid = new FlowPane(8, 8);
    private final List<Cell> cells = new ArrayList<>();
    private IntConsumer onImageClicked = index -> { };
    private int imageSize = 64;
    private int[] argb = new int[0];
    private float[] scratch = new float[0];

    public ImageGallery() {
        this(new ScrollPane());
    }

    private ImageGallery(ScrollPane root) {
        super(root);
        getStyleClass().add("image-gallery");
        grid.setPadding(new Insets(6));
        root.setContent(grid);
        root.setFitToWidth(true);
    }

    /** Shows the images, in order. The pixel arrays are read during the call only. */
    public void setImages(List<GalleryImage> images) {
        while (cells.size() > images.size()) {
            cells.remove(cells.size() - 1);
        }
        while (cells.size() < images.size()) {
            cells.add(new Cell(cells.size()));
        }
        grid.getChildren().setAll(cells.stream().map(c -> c.box).toList());
        for (int i = 0; i < images.size(); i++) {
            cells.get(i).show(images.get(i));
        }
    }

    /** Called with the index of the clicked image (on the FX thread). */
    public void setOnImageClicked(IntConsumer handler) {
        onImageClicked = Objects.requireNonNull(handler, "handler");
    }

    /** Target edge of each image in pixels (default 64); set before {@link #setImages}. */
    public void setImageSize(int pixels) {
        if (pixels < 1) {
            throw new IllegalArgumentException("ImageGallery.setImageSize: must be ≥ 1 pixel, got " + pixels);
        }
        imageSize = pixels;
    }

    /** Number of images shown. */
    public int imageCount() {
        return cells.size();
    }

    /** Caption of image i. */
    public String caption(int index) {
        return cells.get(index).caption.getText();
    }

    /** The image node of image i (for tests or extra handlers). */
    public PixelTile imageTile(int index) {
        return cells.get(index).tile;
    }

    private final class Cell {
        final PixelTile tile = new PixelTile();
        final Label caption = new Label();
        final VBox box = new VBox(2, tile, caption);

        Cell(int index) {
            box.setAlignment(Pos.TOP_CENTER);
            box.setCursor(Cursor.HAND);
            caption.setWrapText(true);
            caption.setStyle("-fx-font-size: 10px;");
            box.setOnMouseClicked(e -> onImageClicked.accept(index));
        }

        void show(GalleryImage image) {
            int n = image.height() * image.width();
            if (argb.length < n) {
                argb = new int[n];
                scratch = new float[n];
            }
            MapPixels.renderImage(image.pixels(), image.channels(), image.height(), image.width(), argb, scratch);
            int scale = PixelTile.scaleFor(image.width(), image.height(), imageSize);
            tile.draw(argb, image.width(), image.height(), scale);
            boolean tooBig = Math.max(image.width(), image.height()) > imageSize;
            tile.setFitWidth(tooBig ? imageSize : 0);
            tile.setFitHeight(tooBig ? imageSize : 0);
            caption.setText(image.caption());
            caption.setMaxWidth(Math.max(imageSize, 90));
        }
    }
}
