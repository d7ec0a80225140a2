package org.convas.visualizer.inspect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.Locale;
import java.util.stream.IntStream;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.layout.Pane;
import javafx.scene.Cursor;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

import org.convas.engine.calc.ReceptiveField;
import org.convas.engine.spec.Shape;
import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.fx.SingleChildRegion;
import org.convas.visualizer.inspect.MapPixels.Normalisation;
import org.convas.visualizer.inspect.MapPixels.ValueRange;

/**
 * Everything a network computes for one input image: the image, the top-5 class probabilities as bars, and for
 * every layer its feature maps.
 *
 * <p>Layout: left, the input (C = 1 grey, C = 3 colour, otherwise channel mean) above the top-5 bars; centre, a
 * vertical list of layers, each "name  W×H×D" over a grid of its D maps, each map min–max normalised on its own;
 * right, the map last clicked, enlarged, with its value range. A layer shows at most
 * {@link #setMaxMapsPerLayer max maps} (default 64) and a "+N more" note, e.g. a 256-channel layer shows 64 and
 * "+192 more". A flat layer (W = H = 1, e.g. a fully-connected output of D = 120) is drawn as one map of its D
 * values laid out row by row in ⌈√D⌉ columns (120 → 11 columns × 11 rows, the last row partly empty).
 *
 * <p>Efficient for repeated calls while training: rows and tiles are reused while layer names and shapes stay
 * the same, and each map costs one {@code setPixels}.
 */
public final class ActivationView extends SingleChildRegion {

    private static final int DEFAULT_MAX_MAPS = 64;
    private static final int TOP_K = 5;
    private static final int BAR_WIDTH = 120;
    private static final int EMPTY_CELL = MapPixels.rgb(60, 60, 70);

    private final PixelTile inputTile = new PixelTile();
    private final Label inputLabel = new Label("no input");
    private final VBox probabilityBox = new VBox(3);
    private final List<ProbabilityRow> probabilityRows = new ArrayList<>();
    private final VBox layerList = new VBox(10);
    private final List<LayerRow> rows = new ArrayList<>();
    private final PixelTile detailTile = new PixelTile();
    private final Label detailLabel = new Label("click a map to enlarge it; click a value to see its receptive field");

    private int maxMapsPerLayer = DEFAULT_MAX_MAPS;
    private int mapTileSize = 56;
    private int detailSize = 192;
    private final javafx.scene.effect.DropShadow selectedGlow = new javafx.scene.effect.DropShadow(8, Color.ORANGE);
    private PixelTile selectedTile;
    private int selectedLayer = -1;
    private int selectedMap = -1;
    private int[] argb = new int[0];
    private float[] scratch = new float[0];
    // Receptive field: click an activation, see the input pixels it depends on.
    private BiFunction<String, Shape, ReceptiveField> receptiveFields = (name, shape) -> null;
    private final Rectangle fieldBox = new Rectangle();
    private final Rectangle activationMark = new Rectangle();
    private final Label fieldLabel = new Label();
    private int inputWidth;
    private int inputHeight;
    private Rectangle2D fieldRegion;

    public ActivationView() {
        this(new BorderPane());
    }

    private ActivationView(BorderPane root) {
        super(root);
        getStyleClass().add("activation-view");
        Label probabilityTitle = new Label("top-5 classes");
        probabilityTitle.setStyle("-fx-font-weight: bold;");
        for (int i = 0; i < TOP_K; i++) {
            ProbabilityRow row = new ProbabilityRow();
            probabilityRows.add(row);
        }
        fieldBox.setFill(Color.color(1, 0.55, 0, 0.18));
        fieldBox.setStroke(Color.ORANGE);
        fieldBox.setStrokeWidth(2);
        fieldBox.setMouseTransparent(true);
        fieldBox.setVisible(false);
        fieldBox.setId("receptive-field-box");
        activationMark.setFill(Color.TRANSPARENT);
        activationMark.setStroke(Color.ORANGE);
        activationMark.setStrokeWidth(2);
        activationMark.setMouseTransparent(true);
        activationMark.setVisible(false);
        fieldLabel.setId("receptive-field-text");
        fieldLabel.setWrapText(true);
        fieldLabel.setMaxWidth(180);
        Pane inputPane = new Pane(inputTile, fieldBox);
        VBox left = new VBox(6, new Label("input"), inputPane, inputLabel, fieldLabel, probabilityTitle, probabilityBox);
        left.setPadding(new Insets(6));
        left.setMinWidth(180);
        layerList.setPadding(new Insets(6));
        ScrollPane scroll = new ScrollPane(layerList);
        scroll.setId("activation-maps");
        scroll.setFitToWidth(true);
        detailLabel.setWrapText(true);
        detailLabel.setMaxWidth(detailSize);
        detailTile.setCursor(Cursor.CROSSHAIR);
        detailTile.setOnMouseClicked(e -> {
            if (selectedLayer >= 0) pickAt(selectedLayer, selectedMap, detailTile, e.getX(), e.getY());
        });
        // The enlarged map sits under the input and the top-5, in one column, so the maps between them keep the
        // width (a third column squeezed them to a few pixels at 1366×768).
        left.getChildren().addAll(new Pane(detailTile, activationMark), detailLabel);
        left.setMinWidth(Math.max(180, detailSize + 12));
        left.setPrefWidth(Math.max(180, detailSize + 12));
        ScrollPane leftScroll = new ScrollPane(left);
        leftScroll.setFitToWidth(true);
        leftScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        leftScroll.setMinWidth(Math.max(180, detailSize + 12) + 16);
        root.setLeft(leftScroll);
        root.setCenter(scroll);
    }

