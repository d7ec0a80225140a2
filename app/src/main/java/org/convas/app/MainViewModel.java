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
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;
import org.convas.samples.Preset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * State of the main window, as JavaFX properties, and the commands that change it. Never touches a control,
 * so it is tested without a window. The report always belongs to the spec: every change of the spec
 * recomputes it (the calculator takes microseconds).
 */
public final class MainViewModel {

    static final String APP_NAME = "Convas";

    private final List<Preset> catalogue;
    private final ReadOnlyObjectWrapper<NetworkSpec> spec = new ReadOnlyObjectWrapper<>(this, "spec");
    private final ReadOnlyObjectWrapper<NetworkReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyObjectWrapper<Preset> preset = new ReadOnlyObjectWrapper<>(this, "preset");
    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ObjectProperty<String> selectedNodeId = new SimpleObjectProperty<>(this, "selectedNodeId");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", APP_NAME);

    /**
     * @param catalogue the presets the chooser offers
     * @param initial   the network to open on
     */
    public MainViewModel(List<Preset> catalogue, NetworkSource initial) {
        this.catalogue = List.copyOf(catalogue);
        show(initial);
    }

    // ---------------------------------------------------------------- commands

    /** Opens a preset; the previous network is replaced. */
    public void loadPreset(Preset p) {
        Objects.requireNonNull(p, "preset");
        show(new NetworkSource(p.spec(), p, null));
    }

    /**
     * Opens a network JSON file. When the file cannot be read or is not a valid network, nothing changes
     * except the status, and the message (naming the file, node and field) is returned for the view to show.
     */
    public Optional<String> open(Path path) {
        try {
            NetworkSpec loaded = NetworkJson.read(path);
            show(new NetworkSource(loaded, null, path));
            return Optional.empty();
        } catch (SpecFormatException e) {
            return failed(e.getMessage());
        } catch (IOException e) {
            return failed("cannot read " + path + ": " + e.getMessage());
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
        status.set(describe(r));
        title.set(titleFor(edited, file.get()));
    }

    /**
     * Says where the document on show came from, after the designer loaded another one: the preset it is (so the
     * Network chooser shows it, and choosing another preset loads that), or its file; both null for a network from
     * elsewhere (a checkpoint, a new blank document).
     */
    public void setOrigin(Preset p, Path f) {
        file.set(f); // first: the chooser's text for "no preset" depends on it
        preset.set(p);
        if (spec.get() != null) title.set(titleFor(spec.get(), f));
    }

    /** The preset whose network this is (same layers, wiring and name; positions do not count), or null. */
    public Preset presetOf(NetworkSpec s) {
        if (s == null) return null;
        for (Preset p : catalogue) {
            NetworkSpec candidate = p.spec();
            if (candidate.name().equals(s.name()) && candidate.nodes().equals(s.nodes())) return p;
        }
        return null;
    }

    // ---------------------------------------------------------------- state

    public List<Preset> presets() { return catalogue; }

    public ReadOnlyObjectProperty<NetworkSpec> specProperty() { return spec.getReadOnlyProperty(); }

    public NetworkSpec getSpec() { return spec.get(); }

    public ReadOnlyObjectProperty<NetworkReport> reportProperty() { return report.getReadOnlyProperty(); }

    public NetworkReport getReport() { return report.get(); }

    /** The preset on show, or null when the network came from a file. */
    public ReadOnlyObjectProperty<Preset> presetProperty() { return preset.getReadOnlyProperty(); }

    public Preset getPreset() { return preset.get(); }

    /** The file on show, or null when the network came from a preset. */
    public ReadOnlyObjectProperty<Path> fileProperty() { return file.getReadOnlyProperty(); }

    public Path getFile() { return file.get(); }

    /** The node selected in any view (table, problem list, designer); null for none. */
    public ObjectProperty<String> selectedNodeIdProperty() { return selectedNodeId; }

    /** One line for the status bar: "LeNet-5: 13 nodes, 61,706 parameters, 416.5K MACs per image; no problems". */
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }

    public String getStatus() { return status.get(); }

    /** The window title: "LeNet-5 — Convas", or "my-net — my-net.json — Convas" for a file. */
    public ReadOnlyStringProperty titleProperty() { return title.getReadOnlyProperty(); }

    public String getTitle() { return title.get(); }

    // ---------------------------------------------------------------- internals

    private void show(NetworkSource source) {
        selectedNodeId.set(null);
        preset.set(source.preset());
        file.set(source.file());
        setSpec(source.spec());
    }

    private Optional<String> failed(String message) {
        String kept = spec.get() == null ? "" : "; still showing " + displayName(spec.get());
        status.set("Not opened: " + message + kept);
        return Optional.of(message);
    }

    static String describe(NetworkReport r) {
        int errors = r.errors().size();
        int warnings = r.warnings().size();
        String problems = errors == 0 && warnings == 0 ? "no problems"
                : plural(errors, "error") + ", " + plural(warnings, "warning");
        return displayName(r.spec()) + ": " + plural(r.layers().size(), "node") + ", "
                + Numbers.grouped(r.totalParameters()) + " parameters, " + Numbers.compact(r.totalMacs())
                + " MACs per image; " + problems;
    }

    private static String titleFor(NetworkSpec s, Path f) {
        return displayName(s) + (f == null ? "" : " — " + f.getFileName()) + " — " + APP_NAME;
    }

    private static String displayName(NetworkSpec s) {
        return s.name().isBlank() ? "Untitled network" : s.name();
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
