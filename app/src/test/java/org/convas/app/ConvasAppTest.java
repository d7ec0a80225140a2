package org.convas.app;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
import org.convas.app.designer.DesignerView;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Shape;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application as it starts from the command line with no arguments. */
@ExtendWith(ApplicationExtension.class)
class ConvasAppTest {

    private Stage stage;
    private MainWindow window;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        new ConvasApp().start(stage);
        // The scene's root is the presentation zoom (View menu) around the main window.
        window = (MainWindow) ((org.convas.app.teach.PresentationZoom) stage.getScene().getRoot()).content();
    }

    @Test
    void theCanvasHasMostOfTheDesignersWidthWhenTheWindowOpens() {
        // The scene once made its first layout at the content's preferred width (the inspector's unwrapped texts,
        // several screens wide); the split pane then kept palette and inspector that wide and left the canvas 30 px.
        DesignerView designer = (DesignerView) window.getCenterView();
        double canvas = designer.canvas().getWidth(), whole = designer.getWidth();
        assertTrue(whole > 0 && canvas >= 0.5 * whole, "canvas " + canvas + " px of the designer's " + whole + " px");
    }

    @Test
    void choosingAPresetOpensItOnceInTheDesigner(FxRobot robot) {
        DesignerView designer = (DesignerView) window.getCenterView();
        long before = designer.viewModel().documentsLoadedProperty().get();
        @SuppressWarnings("unchecked")
        ComboBox<Preset> chooser = robot.lookup("#preset-chooser").queryAs(ComboBox.class);
        Preset alexnet = Presets.find("alexnet").orElseThrow();
        robot.interact(() -> chooser.setValue(alexnet));
        assertEquals("AlexNet", designer.viewModel().spec().name());
        assertEquals(before + 1, designer.viewModel().documentsLoadedProperty().get());
        assertEquals(new Shape(55, 55, 96), window.summaryTable().getReport().layer("conv1").output());
    }

    @Test
    void designerEditsReachTheSummaryTableAndSelectionFollowsBothWays(FxRobot robot) {
        DesignerView designer = (DesignerView) window.getCenterView();
        LayerSpec.Conv2D conv1 = (LayerSpec.Conv2D) designer.viewModel().spec().node("conv1").layer();
        robot.interact(() -> designer.viewModel().setLayer("conv1", conv1.withStride(3), "stride"));
        // (32 − 5 + 2·0)/3 + 1 = 10: LeNet-5's 32×32 input takes stride 3, so the table shows the new shape.
        assertEquals(new Shape(10, 10, 6), window.summaryTable().getReport().layer("conv1").output());
        robot.interact(() -> window.summaryTable().selectedNodeIdProperty().set("pool2"));
        assertEquals("pool2", designer.selectedNodeIdProperty().get());
        robot.interact(() -> designer.viewModel().select("fc1"));
        assertEquals("fc1", window.summaryTable().selectedNodeIdProperty().get());
        robot.interact(() -> designer.viewModel().undo());
        assertEquals(new Shape(28, 28, 6), window.summaryTable().getReport().layer("conv1").output());
    }

    @Test
    void opensOnLeNet5WithConv1sRow(FxRobot robot) {
        assertEquals("LeNet-5 — Convas", stage.getTitle());
        Set<String> conv1Row = robot.lookup(".table-row-cell").queryAll().stream()
                .filter(row -> robot.from(row).lookup(".layer-id").tryQuery()
                        .map(id -> "conv1".equals(((Labeled) id).getText())).orElse(false))
                .flatMap(row -> robot.from(row).lookup(".table-cell").queryAll().stream())
                .map(cell -> ((Labeled) cell).getText()).filter(t -> t != null)
                .collect(Collectors.toSet());
        assertTrue(conv1Row.contains("28×28×6"), conv1Row::toString);
        assertTrue(conv1Row.contains("156"), conv1Row::toString);
        assertTrue(conv1Row.contains("(5·5·1 + 1)·6 = 156"), conv1Row::toString);
        @SuppressWarnings("unchecked")
        ComboBox<Preset> chooser = robot.lookup("#preset-chooser").queryAs(ComboBox.class);
        assertEquals("LeNet-5", chooser.getButtonCell().getText());
    }
}