    /**
     * Shows the input image.
     *
     * @param chw C×H×W values (any range: drawn min–max normalised)
     */
    public void setInput(float[] chw, int channels, int height, int width) {
        MapPixels.requireLength("ActivationView.setInput", chw, channels, height, width);
        ensureBuffers(height * width);
        ValueRange range = MapPixels.renderImage(chw, channels, height, width, argb, scratch);
        inputTile.draw(argb, width, height, PixelTile.scaleFor(width, height, 112));
        if (width != inputWidth || height != inputHeight) clearReceptiveField();
        inputWidth = width;
        inputHeight = height;
        inputLabel.setText(width + "×" + height + "×" + channels + "  values " + FilterGrid.format(range.min())
                + " … " + FilterGrid.format(range.max()));
    }

    /** Forgets the image, the probabilities and the maps (another network is shown). */
    public void clear() {
        inputTile.setImage(null);
        inputLabel.setText("");
        probabilityBox.getChildren().clear();
        setLayers(List.of());
    }

    /**
     * Shows the five most probable classes as labelled bars, largest first.
     *
     * @param probabilities one per class (softmax output), same order as classNames
     */
    public void setProbabilities(float[] probabilities, List<String> classNames) {
        if (probabilities.length != classNames.size()) {
            throw new IllegalArgumentException("ActivationView.setProbabilities: " + probabilities.length
                    + " probabilities but " + classNames.size() + " class names");
        }
        int[] top = topIndices(probabilities, TOP_K);
        probabilityBox.getChildren().setAll(probabilityRows.subList(0, top.length).stream().map(r -> r.box).toList());
        for (int i = 0; i < top.length; i++) {
            probabilityRows.get(i).show(classNames.get(top[i]), probabilities[top[i]]);
        }
    }

    /**
     * Shows every layer's maps. Rows whose name and shape are unchanged since the last call are reused.
     * The arrays are read during the call only.
     */
    public void setLayers(List<LayerActivation> layers) {
        for (int i = 0; i < layers.size(); i++) {
            LayerActivation layer = layers.get(i);
            if (i < rows.size() && rows.get(i).matches(layer)) {
                continue;
            }
            LayerRow row = new LayerRow(i, layer.name(), layer.shape());
            if (i < rows.size()) {
                rows.set(i, row);
            } else {
                rows.add(row);
            }
        }
        while (rows.size() > layers.size()) {
            rows.remove(rows.size() - 1);
        }
        layerList.getChildren().setAll(rows.stream().map(r -> r.box).toList());
        for (int i = 0; i < layers.size(); i++) {
            rows.get(i).draw(layers.get(i).values());
        }
        if (selectedLayer >= rows.size() || (selectedLayer >= 0 && selectedMap >= rows.get(selectedLayer).tiles.size())) {
            selectedLayer = -1;
            selectedMap = -1;
            highlight(null);
            detailTile.setImage(null);
            detailLabel.setText("click a map to enlarge it");
            clearReceptiveField();
        } else if (selectedLayer >= 0) {
            showDetail(selectedLayer, selectedMap);
        }
    }

    /**
     * Enlarges map {@code map} of layer {@code layer} in the side panel, as a click on it does.
     */
    public void selectMap(int layer, int map) {
        if (layer < 0 || layer >= rows.size()) {
            throw new IllegalArgumentException("ActivationView.selectMap: layer " + layer + " is outside 0.."
                    + (rows.size() - 1));
        }
        int shown = rows.get(layer).tiles.size();
        if (map < 0 || map >= shown) {
            throw new IllegalArgumentException("ActivationView.selectMap: layer '" + rows.get(layer).name
                    + "' shows maps 0.." + (shown - 1) + ", not " + map);
        }
        selectedLayer = layer;
        selectedMap = map;
        showDetail(layer, map);
    }

