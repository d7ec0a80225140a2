package org.convas.app.designer;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.util.Duration;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One block on the canvas: a colour strip for its category, its label ("Conv 5×5/1, 6") and id, its output
 * shape ("28×28×6", or a grey "?×?×?" when unknown) and its parameter count. An input port on top and an
 * output port at the bottom. Red with the problem in a tooltip when its settings do not fit.
 */
public final class BlockView extends Pane {

    static final double PORT_RADIUS = 6;

    private final String id;
    private final Label title = new Label();
    private final Label nodeId = new Label();
    private final Label shape = new Label();
    private final Label params = new Label();
    private final Circle inputPort = new Circle(PORT_RADIUS);
    private final Circle outputPort = new Circle(PORT_RADIUS);
    private final Tooltip tooltip = new Tooltip();
    private Palette.Category category;

    public BlockView(String id) {
        this.id = id;
        setId("block-" + id);
        getStyleClass().add("block");
        double w = AutoLayout.BLOCK_WIDTH;
        double h = AutoLayout.BLOCK_HEIGHT;
        setPrefSize(w, h);
        setMinSize(w, h);
        setMaxSize(w, h);

        title.getStyleClass().add("block-title");
        nodeId.getStyleClass().add("block-id");
        shape.getStyleClass().add("block-shape");
        shape.setId("shape-" + id);
        params.getStyleClass().add("block-params");
        title.setMaxWidth(Double.MAX_VALUE);
        nodeId.setMaxWidth(w - 16);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox middle = new HBox(6, shape, spacer, params);
        middle.setAlignment(Pos.BASELINE_LEFT);
        shape.setMinWidth(Region.USE_PREF_SIZE);
        VBox body = new VBox(1, title, middle, nodeId);
        body.getStyleClass().add("block-body");
        body.setPrefSize(w, h);
        body.setMinSize(w, h);
        body.setMaxSize(w, h);
        body.resize(w, h);

        inputPort.getStyleClass().addAll("port", "input-port");
        outputPort.getStyleClass().addAll("port", "output-port");
        outputPort.setId("out-" + id);
        inputPort.setId("in-" + id);
        inputPort.setCenterX(w / 2);
        inputPort.setCenterY(0);
        outputPort.setCenterX(w / 2);
        outputPort.setCenterY(h);
        getChildren().addAll(body, inputPort, outputPort);
        tooltip.setShowDelay(Duration.millis(250));
        tooltip.setShowDuration(Duration.seconds(30));
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(420);
    }

    public String nodeId() { return id; }

    public Circle outputPort() { return outputPort; }

    public Circle inputPort() { return inputPort; }

    /** The shape text shown ("55×55×96" or "?×?×?"). */
    public String shapeText() { return shape.getText(); }

    /** Shows a node and what the calculator found for it. */
    public void show(Node node, LayerReport report) {
        LayerSpec layer = node.layer();
        Palette.Category c = Palette.categoryOf(layer);
        if (c != category) {
            if (category != null) getStyleClass().remove(category.styleClass());
            getStyleClass().add(c.styleClass());
            category = c;
        }
        title.setText(layer.label());
        nodeId.setText(node.id());
        inputPort.setVisible(layer.arity() != LayerSpec.Arity.NONE);
        boolean known = report != null && report.isKnown();
        shape.setText(known ? report.output().toString() : "?×?×?");
        pseudo("unknown", !known);
        long p = report == null ? 0 : report.parameters();
        params.setText(p == 0 ? "" : (p >= 1_000_000 ? Numbers.compact(p) : Numbers.grouped(p)) + " params");
        List<Problem> problems = report == null ? List.of() : report.problems();
        boolean error = problems.stream().anyMatch(Problem::isError);
        pseudo("error", error);
        pseudo("warning", !error && !problems.isEmpty());
        if (problems.isEmpty()) {
            tooltip.setText(known ? layer.label() + "\n" + report.shapeFormula()
                    + (report.paramFormula().isEmpty() ? "" : "\nparameters: " + report.paramFormula()) : layer.label());
        } else {
            tooltip.setText(problemText(problems));
        }
        Tooltip.install(this, tooltip);
    }

    /**
     * Shows a folded module: "Residual block · 10 blocks", the merge block's output shape, the module's
     * parameters, red when a block inside has an error.
     */
    public void showModule(Modules.Module m, LayerReport merge, long parameters, boolean errors) {
        if (category != Palette.Category.MERGE) {
            if (category != null) getStyleClass().remove(category.styleClass());
            getStyleClass().add(Palette.Category.MERGE.styleClass());
            category = Palette.Category.MERGE;
        }
        if (!getStyleClass().contains("block-module")) getStyleClass().add("block-module");
        title.setText(m.kind() + " (" + m.members().size() + ")");
        nodeId.setText(m.id() + "  ▸ double-click to expand");
        inputPort.setVisible(true);
        boolean known = merge != null && merge.isKnown();
        shape.setText(known ? merge.output().toString() : "?×?×?");
        pseudo("unknown", !known);
        params.setText(parameters == 0 ? "" : (parameters >= 1_000_000 ? Numbers.compact(parameters) : Numbers.grouped(parameters)) + " params");
        pseudo("error", errors);
        pseudo("warning", false);
        tooltip.setText(m.kind() + " " + m.id() + " (" + m.members().size() + " blocks, from " + m.fork() + "): "
                + String.join(", ", m.members()) + (errors ? "\nA block inside has an error: expand it to see." : "")
                + "\nDouble-click to expand.");
        Tooltip.install(this, tooltip);
    }

    public Tooltip tooltip() { return tooltip; }

    /** "stride: (7 − 3 + 2·0)/3 + 1 = 2.33: … Fix: padding 1, stride 2, …", one problem a paragraph. */
    static String problemText(List<Problem> problems) {
        // A message that already ends with its fixes ("…; padding 2 or same padding would fit") gets no "Fix:" line.
        return problems.stream().map(p -> (p.isError() ? "" : "Warning: ") + p.text()
                + (p.fix().isEmpty() || p.text().endsWith(p.fix() + " would fit") ? "" : "\nFix: " + p.fix()))
                .collect(Collectors.joining("\n\n"));
    }

    public void setSelected(boolean selected) {
        pseudo("selected", selected);
    }

    private void pseudo(String name, boolean on) {
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass(name), on);
    }
}
