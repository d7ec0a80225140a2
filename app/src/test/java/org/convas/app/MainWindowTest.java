package org.convas.app;

import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
import org.convas.engine.calc.LayerReport;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real window with the designer mounted, as ConvasApp builds it, driven headless: what a user sees and clicks. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    @TempDir
    static Path temp;
    private static int run;

    private Stage stage;
    private MainViewModel model;
    private MainWindow window;
    private DesignerView designer;

    @Start
    void start(Stage stage) throws IOException {
        this.stage = stage;
        model = MainViewModelTest.onLeNet(List.of(Presets.find(Presets.DEFAULT).orElseThrow(), MainViewModelTest.TINY));
        window = new MainWindow(model);
        designer = DesignerView.create(new DocumentModel(Files.createDirectories(temp.resolve("home" + (++run)))));
        designer.viewModel().newFrom(Presets.find(Presets.DEFAULT).orElseThrow());
        window.mountDesigner(designer);
        stage.setScene(new Scene(window, 1200, 800));
        designer.attachTo(stage);
        stage.show();
    }

    @AfterEach
    void stop() {
        designer.viewModel().close(false);
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

    @SuppressWarnings("unchecked")
    private static ComboBox<Preset> chooser(FxRobot robot) {
        return robot.lookup("#preset-chooser").queryAs(ComboBox.class);
    }

    @Test
    void choosingAnotherPresetUpdatesTheTableAndTheTitle(FxRobot robot) {
        assertTrue(cellTexts(robot).contains("(32 − 5 + 2·0)/1 + 1 = 28"));
        robot.clickOn("#preset-chooser");
        robot.clickOn("Tiny net");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("input", "conv"), rowIds(robot));
        assertTrue(cellTexts(robot).contains("6×6×2"), cellTexts(robot)::toString);
        assertTrue(cellTexts(robot).contains("(8 − 3 + 2·0)/1 + 1 = 6"));
        assertEquals("Tiny net — Convas", stage.getTitle());
        assertEquals("Tiny net", chooser(robot).getButtonCell().getText());
        assertTrue(robot.lookup("#status").queryAs(Label.class).getText().startsWith("Tiny net: 2 nodes, 20 parameters"));
    }

    @Test
    void theNetworkBoxNamesTheOpenDocumentNeverAnotherPreset(FxRobot robot, @TempDir Path dir) throws IOException {
        assertEquals("LeNet-5", chooser(robot).getButtonCell().getText());
        Path file = dir.resolve("stride3.convas.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Stride three",
                 "nodes": [{"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
                           {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 1, "kernel": 3, "stride": 3, "padding": 0}]}
                """);
        robot.interact(() -> designer.openFile(file));
        assertEquals("stride3", chooser(robot).getButtonCell().getText(), "a file is named, not the preset before it");
        assertTrue(robot.lookup("#status").queryAs(Label.class).getText().startsWith("stride3: 2 nodes"));
        robot.interact(designer::newBlank);
        assertEquals("Untitled", chooser(robot).getButtonCell().getText());
        // Saved: the box, the status line and the title all call it by its file's name.
        robot.interact(() -> designer.viewModel().saveAs(dir.resolve("first-try.convas.json")));
        assertEquals("first-try", chooser(robot).getButtonCell().getText());
        assertTrue(robot.lookup("#status").queryAs(Label.class).getText().startsWith("first-try: 1 node"));
        assertEquals("first-try — Convas", stage.getTitle());
    }

    @Test
    void aBrokenFileShowsItsExactMessageInADialogAndTheNetworkStays(FxRobot robot, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"format\": \"convas-network\", \"version\": 1, \"nodes\": [");
        robot.interact(() -> designer.openFile(file));
        DialogPane dialog = robot.lookup("#open-error").queryAs(DialogPane.class);
        assertTrue(dialog.getContentText().startsWith(file + ": not valid JSON"), dialog.getContentText());
        assertEquals("This file cannot be opened; the current network is unchanged.", dialog.getHeaderText());
        robot.interact(() -> dialog.getScene().getWindow().hide());
        assertEquals("lenet5", model.getPreset().key());
        assertTrue(rowIds(robot).contains("conv1"));
        assertEquals("LeNet-5 — Convas", stage.getTitle());

        robot.interact(() -> designer.openFile(dir.resolve("gone.json")));
        DialogPane gone = robot.lookup("#open-error").queryAs(DialogPane.class);
        assertEquals(dir.resolve("gone.json") + ": no such file or folder", gone.getContentText());
        robot.interact(() -> gone.getScene().getWindow().hide());
    }

    @Test
    void selectingAProblemSelectsItsRowAndItsBlock(FxRobot robot, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("stride3.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Stride three",
                 "nodes": [{"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
                           {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 1, "kernel": 3, "stride": 3, "padding": 0}]}
                """);
        robot.interact(() -> designer.openFile(file));
        robot.clickOn(".problem-text");
        assertEquals("conv1", model.selectedNodeIdProperty().get());
        assertEquals("conv1", designer.selectedNodeIdProperty().get());
        @SuppressWarnings("unchecked")
        TableView<LayerReport> t = (TableView<LayerReport>) robot.lookup("#summary-rows").query();
        assertEquals("conv1", t.getSelectionModel().getSelectedItem().id());
    }

    @Test
    void aProblemsFixIsAppliedFromTheProblemListWithOneClick(FxRobot robot, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("stride3.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Stride three",
                 "nodes": [{"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
                           {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 1, "kernel": 3, "stride": 3, "padding": 0}]}
                """);
        robot.interact(() -> designer.openFile(file));
        robot.clickOn("Apply: stride 2");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(model.getReport().isValid(), model.getReport().problems()::toString);
        assertEquals("3×3×1", model.getReport().layer("conv1").output().toString()); // (7 − 3)/2 + 1 = 3
        assertEquals("Problems: none", robot.lookup("#problem-header").queryAs(Label.class).getText());
    }

    @Test
    void theDesignerTakesMostOfTheWorkAreaAndTheSummaryIsDockedBelow(FxRobot robot) {
        SplitPane work = robot.lookup("#work-area").queryAs(SplitPane.class);
        assertSame(designer, work.getItems().get(0));
        SplitPane dock = (SplitPane) work.getItems().get(1);
        assertEquals("summary-dock", dock.getId());
        assertEquals(List.of(window.summaryTable(), window.problemList()), dock.getItems());
        assertTrue(designer.getHeight() > 2 * dock.getHeight(), designer.getHeight() + " vs " + dock.getHeight());
        assertTrue(designer.canvas().getWidth() > 0.6 * window.getWidth(), "the canvas has most of the width: " + designer.canvas().getWidth());
    }
}
