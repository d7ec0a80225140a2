package org.convas.app.teach;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.WeakListChangeListener;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.layout.Region;
import javafx.scene.transform.Scale;
import javafx.stage.PopupWindow;
import javafx.stage.Window;

import java.util.Locale;

/**
 * The whole window, enlarged for a projector: text, controls, the designer's blocks, grids and charts all grow by
 * the same factor, like a browser's zoom. The content is laid out in a smaller logical area (the window's size
 * divided by the zoom) and drawn scaled up, so everything still fits and reflows; menus, drop-downs and tooltips
 * (separate popup windows) get the same factor through their font size.
 *
 * <p>Steps of 10 % from 50 % to 300 %; presentation mode defaults to 150 %.
 */
public final class PresentationZoom extends Region {

    public static final double MIN = 0.5;
    public static final double MAX = 3.0;
    public static final double PRESENTATION = 1.5;
    private static final double STEP = 0.1;
    /** The font size Modena's popups use at 100 %, in pixels. */
    private static final double BASE_FONT = 13;

    private final Node content;
    private final Scale scale = new Scale(1, 1, 0, 0);
    private final DoubleProperty zoom = new SimpleDoubleProperty(this, "zoom", 1.0);

    public PresentationZoom(Node content) {
        this.content = content;
        getStyleClass().add("presentation-zoom");
        content.getTransforms().add(scale);
        getChildren().add(content);
        zoom.addListener((o, a, z) -> {
            double v = clamp(z.doubleValue());
            if (v != z.doubleValue()) {
                zoom.set(v);
                return;
            }
            scale.setX(v);
            scale.setY(v);
            requestLayout();
            styleOpenPopups();
        });
        Window.getWindows().addListener(new WeakListChangeListener<>(popupWatcher));
    }

    /** Held here so the weak listener on the global window list lives exactly as long as this zoom. */
    private final ListChangeListener<Window> popupWatcher = c -> {
        while (c.next()) {
            for (Window w : c.getAddedSubList()) stylePopup(w);
        }
    };

    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public double getZoom() {
        return zoom.get();
    }

    public void setZoom(double z) {
        zoom.set(z);
    }

    public void zoomIn() {
        zoom.set(round(zoom.get() + STEP));
    }

    public void zoomOut() {
        zoom.set(round(zoom.get() - STEP));
    }

    public void reset() {
        zoom.set(1.0);
    }

    /** "150 %". */
    public String percentText() {
        return String.format(Locale.ROOT, "%.0f %%", zoom.get() * 100);
    }

    public Node content() {
        return content;
    }

    @Override
    protected void layoutChildren() {
        double z = zoom.get();
        double w = getWidth() / z, h = getHeight() / z;
        content.resizeRelocate(0, 0, w, h);
    }

    @Override
    protected double computePrefWidth(double height) {
        return content.prefWidth(height < 0 ? height : height / zoom.get()) * zoom.get();
    }

    @Override
    protected double computePrefHeight(double width) {
        return content.prefHeight(width < 0 ? width : width / zoom.get()) * zoom.get();
    }

    @Override
    protected double computeMinWidth(double height) {
        return content.minWidth(-1) * zoom.get();
    }

    @Override
    protected double computeMinHeight(double width) {
        return content.minHeight(-1) * zoom.get();
    }

    private void styleOpenPopups() {
        for (Window w : Window.getWindows()) stylePopup(w);
    }

    /**
     * Menus, drop-downs, tooltips and dialogs of this window: the same factor, through the font size their skins
     * scale with (Modena sizes controls in em).
     */
    private void stylePopup(Window w) {
        if (getScene() == null || w == getScene().getWindow() || w.getScene() == null) return;
        Window owner = ownerOf(w);
        while (owner != null && owner != getScene().getWindow()) owner = ownerOf(owner);
        if (owner == null) return;
        Parent root = w.getScene().getRoot();
        if (root == null) return;
        String ours = "-fx-font-size: [0-9.]+px;";
        if (zoom.get() != 1.0) {
            if (root.getStyle().isEmpty() || root.getStyle().matches(ours)) {
                root.setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", BASE_FONT * zoom.get()));
            }
        } else if (root.getStyle().matches(ours)) {
            root.setStyle("");
        }
    }

    private static Window ownerOf(Window w) {
        if (w instanceof PopupWindow p) return p.getOwnerWindow();
        if (w instanceof javafx.stage.Stage st) return st.getOwner();
        return null;
    }

    private static double clamp(double z) {
        return Double.isNaN(z) ? 1.0 : Math.max(MIN, Math.min(MAX, z));
    }

    private static double round(double z) {
        return Math.round(z * 10) / 10.0;
    }
}
