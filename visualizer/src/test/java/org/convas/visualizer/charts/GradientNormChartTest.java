package org.convas.visualizer.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.scene.Scene;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class GradientNormChartTest {

    private GradientNormChart chart;

    @Start
    void start(Stage stage) {
        chart = new GradientNormChart("Gradient norm per layer", "norm", 64);
        stage.setScene(new Scene(chart, 600, 400));
        stage.show();
    }

    @Test
    void oneSeriesPerLayerInFirstSeenOrderAndNonPositiveNormsLeftOut(FxRobot robot) {
        robot.interact(() -> {
            chart.addNorms(1, List.of("conv1", "conv2", "fc"), new double[] {0.5, 0.02, 1.5});
            chart.addNorms(List.of(new LayerGradientNorm(2, "conv1", 0.4), new LayerGradientNorm(2, "conv2", 0.0),
                    new LayerGradientNorm(2, "fc", 1.2)));
        });
        assertEquals(List.of("conv1", "conv2", "fc"), chart.layers());
        assertEquals(2, chart.pointCount("conv1"));
        assertEquals(1, chart.pointCount("conv2"), "a zero norm cannot sit on a log axis");
        assertEquals("layer,step,norm\nconv1,1,0.5\nconv1,2,0.4\nconv2,1,0.02\nfc,1,1.5\nfc,2,1.2\n", chart.toCsv());
    }

    @Test
    void manyStepsStayUnderTheCap(FxRobot robot) {
        robot.interact(() -> {
            for (int step = 1; step <= 500; step++) {
                chart.addNorms(step, List.of("a"), new double[] {1.0 / step});
            }
        });
        assertTrue(chart.pointCount("a") <= 64);
        assertTrue(chart.toCsv().startsWith("layer,step,norm\na,1,1.0\n"));
        assertTrue(chart.toCsv().endsWith("a,500,0.002\n"));
    }

    @Test
    void mismatchedNamesAndNormsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> chart.addNorms(7, List.of("a", "b"), new double[] {1}));
        assertTrue(e.getMessage().contains("2 layer names but 1 norms at step 7"));
    }
}
