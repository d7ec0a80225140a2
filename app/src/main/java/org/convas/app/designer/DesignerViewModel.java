package org.convas.app.designer;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableSet;
import javafx.collections.SetChangeListener;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.ReportExport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.calc.Fix;
import org.convas.engine.calc.Problem;
import org.convas.samples.Preset;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The designer's state and commands, without a window: the document (spec, file, name, dirty flag), the
 * selection (a set of node ids with a primary {@link #selectedNodeIdProperty()}), the {@link NetworkReport}
 * recomputed on every revision, and every editing and document command. All edits go through
 * {@link DesignerCommand}s on the {@link EditHistory}, so every one of them can be undone.
 *
 * <p>Call it on the JavaFX thread (or one thread in tests). Autosave writes an immutable snapshot on a
 * background thread, {@link #AUTOSAVE_DELAY} after the last edit.
 */
public final class DesignerViewModel {

    public static final Duration AUTOSAVE_DELAY = Duration.ofSeconds(2);
    /** Offset of each paste and duplicate from its original, so the copy is visible. */
    static final double PASTE_OFFSET = 40;

    private final DocumentModel documents;
    private final EditHistory history;
    private final ReadOnlyObjectWrapper<NetworkReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ObservableSet<String> selection = FXCollections.observableSet(new LinkedHashSet<>());
    private final ObjectProperty<String> selectedNodeId = new SimpleObjectProperty<>(this, "selectedNodeId");
    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ReadOnlyObjectWrapper<Preset> preset = new ReadOnlyObjectWrapper<>(this, "preset");
    private final ReadOnlyStringWrapper documentName = new ReadOnlyStringWrapper(this, "documentName", "");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
    private final AtomicLong gestures = new AtomicLong();
    private final javafx.beans.property.ReadOnlyLongWrapper documentsLoaded = new javafx.beans.property.ReadOnlyLongWrapper(this, "documentsLoaded");
    private final Duration autosaveDelay;
    private NetworkSpec savedSpec;
    private DesignerCommand.Paste clipboard;
    private int pasteCount;
    private boolean syncingSelection;
    private ScheduledExecutorService autosaver;
    private ScheduledFuture<?> pendingAutosave;
    private boolean closed;

    public DesignerViewModel(DocumentModel documents) {
        this(documents, AUTOSAVE_DELAY);
    }

    public DesignerViewModel(DocumentModel documents, Duration autosaveDelay) {
        this.documents = documents;
        this.autosaveDelay = autosaveDelay;
        NetworkSpec blank = blankNetwork();
        this.history = new EditHistory(blank);
        this.savedSpec = blank;
        report.set(Calculator.analyze(blank));
        documentName.set(blank.name());
        history.revisionProperty().addListener((o, a, b) -> revised());
        selection.addListener((SetChangeListener<String>) c -> {
            if (syncingSelection) return;
            String primary = selectedNodeId.get();
            if (primary == null || !selection.contains(primary)) {
                syncingSelection = true;
                selectedNodeId.set(selection.isEmpty() ? null : selection.iterator().next());
                syncingSelection = false;
            }
        });
        selectedNodeId.addListener((o, old, id) -> {
            if (syncingSelection) return;
            syncingSelection = true;
            try {
                // Set from outside (a table row, a click): that block alone is selected.
                selection.clear();
                if (id != null && history.spec().contains(id)) selection.add(id);
            } finally {
                syncingSelection = false;
            }
        });
        updateTitle();
        recentFiles.setAll(documents.recentFiles());
    }

    /** What a new document is called until it is named or saved. */
    public static final String UNTITLED = "Untitled";

    /**
     * Why a file operation failed, in words: the JDK's exceptions often carry only the path as their message
     * ("/x/net.json"), so their kind says what happened.
     */
    static String reason(IOException e, Path path) {
        if (e instanceof java.nio.file.NoSuchFileException) return "there is no such file (" + path + ")";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied (" + path + ")";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason() + " (" + path + ")";
        String m = e.getMessage();
        return m == null || m.isBlank() || m.equals(path.toString()) ? "the file cannot be read or written (" + path + ")" : m;
    }

    /** A new document's network: one Input block. */
    public static NetworkSpec blankNetwork() {
        return NetworkSpec.builder(UNTITLED).input(32, 32, 3).build()
                .withPosition("input", new Position(0, 0));
    }

    // ---------------------------------------------------------------- state

    public ReadOnlyObjectProperty<NetworkSpec> specProperty() { return history.specProperty(); }

    public NetworkSpec spec() { return history.spec(); }

    /** The calculator's report of the current spec; a new value on every revision. */
    public ReadOnlyObjectProperty<NetworkReport> reportProperty() { return report.getReadOnlyProperty(); }

    public NetworkReport report() { return report.get(); }

    public ReadOnlyLongProperty revisionProperty() { return history.revisionProperty(); }

    public EditHistory history() { return history; }

    /** The preset the document was made from, until it is opened from or saved to a file; null otherwise. */
    public ReadOnlyObjectProperty<Preset> presetProperty() { return preset.getReadOnlyProperty(); }

    /** The primary selected block, or null; setting it selects that block alone (two-way with a table). */
    public ObjectProperty<String> selectedNodeIdProperty() { return selectedNodeId; }

    /** All selected blocks (the primary among them). Modifiable: views add and remove ids. */
    public ObservableSet<String> selection() { return selection; }

    public ReadOnlyObjectProperty<Path> fileProperty() { return file.getReadOnlyProperty(); }

    public ReadOnlyStringProperty documentNameProperty() { return documentName.getReadOnlyProperty(); }

    /** True when the spec differs from the one last saved or opened (undoing back to it makes it clean). */
    public ReadOnlyBooleanProperty dirtyProperty() { return dirty.getReadOnlyProperty(); }

    public boolean isDirty() { return dirty.get(); }

    /** "*LeNet-5 — Convas" with the mark when unsaved. */
    public ReadOnlyStringProperty titleProperty() { return title.getReadOnlyProperty(); }

    /** The last status or error message for the status bar ("" when none). */
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }

    public ObservableList<Path> recentFiles() { return recentFiles; }

    /** Goes up by one each time another document is loaded (new, open, recover): views then fit it to the window. */
    public ReadOnlyLongProperty documentsLoadedProperty() { return documentsLoaded.getReadOnlyProperty(); }

    public DocumentModel documents() { return documents; }

    // ---------------------------------------------------------------- selection

    public void select(String id) {
        selection.clear();
        if (id != null) selection.add(id);
        selectedNodeId.set(id);
    }

    /** Adds to or removes from the selection (Ctrl+click). */
    public void toggleSelected(String id) {
        if (!selection.remove(id)) {
            selection.add(id);
            syncingSelection = true;
            try {
                selectedNodeId.set(id); // the newest becomes primary; the rest stay selected
            } finally {
                syncingSelection = false;
            }
        }
    }

    /** Makes a selected block the primary one and keeps the rest of the selection (a click inside a multi-selection). */
    public void makePrimary(String id) {
        if (!selection.contains(id)) {
            select(id);
            return;
        }
        syncingSelection = true;
        try {
            selectedNodeId.set(id);
        } finally {
            syncingSelection = false;
        }
    }

    public void selectOnly(Collection<String> ids) {
        selection.clear();
        selection.addAll(ids);
    }

    public void selectAll() {
        selectOnly(spec().nodes().stream().map(Node::id).toList());
    }

    public void clearSelection() {
        selection.clear();
    }

    // ---------------------------------------------------------------- editing commands

    /**
     * Runs a command as one undo step; new blocks become the selection. A command that does not apply
     * leaves everything as it was and explains why in {@link #messageProperty()}.
     */
    public boolean execute(DesignerCommand command) {
        NetworkSpec before = spec();
        try {
            if (!history.execute(command)) return false;
        } catch (IllegalArgumentException e) {
            message.set("Cannot " + command.description() + ": " + e.getMessage());
            return false;
        }
        Set<String> added = new LinkedHashSet<>();
        for (Node n : spec().nodes()) if (!before.contains(n.id())) added.add(n.id());
        if (!added.isEmpty()) selectOnly(added);
        message.set("");
        return true;
    }

    public boolean undo() { return history.undo(); }

    public boolean redo() { return history.redo(); }

    /** Adds an unconnected block at a canvas position; returns its id, or null. */
    public String addLayer(LayerSpec layer, Position position) {
        return execute(new DesignerCommand.AddNode(layer, position, List.of())) ? selectedNodeId.get() : null;
    }

    /** Inserts a block below {@code upstream}, between it and all its consumers; returns the new id, or null. */
    public String insertAfter(String upstream, LayerSpec layer) {
        return execute(new DesignerCommand.InsertIntoChain(layer, upstream, null)) ? selectedNodeId.get() : null;
    }

    /** Inserts a block into the connection from → to; returns the new id, or null. */
    public String insertOnConnection(String from, String to, LayerSpec layer) {
        return execute(new DesignerCommand.InsertIntoChain(layer, from, to)) ? selectedNodeId.get() : null;
    }

    /**
     * The keyboard and double-click alternative to dragging: adds a block after the selected one, or after the
     * network's last block when nothing is selected (an Input block is always added on its own).
     */
    public String appendLayer(LayerSpec layer) {
        String after = selectedNodeId.get();
        if (after == null || !spec().contains(after)) after = lastBlock();
        if (after == null || layer instanceof LayerSpec.Input) return addLayer(layer, freePosition());
        return insertAfter(after, layer);
    }

    /** Puts a view's explanation in the status line (a gesture that does not apply, e.g. a wire onto a folded module). */
    public void tell(String text) { message.set(text); }

    /** Freezes or unfreezes a block's parameters (undoable). */
    public boolean setTrainable(String id, boolean trainable) {
        return execute(new DesignerCommand.SetTrainable(id, trainable));
    }

    public boolean connect(String from, String to) { return execute(new DesignerCommand.Connect(from, to)); }

    public boolean disconnect(String from, String to) { return execute(new DesignerCommand.Disconnect(from, to)); }

    /** A new id for one drag gesture; moves with the same gesture merge into one undo step. */
    public long newGesture() { return gestures.incrementAndGet(); }

    public boolean moveNodes(Map<String, Position> positions, long gesture) {
        return execute(new DesignerCommand.MoveNodes(positions, gesture));
    }

    /** Changes a block's hyperparameters (one field, named so that typing merges into one undo step). */
    public boolean setLayer(String id, LayerSpec layer, String field) {
        return execute(new DesignerCommand.SetLayer(id, layer, field));
    }

    public boolean deleteSelection() {
        Set<String> ids = existingSelection();
        return !ids.isEmpty() && execute(new DesignerCommand.RemoveNodes(ids));
    }

    public boolean copySelection() {
        Set<String> ids = existingSelection();
        if (ids.isEmpty()) return false;
        clipboard = DesignerCommand.copyOf(spec(), ids, 0, 0);
        pasteCount = 0;
        message.set("Copied " + ids.size() + (ids.size() == 1 ? " block" : " blocks"));
        return true;
    }

    public boolean canPaste() { return clipboard != null; }

    public boolean paste() {
        if (clipboard == null) return false;
        pasteCount++;
        double d = PASTE_OFFSET * pasteCount;
        return execute(new DesignerCommand.Paste(clipboard.nodes(), clipboard.positions(), d, d));
    }

    public boolean duplicateSelection() {
        Set<String> ids = existingSelection();
        return !ids.isEmpty() && execute(DesignerCommand.copyOf(spec(), ids, PASTE_OFFSET, PASTE_OFFSET));
    }

    public boolean autoLayout() { return execute(new DesignerCommand.ApplyAutoLayout()); }

    /** Applies one of a problem's verified fixes (one undo step); the fixed block stays selected. */
    public boolean applyFix(Problem problem, Fix fix) {
        String keep = selectedNodeId.get();
        if (!execute(new DesignerCommand.ApplyFix(problem.nodeId(), fix))) return false;
        if (keep != null && spec().contains(keep) && !(fix.change() instanceof Fix.InsertOnConnection)) select(keep);
        message.set("Applied " + fix.description() + " to " + problem.nodeId());
        return true;
    }

    /** Renames a block, keeping its connections; the renamed block stays selected. False (and why) if the name is taken or empty. */
    public boolean renameNode(String id, String newId) {
        boolean selected = selection.contains(id);
        if (!execute(new DesignerCommand.RenameNode(id, newId))) return false;
        if (selected) select(newId.strip());
        return true;
    }

    /** Renames the network (a new document is named after its file when first saved, see {@link #saveAs}). */
    public boolean renameNetwork(String name) {
        boolean renamed = execute(new DesignerCommand.RenameNetwork(name));
        if (renamed && file.get() == null) {
            documentName.set(spec().name());
            updateTitle();
        }
        return renamed;
    }

    /** Floor mode, a network setting: windows that do not fit are floored (a warning) instead of refused. */
    public boolean setFloorMode(boolean floor) { return execute(new DesignerCommand.SetFloorMode(floor)); }

    /** How the network's weights start when it is trained (an undoable edit, saved with the network). */
    public boolean setWeightInit(org.convas.engine.spec.WeightInit init) {
        if (init == null || init == spec().weightInit()) return false;
        return execute(new DesignerCommand.SetWeightInit(init));
    }

    private Set<String> existingSelection() {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : selection) if (spec().contains(id)) ids.add(id);
        return ids;
    }

    /** The block nothing reads that comes last in evaluation order, or null for an empty network. */
    private String lastBlock() {
        List<Node> order = spec().topologicalOrder().orElse(spec().nodes());
        Set<String> outputs = new HashSet<>();
        spec().outputs().forEach(n -> outputs.add(n.id()));
        for (int i = order.size() - 1; i >= 0; i--) if (outputs.contains(order.get(i).id())) return order.get(i).id();
        return null;
    }

    /** Below everything, so an added block never lands on another. */
    Position freePosition() {
        double maxY = -AutoLayout.ROW_SPACING;
        for (Position p : spec().layout().values()) maxY = Math.max(maxY, p.y());
        return new Position(0, maxY + AutoLayout.ROW_SPACING);
    }

    // ---------------------------------------------------------------- documents

    /** A new document with one Input block (undo history cleared). */
    public void newBlank() {
        load(blankNetwork(), null);
    }

    /** A new, unsaved document holding a copy of a network, laid out if it has no layout. */
    public void newFrom(NetworkSpec network) {
        load(network, null);
    }

    /** A new, unsaved document holding a copy of a preset; the preset is remembered for the main window's chooser. */
    public void newFrom(Preset p) {
        load(p.spec(), null);
        preset.set(p);
    }

    /**
     * Opens a network file. A file that cannot be read leaves the current work untouched and says why in
     * {@link #messageProperty()}; returns false then.
     */
    public boolean open(Path path) {
        NetworkSpec opened;
        try {
            opened = documents.open(path);
        } catch (SpecFormatException e) {
            message.set("Cannot open " + path.getFileName() + ": " + e.getMessage());
            return false;
        } catch (IOException e) {
            message.set("Cannot open " + path.getFileName() + ": " + reason(e, path));
            return false;
        }
        load(opened, path);
        recentFiles.setAll(documents.recentFiles());
        message.set("Opened " + path.getFileName());
        return true;
    }

    /** "net.json: permission denied": the file once, then why (an I/O message may name the file itself, or not). */
    static String withFile(Path path, IOException e) {
        String m = org.convas.engine.spec.ReadFiles.message(e);
        if (m.startsWith(path.toString())) return m;
        return path + ": " + (e instanceof java.nio.file.FileSystemException ? org.convas.engine.spec.ReadFiles.reason(e) : m);
    }

    /** Saves to the current file; false when the document has no file yet (the view then asks: Save As). */
    public boolean save() {
        return file.get() != null && saveAs(file.get());
    }

    public boolean saveAs(Path path) {
        // A new document is named after its file, so the file, the summary's heading, the status line and a
        // recovery offer all call it what the person called it, never "Untitled" (an undoable step).
        if (spec().name().isBlank() || spec().name().equals(UNTITLED)) execute(new DesignerCommand.RenameNetwork(DocumentModel.nameOf(path)));
        NetworkSpec spec = spec();
        try {
            documents.save(spec, path);
        } catch (IOException e) {
            message.set("Cannot save " + path + ": " + reason(e, path));
            return false;
        }
        savedSpec = spec;
        file.set(path);
        preset.set(null);
        documentName.set(DocumentModel.nameOf(path));
        recentFiles.setAll(documents.recentFiles());
        updateDirty();
        message.set("Saved " + path.getFileName());
        return true;
    }

    public boolean exportCsv(Path path) {
        try {
            ReportExport.writeCsv(report(), path);
            message.set("Exported the summary to " + path.getFileName());
            return true;
        } catch (IOException e) {
            message.set("Cannot export " + withFile(path, e));
            return false;
        }
    }

    public boolean exportMarkdown(Path path) {
        try {
            ReportExport.writeMarkdown(report(), path);
            message.set("Exported the summary to " + path.getFileName());
            return true;
        } catch (IOException e) {
            message.set("Cannot export " + withFile(path, e));
            return false;
        }
    }

    /** Unsaved work left by a session that crashed, newest first. */
    public List<DocumentModel.Recovery> recoveries() {
        return documents.recoveries();
    }

    /** Restores a crashed session's work as an unsaved document and deletes the recovery files. */
    public boolean recover(DocumentModel.Recovery r) {
        NetworkSpec spec;
        try {
            spec = r.load();
        } catch (SpecFormatException e) {
            message.set("Cannot recover " + r.name() + ": " + e.getMessage());
            return false;
        } catch (IOException e) {
            message.set("Cannot recover " + r.name() + ": " + reason(e, r.file()));
            return false;
        }
        load(spec, r.documentFile(), false); // recovered work is by definition not what is on disk
        autosaveNow();
        documents.discard(r);
        message.set("Recovered unsaved work on " + r.name());
        return true;
    }

    public void discardRecovery(DocumentModel.Recovery r) {
        documents.discard(r);
    }

    /** Writes the autosave now if the document is dirty (the debounced autosave does the same later). */
    public void autosaveNow() {
        if (!isDirty()) return;
        try {
            documents.autosave(spec(), file.get(), documentName.get());
        } catch (IOException e) {
            message.set("Autosave failed: " + e.getMessage());
        }
    }

    /**
     * Ends the session: stops autosave, and deletes this session's autosave unless {@code keepUnsaved} (a
     * close that the person confirmed discards the work; a crash never gets here and leaves it for recovery).
     * Only the first call counts.
     */
    public void close(boolean keepUnsaved) {
        if (closed) return; // the first close decides (a confirmed discard must not be autosaved again on exit)
        closed = true;
        ScheduledExecutorService stopping;
        synchronized (this) {
            if (pendingAutosave != null) pendingAutosave.cancel(false);
            stopping = autosaver;
            autosaver = null;
        }
        if (stopping != null) {
            stopping.shutdown();
            try {
                // A write already under way finishes first, so the clear below is the last word.
                stopping.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (keepUnsaved) autosaveNow();
        else documents.clearAutosave();
    }

    private void load(NetworkSpec network, Path path) {
        load(network, path, true);
    }

    private void load(NetworkSpec network, Path path, boolean clean) {
        NetworkSpec laidOut = network;
        boolean complete = network.nodes().stream().allMatch(n -> network.layout().containsKey(n.id()));
        if (!complete) laidOut = network.withLayout(AutoLayout.layout(network));
        savedSpec = clean ? laidOut : null;
        restartPasteOffset();
        selection.clear();
        file.set(path);
        preset.set(null);
        documentName.set(path != null ? DocumentModel.nameOf(path) : network.name().isBlank() ? UNTITLED : network.name());
        history.reset(laidOut);
        documentsLoaded.set(documentsLoaded.get() + 1);
    }

    private void restartPasteOffset() {
        pasteCount = 0; // copy in one network, paste in another: the clipboard survives, the offset restarts
    }

    private void revised() {
        NetworkSpec spec = spec();
        selection.removeIf(id -> !spec.contains(id));
        List<String> keptSelection = List.copyOf(selection);
        String keptPrimary = selectedNodeId.get();
        report.set(Calculator.analyze(spec));
        // A view that rebuilds on a new report (a summary table replacing its rows) may clear or move the
        // selection on the way; the selection belongs to the designer, so it is put back as it was.
        if (!java.util.Objects.equals(selectedNodeId.get(), keptPrimary) || !selection.equals(Set.copyOf(keptSelection))) {
            syncingSelection = true;
            try {
                selection.clear();
                selection.addAll(keptSelection);
                selectedNodeId.set(keptPrimary);
            } finally {
                syncingSelection = false;
            }
        }
        updateDirty();
        scheduleAutosave();
    }

    private void updateDirty() {
        dirty.set(!spec().equals(savedSpec));
        updateTitle();
    }

    private void updateTitle() {
        title.set((dirty.get() ? "*" : "") + documentName.get() + " — Convas");
    }

    private synchronized void scheduleAutosave() {
        if (closed) return;
        if (pendingAutosave != null) pendingAutosave.cancel(false);
        NetworkSpec snapshot = spec();
        Path doc = file.get();
        String name = documentName.get();
        boolean unsaved = isDirty();
        if (autosaver == null) {
            java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "convas-autosave");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true); // a burst of edits leaves one pending write, not one per edit
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            autosaver = executor;
        }
        pendingAutosave = autosaver.schedule(() -> {
            try {
                if (unsaved) documents.autosave(snapshot, doc, name);
                else documents.clearAutosave();
            } catch (IOException | RuntimeException e) {
                System.err.println("Convas autosave failed: " + e.getMessage());
            }
        }, unsaved ? autosaveDelay.toMillis() : 0, TimeUnit.MILLISECONDS);
    }

    /** Positions of the given blocks (for views that start a drag). */
    public Map<String, Position> positionsOf(Collection<String> ids) {
        Map<String, Position> out = new LinkedHashMap<>();
        for (String id : ids) {
            Position p = spec().layout().get(id);
            if (p != null) out.put(id, p);
        }
        return out;
    }
}
