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
    private Menu fileMenu;
    /** Where {@link #addFileItems} puts the next items: after the designer's own and those added before. */
    private int fileItemsEnd;
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
        split.setDividerPositions(0.13, 0.78);
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

    /** A designer view with its view-model on a document store: what the main window mounts. */
    public static DesignerView create(DocumentModel documents) {
        return new DesignerView(new DesignerViewModel(documents));
    }

    // ---------------------------------------------------------------- for the main window and the summary table

    public DesignerViewModel viewModel() { return vm; }

    public DesignerCanvas canvas() { return canvas; }

    public InspectorView inspector() { return inspector; }

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

    /**
     * Adds other features' items to the File menu (File ▸ Export Network, Import Model), after a separator below the
     * designer's own items and those added before: still in place when the menu has moved into the main window's bar,
     * before the Quit the window adds.
     */
    public void addFileItems(java.util.List<? extends MenuItem> items) {
        java.util.List<MenuItem> added = new java.util.ArrayList<>();
        added.add(new SeparatorMenuItem());
        added.addAll(items);
        fileMenu.getItems().addAll(fileItemsEnd, added);
        fileItemsEnd += added.size();
    }

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
        // Once the window has its size and place (a window manager may still be moving it right after it shows).
        javafx.animation.PauseTransition settled = new javafx.animation.PauseTransition(javafx.util.Duration.millis(400));
        settled.setOnFinished(e -> offerRecovery());
        if (stage.isShowing()) settled.play();
        else stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_SHOWN, e -> settled.play());
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
                Alert a = Dialogs.error(window(), "Cannot recover " + r.name(), "The unsaved work cannot be read back; it is kept in "
                        + r.file().getParent() + ".", vm.messageProperty().get());
                a.getDialogPane().setId("recover-error");
                a.show();
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
        if (confirmClose()) vm.newFrom(preset);
    }

    public void open() {
        if (!confirmClose()) return;
        Path p = dialogs.open(getScene() == null ? null : getScene().getWindow(), "Open network", NETWORKS);
        if (p != null) openFile(p);
    }

    public void openRecent(Path p) {
        if (confirmClose()) openFile(p);
    }

    /**
     * Opens a file; when it cannot be read, a dialog gives the whole message (file, node, field, rule) and the
     * current network stays as it was.
     */
    public boolean openFile(Path p) {
        if (vm.open(p)) return true;
        String message = vm.messageProperty().get();
        String prefix = "Cannot open " + p.getFileName() + ": ";
        Alert a = Dialogs.error(window(), "Cannot open " + p.getFileName(), "This file cannot be opened; the current network is unchanged.",
                message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        a.getDialogPane().setId("open-error");
        a.show();
        return false;
    }

    public boolean save() {
        if (vm.fileProperty().get() == null) return saveAs();
        return failed(vm.save(), "Cannot save", "The network was not saved; the file on disk is unchanged.");
    }

    public boolean saveAs() {
        Path p = dialogs.save(window(), "Save network", vm.documentNameProperty().get() + DocumentModel.EXTENSION, NETWORKS);
        return p != null && failed(vm.saveAs(p), "Cannot save " + p.getFileName(), "The network was not saved; the file on disk is unchanged.");
    }

    public void exportCsv() {
        Path p = dialogs.save(window(), "Export summary as CSV", vm.documentNameProperty().get() + ".csv", CSV);
        if (p != null) failed(vm.exportCsv(p), "Cannot export " + p.getFileName(), "The summary was not exported.");
    }

    public void exportMarkdown() {
        Path p = dialogs.save(window(), "Export summary as Markdown", vm.documentNameProperty().get() + ".md", MARKDOWN);
        if (p != null) failed(vm.exportMarkdown(p), "Cannot export " + p.getFileName(), "The summary was not exported.");
    }

    /** When {@code ok} is false, shows the view-model's message (the status line's text) in an error dialog. */
    private boolean failed(boolean ok, String title, String header) {
        if (!ok) org.convas.app.ErrorDialog.show(window(), title, header, vm.messageProperty().get());
        return ok;
    }

    public void exportPng(int scale) {
        String suffix = scale == 1 ? "" : "@" + scale + "x";
        Path p = dialogs.save(window(), "Export canvas as PNG (" + scale + "×)", vm.documentNameProperty().get() + suffix + ".png", PNG);
        if (p != null) writePng(p, scale);
    }

    /** The whole network at 100 % as a PNG file (written atomically). */
    public boolean writePng(Path p) {
        return writePng(p, 1);
    }

    /** The whole network as a PNG file at 1×, 2× or 3× (for slides and high-density screens), written atomically. */
    public boolean writePng(Path p, int scale) {
        try {
            var image = SwingFXUtils.fromFXImage(canvas.snapshotNetwork(scale), null);
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
                new Menu("Export Canvas as PNG", null, item("Actual Size (1×)…", null, () -> exportPng(1)),
                        item("Double Size (2×)…", null, () -> exportPng(2)), item("Triple Size (3×)…", null, () -> exportPng(3))));

        fileMenu = file;
        fileItemsEnd = file.getItems().size();

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
                item("Rename…", "F2", this::rename), floorModeItem(),
                item("Automatic Layout", "Shortcut+L", vm::autoLayout));

        Menu view = new Menu("View");
        javafx.scene.control.CheckMenuItem overview = new javafx.scene.control.CheckMenuItem("Overview");
        overview.setId("menu-overview");
        overview.setAccelerator(KeyCombination.keyCombination("Shortcut+M"));
        overview.selectedProperty().bindBidirectional(canvas.overview().visibleProperty());
        canvas.overview().visibleProperty().addListener((o, a, b) -> canvas.refresh());
        view.getItems().addAll(item("Zoom In\t+", null, () -> canvas.zoomBy(1.25)), item("Zoom Out\t−", null, () -> canvas.zoomBy(0.8)),
                item("Fit to Window", "Shortcut+0", canvas::fitToWindow), item("Readable Size", null, canvas::showReadable),
                new SeparatorMenuItem(), overview,
                item("Collapse All Modules", "Shortcut+Shift+MINUS", () -> canvas.setAllCollapsed(true)),
                item("Expand All Modules", "Shortcut+Shift+EQUALS", () -> canvas.setAllCollapsed(false)));
        Menu help = new Menu("Help");
        help.setId("menu-help");
        help.getItems().addAll(item("Keyboard Shortcuts", "F1", this::showShortcuts), item("About Convas", null, this::showAbout));
        MenuBar bar = new MenuBar(file, edit, view, help);
        bar.setId("designer-menu");
        return bar;
    }

    /**
     * Edit ▸ Rename (F2): the selected block's name (its id), or the network's name when no block is selected.
     * A name that is taken or empty is refused with the reason, and the dialog asks again.
     */
    public void rename() {
        String id = vm.selectedNodeIdProperty().get();
        boolean block = id != null && vm.spec().contains(id);
        String current = block ? id : vm.spec().name();
        javafx.scene.control.TextInputDialog d = Dialogs.ownedBy(new javafx.scene.control.TextInputDialog(current), window());
        d.setTitle(block ? "Rename block" : "Rename network");
        d.setHeaderText(block ? "New name for " + id + " (" + Palette.titleOf(vm.spec().node(id).layer()) + ")" : "New name for the network");
        d.getDialogPane().setId("rename-dialog");
        while (true) {
            Optional<String> name = d.showAndWait();
            if (name.isEmpty()) return;
            boolean done = block ? vm.renameNode(id, name.get()) : vm.renameNetwork(name.get());
            if (done || name.get().strip().equals(current)) return;
            d.setHeaderText(vm.messageProperty().get());
        }
    }

    /** Edit ▸ Floor Mode: the network setting, ticked while it is on (undo turns it back). */
    private MenuItem floorModeItem() {
        javafx.scene.control.CheckMenuItem floor = new javafx.scene.control.CheckMenuItem("Floor Mode (floor windows that do not fit)");
        floor.setId("menu-floor-mode");
        floor.setSelected(vm.spec().floorMode());
        vm.revisionProperty().addListener((o, a, b) -> floor.setSelected(vm.spec().floorMode()));
        floor.setOnAction(e -> vm.setFloorMode(floor.isSelected()));
        return floor;
    }

    /** Help ▸ Keyboard Shortcuts (F1): every key the designer answers to. */
    public void showShortcuts() {
        Alert a = Dialogs.ownedBy(new Alert(Alert.AlertType.INFORMATION, SHORTCUTS, ButtonType.CLOSE), window());
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts (Ctrl is ⌘ on a Mac)");
        a.getDialogPane().setId("shortcuts");
        a.getDialogPane().setPrefWidth(620);
        a.getDialogPane().setStyle("-fx-font-family: monospace;");
        a.show();
    }

    private void showAbout() {
        Alert a = Dialogs.ownedBy(new Alert(Alert.AlertType.INFORMATION,
                "Design, inspect and train convolutional neural networks on the CPU.\nMIT licence; the bundled Fashion-MNIST subset is MIT "
                        + "licensed by Zalando Research.", ButtonType.CLOSE), window());
        a.setTitle("About Convas");
        a.setHeaderText("Convas");
        a.show();
    }

    /** The shortcut list the Help menu shows, one key a line. */
    static final String SHORTCUTS = String.join("\n",
            "Ctrl+N            new network          Ctrl+O        open",
            "Ctrl+S            save                 Ctrl+Shift+S  save as",
            "Ctrl+Z            undo                 Ctrl+Y        redo (also Ctrl+Shift+Z)",
            "Ctrl+C / Ctrl+V   copy / paste         Ctrl+D        duplicate",
            "Delete            delete the selection or the clicked wire",
            "Ctrl+A            select all           F2            rename block or network",
            "Arrow keys        move the selection by 10 px (Shift: 1 px)",
            "+ / −             zoom in / out        Ctrl+wheel    zoom at the pointer",
            "Ctrl+0            fit to window        Ctrl+L        automatic layout",
            "Ctrl+M            overview on/off      drag background  pan",
            "Ctrl+Shift+−/+    collapse / expand every residual block and Inception module",
            "double-click      expand a folded module; right-click a block to fold its module",
            "Shift+drag        select with a rubber band; Ctrl/Shift+click adds to the selection",
            "Enter / double-click in the palette   append the block after the selection",
            "F1                this list            Ctrl+Q        quit");

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
        Dialogs.ownedBy(a, window());
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
        Dialogs.ownedBy(a, window());
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
