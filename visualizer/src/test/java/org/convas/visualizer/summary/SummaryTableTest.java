package org.convas.visualizer.summary;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class SummaryTableTest {

    private SummaryTable summary;

    /** LeNet-5 as in LeCun et al. 1998 (with max pooling), the numbers the lecture tables give. */
    static NetworkSpec lenet5() {
        return NetworkSpec.builder("LeNet-5").input(32, 32, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 0)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(120)).add("relu3", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(84)).add("relu4", new LayerSpec.ReLU())
                .add("fc3", LayerSpec.FullyConnected.of(10))
                .build();
    }

    @Start
    void start(Stage stage) {
        summary = new SummaryTable();
        stage.setScene(new Scene(summary, 1100, 300));
        stage.show();
    }

    private void show(NetworkSpec spec, FxRobot robot) {
        robot.interact(() -> summary.setReport(Calculator.analyze(spec)));
    }

    @SuppressWarnings("unchecked")
    private TableView<LayerReport> table(FxRobot robot) {
        return (TableView<LayerReport>) robot.lookup("#summary-rows").query();
    }

    private static Set<String> visibleTexts(FxRobot robot) {
        return robot.lookup(".table-cell").queryAll().stream()
                .map(n -> ((javafx.scene.control.Labeled) n).getText())
                .filter(t -> t != null)
                .collect(Collectors.toSet());
    }

    @Test
    void lenetRowsShowShapesFormulasAndTotals(FxRobot robot) {
        show(lenet5(), robot);
        Set<String> texts = visibleTexts(robot);
        assertTrue(texts.contains("28×28×6"), texts::toString);
        assertTrue(texts.contains("(32 − 5 + 2·0)/1 + 1 = 28"), texts::toString);
        assertTrue(texts.contains("(5·5·1 + 1)·6 = 156"), texts::toString);
        assertTrue(texts.contains("156"), texts::toString);
        assertTrue(texts.contains("117.6K"), "conv1: 28·28·6 outputs × 25 MACs = 117,600");
        assertEquals("61,706 (weights 61,470 + biases 236)", robot.lookup("#totals-parameters").queryAs(Label.class).getText());
        assertEquals("416.5K (416,520)", robot.lookup("#totals-macs").queryAs(Label.class).getText());
    }

    @Test
    void batchSpinnerChangesTheTrainingMemory(FxRobot robot) {
        NetworkSpec spec = lenet5();
        show(spec, robot);
        NetworkReport r = Calculator.analyze(spec);
        Label memory = robot.lookup("#totals-batch-memory").queryAs(Label.class);
        assertEquals(org.convas.engine.calc.Numbers.bytes(r.memoryForBatch(64, 1).totalBytes()) + " with SGD + momentum", memory.getText());
        robot.interact(() -> summary.batchSizeProperty().set(256));
        assertEquals(org.convas.engine.calc.Numbers.bytes(r.memoryForBatch(256, 1).totalBytes()) + " with SGD + momentum", memory.getText());

        @SuppressWarnings("unchecked")
        Spinner<Integer> spinner = robot.lookup("#batch-size").queryAs(Spinner.class);
        for (String bad : new String[]{"abc", "0", "-3"}) {
            robot.interact(() -> {
                spinner.getEditor().setText(bad);
                spinner.commitValue();
            });
            assertEquals(256, spinner.getValue(), "\"" + bad + "\" keeps the last good batch size");
            assertEquals("256", spinner.getEditor().getText(), "the field shows the batch size in use");
        }
        robot.interact(() -> {
            spinner.getEditor().setText("32");
            spinner.commitValue();
        });
        assertEquals(32, summary.batchSizeProperty().get());
        assertEquals(org.convas.engine.calc.Numbers.bytes(r.memoryForBatch(32, 1).totalBytes()) + " with SGD + momentum", memory.getText());
    }

    @Test
    void selectionIsTwoWayAndSurvivesAnEditThatKeepsTheIds(FxRobot robot) {
        NetworkSpec spec = lenet5();
        show(spec, robot);
        TableView<LayerReport> t = table(robot);

        robot.interact(() -> summary.selectedNodeIdProperty().set("fc1"));
        assertEquals("fc1", t.getSelectionModel().getSelectedItem().id());

        robot.interact(() -> t.getSelectionModel().clearAndSelect(1));
        assertEquals("conv1", summary.selectedNodeIdProperty().get());

        LayerReport before = t.getItems().get(5);
        show(spec.withLayer("conv1", LayerSpec.Conv2D.of(8, 5, 1, 0)), robot);
        assertEquals("conv1", t.getSelectionModel().getSelectedItem().id());
        assertEquals("28×28×8", t.getSelectionModel().getSelectedItem().output().toString());
        assertSame(before, t.getItems().get(5), "an unchanged row keeps its report object (relu2 is 10×10×16 either way)");

        robot.interact(() -> summary.selectedNodeIdProperty().set(null));
        assertTrue(t.getSelectionModel().isEmpty());

        robot.interact(() -> summary.selectedNodeIdProperty().set("conv2"));
        show(spec.without("conv2"), robot);
        assertNull(summary.selectedNodeIdProperty().get(), "the selected node was deleted");
    }

    @Test
    void rowsWithProblemsAreTintedAndUnknownShapesShowAQuestionMark(FxRobot robot) {
        NetworkSpec bad = NetworkSpec.builder("bad").input(7, 7, 1)
                .add("conv1", LayerSpec.Conv2D.of(4, 3, 3, 0))
                .add("fc", LayerSpec.FullyConnected.of(10))
                .build();
        show(bad, robot);
        WaitForAsyncUtils.waitForFxEvents();
        List<TableRow<?>> rows = robot.lookup(".table-row-cell").queryAll().stream()
                .<TableRow<?>>map(n -> (TableRow<?>) n).filter(r -> r.getItem() != null).toList();
        TableRow<?> conv = rows.stream().filter(r -> ((LayerReport) r.getItem()).id().equals("conv1")).findFirst().orElseThrow();
        assertTrue(conv.getPseudoClassStates().stream().anyMatch(p -> p.getPseudoClassName().equals("error")));
        assertTrue(conv.getTooltip().getText().contains("(7 − 3 + 2·0)/3 + 1 = 2.33"), conv.getTooltip().getText());
        assertTrue(visibleTexts(robot).contains(SummaryText.UNKNOWN));
        assertTrue(robot.lookup("#totals-parameters").queryAs(Label.class).getText().endsWith("(known layers only)"));
    }
}