    /** Marks the enlarged map's tile with an orange glow (and unmarks the previous one). */
    private void highlight(PixelTile tile) {
        if (selectedTile != null) selectedTile.setEffect(null);
        selectedTile = tile;
        if (tile != null) tile.setEffect(selectedGlow);
    }

    /** At most this many maps per layer are drawn (default 64); the rest are counted as "+N more". */
    public void setMaxMapsPerLayer(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("ActivationView.setMaxMapsPerLayer: must be ≥ 1, got " + max);
        }
        maxMapsPerLayer = max;
        rows.clear(); // rebuilt on the next setLayers
        layerList.getChildren().clear();
    }

    /** Number of layer rows shown. */
    public int layerCount() {
        return rows.size();
    }

    /** Number of map tiles drawn for a layer (≤ the cap; 1 for a flat layer). */
    public int shownMapCount(int layer) {
        return rows.get(layer).tiles.size();
    }

    /** The tile of a map, e.g. to click it in a test. */
    public PixelTile mapTile(int layer, int map) {
        return rows.get(layer).tiles.get(map);
    }

    /** The "+N more" note of a layer, or "" when every map is shown. */
    public String moreText(int layer) {
        return rows.get(layer).more.getText();
    }

    /** The row heading of a layer, e.g. "conv1  28×28×6". */
    public String layerTitle(int layer) {
        return rows.get(layer).title.getText();
    }

    /** The side panel's text for the enlarged map (name, index, size, value range). */
    public String detailText() {
        return detailLabel.getText();
    }

    /** The probability rows shown, as "class p" with p to two decimals, most probable first. */
    public List<String> probabilityTexts() {
        return probabilityBox.getChildren().stream()
                .map(n -> probabilityRows.stream().filter(r -> r.box == n).findFirst().orElseThrow())
                .map(r -> r.name.getText() + " " + r.value.getText()).toList();
    }

    /**
     * Where activations come from: given a layer's name and shape, the receptive field of its units on the input
     * image (null when unknown). With it, clicking an activation in a map draws its receptive field on the input.
     * Example: for a calculator report, {@code (name, shape) -> report.find(name).filter(l -> shape.equals(l.output()))
     * .map(LayerReport::receptiveField).orElse(null)}.
     */
    public void setReceptiveFields(BiFunction<String, Shape, ReceptiveField> source) {
        receptiveFields = source == null ? (name, shape) -> null : source;
        clearReceptiveField();
    }

    /**
     * Shows the receptive field of the activation at (row, column) of map {@code map} of layer {@code layer} on the
     * input image, as a click on it does, and enlarges the map.
     */
    public void selectActivation(int layer, int map, int row, int column) {
        selectMap(layer, map);
        LayerRow r = rows.get(layer);
        if (row < 0 || row >= r.mapHeight || column < 0 || column >= r.mapWidth) {
            throw new IllegalArgumentException("ActivationView.selectActivation: (" + row + ", " + column + ") is outside the "
                    + r.mapWidth + "×" + r.mapHeight + " map of '" + r.name + "'");
        }
        showReceptiveField(r, row, column);
    }

    /** The input pixels the selected activation depends on (x, y, width, height, clipped to the image), or null. */
    public Rectangle2D receptiveFieldRegion() {
        return fieldRegion;
    }

    /** What the receptive field panel says, e.g. "conv2 at row 3, column 4: 14×14 receptive field, input rows 6–19, …". */
    public String receptiveFieldText() {
        return fieldLabel.getText();
    }

    private void pickAt(int layer, int map, PixelTile tile, double x, double y) {
        LayerRow r = rows.get(layer);
        javafx.geometry.Bounds b = tile.getBoundsInLocal();
        if (b.getWidth() <= 0 || b.getHeight() <= 0) return;
        int col = (int) Math.floor(x / b.getWidth() * r.mapWidth);
        int row = (int) Math.floor(y / b.getHeight() * r.mapHeight);
        showReceptiveField(r, Math.max(0, Math.min(r.mapHeight - 1, row)), Math.max(0, Math.min(r.mapWidth - 1, col)));
    }

    private void showReceptiveField(LayerRow r, int row, int col) {
        ReceptiveField f = inputWidth == 0 ? null : receptiveFields.apply(r.name, r.shape);
        if (f == null) {
            fieldRegion = null;
            fieldBox.setVisible(false);
            activationMark.setVisible(false);
            fieldLabel.setText(inputWidth == 0 ? "" : r.name + ": receptive field unknown");
            return;
        }
        double x0, x1, y0, y1;
        String where;
        if (r.flat) {
            // A flat layer's units each see everything the layer's input saw: the receptive field the calculator gives.
            x0 = f.startX() - f.width() / 2.0;
            y0 = f.startY() - f.height() / 2.0;
            x1 = x0 + f.width();
            y1 = y0 + f.height();
            where = r.name + " (unit " + (row * r.mapWidth + col) + ")";
        } else {
            double cx = f.startX() + col * f.jumpX(), cy = f.startY() + row * f.jumpY();
            x0 = cx - f.width() / 2.0;
            x1 = cx + f.width() / 2.0;
            y0 = cy - f.height() / 2.0;
            y1 = cy + f.height() / 2.0;
            where = r.name + " at row " + row + ", column " + col;
        }
        int firstCol = (int) Math.floor(x0 + 1e-9), lastCol = (int) Math.ceil(x1 - 1e-9) - 1;
        int firstRow = (int) Math.floor(y0 + 1e-9), lastRow = (int) Math.ceil(y1 - 1e-9) - 1;
        int c0 = Math.max(0, firstCol), c1 = Math.min(inputWidth - 1, lastCol);
        int r0 = Math.max(0, firstRow), r1 = Math.min(inputHeight - 1, lastRow);
        boolean clipped = c0 != firstCol || c1 != lastCol || r0 != firstRow || r1 != lastRow;
        fieldRegion = new Rectangle2D(c0, r0, Math.max(0, c1 - c0 + 1), Math.max(0, r1 - r0 + 1));
        fieldLabel.setText(where + ": " + f.sizeText() + " receptive field, input rows " + r0 + "–" + r1 + ", columns " + c0
                + "–" + c1 + (clipped ? " (part of it lies in the padding, off the image)" : ""));
        javafx.geometry.Bounds in = inputTile.getBoundsInLocal();
        double sx = in.getWidth() / inputWidth, sy = in.getHeight() / inputHeight;
        fieldBox.setX(c0 * sx);
        fieldBox.setY(r0 * sy);
        fieldBox.setWidth(fieldRegion.getWidth() * sx);
        fieldBox.setHeight(fieldRegion.getHeight() * sy);
        fieldBox.setVisible(true);
        javafx.geometry.Bounds d = detailTile.getBoundsInLocal();
        if (!r.flat && d.getWidth() > 0) {
            double mx = d.getWidth() / r.mapWidth, my = d.getHeight() / r.mapHeight;
            activationMark.setX(col * mx);
            activationMark.setY(row * my);
            activationMark.setWidth(Math.max(2, mx));
            activationMark.setHeight(Math.max(2, my));
            activationMark.setVisible(true);
        } else {
            activationMark.setVisible(false);
        }
    }

    private void clearReceptiveField() {
        fieldRegion = null;
        fieldBox.setVisible(false);
        activationMark.setVisible(false);
        fieldLabel.setText("");
    }

    /**
     * Indices of the k largest values, largest first (ties: lower index first). Example: {0.1, 0.6, 0.3} with
     * k = 2 → {1, 2}.
     */
    static int[] topIndices(float[] values, int k) {
        return IntStream.range(0, values.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    private void showDetail(int layer, int map) {
        LayerRow row = rows.get(layer);
        highlight(row.tiles.get(map));
        ensureBuffers(row.mapHeight * row.mapWidth);
        ValueRange range = row.renderMap(map, argb);
        int scale = Math.max(1, detailSize / Math.max(row.mapWidth, row.mapHeight));
        detailTile.draw(argb, row.mapWidth, row.mapHeight, scale);
        fitInto(detailTile, row.mapWidth * scale, row.mapHeight * scale, detailSize);
        String which = row.flat ? row.shape.depth() + " values" : "map " + (map + 1) + " of " + row.shape.depth();
        detailLabel.setText(row.name + " · " + which + " · " + row.mapWidth + "×" + row.mapHeight
                + "\nmin " + FilterGrid.format(range.min()) + "   max " + FilterGrid.format(range.max()));
    }

    private static void fitInto(PixelTile tile, int width, int height, int limit) {
        boolean tooBig = Math.max(width, height) > limit;
        tile.setFitWidth(tooBig ? limit : 0);
        tile.setFitHeight(tooBig ? limit : 0);
    }

    private void ensureBuffers(int pixels) {
        if (argb.length < pixels) {
            argb = new int[pixels];
            scratch = new float[pixels];
        }
    }

    /** One layer: heading, map tiles, "+N more". */
    private final class LayerRow {
        final String name;
        final Shape shape;
        final boolean flat;
        final int mapWidth;
        final int mapHeight;
        final Label title = new Label();
        final Label more = new Label();
        final FlowPane grid = new FlowPane(3, 3);
        final List<PixelTile> tiles = new ArrayList<>();
        final VBox box;
        float[] values = new float[0];

        LayerRow(int index, String name, Shape shape) {
            this.name = name;
            this.shape = shape;
            this.flat = shape.isVector();
            if (flat) {
                mapWidth = (int) Math.ceil(Math.sqrt(shape.depth()));
                mapHeight = (shape.depth() + mapWidth - 1) / mapWidth;
            } else {
                mapWidth = shape.width();
                mapHeight = shape.height();
            }
            title.setText(name + "  " + shape);
            title.setStyle("-fx-font-weight: bold;");
            int count = flat ? 1 : Math.min(shape.depth(), maxMapsPerLayer);
            int hidden = flat ? 0 : shape.depth() - count;
            more.setText(hidden > 0 ? "+" + hidden + " more" : "");
            for (int m = 0; m < count; m++) {
                PixelTile tile = new PixelTile();
                int map = m;
                tile.setCursor(Cursor.HAND);
                tile.setOnMouseClicked(e -> {
                    selectMap(index, map);
                    pickAt(index, map, tile, e.getX(), e.getY());
                });
                tiles.add(tile);
            }
            grid.getChildren().setAll(tiles);
            HBox heading = new HBox(10, title, more);
            heading.setAlignment(Pos.BASELINE_LEFT);
            box = new VBox(4, heading, grid);
        }

        boolean matches(LayerActivation layer) {
            return layer.name().equals(name) && layer.shape().equals(shape);
        }

        void draw(float[] source) {
            // Keep a copy so the detail panel can redraw later without holding the caller's buffer.
            if (values.length != source.length) {
                values = new float[source.length];
            }
            System.arraycopy(source, 0, values, 0, source.length);
            // Maps larger than twice the tile size are shrunk while converting (every step-th pixel), so a
            // 224×224 map costs 112×112 pixels; the side panel still enlarges the full map.
            int limit = 2 * mapTileSize;
            int step = flat ? 1 : Math.max(1, (Math.max(mapWidth, mapHeight) + limit - 1) / limit);
            int outW = MapPixels.sampledSize(mapWidth, step);
            int outH = MapPixels.sampledSize(mapHeight, step);
            ensureBuffers(mapWidth * mapHeight);
            int scale = PixelTile.scaleFor(outW, outH, mapTileSize);
            for (int m = 0; m < tiles.size(); m++) {
                if (step == 1) {
                    renderMap(m, argb);
                } else {
                    MapPixels.renderPlaneSampled(values, m * mapWidth * mapHeight, mapHeight, mapWidth, step,
                            Normalisation.MIN_MAX, false, argb);
                }
                PixelTile tile = tiles.get(m);
                tile.draw(argb, outW, outH, scale);
                fitInto(tile, outW * scale, outH * scale, limit);
            }
        }

        ValueRange renderMap(int map, int[] out) {
            if (!flat) {
                return MapPixels.renderPlane(values, map * mapWidth * mapHeight, mapHeight, mapWidth,
                        Normalisation.MIN_MAX, false, out);
            }
            int d = shape.depth();
            ValueRange range = MapPixels.range(values, 0, d);
            for (int i = 0; i < d; i++) {
                out[i] = MapPixels.gray(MapPixels.level(values[i], range, Normalisation.MIN_MAX));
            }
            Arrays.fill(out, d, mapWidth * mapHeight, EMPTY_CELL);
            return range;
        }
    }

    /** One labelled probability bar. */
    private static final class ProbabilityRow {
        final Label name = new Label();
        final Label value = new Label();
        final Rectangle bar = new Rectangle(0, 12, Color.web("#3b7dd8"));
        final HBox box;

        ProbabilityRow() {
            name.setMinWidth(80);
            name.setPrefWidth(80);
            Rectangle track = new Rectangle(BAR_WIDTH, 12, Color.web("#e4e7ec"));
            StackPane bars = new StackPane(track, bar);
            bars.setAlignment(Pos.CENTER_LEFT);
            box = new HBox(6, name, bars, value);
            box.setAlignment(Pos.CENTER_LEFT);
        }

        void show(String className, float p) {
            name.setText(className);
            bar.setWidth(Math.max(0, Math.min(1, p)) * BAR_WIDTH);
            value.setText(String.format(Locale.ROOT, "%.2f", p));
        }
    }
}
