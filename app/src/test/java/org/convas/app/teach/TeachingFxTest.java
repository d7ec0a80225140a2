package org.convas.app.teach;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.convas.app.MainViewModel;
import org.convas.app.MainWindow;
import org.convas.app.cli.NetworkSource;
import org.convas.app.designer.DesignerViewModel;
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
import javafx.beans.property.SimpleObjectProperty;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.spec.Shape;
import org.convas.samples.Presets;
import org.convas.samples.teach.LectureComparisons;
import org.convas.visualizer.inspect.ActivationView;
import org.convas.visualizer.inspect.LayerActivation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Teach mode in the real main window, put together as ConvasApp does it. */
@ExtendWith(ApplicationExtension.class)
class TeachingFxTest {

    @TempDir
    static Path home;

    private MainWindow window;
    private DesignerView designer;
    private Teaching teaching;
    private PresentationZoom zoom;
    private ActivationView activations;

    @Start
    void start(Stage stage) {
        MainViewModel model = new MainViewModel(Presets.all(), new NetworkSource(Presets.lenet5(), Presets.find("lenet5").orElseThrow(), null));
        window = new MainWindow(model);
        designer = new DesignerView(new DesignerViewModel(new DocumentModel(home)));
        designer.viewModel().newFrom(Presets.lenet5());
        window.mountDesigner(designer);
        // The Train tab's part in Teach mode is its activation view and its snapshots; a bare view stands in for it.
        activations = new ActivationView();
        window.setTrainingView(activations);
        teaching = Teaching.install(window, designer, activations, new SimpleObjectProperty<Snapshot>());
        zoom = teaching.zoomable(stage);
        stage.setScene(new Scene(zoom, 1270, 790));
        stage.show();
    }

    @AfterEach
    void close() {
        designer.viewModel().close(false);
    }

    private MenuItem menuItem(String id) {
        return window.menus().getMenus().stream().flatMap(m -> m.getItems().stream())
                .flatMap(i -> i instanceof javafx.scene.control.Menu sub ? Stream.concat(Stream.of(i), sub.getItems().stream()) : Stream.of(i))
                .filter(i -> id.equals(i.getId())).findFirst().orElseThrow(() -> new AssertionError("no menu item " + id));
    }

