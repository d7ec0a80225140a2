package org.convas.visualizer.inspect;

import java.util.ArrayList;
import java.util.List;

import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;

import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.fx.SingleChildRegion;
import org.convas.visualizer.inspect.MapPixels.Normalisation;
import org.convas.visualizer.inspect.MapPixels.ValueRange;

/**
 * The filters of one convolution layer as a grid of small images, one tile per filter.
 *
 * <p>Input: the weights as K×C×Fh×Fw floats (K filters, C input channels, Fh×Fw window; PyTorch's layout),
 * e.g. LeNet's first layer: K=6, C=1, F=5 → 150 floats. Each tile is normalised on its own (per filter) and
 * magnified with nearest-neighbour to about {@link #setTileSize tile size} pixels.
 * <ul>
 * <li>C = 3 (first layer of an RGB net): the channel selector offers "RGB" (default): tile pixel (y, x) has
 *     red = w[k,0,y,x], green = w[k,1,y,x], blue = w[k,2,y,x], stretched jointly over the filter.</li>
 * <li>Otherwise one grey (or diverging blue–white–red) tile per filter showing the channel mean
 *     (1/C)·Σ_c w[k,c,y,x] or one chosen channel c.</li>
 * </ul>
 *
 * <p>Call {@link #setFilters} as often as snapshots arrive (on the FX thread): while K, C, Fh, Fw stay the same
 * the tiles and their {@code WritableImage}s are reused and each tile costs one {@code setPixels}.
 */
public final class FilterGrid extends SingleChildRegion {

    /** Selector entry that draws the three channels as colour (only offered when C = 3). */
    public static final String RGB = "RGB";
    /** Selector entry that draws the mean over channels. */
    public static final String CHANNEL_MEAN = "mean of channels";

    private final Label countLabel = new Label("no filters");
    // A ComboBox, not a ChoiceBox: its list is virtualised, while a ChoiceBox builds a menu item per channel; and one
    // hover label, not a Tooltip per tile. Both made the first draw of a wide layer's filters take seconds
    // (RenderingBenchmark; the figures are in docs/performance.md).
    private final ComboBox<String> channelChoice = new ComboBox<>();
    private final Label hoverLabel = new Label();
    private final CheckBox symmetricBox = new CheckBox("symmetric around 0 (blue–white–red)");
    private final FlowPane tiles = new FlowPane(4, 4);
    private final List<PixelTile> tileViews = new ArrayList<>();

    private float[] weights = new float[0];
    private int filterCount;
    private int channels;
    private int filterHeight;
    private int filterWidth;
    private int tileSize = 48;
    private int[] argb = new int[0];
    private float[] plane = new float[0];
    private float[] tileMin = new float[0];
    private float[] tileMax = new float[0];
    private boolean updatingChoices;

    public FilterGrid() {
        this(new BorderPane());
    }

