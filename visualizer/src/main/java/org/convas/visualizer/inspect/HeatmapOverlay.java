package org.convas.visualizer.inspect;

import java.util.Locale;
import java.util.function.DoubleFunction;

import javafx.beans.property.DoubleProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.fx.SingleChildRegion;
import org.convas.visualizer.inspect.HeatmapPixels.Scale;

/**
 * An image with a heatmap over it (saliency, Grad-CAM, occlusion): the blend, the plain image beside it at half the
 * size for comparison, a colour scale with its numbers, an opacity slider, and the value under the mouse. The heatmap has
 * the image's W×H. {@link #exportImage()} renders the blend with its scale and caption for a PNG file.
 */
public final class HeatmapOverlay extends SingleChildRegion {

    private static final int SCALE_WIDTH = 220;

    private final PixelTile blend = new PixelTile();
    private final PixelTile plain = new PixelTile();
    private final Canvas scaleBar = new Canvas(SCALE_WIDTH, 14);
    private final Label low = new Label(), high = new Label(), caption = new Label(), hover = new Label(" ");
    private final Slider opacity = new Slider(0, 1, 0.7);
    private final VBox exported;
    private int displaySize = 280;
    private int[] image = new int[0];
    private int[] mixed = new int[0];
    private float[] scratch = new float[0];
    private float[] values;
    private int width, height;
    private Scale scale = Scale.SEQUENTIAL;
    private float extent = 1;
    private DoubleFunction<String> format = v -> String.format(Locale.ROOT, "%.3g", v);

    public HeatmapOverlay() {
        this(new VBox(6));
    }