    private static String label(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void oneClickShowsTheStrideThreeExampleAndTheInspectorExplainsAndStepsThroughBlocks(FxRobot robot) {
        robot.clickOn("#tab-teach");
        assertEquals("7×7 input, 3×3 filter, stride 3: does not fit (2.33)", label(robot, "#teach-title"));
        assertTrue(label(robot, "#teach-formula").contains("(7 − 3 + 2·0)/3 + 1 = 2.33"));
        robot.clickOn("#teach-step").clickOn("#teach-step");
        assertTrue(label(robot, "#teach-step-text").startsWith("The next window would cover columns 6–8"));
        // In the designer, the inspector explains the selected block with the calculator's numbers.
        robot.clickOn("#tab-design");
        robot.clickOn("#block-conv1");
        WaitForAsyncUtils.waitForFxEvents();
        LayerReport conv1 = designer.reportProperty().get().layer("conv1");
        String text = teaching.explanation().explanationText();
        assertTrue(text.contains("W2 = (W1 − F + 2P)/S + 1 = " + conv1.shapeFormula()), text);
        assertTrue(text.contains("(F·F·D1/G + 1)·K = " + conv1.paramFormula()), text);
        assertTrue(text.contains("(5·5·1 + 1)·6 = 156"), text);
        assertTrue(text.contains("Multiply-adds: 4,704 outputs × 25 = " + Numbers.grouped(conv1.macs())), text);
        assertEquals(117_600, conv1.macs());
        assertTrue(text.contains("sees 5×5 pixels"), text);
        // "Step through it" opens a block of the network in the explorer, on its own input size.
        robot.clickOn("#block-pool1");
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#explain-step-through");
        assertEquals("pool1: MaxPool 2×2/2 on 28×28×6", label(robot, "#teach-title"));
        assertTrue(label(robot, "#teach-formula").contains(designer.reportProperty().get().layer("pool1").shapeFormula()));
        assertEquals(28 * 28 * 6 / 4, teaching.explorer().walk().steps());
        // With nothing that can be stepped through selected, the menu says so instead.
        robot.interact(() -> designer.selectedNodeIdProperty().set("fc1"));
        robot.interact(() -> menuItem("menu-teach-selected").fire());
        DialogPane dialog = robot.lookup("#teach-nothing-selected").queryAs(DialogPane.class);
        assertTrue(dialog.getContentText().startsWith("Select a Conv, MaxPool or AvgPool block"));
        robot.interact(() -> dialog.getScene().getWindow().hide());
    }

    @Test
    void presentationZoomAndModeEnlargeTextAndDrawingsAndReset(FxRobot robot) {
        robot.clickOn("#tab-teach");
        Node title = robot.lookup("#teach-title").query();
        Node grid = robot.lookup("#in-0-3-3").query();
        double titleHeight = title.localToScene(title.getBoundsInLocal()).getHeight();
        double cellWidth = grid.localToScene(grid.getBoundsInLocal()).getWidth();
        robot.interact(() -> menuItem("menu-zoom-in").fire());
        robot.interact(() -> menuItem("menu-zoom-in").fire());
        robot.interact(() -> menuItem("menu-zoom-in").fire());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1.3, zoom.getZoom(), 1e-9);
        Bounds titleNow = title.localToScene(title.getBoundsInLocal());
        assertEquals(titleHeight * 1.3, titleNow.getHeight(), 0.5);
        assertEquals(cellWidth * 1.3, grid.localToScene(grid.getBoundsInLocal()).getWidth(), 0.5);
        // The content is laid out in the window's size divided by the zoom, so it still fits the window.
        assertEquals(zoom.getWidth() / 1.3, window.getWidth(), 0.5);
        // Dialogs (separate windows) follow through their font size.
        javafx.scene.control.Alert[] alert = new javafx.scene.control.Alert[1];
        robot.interact(() -> {
            alert[0] = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION, "zoomed");
            alert[0].initOwner(window.getScene().getWindow());
            alert[0].show();
        });
        assertEquals("-fx-font-size: 16.9px;", alert[0].getDialogPane().getScene().getRoot().getStyle());
        robot.interact(() -> alert[0].close());
        // In the designer, a drag on the background pans with the mouse, zoomed or not.
        robot.clickOn("#tab-design");
        Node block = robot.lookup("#block-conv1").query();
        Node canvas = robot.lookup("#designer-canvas").query();
        Bounds c = canvas.localToScreen(canvas.getBoundsInLocal());
        double before = block.localToScreen(block.getBoundsInLocal()).getMinY();
        robot.drag(c.getMinX() + 15, c.getMinY() + 40, javafx.scene.input.MouseButton.PRIMARY).moveBy(0, 60)
                .release(javafx.scene.input.MouseButton.PRIMARY);
        assertEquals(before + 60, block.localToScreen(block.getBoundsInLocal()).getMinY(), 1.5);
        robot.interact(() -> menuItem("menu-zoom-reset").fire());
        assertEquals(1.0, zoom.getZoom());
        robot.interact(() -> menuItem("menu-zoom-out").fire());
        assertEquals(0.9, zoom.getZoom(), 1e-9);
        robot.interact(() -> {
            for (int i = 0; i < 30; i++) zoom.zoomIn();
        });
        assertEquals(PresentationZoom.MAX, zoom.getZoom());
        robot.interact(() -> zoom.reset());
        // Presentation mode: 150 %, and back to the zoom before it.
        robot.interact(() -> teaching.setPresentationMode(true));
        assertEquals(PresentationZoom.PRESENTATION, zoom.getZoom());
        robot.interact(() -> teaching.setPresentationMode(false));
        assertEquals(1.0, zoom.getZoom());
    }

    @Test
    void thePresetsFactsWithNothingSelectedAndReceptiveFieldsInTheTrainTab(FxRobot robot) {
        robot.interact(() -> designer.selectedNodeIdProperty().set(null));
        String lenet = teaching.explanation().explanationText();
        assertTrue(lenet.startsWith("LeNet-5: "), lenet);
        assertTrue(lenet.contains("\n1998\n"), lenet);
        assertTrue(lenet.contains("Convas counts 61,706 parameters"), lenet);
        // The Train tab's activation maps take their receptive fields from the same report.
        ActivationView view = activations;
        robot.interact(() -> {
            view.setInput(new float[32 * 32], 1, 32, 32);
            view.setLayers(List.of(new LayerActivation("conv1", Shape.of(28, 28, 6), new float[28 * 28 * 6]),
                    new LayerActivation("conv2", Shape.of(10, 10, 16), new float[10 * 10 * 16])));
            view.selectActivation(1, 0, 0, 0);
        });
        assertEquals("conv2 at row 0, column 0: 14×14 receptive field, input rows 0–13, columns 0–13", view.receptiveFieldText());
        robot.interact(() -> designer.newFrom(Presets.find("alexnet").orElseThrow()));
        robot.interact(() -> designer.selectedNodeIdProperty().set(null));
        String alex = teaching.explanation().explanationText();
        assertTrue(alex.contains("2012 · ILSVRC 2012 winner · top-5 error 16.4%"), alex);
        assertTrue(alex.contains("Convas counts " + Numbers.grouped(designer.reportProperty().get().totalParameters())), alex);

    }

    @Test
    void compareAndCaseStudiesShowTheCalculatorsTotals(FxRobot robot) {
        robot.interact(() -> menuItem("menu-compare-3x3-vs-7x7").fire());
        TabPane sections = robot.lookup("#teach-sections").queryAs(TabPane.class);
        assertEquals("tab-teach-compare", sections.getSelectionModel().getSelectedItem().getId());
        long c = LectureComparisons.STACK_CHANNELS;
        assertEquals(Numbers.grouped(27 * c * c), label(robot, "#compare-0-1"));
        assertEquals(Numbers.grouped(49 * c * c), label(robot, "#compare-0-2"));
        assertEquals("+" + Numbers.grouped(22 * c * c), label(robot, "#compare-0-3"));
        assertEquals("7×7", label(robot, "#compare-7-1"));
        assertTrue(label(robot, "#compare-explanation").contains("27C² = 110,592"));
        // Any preset against the designer's network.
        robot.interact(() -> teaching.compare().setLeft(Presets.find("vgg16").orElseThrow().spec()));
        assertEquals("138,357,544", label(robot, "#compare-0-1"));
        assertTrue(label(robot, "#compare-explanation").startsWith("Two networks chosen by hand"));
        // The designer's selected block on its own input, as a side.
        robot.interact(() -> designer.selectedNodeIdProperty().set("conv2"));
        robot.interact(() -> teaching.compare().setRight(teaching.selectedBlockAlone()));
        assertEquals("2,416", label(robot, "#compare-0-2"));
        assertEquals("conv2 (Conv 5×5/1, 16)", teaching.compare().rightProperty().get().name());
        assertEquals("5×5", label(robot, "#compare-7-2"), "the block alone: its window on its own input");

        robot.interact(() -> menuItem("menu-teach-cases").fire());
        CaseStudiesView cases = robot.lookup("#case-studies").queryAs(CaseStudiesView.class);
        CaseStudiesView.Row alex = cases.items().stream().filter(r -> r.preset().key().equals("alexnet")).findFirst().orElseThrow();
        assertEquals(2012, alex.facts().year());
        assertEquals(60_965_224, alex.parameters());
        assertEquals(11, cases.items().size());
        Tab teach = teaching.teachTab();
        assertTrue(teach.isSelected());
    }
}
