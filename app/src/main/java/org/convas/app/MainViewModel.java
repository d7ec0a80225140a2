package org.convas.app;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.convas.app.cli.NetworkSource;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Preset;

import java.nio.file.Path;
import java.util.Objects;
import java.util.List;

/**
 * State of the main window, as JavaFX properties: the network on show (the designer's document, followed on
 * every edit), its report, the document's name and the preset it came from, the shared selection and the
 * status line. Never touches a control, so it is tested without a window. The report always belongs to the
 * spec: every change of the spec recomputes it (the calculator takes microseconds).
 */
public final class MainViewModel {

    static final String APP_NAME = "Convas";

    private final List<Preset> catalogue;
    private final ReadOnlyObjectWrapper<NetworkSpec> spec = new ReadOnlyObjectWrapper<>(this, "spec");
    private final ReadOnlyObjectWrapper<NetworkReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyObjectWrapper<Preset> preset = new ReadOnlyObjectWrapper<>(this, "preset");
    private final ReadOnlyStringWrapper documentName = new ReadOnlyStringWrapper(this, "documentName", "");
    private final ObjectProperty<String> selectedNodeId = new SimpleObjectProperty<>(this, "selectedNodeId");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", APP_NAME);

    /**
     * @param catalogue the presets the chooser offers
     * @param initial   the network to open on (until a designer is mounted, which then owns the document)
     */
    public MainViewModel(List<Preset> catalogue, NetworkSource initial) {
        this.catalogue = List.copyOf(catalogue);
        preset.set(initial.preset());
        documentName.set(initial.file() != null ? fileName(initial.file()) : displayName(initial.spec()));
        setSpec(initial.spec());
    }

    // ---------------------------------------------------------------- commands

    /**
     * The document on show changed (the designer opened, saved or renamed one): its name for the status line
     * and the title, and the preset it came from (null for a file or a new network) for the chooser.
     */
    public void setDocument(String name, Preset from) {
        documentName.set(name == null || name.isBlank() ? displayName(spec.get()) : name);
        preset.set(from);
        if (spec.get() != null) {
            status.set(describe(documentName.get(), report.get()));
            title.set(documentName.get() + " — " + APP_NAME);
        }
    }

    /**
     * Replaces the network with an edited version (the designer calls this after each edit); it keeps where
     * the network came from and the selection when the selected node still exists.
     */
    public void setSpec(NetworkSpec edited) {
        Objects.requireNonNull(edited, "spec");
        spec.set(edited);
        NetworkReport r = Calculator.analyze(edited);
        report.set(r);
        if (selectedNodeId.get() != null && !edited.contains(selectedNodeId.get())) selectedNodeId.set(null);
        status.set(describe(documentName.get(), r));
        title.set(documentName.get() + " — " + APP_NAME);
    }

    // ---------------------------------------------------------------- state

    public List<Preset> presets() { return catalogue; }

    public ReadOnlyObjectProperty<NetworkSpec> specProperty() { return spec.getReadOnlyProperty(); }

    public NetworkSpec getSpec() { return spec.get(); }

    public ReadOnlyObjectProperty<NetworkReport> reportProperty() { return report.getReadOnlyProperty(); }

    public NetworkReport getReport() { return report.get(); }

    /** The preset the document on show came from, or null for a file or a new network. */
    public ReadOnlyObjectProperty<Preset> presetProperty() { return preset.getReadOnlyProperty(); }

    public Preset getPreset() { return preset.get(); }

    /** What the document on show is called: its file's name ("my-net"), its preset's ("LeNet-5"), or "Untitled". */
    public ReadOnlyStringProperty documentNameProperty() { return documentName.getReadOnlyProperty(); }

    public String getDocumentName() { return documentName.get(); }

    /** The node selected in any view (table, problem list, designer); null for none. */
    public ObjectProperty<String> selectedNodeIdProperty() { return selectedNodeId; }

    /** One line for the status bar: "LeNet-5: 13 nodes, 61,706 parameters, 416.5K MACs per image; no problems". */
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }

    public String getStatus() { return status.get(); }

    /** The window title: "LeNet-5 — Convas", "my-net — Convas". */
    public ReadOnlyStringProperty titleProperty() { return title.getReadOnlyProperty(); }

    public String getTitle() { return title.get(); }

    // ---------------------------------------------------------------- internals

    /** "my-net: 14 nodes, 61,706 parameters, 416.5K MACs per image; no problems". */
    static String describe(String name, NetworkReport r) {
        int errors = r.errors().size();
        int warnings = r.warnings().size();
        String problems = errors == 0 && warnings == 0 ? "no problems"
                : plural(errors, "error") + ", " + plural(warnings, "warning");
        return name + ": " + plural(r.layers().size(), "node") + ", "
                + Numbers.grouped(r.totalParameters()) + " parameters, " + Numbers.compact(r.totalMacs())
                + " MACs per image; " + problems;
    }

    private static String fileName(Path f) {
        String n = f.getFileName().toString();
        if (n.endsWith(".convas.json")) return n.substring(0, n.length() - ".convas.json".length());
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String displayName(NetworkSpec s) {
        return s == null || s.name().isBlank() ? "Untitled" : s.name();
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
