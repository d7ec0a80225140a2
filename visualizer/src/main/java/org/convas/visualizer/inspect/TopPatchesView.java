package org.convas.visualizer.inspect;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.fx.SingleChildRegion;

/**
 * The images that excite one filter most, as Zeiler &amp; Fergus show them: for each, the patch the filter's
 * strongest unit sees (its receptive field), enlarged, and below it the whole image with that patch framed, and
 * the activation. Strongest first.
 */
public final class TopPatchesView extends SingleChildRegion {

    /**
     * One image: C×H×W values, the patch (x, y, width, height in image pixels) and a caption.
     */
    public record Entry(float[] chw, int channels, int height, int width, int x, int y, int patchWidth, int patchHeight,
                        String caption) {
    }

    private final FlowPane grid = new FlowPane(10, 10);
    private final Label title = new Label();
    private final List<String> captions = new ArrayList<>();
    private int patchSize = 84;
    private int imageSize = 56;

    public TopPatchesView() {
        this(new VBox(6));
    }

    private TopPatchesView(VBox root) {
        super(root);
        getStyleClass().add("top-patches-view");
        title.setWrapText(true);
        grid.setPadding(new Insets(4));
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, javafx.scene.layout.Priority.ALWAYS);
        root.getChildren().setAll(title, scroll);
        root.setPadding(new Insets(6));
    }

    /** Shows the entries, strongest first, under a title. */
    public void setEntries(String heading, List<Entry> entries) {
        title.setText(heading);
        captions.clear();
        List<javafx.scene.Node> cells = new ArrayList<>();
        for (Entry e : entries) {
            cells.add(cell(e));
            captions.add(e.caption());
        }
        grid.getChildren().setAll(cells);
    }

    /** Empties the view, with a note. */
    public void clear(String note) {
        title.setText(note);
        captions.clear();
        grid.getChildren().clear();
    }

    public String titleText() {
        return title.getText();
    }

    /** The captions shown, strongest first. */
    public List<String> captions() {
        return List.copyOf(captions);
    }

    private javafx.scene.Node cell(Entry e) {
        MapPixels.requireLength("TopPatchesView entry", e.chw(), e.channels(), e.height(), e.width());
        int[] argb = new int[e.height() * e.width()];
        MapPixels.renderImage(e.chw(), e.channels(), e.height(), e.width(), argb, new float[e.height() * e.width()]);
        int pw = Math.max(1, e.patchWidth()), ph = Math.max(1, e.patchHeight());
        int[] patch = new int[pw * ph];
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                int sy = Math.min(e.height() - 1, e.y() + y), sx = Math.min(e.width() - 1, e.x() + x);
                patch[y * pw + x] = argb[sy * e.width() + sx];
            }
        }
        PixelTile patchTile = new PixelTile();
        patchTile.draw(patch, pw, ph, PixelTile.scaleFor(pw, ph, patchSize));
        PixelTile imageTile = new PixelTile();
        int scale = PixelTile.scaleFor(e.width(), e.height(), imageSize);
        imageTile.draw(argb, e.width(), e.height(), scale);
        Rectangle frame = new Rectangle(e.x() * scale, e.y() * scale, pw * scale, ph * scale);
        frame.setFill(Color.TRANSPARENT);
        frame.setStroke(Color.ORANGE);
        frame.setStrokeWidth(1.5);
        frame.setMouseTransparent(true);
        Pane framed = new Pane(imageTile, frame);
        Label text = new Label(e.caption());
        text.getStyleClass().add("note");
        text.setMaxWidth(Math.max(patchSize, imageSize) + 10);
        text.setWrapText(true);
        VBox box = new VBox(3, patchTile, framed, text);
        box.setAlignment(Pos.TOP_CENTER);
        Tooltip.install(box, new Tooltip(e.caption() + "\npatch " + pw + "×" + ph + " at x " + e.x() + ", y " + e.y()));
        return box;
    }
}
