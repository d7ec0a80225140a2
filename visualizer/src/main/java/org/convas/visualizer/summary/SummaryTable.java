package org.convas.visualizer.summary;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.util.Duration;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.MemoryEstimate;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The network summary as a table, one row per node in evaluation order: layer, output shape, shape formula,
 * parameters with their formula, MACs, forward memory and receptive field, followed by a footer with the
 * totals and the training memory for a chosen batch size. Rows with an error are tinted red, rows with a
 * warning amber; their tooltip gives the problem text.
 *
 * <p>Selection is shared through {@link #selectedNodeIdProperty()}: selecting a row sets it, and setting it
 * selects and scrolls to the row ({@code null} clears the selection). A designer or a problem list binds
 * the same property bidirectionally.
 *
 * <p>{@link #setReport} refreshes the rows in place, so an edit that keeps the node ids keeps the scroll
 * position and the selection.
 */
public final class SummaryTable extends BorderPane {

    /** Momentum SGD keeps one velocity value per parameter. */
    private static final int MOMENTUM_STATE_COPIES = 1;

    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
    private static final PseudoClass UNKNOWN = PseudoClass.getPseudoClass("unknown");

    private final ObjectProperty<String> selectedNodeId = new SimpleObjectProperty<>(this, "selectedNodeId");
    private final ReadOnlyObjectWrapper<NetworkReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ObservableList<LayerReport> rows = FXCollections.observableArrayList();
    private final TableView<LayerReport> table = new TableView<>(rows);
    private final Spinner<Integer> batchSpinner = new Spinner<>(1, 65_536, 64);

    private final Label totalParameters = value("totals-parameters");
    private final Label totalMacs = value("totals-macs");
    private final Label activations = value("totals-activations");
    private final Label forwardMemory = value("totals-forward-memory");
    private final Label trainingMemory = value("totals-training-memory");
    private final Label batchMemory = value("totals-batch-memory");

    /** True while this class itself changes the selection, so the two listeners do not echo each other. */
    private boolean syncing;

    public SummaryTable() {
        getStyleClass().add("summary-table");
        getStylesheets().add(Objects.requireNonNull(SummaryTable.class.getResource("summary.css")).toExternalForm());

        table.setId("summary-rows");
        table.setPlaceholder(new Label("No network loaded"));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        table.getColumns().addAll(List.of(
                layerColumn(),
                column("Output", 90, SummaryText::output, "output-shape", false, l -> l.isKnown() ? null : "unknown: see the problems above it"),
                column("Shape formula", 230, SummaryText::shapeFormula, "formula", false, null),
                column("Parameters", 90, SummaryText::parameters, "number", true, l -> l.paramFormula().isEmpty() ? null : l.paramFormula()),
                column("Parameter formula", 190, SummaryText::parameterFormula, "formula", false, null),
                column("MACs", 75, SummaryText::macs, "number", true, SummaryText::macsExact),
                column("Memory", 85, SummaryText::memory, "number", true, SummaryText::memoryExplained),
                column("Receptive field", 125, SummaryText::receptiveField, "number", true,
                        l -> l.receptiveField() == null ? null : "one output value sees " + l.receptiveField() + " of the input")));
        table.setRowFactory(t -> new ProblemRow());
        growShapeFormulaColumn();
        setCenter(table);
        setBottom(footer());

        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (syncing) return;
            syncing = true;
            try {
                selectedNodeId.set(now == null ? null : now.id());
            } finally {
                syncing = false;
            }
        });
        selectedNodeId.addListener((obs, old, id) -> {
            if (!syncing) selectRow(id);
        });
        batchSpinner.valueProperty().addListener((obs, old, now) -> updateTotals());
    }

    /** Shows a report. Rows whose node is unchanged keep their identity, selection and scroll position. */
    public void setReport(NetworkReport newReport) {
        report.set(newReport);
        List<LayerReport> layers = newReport == null ? List.of() : newReport.layers();
        String keep = selectedNodeId.get();
        syncing = true;
        try {
            if (sameIds(rows, layers)) {
                for (int i = 0; i < layers.size(); i++) {
                    if (!rows.get(i).equals(layers.get(i))) rows.set(i, layers.get(i));
                }
            } else {
                rows.setAll(layers);
            }
        } finally {
            syncing = false;
        }
        if (keep != null && layers.stream().noneMatch(l -> l.id().equals(keep))) {
            selectedNodeId.set(null);
        } else {
            selectRow(keep);
        }
        table.refresh();
        updateTotals();
    }

    /** The report on show, or null. */
    public NetworkReport getReport() {
        return report.get();
    }

    public javafx.beans.property.ReadOnlyObjectProperty<NetworkReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** The id of the selected node; two-way: set it to select and reveal a row, null for none. */
    public ObjectProperty<String> selectedNodeIdProperty() {
        return selectedNodeId;
    }

    /** The batch size the footer's training memory is computed for (default 64). */
    public ObjectProperty<Integer> batchSizeProperty() {
        return batchSpinner.getValueFactory().valueProperty();
    }

    // ---------------------------------------------------------------- selection

    private void selectRow(String id) {
        syncing = true;
        try {
            if (id == null) {
                table.getSelectionModel().clearSelection();
                return;
            }
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).id().equals(id)) {
                    if (table.getSelectionModel().getSelectedIndex() != i) table.getSelectionModel().clearAndSelect(i);
                    revealRow(i);
                    return;
                }
            }
            table.getSelectionModel().clearSelection();
        } finally {
            syncing = false;
        }
    }

    /** Scrolls only when the row is off screen, so clicking a visible row does not make the table jump. */
    private void revealRow(int index) {
        var flow = (javafx.scene.control.skin.VirtualFlow<?>) table.lookup(".virtual-flow");
        if (flow != null && flow.getFirstVisibleCell() != null && flow.getLastVisibleCell() != null) {
            int first = flow.getFirstVisibleCell().getIndex();
            int last = flow.getLastVisibleCell().getIndex();
            if (index > first && index < last) return;
        }
        table.scrollTo(Math.max(0, index - 2));
    }

    /**
     * The shape formula column takes the width the others leave, so the table fills a wide window; in a
     * narrow one the columns keep their widths and the table scrolls sideways rather than cut the numbers.
     */
    private void growShapeFormulaColumn() {
        TableColumn<LayerReport, ?> formula = table.getColumns().get(2);
        double minimum = formula.getPrefWidth();
        Runnable fit = () -> {
            double others = 0;
            for (TableColumn<LayerReport, ?> c : table.getColumns()) if (c != formula) others += c.getWidth();
            // 18 px: the vertical scroll bar and the table's border.
            formula.setPrefWidth(Math.max(minimum, table.getWidth() - others - 18));
        };
        table.widthProperty().addListener((obs, old, now) -> fit.run());
        for (TableColumn<LayerReport, ?> c : table.getColumns()) {
            if (c != formula) c.widthProperty().addListener((obs, old, now) -> fit.run());
        }
    }

    private static boolean sameIds(List<LayerReport> a, List<LayerReport> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!a.get(i).id().equals(b.get(i).id())) return false;
        return true;
    }

    // ---------------------------------------------------------------- columns

    private TableColumn<LayerReport, LayerReport> layerColumn() {
        TableColumn<LayerReport, LayerReport> c = new TableColumn<>("Layer");
        c.setId("column-layer");
        c.setPrefWidth(190);
        c.setSortable(false);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            private final Label id = new Label();
            private final Label label = new Label();
            private final HBox box = new HBox(6, id, label);

            {
                id.getStyleClass().add("layer-id");
                label.getStyleClass().add("layer-label");
                box.setAlignment(Pos.CENTER_LEFT);
            }

            @Override
            protected void updateItem(LayerReport item, boolean empty) {
                super.updateItem(item, empty);
                setText(null);
                if (empty || item == null) {
                    setGraphic(null);
                } else {
                    id.setText(SummaryText.id(item));
                    label.setText(SummaryText.label(item));
                    setGraphic(box);
                }
            }
        });
        return c;
    }

    private static TableColumn<LayerReport, String> column(String title, double width, Function<LayerReport, String> text,
                                                           String style, boolean right, Function<LayerReport, String> tip) {
        TableColumn<LayerReport, String> c = new TableColumn<>(title);
        c.setId("column-" + title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(f -> constant(text.apply(f.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            {
                getStyleClass().add(style);
                if (right) setAlignment(Pos.CENTER_RIGHT);
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                LayerReport layer = empty || getTableRow() == null ? null : getTableRow().getItem();
                setText(empty ? null : item);
                pseudoClassStateChanged(UNKNOWN, SummaryText.UNKNOWN.equals(item));
                String t = layer == null || tip == null ? null : tip.apply(layer);
                setTooltip(t == null ? null : tooltip(t));
            }
        });
        return c;
    }

    private static ObservableValue<String> constant(String s) {
        return new ReadOnlyObjectWrapper<>(s);
    }

    private static Tooltip tooltip(String text) {
        Tooltip t = new Tooltip(text);
        t.setShowDelay(Duration.millis(300));
        t.setShowDuration(Duration.seconds(30));
        t.setWrapText(true);
        t.setMaxWidth(520);
        return t;
    }

    /** A row tinted by its worst problem, with the problems as its tooltip. */
    private static final class ProblemRow extends TableRow<LayerReport> {
        @Override
        protected void updateItem(LayerReport item, boolean empty) {
            super.updateItem(item, empty);
            boolean error = !empty && item != null && item.hasErrors();
            boolean warning = !empty && item != null && !error && !item.problems().isEmpty();
            pseudoClassStateChanged(ERROR, error);
            pseudoClassStateChanged(WARNING, warning);
            setTooltip(error || warning ? tooltip(SummaryText.problems(item)) : null);
        }
    }

    // ---------------------------------------------------------------- footer

    private GridPane footer() {
        GridPane g = new GridPane();
        g.getStyleClass().add("totals");
        g.setId("summary-totals");
        batchSpinner.setId("batch-size");
        batchSpinner.setEditable(true);
        // Typing "abc" or "0" keeps the last good batch size instead of throwing from the converter.
        batchSpinner.getValueFactory().setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Integer n) {
                return n == null ? "" : n.toString();
            }

            @Override
            public Integer fromString(String text) {
                try {
                    int n = Integer.parseInt(text.strip());
                    if (n >= 1) return n;
                } catch (NumberFormatException e) {
                    // falls through to keep the last good value
                }
                // The value does not change, so the spinner would leave the bad text on show: put it back after the commit.
                Integer kept = batchSpinner.getValue();
                javafx.application.Platform.runLater(() -> batchSpinner.getEditor().setText(String.valueOf(batchSpinner.getValue())));
                return kept;
            }
        });
        batchSpinner.setPrefWidth(90);
        batchSpinner.setTooltip(tooltip("batch size for the training memory estimate"));
        g.addRow(0, key("Parameters"), totalParameters, key("Activations per image"), activations);
        g.addRow(1, key("MACs per image"), totalMacs, key("Forward memory per image"), forwardMemory);
        HBox batch = new HBox(6, key("Training memory, batch"), batchSpinner);
        batch.setAlignment(Pos.CENTER_LEFT);
        g.addRow(2, batch, batchMemory, key("Forward + backward per image"), trainingMemory);
        return g;
    }

    private static Label key(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("totals-key");
        return l;
    }

    private static Label value(String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("totals-value");
        return l;
    }

    private void updateTotals() {
        NetworkReport r = report.get();
        if (r == null) {
            for (Label l : List.of(totalParameters, totalMacs, activations, forwardMemory, trainingMemory, batchMemory)) l.setText("");
            return;
        }
        boolean partial = r.layers().stream().anyMatch(l -> !l.isKnown());
        String suffix = partial ? " (known layers only)" : "";
        totalParameters.setText(Numbers.grouped(r.totalParameters()) + " (weights " + Numbers.grouped(r.totalWeights())
                + " + biases " + Numbers.grouped(r.totalBiases()) + ")" + r.frozenSuffix() + suffix);
        totalMacs.setText(Numbers.compact(r.totalMacs()) + " (" + Numbers.grouped(r.totalMacs()) + ")" + suffix);
        activations.setText(Numbers.grouped(r.totalActivations()) + " values");
        forwardMemory.setText(Numbers.bytes(r.forwardBytesPerImage()));
        trainingMemory.setText(Numbers.bytes(r.trainingBytesPerImage()));
        Integer batch = batchSpinner.getValue();
        MemoryEstimate m = r.memoryForBatch(batch == null ? 64 : batch, MOMENTUM_STATE_COPIES);
        batchMemory.setText(Numbers.bytes(m.totalBytes()) + " with SGD + momentum");
        batchMemory.setTooltip(tooltip(m.toString()));
    }
}
