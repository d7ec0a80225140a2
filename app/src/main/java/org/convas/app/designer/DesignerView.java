package org.convas.app.designer;

import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.spec.AtomicFiles;
import org.convas.samples.Preset;
import org.convas.samples.Presets;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The visual designer: palette | canvas | inspector, with the File/Edit/View menus and a toolbar above and a
 * status line below. Mount it anywhere (it is a {@link BorderPane}); {@link #attachTo(Stage)} adds the window
 * behaviour (title with the unsaved mark, a prompt before closing unsaved work, the recovery offer).
 *
 * <p>For a summary table beside it, bind to {@link #selectedNodeIdProperty()} (two-way) and
 * {@link #reportProperty()}.
 */
public final class DesignerView extends BorderPane {

    /** How a file is chosen; tests replace the native dialogs. */
    public interface FileDialogs {
        Path open(Window owner, String title, FileChooser.ExtensionFilter filter);

        Path save(Window owner, String title, String initialName, FileChooser.ExtensionFilter filter);
    }

    public enum UnsavedChoice { SAVE, DISCARD, CANCEL }

    public enum RecoveryChoice { RECOVER, DISCARD, LATER }

    static final FileChooser.ExtensionFilter NETWORKS = new FileChooser.ExtensionFilter("Convas networks (*.convas.json, *.json)", "*.convas.json", "*.json");
    static final FileChooser.ExtensionFilter CSV = new FileChooser.ExtensionFilter("CSV (*.csv)", "*.csv");
    static final FileChooser.ExtensionFilter MARKDOWN = new FileChooser.ExtensionFilter("Markdown (*.md)", "*.md");
    static final FileChooser.ExtensionFilter PNG = new FileChooser.ExtensionFilter("PNG image (*.png)", "*.png");

    private final DesignerViewModel vm;
    private final DesignerCanvas canvas;
    private final PaletteView palette;
    private final InspectorView inspector;
    private final Label status = new Label();
    private final MenuBar menuBar;
    private final Label totals = new Label();
    private FileDialogs dialogs = new NativeDialogs();
    private java.util.function.Function<String, UnsavedChoice> unsavedPrompt = this::askUnsaved;
    private java.util.function.Function<DocumentModel.Recovery, RecoveryChoice> recoveryPrompt = this::askRecovery;
    /** Asked before the document is replaced or the window closes, before the unsaved-edits question (the training workspace). */
    private java.util.function.Predicate<String> documentGuard = action -> true;

    public DesignerView(DesignerViewModel vm) {
        this.vm = vm;
        setId("designer");
        getStyleClass().add("designer");
        getStylesheets().add(DesignerView.class.getResource("designer.css").toExternalForm());
        canvas = new DesignerCanvas(vm);
        palette = new PaletteView(vm, canvas);
        inspector = new InspectorView(vm);
        palette.setPrefWidth(190);
        palette.setMinWidth(150);
        inspector.setPrefWidth(320);
        inspector.setMinWidth(240);

        SplitPane split = new SplitPane(palette, canvas, inspector);
        split.setDividerPositions(0.14, 0.76);
        SplitPane.setResizableWithParent(palette, false);
        SplitPane.setResizableWithParent(inspector, false);
        setCenter(split);
        menuBar = menuBar();
        setTop(new VBox(menuBar, toolBar()));
        status.setId("designer-status");
        totals.setId("designer-totals");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox statusBar = new HBox(12, status, spacer, totals);
        statusBar.getStyleClass().add("status-bar");
        setBottom(statusBar);

        status.textProperty().bind(vm.messageProperty());
        vm.reportProperty().addListener((o, a, r) -> showTotals(r));
        showTotals(vm.report());
        vm.documentsLoadedProperty().addListener((o, a, b) -> Platform.runLater(canvas::showReadable));
        addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
        sceneProperty().addListener((o, a, s) -> {
            if (s != null) Platform.runLater(canvas::showReadable);
        });
    }

    // ---------------------------------------------------------------- for the main window and the summary table

    public DesignerViewModel viewModel() { return vm; }

    public DesignerCanvas canvas() { return canvas; }

    /** The primary selected block; two-way: bind a summary table's selection to it bidirectionally. */
    public javafx.beans.property.ObjectProperty<String> selectedNodeIdProperty() { return vm.selectedNodeIdProperty(); }

    /** The report of the current network, recomputed on every edit. */
    public javafx.beans.property.ReadOnlyObjectProperty<NetworkReport> reportProperty() { return vm.reportProperty(); }

    public void setFileDialogs(FileDialogs dialogs) { this.dialogs = dialogs; }

    /**
     * The designer's File/Edit/View menus, for a main window that shows its own menu bar: move these menus
     * into it and call {@code setMenuBarShown(false)}.
     */
    public MenuBar menus() { return menuBar; }

    public void setMenuBarShown(boolean shown) {
        menuBar.setVisible(shown);
        menuBar.setManaged(shown);
    }

    public void setUnsavedPrompt(java.util.function.Function<String, UnsavedChoice> prompt) { this.unsavedPrompt = prompt; }

    public void setRecoveryPrompt(java.util.function.Function<DocumentModel.Recovery, RecoveryChoice> prompt) { this.recoveryPrompt = prompt; }

    /**
     * Window behaviour: the stage title follows the document name and unsaved mark, closing asks about unsaved
     * work, and unsaved work of a crashed session is offered once the window shows.
     */
    public void attachTo(Stage stage) {
        stage.titleProperty().bind(vm.titleProperty());
        stage.setOnCloseRequest(e -> {
            if (confirmClose("quit")) vm.close(false);
            else e.consume();
        });
        Platform.runLater(this::offerRecovery);
    }

    /**
     * Another part of the window with work tied to this document (trained weights) is asked first whenever the
     * document would be replaced or the window closed; it returns false to keep the document.
     */
    public void setDocumentGuard(java.util.function.Predicate<String> guard) {
        this.documentGuard = java.util.Objects.requireNonNull(guard);
    }

    /** True when the document may be closed: it is saved, or the person saved or discarded it now. */
    public boolean confirmClose() {
        return confirmClose("open another network");
    }

    /** As {@link #confirmClose()}; {@code action} says what closing is for ("quit"), for the document guard's question. */
    public boolean confirmClose(String action) {
        if (!documentGuard.test(action)) return false;
        if (!vm.isDirty()) return true;
        return switch (unsavedPrompt.apply(vm.documentNameProperty().get())) {
            case SAVE -> save();
            case DISCARD -> true;
            case CANCEL -> false;
        };
    }

    /** Offers each crashed session's unsaved work; recovering one stops the offers. */
    public void offerRecovery() {
        for (DocumentModel.Recovery r : vm.recoveries()) {
            RecoveryChoice c = recoveryPrompt.apply(r);
            if (c == RecoveryChoice.RECOVER) {
                if (vm.recover(r)) return;
            } else if (c == RecoveryChoice.DISCARD) {
                vm.discardRecovery(r);
            }
        }
    }

    // ---------------------------------------------------------------- document commands

    public void newBlank() {
        if (confirmClose("start a new network")) vm.newBlank();
    }

    public void newFrom(Preset preset) {
        if (confirmClose()) vm.newFrom(preset.spec());
    }

    public void open() {
        if (!confirmClose()) return;
        Path p = dialogs.open(getScene() == null ? null : getScene().getWindow(), "Open network", NETWORKS);
        if (p != null) vm.open(p);
    }

    public void openRecent(Path p) {
        if (confirmClose()) vm.open(p);
    }

    public boolean save() {
        return vm.save() || (vm.fileProperty().get() == null && saveAs());
    }

    public boolean saveAs() {
        Path p = dialogs.save(window(), "Save network", vm.documentNameProperty().get() + DocumentModel.EXTENSION, NETWORKS);
        return p != null && vm.saveAs(p);
    }

    public void exportCsv() {
        Path p = dialogs.save(window(), "Export summary as CSV", vm.documentNameProperty().get() + ".csv", CSV);
        if (p != null) vm.exportCsv(p);
    }

    public void exportMarkdown() {
        Path p = dialogs.save(window(), "Export summary as Markdown", vm.documentNameProperty().get() + ".md", MARKDOWN);
        if (p != null) vm.exportMarkdown(p);
    }

    public void exportPng() {
        Path p = dialogs.save(window(), "Export canvas as PNG", vm.documentNameProperty().get() + ".png", PNG);
        if (p != null) writePng(p);
    }

    /** The whole network at 100 % as a PNG file (written atomically). */
    public boolean writePng(Path p) {
        try {
            var image = SwingFXUtils.fromFXImage(canvas.snapshotNetwork(), null);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", bytes)) throw new IOException("no PNG writer available");
            AtomicFiles.writeBytes(p, bytes.toByteArray());
            status.textProperty().unbind();
            status.setText("Exported the canvas to " + p.getFileName());
            status.textProperty().bind(vm.messageProperty());
            return true;
        } catch (IOException e) {
            status.textProperty().unbind();
            status.setText("Cannot export " + p + ": " + e.getMessage());
            return false;
        }
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    // ---------------------------------------------------------------- menus, toolbar, keys

    private MenuBar menuBar() {
        Menu file = new Menu("File");
        Menu fromPreset = new Menu("New from Preset");
        for (Preset p : Presets.all()) {
            MenuItem item = new MenuItem(p.title());
            item.setOnAction(e -> newFrom(p));
            fromPreset.getItems().add(item);
        }
        Menu recent = new Menu("Open Recent");
        recent.setOnShowing(e -> fillRecent(recent));
        fillRecent(recent);
        vm.recentFiles().addListener((javafx.collections.ListChangeListener<Path>) c -> fillRecent(recent));
        file.getItems().addAll(
                item("New", "Shortcut+N", this::newBlank), fromPreset,
                item("Open…", "Shortcut+O", this::open), recent,
                new SeparatorMenuItem(),
                item("Save", "Shortcut+S", this::save), item("Save As…", "Shortcut+Shift+S", this::saveAs),
                new SeparatorMenuItem(),
                item("Export Summary as CSV…", null, this::exportCsv),
                item("Export Summary as Markdown…", null, this::exportMarkdown),
                item("Export Canvas as PNG…", null, this::exportPng));

        Menu edit = new Menu("Edit");
        MenuItem undo = item("Undo", null, vm::undo);
        undo.textProperty().bind(vm.history().undoTextProperty().concat("\tCtrl+Z"));
        undo.disableProperty().bind(vm.history().canUndoProperty().not());
        MenuItem redo = item("Redo", null, vm::redo);
        redo.textProperty().bind(vm.history().redoTextProperty().concat("\tCtrl+Y"));
        redo.disableProperty().bind(vm.history().canRedoProperty().not());
        edit.getItems().addAll(undo, redo, new SeparatorMenuItem(),
                item("Copy\tCtrl+C", null, vm::copySelection), item("Paste\tCtrl+V", null, vm::paste),
                item("Duplicate\tCtrl+D", null, vm::duplicateSelection), item("Delete\tDel", null, this::deleteSelected),
                item("Select All\tCtrl+A", null, vm::selectAll), new SeparatorMenuItem(),
                item("Automatic Layout", "Shortcut+L", vm::autoLayout));

        Menu view = new Menu("View");
        view.getItems().addAll(item("Zoom In\t+", null, () -> canvas.zoomBy(1.25)), item("Zoom Out\t−", null, () -> canvas.zoomBy(0.8)),
                item("Fit to Window", "Shortcut+0", canvas::fitToWindow), item("Readable Size", null, canvas::showReadable));
        MenuBar bar = new MenuBar(file, edit, view);
        bar.setId("designer-menu");
        return bar;
    }

    private void fillRecent(Menu recent) {
        recent.getItems().clear();
        for (Path p : vm.recentFiles()) {
            MenuItem item = new MenuItem(p.getFileName() + "  —  " + p.getParent());
            item.setOnAction(e -> openRecent(p));
            recent.getItems().add(item);
        }
        recent.setDisable(recent.getItems().isEmpty());
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (accelerator != null) m.setAccelerator(KeyCombination.keyCombination(accelerator));
        m.setOnAction(e -> action.run());
        return m;
    }

    private ToolBar toolBar() {
        ToolBar bar = new ToolBar(
                button("New", "New blank network (Ctrl+N)", this::newBlank),
                button("Open", "Open a network file (Ctrl+O)", this::open),
                button("Save", "Save (Ctrl+S)", this::save),
                new javafx.scene.control.Separator(),
                bound(button("Undo", "Undo (Ctrl+Z)", vm::undo), vm.history().canUndoProperty()),
                bound(button("Redo", "Redo (Ctrl+Y, Ctrl+Shift+Z)", vm::redo), vm.history().canRedoProperty()),
                new javafx.scene.control.Separator(),
                button("Delete", "Delete the selection or connection (Del)", this::deleteSelected),
                button("Duplicate", "Duplicate the selection (Ctrl+D)", vm::duplicateSelection),
                button("Layout", "Lay the network out automatically (Ctrl+L)", vm::autoLayout),
                new javafx.scene.control.Separator(),
                button("−", "Zoom out (−)", () -> canvas.zoomBy(0.8)),
                button("+", "Zoom in (+)", () -> canvas.zoomBy(1.25)),
                button("Fit", "Fit to window (Ctrl+0)", canvas::fitToWindow));
        bar.setId("designer-toolbar");
        return bar;
    }

    private static Button button(String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId("tool-" + text.toLowerCase(java.util.Locale.ROOT));
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }

    private static Button bound(Button b, javafx.beans.value.ObservableBooleanValue enabled) {
        b.disableProperty().bind(javafx.beans.binding.Bindings.not(enabled));
        return b;
    }

    /** Deletes the clicked connection if there is one, else the selected blocks. */
    public void deleteSelected() {
        String[] wire = canvas.selectedWire();
        if (wire != null && vm.selection().isEmpty()) vm.disconnect(wire[0], wire[1]);
        else vm.deleteSelection();
    }

    private void keyPressed(KeyEvent e) {
        if (e.getTarget() instanceof TextInputControl) return; // typing in the inspector keeps its own keys
        boolean ctrl = e.isShortcutDown();
        KeyCode k = e.getCode();
        boolean handled = true;
        if (k == KeyCode.DELETE || k == KeyCode.BACK_SPACE) deleteSelected();
        else if (ctrl && k == KeyCode.Z && e.isShiftDown()) vm.redo();
        else if (ctrl && k == KeyCode.Z) vm.undo();
        else if (ctrl && k == KeyCode.Y) vm.redo();
        else if (ctrl && k == KeyCode.C) vm.copySelection();
        else if (ctrl && k == KeyCode.V) vm.paste();
        else if (ctrl && k == KeyCode.D) vm.duplicateSelection();
        else if (ctrl && k == KeyCode.A) vm.selectAll();
        else if (!ctrl && k.isArrowKey() && !vm.selection().isEmpty()) nudge(k, e.isShiftDown() ? 1 : NUDGE);
        else if (!ctrl && (k == KeyCode.PLUS || k == KeyCode.ADD || k == KeyCode.EQUALS)) canvas.zoomBy(1.25);
        else if (!ctrl && (k == KeyCode.MINUS || k == KeyCode.SUBTRACT)) canvas.zoomBy(0.8);
        else handled = false;
        if (handled) e.consume();
    }

    /** Pixels an arrow key moves the selection (Shift: one pixel). */
    static final double NUDGE = 10;
    private long nudgeGesture;
    private long nudgeRevision = -1;

    /** Moves the selection; a run of arrow presses with no other edit between is one undo step. */
    private void nudge(KeyCode k, double step) {
        if (vm.revisionProperty().get() != nudgeRevision) nudgeGesture = vm.newGesture();
        double dx = k == KeyCode.LEFT ? -step : k == KeyCode.RIGHT ? step : 0;
        double dy = k == KeyCode.UP ? -step : k == KeyCode.DOWN ? step : 0;
        java.util.Map<String, org.convas.engine.spec.Position> moved = new java.util.LinkedHashMap<>();
        vm.positionsOf(vm.selection()).forEach((id, p) -> moved.put(id, new org.convas.engine.spec.Position(p.x() + dx, p.y() + dy)));
        vm.moveNodes(moved, nudgeGesture);
        nudgeRevision = vm.revisionProperty().get();
    }

    private void showTotals(NetworkReport r) {
        int errors = r.errors().size();
        totals.setText(Numbers.grouped(r.totalParameters()) + " params · " + Numbers.compact(r.totalMacs()) + " MACs · "
                + Numbers.bytes(r.forwardBytesPerImage()) + " activations/image"
                + (errors == 0 ? "" : " · " + errors + (errors == 1 ? " error" : " errors")));
    }

    // ---------------------------------------------------------------- default dialogs

    private UnsavedChoice askUnsaved(String name) {
        ButtonType save = new ButtonType("Save", ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType("Don't Save", ButtonBar.ButtonData.NO);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Save the changes to \"" + name + "\" first?", save, discard, ButtonType.CANCEL);
        a.setHeaderText("Unsaved changes");
        a.initOwner(window());
        Optional<ButtonType> r = a.showAndWait();
        if (r.isEmpty() || r.get() == ButtonType.CANCEL) return UnsavedChoice.CANCEL;
        return r.get() == save ? UnsavedChoice.SAVE : UnsavedChoice.DISCARD;
    }

    private RecoveryChoice askRecovery(DocumentModel.Recovery r) {
        ButtonType recover = new ButtonType("Recover", ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType("Discard", ButtonBar.ButtonData.NO);
        ButtonType later = new ButtonType("Later", ButtonBar.ButtonData.CANCEL_CLOSE);
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault()).format(r.savedAt());
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Convas closed unexpectedly with unsaved changes to \"" + r.name()
                + "\" (autosaved " + when + ")" + (r.documentFile() == null ? "" : "\nfile: " + r.documentFile()) + ".",
                recover, discard, later);
        a.setHeaderText("Recover unsaved work?");
        a.initOwner(window());
        Optional<ButtonType> c = a.showAndWait();
        if (c.isPresent() && c.get() == recover) return RecoveryChoice.RECOVER;
        if (c.isPresent() && c.get() == discard) return RecoveryChoice.DISCARD;
        return RecoveryChoice.LATER;
    }

    private static final class NativeDialogs implements FileDialogs {
        private File lastDirectory;

        @Override
        public Path open(Window owner, String title, FileChooser.ExtensionFilter filter) {
            FileChooser c = chooser(title, filter);
            File f = c.showOpenDialog(owner);
            return remember(f);
        }

        @Override
        public Path save(Window owner, String title, String initialName, FileChooser.ExtensionFilter filter) {
            FileChooser c = chooser(title, filter);
            c.setInitialFileName(initialName);
            return remember(c.showSaveDialog(owner));
        }

        private FileChooser chooser(String title, FileChooser.ExtensionFilter filter) {
            FileChooser c = new FileChooser();
            c.setTitle(title);
            c.getExtensionFilters().add(filter);
            if (lastDirectory != null && lastDirectory.isDirectory()) c.setInitialDirectory(lastDirectory);
            return c;
        }

        private Path remember(File f) {
            if (f == null) return null;
            lastDirectory = f.getParentFile();
            return f.toPath();
        }
    }
}
