package org.convas.visualizer.inspect;

import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clicking an activation draws its receptive field on the input, with the calculator's numbers. */
@ExtendWith(ApplicationExtension.class)
class ActivationReceptiveFieldTest {

    private ActivationView view;

    /** LeNet-5's first stages on 32×32×1: conv1 5×5 → 28, pool1 2/2 → 14, conv2 5×5 → 10. */
    private static final NetworkSpec NET = NetworkSpec.builder("rf").input(32, 32, 1)
            .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 0)).add("pool1", LayerSpec.MaxPool.of(2, 2))
            .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("flatten", new LayerSpec.Flatten())
            .add("fc", LayerSpec.FullyConnected.of(10)).build();

    @Start
    void start(Stage stage) {
        view = new ActivationView();
        stage.setScene(new Scene(view, 1000, 700));
        stage.show();
    }

    private static LayerActivation layer(String name, Shape s) {
        return new LayerActivation(name, s, new float[(int) s.size()]);
    }

    private void show(FxRobot robot) {
        NetworkReport report = Calculator.analyze(NET);
        robot.interact(() -> {
            view.setInput(new float[32 * 32], 1, 32, 32);
            view.setLayers(List.of(layer("conv1", Shape.of(28, 28, 6)), layer("pool1", Shape.of(14, 14, 6)),
                    layer("conv2", Shape.of(10, 10, 16)), layer("fc", Shape.vector(10))));
            view.setReceptiveFields((name, shape) -> report.find(name).filter(l -> shape.equals(l.output()))
                    .map(LayerReport::receptiveField).orElse(null));
        });
    }

    @Test
    void aConvTwoActivationSeesFourteenByFourteenInputPixels(FxRobot robot) {
        show(robot);
        // conv2 unit (row 2, column 3): jump 2 (pool1's stride), start 0.5 + 2 + 0.5 + 4 = 7 → centre x = 7 + 3·2 = 13,
        // y = 7 + 2·2 = 11; 14 wide → columns 6–19, rows 4–17.
        robot.interact(() -> view.selectActivation(2, 0, 2, 3));
        assertEquals(new Rectangle2D(6, 4, 14, 14), view.receptiveFieldRegion());
        assertEquals("conv2 at row 2, column 3: 14×14 receptive field, input rows 4–17, columns 6–19", view.receptiveFieldText());
        Rectangle box = robot.lookup("#receptive-field-box").queryAs(Rectangle.class);
        assertTrue(box.isVisible());
        // The input tile is 32 pixels drawn at scale ⌊112/32⌋ = 3.
        assertEquals(6 * 3, box.getX(), 1e-9);
        assertEquals(14 * 3, box.getWidth(), 1e-9);
    }

    @Test
    void aFirstLayerActivationSeesItsFiveByFiveWindowAndAClickOnTheMapPicksIt(FxRobot robot) {
        show(robot);
        robot.interact(() -> view.selectActivation(0, 1, 0, 27));
        assertEquals(new Rectangle2D(27, 0, 5, 5), view.receptiveFieldRegion());
        // A real click on the middle of the enlarged map (conv1, 28×28 drawn ×6 = 168 pixels): an interior 5×5 field.
        robot.clickOn(robot.lookup(n -> n.getParent() != null && n instanceof org.convas.visualizer.fx.PixelTile
                && ((org.convas.visualizer.fx.PixelTile) n).sourceWidth() == 28
                && n.getBoundsInLocal().getWidth() == 168).<javafx.scene.Node>query(), javafx.scene.input.MouseButton.PRIMARY);
        Rectangle2D r = view.receptiveFieldRegion();
        assertEquals(5, r.getWidth());
        assertEquals(5, r.getHeight());
    }

    @Test
    void aFullyConnectedUnitSeesTheWholeInputAndUnknownLayersSaySo(FxRobot robot) {
        show(robot);
        robot.interact(() -> view.selectActivation(3, 0, 0, 0));
        assertEquals(new Rectangle2D(0, 0, 32, 32), view.receptiveFieldRegion());
        robot.interact(() -> view.setReceptiveFields(null));
        robot.interact(() -> view.selectActivation(2, 0, 0, 0));
        assertNull(view.receptiveFieldRegion());
        assertEquals("conv2: receptive field unknown", view.receptiveFieldText());
    }
}
