package org.convas.app.teach;

import javafx.beans.value.ObservableValue;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.Shape;
import org.convas.samples.Preset;
import org.convas.samples.PresetFacts;
import org.convas.samples.Presets;

import java.util.Objects;
import java.util.function.Consumer;

import static org.convas.engine.calc.Numbers.compact;
import static org.convas.engine.calc.Numbers.grouped;

/**
 * The inspector's "What this layer does" section: {@link LayerExplanation} for the selected block, a button that
 * steps through a Conv or Pool block in the explorer, and — with no block selected — what the lectures say about
 * the preset on show (year, ILSVRC top-5 error, headline figures) next to the calculator's counts.
 */
public final class ExplanationPanel extends TitledPane {

    /** What "Step through it" hands over: the node and the shape that arrives at it. */
    public record Block(String id, LayerReport report, Shape input) {
    }

    private final ObservableValue<String> selected;
    private final ObservableValue<NetworkReport> report;
    private final Label text = new Label();
    private final Button stepThrough = new Button("Step through it ▸");
    private Consumer<Block> onStepThrough = b -> { };

    public ExplanationPanel(ObservableValue<String> selected, ObservableValue<NetworkReport> report) {
        this.selected = Objects.requireNonNull(selected);
        this.report = Objects.requireNonNull(report);
        setId("explanation");
        setText("What this layer does");
        getStyleClass().add("teach-explanation");
        setCollapsible(true);
        text.setId("explanation-text");
        text.getStyleClass().add("teach-explanation-text");
        text.setWrapText(true);

        stepThrough.setId("explain-step-through");
        stepThrough.setTooltip(new Tooltip("Watch this block's window slide over its input, value by value (Teach tab)"));
        stepThrough.setOnAction(e -> current().ifPresent(onStepThrough));
        // Scrolls within a modest height, so the block's settings above keep their room in the inspector.
        javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane(text);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(130);
        scroll.setMinViewportHeight(60);
        scroll.getStyleClass().add("edge-to-edge");
        setContent(new VBox(8, scroll, stepThrough));
        setMinHeight(0);
        selected.addListener((o, a, b) -> refresh());
        report.addListener((o, a, b) -> refresh());
        refresh();
    }

    public void setOnStepThrough(Consumer<Block> action) {
        onStepThrough = Objects.requireNonNull(action);
    }

    /** The explanation on show. */
    public String explanationText() {
        return text.getText();
    }

    private java.util.Optional<Block> current() {
        String id = selected.getValue();
        NetworkReport r = report.getValue();
        if (id == null || r == null) return java.util.Optional.empty();
        return r.find(id).filter(l -> LayerExplanation.canStepThrough(l.node().layer()))
                .filter(l -> !l.inputShapes().isEmpty() && l.inputShapes().get(0) != null)
                .map(l -> new Block(id, l, l.inputShapes().get(0)));
    }

    private void refresh() {
        String id = selected.getValue();
        NetworkReport r = report.getValue();
        LayerReport layer = id == null || r == null ? null : r.find(id).orElse(null);
        if (layer == null) {
            setText("About this network");
            text.setText(networkText(r));
        } else {
            setText("What this layer does");
            text.setText(LayerExplanation.of(layer));
        }
        boolean canStep = current().isPresent();
        stepThrough.setVisible(canStep);
        stepThrough.setManaged(canStep);
    }

    /** The preset whose network has this name ("LeNet-5"), if any: a preset opened in the designer keeps its name. */
    static Preset presetNamed(String name) {
        if (names == null) {
            java.util.Map<String, Preset> m = new java.util.HashMap<>();
            for (Preset p : Presets.all()) m.putIfAbsent(p.spec().name(), p);
            names = m;
        }
        return names.get(name);
    }

    private static java.util.Map<String, Preset> names;

    private String networkText(NetworkReport r) {
        StringBuilder sb = new StringBuilder();
        Preset p = r == null ? null : presetNamed(r.spec().name());
        if (p != null) {
            sb.append(p.title()).append(": ").append(p.description());
            PresetFacts.of(p.key()).ifPresent(f -> sb.append("\n\n").append(f.summaryLine()).append("\n").append(f.headline())
                    .append("\n(").append(f.source()).append(")"));
        }
        if (r != null) {
            if (sb.length() > 0) sb.append("\n\n");
            sb.append("Convas counts ").append(grouped(r.totalParameters())).append(" parameters and ")
                    .append(compact(r.totalMacs())).append(" multiply-adds per image for the network on show.");
        }
        sb.append(sb.length() > 0 ? "\n\n" : "").append("Select a block to see what it does, with its numbers.");
        return sb.toString();
    }
}