    private HeatmapOverlay(VBox root) {
        super(root);
        getStyleClass().add("heatmap-overlay");
        opacity.setId("heatmap-opacity");
        opacity.setPrefWidth(160);
        opacity.valueProperty().addListener((obs, old, now) -> redraw());
        caption.setWrapText(true);
        caption.setMaxWidth(displaySize * 3 / 2 + 10);
        caption.setId("heatmap-caption");
        hover.setId("heatmap-value");
        hover.getStyleClass().add("note");
        blend.setId("heatmap-blend");
        blend.setOnMouseMoved(e -> showValueAt(e.getX(), e.getY()));
        blend.setOnMouseExited(e -> hover.setText(" "));
        HBox scaleRow = new HBox(6, low, scaleBar, high);
        scaleRow.setAlignment(Pos.CENTER_LEFT);
        HBox pictures = new HBox(10, new StackPane(blend), new StackPane(plain));
        pictures.setAlignment(Pos.TOP_LEFT);
        exported = new VBox(6, pictures, scaleRow, caption);
        exported.setPadding(new Insets(6));
        exported.setStyle("-fx-background-color: white;");
        HBox controls = new HBox(6, new Label("Opacity"), opacity, hover);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(0, 6, 0, 6));
        root.getChildren().setAll(exported, controls);
    }

    /** The opacity α of the heatmap, 0 (image only) to 1. */
    public DoubleProperty heatmapOpacityProperty() {
        return opacity.valueProperty();
    }

    /** The longer edge of the pictures on screen, in pixels (default 280; images are enlarged by a whole factor). */
    public void setDisplaySize(int pixels) {
        displaySize = pixels;
        caption.setMaxWidth(displaySize * 3 / 2 + 10);
    }

    /**
     * The image under the heatmap.
     *
     * @param chw C×H×W values (drawn as {@link MapPixels#renderImage} draws images)
     */
    public void setImage(float[] chw, int channels, int height, int width) {
        MapPixels.requireLength("HeatmapOverlay.setImage", chw, channels, height, width);
        if (image.length != height * width) {
            image = new int[height * width];
            mixed = new int[height * width];
            scratch = new float[height * width];
        }
        MapPixels.renderImage(chw, channels, height, width, image, scratch);
        if (this.width != width || this.height != height) values = null;
        this.width = width;
        this.height = height;
        plain.draw(image, width, height, PixelTile.scaleFor(width, height, displaySize / 2));
        redraw();
    }

    /**
     * The heatmap, W×H values row-major with the image's size (NaN: no value, the image shows through).
     *
     * @param format how the scale's ends and the value under the mouse are written
     * @param text   what the map shows, under it (and in the exported PNG)
     */
    public void setHeatmap(float[] values, int width, int height, Scale scale, DoubleFunction<String> format, String text) {
        if (width != this.width || height != this.height) {
            throw new IllegalArgumentException("HeatmapOverlay.setHeatmap: the map is " + width + "×" + height
                    + " but the image is " + this.width + "×" + this.height);
        }
        if (values.length != width * height) {
            throw new IllegalArgumentException("HeatmapOverlay.setHeatmap: " + width + "×" + height + " needs "
                    + width * height + " values, got " + values.length);
        }
        this.values = values.clone();
        this.scale = scale;
        this.format = format;
        this.extent = HeatmapPixels.extent(values, scale);
        caption.setText(text);
        low.setText(format.apply(scale == Scale.SEQUENTIAL ? 0 : -extent));
        high.setText(format.apply(extent));
        drawScale();
        redraw();
    }

    /** Removes the heatmap (the image stays), with a note in its place. */
    public void clearHeatmap(String text) {
        values = null;
        caption.setText(text);
        low.setText("");
        high.setText("");
        scaleBar.getGraphicsContext2D().clearRect(0, 0, scaleBar.getWidth(), scaleBar.getHeight());
        redraw();
    }

    /** The caption under the map. */
    public String captionText() {
        return caption.getText();
    }

    /** The scale's end labels, "low … high". */
    public String scaleText() {
        return low.getText() + " … " + high.getText();
    }

    /** The value at image pixel (x, y) of the map shown, NaN without one. */
    public float valueAt(int x, int y) {
        return values == null ? Float.NaN : values[y * width + x];
    }

    /** The blended pixels as drawn (W×H ARGB, before enlarging); empty before an image is set. */
    public int[] blendedPixels() {
        return mixed.clone();
    }

    /** The blend, the plain image, the colour scale and the caption as one picture, for a PNG file. FX thread. */
    public WritableImage exportImage() {
        return exported.snapshot(null, null);
    }

    private void showValueAt(double x, double y) {
        if (values == null || width == 0) return;
        javafx.geometry.Bounds b = blend.getBoundsInLocal();
        int px = (int) Math.min(width - 1, Math.max(0, Math.floor(x / b.getWidth() * width)));
        int py = (int) Math.min(height - 1, Math.max(0, Math.floor(y / b.getHeight() * height)));
        float v = values[py * width + px];
        hover.setText("x " + px + ", y " + py + ": " + (Float.isNaN(v) ? "no value" : format.apply(v)));
    }

    private void redraw() {
        if (width == 0) return;
        if (values == null) {
            System.arraycopy(image, 0, mixed, 0, image.length);
        } else {
            HeatmapPixels.overlay(image, values, extent, scale, opacity.getValue(), mixed);
        }
        blend.draw(mixed, width, height, PixelTile.scaleFor(width, height, displaySize));
    }

    private void drawScale() {
        GraphicsContext g = scaleBar.getGraphicsContext2D();
        double w = scaleBar.getWidth(), h = scaleBar.getHeight();
        for (int x = 0; x < w; x++) {
            float t = (float) (x / (w - 1));
            if (scale == Scale.DIVERGING) t = 2 * t - 1;
            int c = HeatmapPixels.colour(t, scale);
            g.setFill(Color.rgb(c >> 16 & 255, c >> 8 & 255, c & 255));
            g.fillRect(x, 0, 1, h);
        }
        g.setStroke(Color.gray(0.4));
        g.strokeRect(0.5, 0.5, w - 1, h - 1);
    }
}
