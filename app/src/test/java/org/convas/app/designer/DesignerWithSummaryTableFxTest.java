package org.convas.app.designer;

import javafx.scene.Scene;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.samples.Presets;
import org.convas.visualizer.summary.SummaryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The designer beside the summary table, bound the way the main window mounts them. */
@ExtendWith(ApplicationExtension.class)
class DesignerWithSummaryTableFxTest {

    @TempDir
    static Path home;

    private DesignerViewModel vm;
    private SummaryTable table;

    @Start
    void start(Stage stage) {
        DesignerView view = DesignerView.create(new DocumentModel(home));
        vm = view.viewModel();
        vm.newFrom(Presets.lenet5());
        table = new SummaryTable();
        // The mounting recipe: report one way, selection both ways.
        table.setReport(view.reportProperty().get());
        view.reportProperty().addListener((o, old, report) -> table.setReport(report));
        table.selectedNodeIdProperty().bindBidirectional(view.selectedNodeIdProperty());
        SplitPane split = new SplitPane(view, table);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        stage.setScene(new Scene(split, 1280, 900));
        stage.show();
    }

    @AfterEach
    void stop() {
        vm.close(false);
    }

    @SuppressWarnings("unchecked")
    private TableView<LayerReport> rows(FxRobot robot) {
        return robot.lookup("#summary-rows").queryAs(TableView.class);
    }

    @Test
    void selectionFollowsInBothDirectionsAndEditsReachTheTable(FxRobot robot) {
        robot.clickOn("#block-relu1");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Set.of("relu1"), vm.selection());
        assertEquals("relu1", table.selectedNodeIdProperty().get());
        assertNotNull(rows(robot).getSelectionModel().getSelectedItem(), "canvas → table");
        assertEquals("relu1", rows(robot).getSelectionModel().getSelectedItem().id(), "canvas → table");

        robot.interact(() -> rows(robot).getSelectionModel().select(
                rows(robot).getItems().stream().filter(l -> l.id().equals("fc1")).findFirst().orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Set.of("fc1"), vm.selection(), "table → canvas");
        assertEquals("fc1", vm.selectedNodeIdProperty().get());

        var conv = (LayerSpec.Conv2D) vm.spec().node("conv1").layer();
        robot.interact(() -> vm.setLayer("conv1", conv.withStride(2), "stride"));
        WaitForAsyncUtils.waitForFxEvents();
        LayerReport row = rows(robot).getItems().stream().filter(l -> l.id().equals("conv1")).findFirst().orElseThrow();
        assertTrue(row.hasErrors(), "the table shows the new report");
        assertEquals("fc1", vm.selectedNodeIdProperty().get(), "an edit keeps the selection");
        assertEquals("fc1", rows(robot).getSelectionModel().getSelectedItem().id());
    }
}
