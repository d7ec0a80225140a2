package org.convas.app.teach;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.samples.Preset;
import org.convas.samples.PresetFacts;
import org.convas.samples.Presets;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The lecture's case studies in one table: each preset with its year, ILSVRC result and top-5 error and the paper's
 * headline figures (as published), beside the parameters and multiply-adds Convas's calculator counts for the preset.
 * Double-click a row to open the network in the designer.
 */
public final class CaseStudiesView extends VBox {

    /** One row: the preset, its facts, the calculator's totals. */
    public record Row(Preset preset, PresetFacts facts, long parameters, long macs) {
    }

    private final TableView<Row> table = new TableView<>();
    private Consumer<Preset> onOpen = p -> { };

    public CaseStudiesView() {
        setId("case-studies");
        setSpacing(8);
        setPadding(new Insets(10));
        Label intro = new Label("The lecture's architectures, year by year. \"Published\" figures are quoted from the papers and "
                + "slides; the two count columns are Convas's own, from the calculator. Double-click a row to open it in the designer.");
        intro.setWrapText(true);
        table.setId("case-studies-table");
        table.getItems().setAll(rows());
        table.getColumns().setAll(List.of(
                column("Network", 150, r -> r.preset().title()),
                column("Year", 60, r -> Integer.toString(r.facts().year())),
                column("ILSVRC", 190, r -> r.facts().ilsvrc().isEmpty() ? "—" : r.facts().ilsvrc()),
                column("Top-5 error", 90, r -> r.facts().top5Error().isEmpty() ? "—" : r.facts().top5Error()),
                column("Parameters (Convas)", 150, r -> Numbers.grouped(r.parameters())),
                column("Multiply-adds (Convas)", 150, r -> Numbers.compact(r.macs())),
                wrapped("Published headline figures", 520, r -> r.facts().headline())));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        table.setRowFactory(t -> {
            javafx.scene.control.TableRow<Row> row = new javafx.scene.control.TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) onOpen.accept(row.getItem().preset());
            });
            return row;
        });
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().addAll(intro, table);
    }

    public void setOnOpen(Consumer<Preset> action) {
        onOpen = action;
    }

    public List<Row> items() {
        return table.getItems();
    }

    /** Every preset the lectures discuss, in the catalogue's order, with the calculator's totals. */
    public static List<Row> rows() {
        return Presets.all().stream().flatMap(p -> PresetFacts.of(p.key()).stream().map(f -> {
            NetworkReport r = Calculator.analyze(p.spec());
            return new Row(p, f, r.totalParameters(), r.totalMacs());
        })).toList();
    }

    private static TableColumn<Row, String> column(String title, double width, Function<Row, String> value) {
        TableColumn<Row, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        c.setSortable(false);
        return c;
    }

    private static TableColumn<Row, String> wrapped(String title, double width, Function<Row, String> value) {
        TableColumn<Row, String> c = column(title, width, value);
        c.setCellFactory(col -> new TableCell<>() {
            private final Text text = new Text();

            {
                text.wrappingWidthProperty().bind(col.widthProperty().subtract(10));
                setGraphic(text);
            }

            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                text.setText(empty || s == null ? "" : s);
                setPrefHeight(empty ? USE_COMPUTED_SIZE : text.getLayoutBounds().getHeight() + 10);
            }
        });
        return c;
    }
}
