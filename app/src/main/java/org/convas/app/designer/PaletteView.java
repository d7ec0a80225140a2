package org.convas.app.designer;

import javafx.geometry.Pos;
import javafx.scene.Cursor;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.shape.Rectangle;
import javafx.scene.paint.Color;

/**
 * The list of block types, coloured by category. Drag an entry onto the canvas to place it (a mouse drag
 * within the scene, so it works the same headless), or double-click it / press Enter to append it after the
 * selected block.
 */
public final class PaletteView extends ListView<Palette.Entry> {

    private final DesignerViewModel vm;
    private final DesignerCanvas canvas;

    public PaletteView(DesignerViewModel vm, DesignerCanvas canvas) {
        this.vm = vm;
        this.canvas = canvas;
        setId("palette");
        getStyleClass().add("palette");
        getItems().setAll(Palette.ENTRIES);
        setCellFactory(list -> new EntryCell());
        setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && getSelectionModel().getSelectedItem() != null) {
                vm.appendLayer(getSelectionModel().getSelectedItem().layer());
                e.consume();
            }
        });
    }

    private final class EntryCell extends ListCell<Palette.Entry> {
        private boolean dragging;

        EntryCell() {
            setOnMousePressed(e -> dragging = false);
            setOnMouseDragged(e -> {
                if (getItem() == null || e.getButton() != MouseButton.PRIMARY) return;
                dragging = true;
                getScene().setCursor(Cursor.CLOSED_HAND);
                canvas.previewDrop(e.getSceneX(), e.getSceneY(), getItem().layer());
                e.consume();
            });
            setOnMouseReleased(e -> {
                if (getItem() == null) return;
                if (dragging) {
                    getScene().setCursor(Cursor.DEFAULT);
                    if (!canvas.drop(e.getSceneX(), e.getSceneY(), getItem().layer())) canvas.cancelDrop();
                    dragging = false;
                    e.consume();
                }
            });
            setOnMouseClicked(e -> {
                if (getItem() != null && e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                    vm.appendLayer(getItem().layer());
                    e.consume();
                }
            });
        }

        @Override
        protected void updateItem(Palette.Entry entry, boolean empty) {
            super.updateItem(entry, empty);
            if (empty || entry == null) {
                setGraphic(null);
                setText(null);
                setId(null);
                return;
            }
            Rectangle swatch = new Rectangle(14, 14, Color.web(entry.category().colour));
            swatch.setArcWidth(4);
            swatch.setArcHeight(4);
            Label name = new Label(entry.title());
            Label cat = new Label(entry.category().name().toLowerCase(java.util.Locale.ROOT));
            cat.getStyleClass().add("palette-category");
            HBox box = new HBox(8, swatch, name, cat);
            box.setAlignment(Pos.CENTER_LEFT);
            setGraphic(box);
            setText(null);
            setId("palette-" + entry.title());
        }
    }
}
