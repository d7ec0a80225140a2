package org.convas.app.teach;

import javafx.beans.value.ObservableValue;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.convas.samples.teach.LectureComparisons;
import org.convas.visualizer.summary.SummaryTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Two networks or blocks side by side: a lecture comparison or any two of the presets and the designer's network,
 * the calculator's totals with the difference and the ratio, the lesson in words, and each side's per-layer table.
 */
public final class CompareView extends VBox {

    /** A network one side can show. */
    record Choice(String name, Supplier<NetworkSpec> spec) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final CompareModel vm;
    private final ComboBox<LectureComparisons.Template> templates = new ComboBox<>();
    private final ComboBox<Choice> leftChoice = new ComboBox<>();
    private final ComboBox<Choice> rightChoice = new ComboBox<>();
    private final GridPane table = new GridPane();
    private final Label explanation = new Label();
    private final SummaryTable leftTable = new SummaryTable();
    private final SummaryTable rightTable = new SummaryTable();
    private final Label leftTitle = new Label();
    private final Label rightTitle = new Label();
    private boolean syncing;

    /** @param designerNetwork the network in the designer, offered as a side */
    public CompareView(CompareModel vm, ObservableValue<NetworkSpec> designerNetwork) {
        this(vm, designerNetwork, null);
    }

    /**
     * @param designerNetwork the network in the designer, offered as a side
     * @param selectedBlock   the block selected in the designer on its own input (input → block), or null for none
     */
    public CompareView(CompareModel vm, ObservableValue<NetworkSpec> designerNetwork, Supplier<NetworkSpec> selectedBlock) {
        this.vm = vm;
        setId("compare-view");
        getStyleClass().add("compare-view");
        getStylesheets().add(CompareView.class.getResource("teach.css").toExternalForm());
        setSpacing(8);
        setPadding(new Insets(10));

        templates.setId("compare-template");
        templates.getItems().setAll(LectureComparisons.all());
        templates.setPromptText("Choose a lecture comparison");
        templates.setConverter(new StringConverter<>() {
            @Override
            public String toString(LectureComparisons.Template t) {
                return t == null ? "" : t.title();
            }

            @Override
            public LectureComparisons.Template fromString(String s) {
                return null;
            }
        });
        templates.valueProperty().addListener((o, a, t) -> {
            if (!syncing && t != null) vm.showTemplate(t);
        });

        List<Choice> choices = new ArrayList<>();
        if (designerNetwork != null) {
            choices.add(new Choice("The network in the designer", designerNetwork::getValue));
        }
        if (selectedBlock != null) choices.add(new Choice("The block selected in the designer", selectedBlock));
        for (Preset p : Presets.all()) choices.add(new Choice(p.title(), p::spec));
        for (ComboBox<Choice> box : List.of(leftChoice, rightChoice)) {
            box.getItems().setAll(choices);
            box.setVisibleRowCount(14);
            box.setPrefWidth(260);
        }
        leftChoice.setId("compare-left");
        rightChoice.setId("compare-right");
        leftChoice.valueProperty().addListener((o, a, c) -> choose(c, vm::setLeft));
        rightChoice.valueProperty().addListener((o, a, c) -> choose(c, vm::setRight));

        FlowPane choosers = new FlowPane(12, 6, labelled("Lecture comparison", templates), labelled("A", leftChoice),
                labelled("B", rightChoice));

        table.setId("compare-table");
        table.setHgap(18);
        table.setVgap(4);
        for (int i = 0; i < 5; i++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setHalignment(i == 0 ? HPos.LEFT : HPos.RIGHT);
            table.getColumnConstraints().add(cc);
        }
        explanation.setId("compare-explanation");
        explanation.getStyleClass().add("compare-explanation");
        explanation.setWrapText(true);
        explanation.setMaxWidth(Double.MAX_VALUE);
        explanation.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        explanation.textProperty().bind(vm.explanationProperty());

        leftTitle.getStyleClass().add("teach-heading");
        rightTitle.getStyleClass().add("teach-heading");
        VBox leftBox = new VBox(4, leftTitle, leftTable);
        VBox rightBox = new VBox(4, rightTitle, rightTable);
        VBox.setVgrow(leftTable, Priority.ALWAYS);
        VBox.setVgrow(rightTable, Priority.ALWAYS);
        leftTable.setId("compare-left-table");
        rightTable.setId("compare-right-table");
        SplitPane sides = new SplitPane(leftBox, rightBox);
        sides.setOrientation(Orientation.HORIZONTAL);
        VBox.setVgrow(sides, Priority.ALWAYS);

        hint.setId("compare-hint");
        hint.managedProperty().bind(hint.textProperty().isNotEmpty());
        hint.visibleProperty().bind(hint.textProperty().isNotEmpty());
        hint.getStyleClass().add("teach-message");
        getChildren().addAll(choosers, hint, table, explanation, sides);
        vm.rowsProperty().addListener((o, a, b) -> refresh());
        vm.templateProperty().addListener((o, a, b) -> refresh());
        refresh();
    }

    public CompareModel viewModel() {
        return vm;
    }

    private void refresh() {
        syncing = true;
        try {
            templates.setValue(vm.templateProperty().get());
            leftChoice.setValue(null);
            rightChoice.setValue(null);
        } finally {
            syncing = false;
        }
        String a = nameOf(vm.leftProperty().get()), b = nameOf(vm.rightProperty().get());
        leftChoice.setPromptText(a);
        rightChoice.setPromptText(b);
        leftTitle.setText("A: " + a);
        rightTitle.setText("B: " + b);
        leftTable.setReport(vm.leftReportProperty().get());
        rightTable.setReport(vm.rightReportProperty().get());
        table.getChildren().clear();
        String[] heads = {"", "A: " + a, "B: " + b, "B − A", "B / A"};
        for (int c = 0; c < heads.length; c++) {
            Label h = new Label(heads[c]);
            h.getStyleClass().add("teach-heading");
            table.add(h, c, 0);
        }
        List<CompareModel.Row> rows = vm.rows();
        for (int r = 0; r < rows.size(); r++) {
            CompareModel.Row row = rows.get(r);
            String[] cells = {row.metric(), row.left(), row.right(), row.difference(), row.ratio()};
            for (int c = 0; c < cells.length; c++) {
                Label l = new Label(cells[c]);
                l.setId("compare-" + r + "-" + c);
                if (c > 0) l.getStyleClass().add("compare-total");
                table.add(l, c, r + 1);
            }
        }
    }

    private final Label hint = new Label();

    private void choose(Choice c, java.util.function.Consumer<NetworkSpec> side) {
        if (syncing || c == null) return;
        NetworkSpec spec = c.spec().get();
        if (spec == null) {
            hint.setText("Select a block in the designer first (one with a single input whose shape is known).");
            javafx.application.Platform.runLater(this::refresh);
            return;
        }
        hint.setText("");
        side.accept(spec);
    }

    private static String nameOf(NetworkSpec s) {
        return s == null ? "—" : s.name();
    }

    private static HBox labelled(String text, javafx.scene.Node control) {
        Label l = new Label(text);
        HBox box = new HBox(6, l, control);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    /** For tests: the table's cell text at a row of {@link CompareModel#rows()} and a column (0 = metric). */
    String cell(int row, int column) {
        return Objects.requireNonNull((Label) table.lookup("#compare-" + row + "-" + column)).getText();
    }
}