    private FilterGrid(BorderPane root) {
        super(root);
        getStyleClass().add("filter-grid");
        channelChoice.setDisable(true);
        channelChoice.valueProperty().addListener(this::choiceChanged);
        symmetricBox.selectedProperty().addListener((obs, was, is) -> redraw());
        channelChoice.setVisibleRowCount(12);
        HBox controls = new HBox(8, countLabel, channelChoice, symmetricBox, hoverLabel);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(4));
        tiles.setPadding(new Insets(4));
        ScrollPane scroll = new ScrollPane(tiles);
        scroll.setFitToWidth(true);
        root.setTop(controls);
        root.setCenter(scroll);
    }

    /**
     * Shows a layer's filters. The array is copied, so the caller may reuse it.
     *
     * @param weights K×C×Fh×Fw values: weights[((k·C + c)·Fh + y)·Fw + x]
     * @throws IllegalArgumentException when a dimension is not positive or the length is not K·C·Fh·Fw
     */
    public void setFilters(float[] weights, int filterCount, int channels, int filterHeight, int filterWidth) {
        if (filterCount <= 0 || channels <= 0 || filterHeight <= 0 || filterWidth <= 0) {
            throw new IllegalArgumentException("FilterGrid.setFilters: K, C, Fh, Fw must be positive, got K="
                    + filterCount + ", C=" + channels + ", Fh=" + filterHeight + ", Fw=" + filterWidth);
        }
        long expected = (long) filterCount * channels * filterHeight * filterWidth;
        if (weights == null || weights.length != expected) {
            throw new IllegalArgumentException("FilterGrid.setFilters: expected K·C·Fh·Fw = " + filterCount + "·"
                    + channels + "·" + filterHeight + "·" + filterWidth + " = " + expected + " weights, got "
                    + (weights == null ? "null" : weights.length));
        }
        boolean sameShape = filterCount == this.filterCount && channels == this.channels
                && filterHeight == this.filterHeight && filterWidth == this.filterWidth;
        if (this.weights.length != weights.length) {
            this.weights = new float[weights.length];
        }
        System.arraycopy(weights, 0, this.weights, 0, weights.length);
        if (!sameShape) {
            this.filterCount = filterCount;
            this.channels = channels;
            this.filterHeight = filterHeight;
            this.filterWidth = filterWidth;
            int n = filterHeight * filterWidth;
            argb = new int[n];
            plane = new float[n];
            tileMin = new float[filterCount];
            tileMax = new float[filterCount];
            countLabel.setText(filterCount + (filterCount == 1 ? " filter " : " filters ")
                    + filterWidth + "×" + filterHeight + "×" + channels);
            rebuildChoices();
            rebuildTiles();
        }
        redraw();
    }

    /** Removes all tiles. */
    public void clear() {
        filterCount = channels = filterHeight = filterWidth = 0;
        weights = new float[0];
        tileViews.clear();
        tiles.getChildren().clear();
        countLabel.setText("no filters");
        updatingChoices = true;
        channelChoice.getItems().clear();
        updatingChoices = false;
        channelChoice.setDisable(true);
    }

    /**
     * Selects what a tile shows: {@link #RGB} (only when C = 3), {@link #CHANNEL_MEAN}, or channel index c
     * (0-based).
     *
     * @throws IllegalArgumentException for a channel outside 0..C−1 or RGB when C ≠ 3
     */
    public void showChannel(int channel) {
        if (channel < 0 || channel >= channels) {
            throw new IllegalArgumentException("FilterGrid.showChannel: channel " + channel
                    + " is outside 0.." + (channels - 1));
        }
        channelChoice.setValue(channelLabel(channel));
    }

    /** Shows the channel mean (or, with {@code rgb} and C = 3, the colour view). */
    public void showSummary(boolean rgb) {
        if (rgb && channels != 3) {
            throw new IllegalArgumentException("FilterGrid.showSummary: RGB needs C = 3, the filters have C = "
                    + channels);
        }
        channelChoice.setValue(rgb ? RGB : CHANNEL_MEAN);
    }

    /** The selector's current entry: {@link #RGB}, {@link #CHANNEL_MEAN} or "channel c". */
    public String shownChannel() {
        return channelChoice.getValue();
    }

    /** Chooses min–max grey (false, default) or symmetric-around-zero with the diverging colour map (true). */
    public void setSymmetric(boolean symmetric) {
        symmetricBox.setSelected(symmetric);
    }

    /** Target tile edge in pixels (default 48); tiles use the largest integer magnification that fits. */
    public void setTileSize(int pixels) {
        if (pixels < 1) {
            throw new IllegalArgumentException("FilterGrid.setTileSize: must be ≥ 1 pixel, got " + pixels);
        }
        tileSize = pixels;
        redraw();
    }

    /** Number of tiles shown (K). */
    public int tileCount() {
        return tileViews.size();
    }

    /** The tile of filter k, for tests and for callers adding their own handlers. */
    public PixelTile tile(int k) {
        return tileViews.get(k);
    }

    /** The label text, e.g. "32 filters 5×5×3" (Fw×Fh×C). */
    public String countText() {
        return countLabel.getText();
    }

    private static String channelLabel(int c) {
        return "channel " + c;
    }

    private void rebuildChoices() {
        updatingChoices = true;
        List<String> items = new ArrayList<>();
        if (channels == 3) items.add(RGB);
        if (channels > 1) items.add(CHANNEL_MEAN);
        for (int c = 0; c < channels; c++) items.add(channelLabel(c));
        channelChoice.getItems().setAll(items);
        channelChoice.setValue(items.get(0));
        channelChoice.setDisable(channels == 1);
        updatingChoices = false;
    }

    private void rebuildTiles() {
        tileViews.clear();
        hoverLabel.setText("");
        List<PixelTile> nodes = new ArrayList<>(filterCount);
        for (int k = 0; k < filterCount; k++) {
            PixelTile tile = new PixelTile();
            tile.getStyleClass().add("filter-tile");
            int filter = k;
            // One shared label instead of a Tooltip per tile (see the ComboBox comment for the cost).
            tile.setOnMouseEntered(e -> hoverLabel.setText(hoverText(filter)));
            tile.setOnMouseExited(e -> hoverLabel.setText(""));
            nodes.add(tile);
        }
        tileViews.addAll(nodes);
        tiles.getChildren().setAll(nodes);
    }

    /** "filter 3: −0.214 … 0.377", the value range of filter k as last drawn. */
    public String hoverText(int k) {
        return "filter " + k + ": " + format(tileMin[k]) + " … " + format(tileMax[k]);
    }

    private void choiceChanged(ObservableValue<? extends String> obs, String was, String is) {
        if (!updatingChoices && is != null) {
            redraw();
        }
    }

    private void redraw() {
        if (filterCount == 0) return;
        String choice = channelChoice.getValue();
        Normalisation normalisation = symmetricBox.isSelected() ? Normalisation.SYMMETRIC : Normalisation.MIN_MAX;
        boolean diverging = symmetricBox.isSelected();
        int n = filterHeight * filterWidth;
        int perFilter = channels * n;
        int scale = PixelTile.scaleFor(filterWidth, filterHeight, tileSize);
        int channel = choice != null && choice.startsWith("channel ")
                ? Integer.parseInt(choice.substring("channel ".length())) : -1;
        for (int k = 0; k < filterCount; k++) {
            int base = k * perFilter;
            ValueRange range;
            if (RGB.equals(choice)) {
                range = MapPixels.renderRgb(weights, base, filterHeight, filterWidth, normalisation, argb);
            } else if (channel >= 0) {
                range = MapPixels.renderPlane(weights, base + channel * n, filterHeight, filterWidth,
                        normalisation, diverging, argb);
            } else {
                MapPixels.channelMean(weights, base, channels, filterHeight, filterWidth, plane);
                range = MapPixels.renderPlane(plane, 0, filterHeight, filterWidth, normalisation, diverging, argb);
            }
            tileViews.get(k).draw(argb, filterWidth, filterHeight, scale);
            tileMin[k] = range.min();
            tileMax[k] = range.max();
        }
    }

    static String format(float v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }
}
