package org.convas.visualizer.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.scene.Scene;
import javafx.scene.paint.Color;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ConfusionMatrixViewTest {

    private ConfusionMatrixView view;

    @Start
    void start(Stage stage) {
        view = new ConfusionMatrixView();
        stage.setScene(new Scene(view, 500, 400));
        stage.show();
    }

    private static final int[][] COUNTS = {{80, 15, 5}, {10, 30, 0}, {0, 0, 0}};

    @Test
    void rowNormalisationAndRecall() {
        double[][] r = ConfusionMatrixView.rowNormalised(COUNTS);
        assertArrayEquals(new double[] {0.80, 0.15, 0.05}, r[0], 1e-12);
        assertArrayEquals(new double[] {0.25, 0.75, 0.0}, r[1], 1e-12);
        assertArrayEquals(new double[] {0, 0, 0}, r[2], "a class without images is all 0");
        double[] recall = ConfusionMatrixView.recalls(COUNTS);
        assertEquals(0.80, recall[0], 1e-12);
        assertEquals(0.75, recall[1], 1e-12);
        assertTrue(Double.isNaN(recall[2]));
    }

    @Test
    void summaryGivesTheOverallAccuracy(FxRobot robot) {
        robot.interact(() -> view.setMatrix(COUNTS, List.of("cat", "dog", "bird")));
        assertEquals("140 images, accuracy 78.6% (rows: true class, columns: predicted)", view.summaryText());
    }

    @Test
    void shadeRunsFromWhiteToDarkBlue() {
        assertEquals(Color.rgb(255, 255, 255), ConfusionMatrixView.shade(0));
        assertEquals(Color.rgb(8, 48, 107), ConfusionMatrixView.shade(1));
    }

    @Test
    void nonSquareOrNegativeCountsAreRejected() {
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> view.setMatrix(new int[][] {{1, 2}, {3, 4}}, List.of("a", "b", "c")));
        assertTrue(rows.getMessage().contains("2 rows for 3 class names"));
        IllegalArgumentException cols = assertThrows(IllegalArgumentException.class,
                () -> view.setMatrix(new int[][] {{1, 2}, {3}}, List.of("a", "b")));
        assertTrue(cols.getMessage().contains("row 1 (b) has 1 columns, expected 2"));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> view.setMatrix(new int[][] {{1, -2}, {3, 4}}, List.of("a", "b")));
        assertTrue(negative.getMessage().contains("count[0][1] = -2 is negative"));
    }
}
