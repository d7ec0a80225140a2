package org.convas.visualizer.summary;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Polygon;
import javafx.scene.text.Text;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The network's problems, errors first: a red disc for an error, an amber triangle for a warning, the node,
 * the field and the full text (with the numbers and the proposed fix). Selecting a problem sets
 * {@link #selectedNodeIdProperty()} to its node, so a table or a designer bound to the same property shows
 * where it is; setting the property to another node clears the problem selection.
 */
public final class ProblemList extends BorderPane {

    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");

    private final ObjectProperty<String> selectedNodeId = new SimpleObjectProperty<>(this, "selectedNodeId");
    private final ObservableList<Problem> problems = FXCollections.observableArrayList();
    private final ListView<Problem> list = new ListView<>(problems);
    private final Label header = new Label();
    private boolean syncing;
    private java.util.function.BiConsumer<Problem, org.convas.engine.calc.Fix> applyFix;

    public ProblemList() {
        getStyleClass().add("problem-list");
        getStylesheets().add(Objects.requireNonNull(ProblemList.class.getResource("summary.css")).toExternalForm());
        list.setId("problem-items");
        list.setPlaceholder(new Label("No problems: every layer fits."));
        list.setCellFactory(v -> new ProblemCell());
        header.setId("problem-header");
        header.getStyleClass().add("problem-header");
        header.setMaxWidth(Double.MAX_VALUE);
        setTop(header);
        setCenter(list);
        updateHeader();

        list.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (syncing || now == null) return;
            syncing = true;
            try {
                selectedNodeId.set(now.nodeId());
            } finally {
                syncing = false;
            }
        });
        selectedNodeId.addListener((obs, old, id) -> {
            if (syncing) return;
            Problem p = list.getSelectionModel().getSelectedItem();
            if (p != null && !p.nodeId().equals(id)) clearSelection();
        });
    }

    /** Shows the report's problems (or none for null). */
    public void setReport(NetworkReport report) {
        setProblems(report == null ? List.of() : report.problems());
    }

    /** Shows these problems, errors first and otherwise in network order; keeps the selected problem if it is still there. */
    public void setProblems(List<Problem> newProblems) {
        Problem keep = list.getSelectionModel().getSelectedItem();
        List<Problem> sorted = newProblems.stream()
                .sorted(Comparator.comparing((Problem p) -> !p.isError()))
                .toList();
        syncing = true;
        try {
            problems.setAll(sorted);
            int i = keep == null ? -1 : sorted.indexOf(keep);
            if (i >= 0) list.getSelectionModel().clearAndSelect(i);
            else list.getSelectionModel().clearSelection();
        } finally {
            syncing = false;
        }
        updateHeader();
    }

    /** The problems on show, errors first. */
    public List<Problem> getProblems() {
        return List.copyOf(problems);
    }

    /**
     * What an "Apply" link under a problem does with one of its (verified) fixes; the links show only when this
     * is set (the designer applies the fix as one undo step).
     */
    public void setOnApplyFix(java.util.function.BiConsumer<Problem, org.convas.engine.calc.Fix> action) {
        applyFix = action;
        list.refresh();
    }

    /** The node of the selected problem; two-way, like {@code SummaryTable.selectedNodeIdProperty()}. */
    public ObjectProperty<String> selectedNodeIdProperty() {
        return selectedNodeId;
    }

    private void clearSelection() {
        syncing = true;
        try {
            list.getSelectionModel().clearSelection();
        } finally {
            syncing = false;
        }
    }

    private void updateHeader() {
        long errors = problems.stream().filter(Problem::isError).count();
        long warnings = problems.size() - errors;
        header.setText(problems.isEmpty() ? "Problems: none"
                : "Problems: " + count(errors, "error") + ", " + count(warnings, "warning"));
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** A red disc with "!" for an error, an amber triangle with "!" for a warning. */
    static Node severityIcon(Problem.Severity severity) {
        Node shape;
        if (severity == Problem.Severity.ERROR) {
            Circle c = new Circle(7);
            c.getStyleClass().add("severity-error");
            shape = c;
        } else {
            Polygon t = new Polygon(7.5, 0, 15, 14, 0, 14);
            t.getStyleClass().add("severity-warning");
            shape = t;
        }
        Text mark = new Text("!");
        mark.getStyleClass().add("severity-mark");
        StackPane icon = new StackPane(shape, mark);
        icon.setMinSize(16, 16);
        icon.setPrefSize(16, 16);
        icon.getStyleClass().add(severity == Problem.Severity.ERROR ? "icon-error" : "icon-warning");
        return icon;
    }

    private final class ProblemCell extends ListCell<Problem> {
        private final Label where = new Label();
        private final Label text = new Label();
        private final StackPane iconSlot = new StackPane();
        private final javafx.scene.layout.FlowPane fixes = new javafx.scene.layout.FlowPane(8, 2);
        private final HBox box;

        ProblemCell() {
            where.getStyleClass().add("problem-node");
            text.setWrapText(true);
            text.getStyleClass().add("problem-text");
            VBox lines = new VBox(2, where, text, fixes);
            box = new HBox(8, iconSlot, lines);
            box.setAlignment(Pos.TOP_LEFT);
            // Wrap the text to the list's width instead of growing a horizontal scroll bar.
            text.maxWidthProperty().bind(list.widthProperty().subtract(60));
            lines.maxWidthProperty().bind(list.widthProperty().subtract(40));
        }

        @Override
        protected void updateItem(Problem p, boolean empty) {
            super.updateItem(p, empty);
            setText(null);
            pseudoClassStateChanged(ERROR, !empty && p != null && p.isError());
            pseudoClassStateChanged(WARNING, !empty && p != null && !p.isError());
            if (empty || p == null) {
                setGraphic(null);
                return;
            }
            iconSlot.getChildren().setAll(severityIcon(p.severity()));
            where.setText((p.isError() ? "Error" : "Warning") + " at " + p.nodeId() + (p.field().isEmpty() ? "" : ", " + p.field()));
            text.setText(p.text());
            fixes.getChildren().clear();
            if (applyFix != null) {
                for (org.convas.engine.calc.Fix f : p.fixes()) {
                    javafx.scene.control.Hyperlink link = new javafx.scene.control.Hyperlink("Apply: " + f.description());
                    link.getStyleClass().add("apply-fix");
                    link.setOnAction(e -> applyFix.accept(p, f));
                    fixes.getChildren().add(link);
                }
            }
            fixes.setVisible(!fixes.getChildren().isEmpty());
            fixes.setManaged(!fixes.getChildren().isEmpty());
            setGraphic(box);
        }
    }
}
