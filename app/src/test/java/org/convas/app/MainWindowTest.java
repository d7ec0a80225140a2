package org.convas.app;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.convas.engine.calc.LayerReport;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real window, driven headless: what a user sees and clicks. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    private Stage stage;
    private MainViewModel model;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        model = MainViewModelTest.onLeNet(List.of(Presets.find(Presets.DEFAULT).orElseThrow(), MainViewModelTest.TINY));
        window = new MainWindow(model);
        stage.setScene(new Scene(window, 1200, 700));
        stage.titleProperty().bind(model.titleProperty());
        stage.show();
    }

    private static Set<String> cellTexts(FxRobot robot) {
        return robot.lookup(".table-cell").queryAll().stream()
                .map(n -> ((Labeled) n).getText()).filter(t -> t != null).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static List<String> rowIds(FxRobot robot) {
        TableView<LayerReport> t = (TableView<LayerReport>) robot.lookup("#summary-rows").query();
        return t.getItems().stream().map(LayerReport::id).toList();
    }

    @Test
    void choosingAnotherPresetUpdatesTheTableAndTheTitle(FxRobot robot) {
        assertTrue(cellTexts(robot).contains("(32 − 5 + 2·0)/1 + 1 = 28"));
        robot.clickOn("#preset-chooser");
        robot.clickOn("Tiny net");
        assertEquals(List.of("input", "conv"), rowIds(robot));
        assertTrue(cellTexts(robot).contains("6×6×2"), cellTexts(robot)::toString);
        assertTrue(cellTexts(robot).contains("(8 − 3 + 2·0)/1 + 1 = 6"));
        assertEquals("Tiny net — Convas", stage.getTitle());
        assertTrue(robot.lookup("#status").queryAs(Label.class).getText().startsWith("Tiny net: 2 nodes, 20 parameters"));
    }

    @Test
    void aBrokenFileShowsItsExactMessageAndTheNetworkStays(FxRobot robot, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"format\": \"convas-network\", \"version\": 1, \"nodes\": [");
        robot.interact(() -> window.open(file));
        DialogPane dialog = robot.lookup("#open-error").queryAs(DialogPane.class);
        assertTrue(dialog.getContentText().startsWith(file + ": not valid JSON"), dialog.getContentText());
        robot.interact(() -> dialog.getScene().getWindow().hide());
        assertEquals("lenet5", model.getPreset().key());
        assertTrue(rowIds(robot).contains("conv1"));
        assertEquals("LeNet-5 — Convas", stage.getTitle());
    }

    @Test
    void selectingAProblemSelectsItsRow(FxRobot robot, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("stride3.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Stride three",
                 "nodes": [{"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
                           {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 1, "kernel": 3, "stride": 3, "padding": 0}]}
                """);
        robot.interact(() -> window.open(file));
        @SuppressWarnings("unchecked")
        ComboBox<Preset> chooser = robot.lookup("#preset-chooser").queryAs(ComboBox.class);
        assertEquals(MainWindow.FROM_FILE, chooser.getButtonCell().getText(), "a file is not a preset");
        robot.clickOn(".problem-text");
        assertEquals("conv1", model.selectedNodeIdProperty().get());
        @SuppressWarnings("unchecked")
        TableView<LayerReport> t = (TableView<LayerReport>) robot.lookup("#summary-rows").query();
        assertEquals("conv1", t.getSelectionModel().getSelectedItem().id());
    }

    @Test
    void aCenterViewTakesTheWorkAreaAndTheSummaryMovesToTheDock(FxRobot robot) {
        Label designer = new Label("designer");
        robot.interact(() -> window.setCenterView(designer));
        SplitPane work = robot.lookup("#work-area").queryAs(SplitPane.class);
        assertSame(designer, work.getItems().get(0));
        Node dock = work.getItems().get(1);
        assertEquals("summary-dock", dock.getId());
        assertTrue(((SplitPane) dock).getItems().contains(window.summaryTable()));
        assertTrue(((SplitPane) dock).getItems().contains(window.problemList()));

        robot.interact(() -> window.setCenterView(null));
        assertEquals(List.of(window.summaryTable(), window.problemList()), work.getItems());
    }
}
