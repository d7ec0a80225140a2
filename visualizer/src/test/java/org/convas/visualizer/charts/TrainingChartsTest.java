package org.convas.visualizer.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javafx.scene.Scene;
import javafx.stage.Stage;

import org.convas.visualizer.charts.TrainingCharts.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class TrainingChartsTest {

    private TrainingCharts charts;

    @Start
    void start(Stage stage) {
        charts = new TrainingCharts(100);
        stage.setScene(new Scene(charts, 800, 600));
        stage.show();
    }

    @Test
    void addBatchAddsAPointToLossSmoothedAndLearningRate(FxRobot robot) {
        robot.interact(() -> {
            charts.addBatch(1, 2.0, 0.1, 0.01);
            charts.addBatch(2, 1.0, 0.2, 0.01);
        });
        assertEquals(2, charts.pointCount(Series.BATCH_LOSS));
        assertEquals(2, charts.pointCount(Series.BATCH_LOSS_SMOOTHED));
        assertEquals(2, charts.pointCount(Series.LEARNING_RATE));
        assertArrayEquals(new double[] {2.0, 1.0}, charts.points(Series.BATCH_LOSS)[1]);
        // β = 0.9 debiased: second value (0.9·0.2 + 0.1·1.0) / (1 − 0.81) = 0.28 / 0.19
        assertEquals(0.28 / 0.19, charts.points(Series.BATCH_LOSS_SMOOTHED)[1][1], 1e-12);
    }

    @Test
    void longRunIsThinnedBelowTheCapKeepingFirstAndLastPoints(FxRobot robot) {
        robot.interact(() -> {
            for (int frame = 0; frame < 50; frame++) {
                List<BatchPoint> points = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    long step = frame * 20L + i + 1;
                    points.add(new BatchPoint(step, 3.0 / Math.sqrt(step), 0.5, 0.1));
                }
                charts.addBatches(points);
            }
        });
        double[][] loss = charts.points(Series.BATCH_LOSS);
        assertTrue(loss[0].length <= 100, "cap respected: " + loss[0].length);
        assertEquals(1.0, loss[0][0]);
        assertEquals(3.0, loss[1][0]);
        assertEquals(1000.0, loss[0][loss[0].length - 1]);
        assertEquals(3.0 / Math.sqrt(1000), loss[1][loss[1].length - 1], 1e-12);
        assertEquals(1000, charts.history().batches().size(), "full history kept for export");
    }

    @Test
    void epochsPlotTrainAndValidationAndSkipMissingValidation(FxRobot robot) {
        robot.interact(() -> {
            charts.addEpoch(1, 1.2, 0.6, 1.3, 0.55);
            charts.addEpoch(2, 0.8, 0.7, Double.NaN, Double.NaN);
        });
        assertEquals(2, charts.pointCount(Series.EPOCH_TRAIN_LOSS));
        assertEquals(1, charts.pointCount(Series.EPOCH_VALIDATION_LOSS));
        assertArrayEquals(new double[] {0.6, 0.7}, charts.points(Series.EPOCH_TRAIN_ACCURACY)[1]);
        assertArrayEquals(new double[] {0.55}, charts.points(Series.EPOCH_VALIDATION_ACCURACY)[1]);
    }

    @Test
    void changingSmoothingRecomputesTheSmoothedCurve(FxRobot robot) {
        robot.interact(() -> {
            charts.addBatch(1, 2.0, 0, 0.1);
            charts.addBatch(2, 1.0, 0, 0.1);
            charts.setSmoothing(0.6);
            charts.addBatch(3, 1.0, 0, 0.1);
        });
        ExponentialSmoothing oracle = new ExponentialSmoothing(0.6);
        double[] expected = {oracle.next(2.0), oracle.next(1.0), oracle.next(1.0)};
        assertArrayEquals(expected, charts.points(Series.BATCH_LOSS_SMOOTHED)[1], 1e-12);
    }

    @Test
    void exportsCsvOfAllSeriesAndAPng(FxRobot robot, @TempDir Path dir) throws Exception {
        robot.interact(() -> {
            charts.setSmoothing(0.6);
            charts.addBatch(1, 2.0, 0.25, 0.1);
            charts.addBatch(2, 1.0, 0.5, 0.05);
            charts.addEpoch(1, 1.5, 0.375, 1.25, 0.5);
        });
        Path csv = dir.resolve("out/run.csv");
        Path png = dir.resolve("run.png");
        robot.interact(() -> {
            try {
                charts.exportCsv(csv);
                charts.exportPng(png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(String.join("\n",
                "series,x,y",
                "batch_loss,1,2.0", "batch_loss,2,1.0",
                "batch_loss_ema,1,2.0", "batch_loss_ema,2,1.375",
                "batch_accuracy,1,0.25", "batch_accuracy,2,0.5",
                "learning_rate,1,0.1", "learning_rate,2,0.05",
                "epoch_train_loss,1,1.5", "epoch_val_loss,1,1.25",
                "epoch_train_accuracy,1,0.375", "epoch_val_accuracy,1,0.5", ""), Files.readString(csv));
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        assertEquals(800, image.getHeight());
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void clearRemovesEveryPoint(FxRobot robot) {
        robot.interact(() -> {
            charts.addBatch(1, 2.0, 0.1, 0.1);
            charts.addEpoch(1, 1, 1, 1, 1);
            charts.clear();
        });
        for (Series s : Series.values()) assertEquals(0, charts.pointCount(s), s.name());
        assertEquals("series,x,y\n", charts.toCsv());
    }

    @Test
    void burstsOfPointsShareOneRedrawSlot(FxRobot robot) {
        boolean[] pending = new boolean[2];
        robot.interact(() -> {
            // A long interval keeps the test independent of how long a redraw takes on a loaded machine.
            charts.setMinRedrawInterval(javafx.util.Duration.seconds(60));
            charts.addBatch(1, 2.0, 0.1, 0.1); // first update after a quiet interval draws at once
            charts.addBatch(2, 1.9, 0.1, 0.1); // within the interval: waits for the next slot
            pending[0] = charts.isRedrawPending();
            charts.flushRedraws();
            pending[1] = charts.isRedrawPending();
        });
        assertTrue(pending[0]);
        assertTrue(!pending[1]);
        assertEquals(2, charts.pointCount(Series.BATCH_LOSS), "data is never held back, only the redraw");
    }

    @Test
    void zeroIntervalRedrawsEveryUpdateAndBadIntervalsAreRejected(FxRobot robot) {
        boolean[] pending = new boolean[1];
        robot.interact(() -> {
            charts.setMinRedrawInterval(javafx.util.Duration.ZERO);
            charts.addBatch(1, 2.0, 0.1, 0.1);
            charts.addBatch(2, 1.9, 0.1, 0.1);
            pending[0] = charts.isRedrawPending();
        });
        assertTrue(!pending[0]);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> charts.setMinRedrawInterval(javafx.util.Duration.millis(-5)));
        assertTrue(e.getMessage().contains("finite duration ≥ 0"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> charts.setMinRedrawInterval(javafx.util.Duration.INDEFINITE));
    }

    @Test
    void dragZoomsCtrlDragPansAndResetZoomRestoresTheFullRange(FxRobot robot) {
        robot.interact(() -> {
            List<BatchPoint> points = new ArrayList<>();
            for (int step = 1; step <= 500; step++) points.add(new BatchPoint(step, 3.0 / Math.sqrt(step), 0.5, 0.1));
            charts.addBatches(points);
            charts.flushRedraws();
        });
        org.jfree.chart.fx.ChartViewer lossViewer = robot.lookup(n -> n instanceof org.jfree.chart.fx.ChartViewer)
                .queryAllAs(org.jfree.chart.fx.ChartViewer.class).stream()
                .filter(v -> v.getChart().getTitle().getText().startsWith("Training loss"))
                .findFirst().orElseThrow();
        org.jfree.chart.axis.ValueAxis steps = lossViewer.getChart().getXYPlot().getDomainAxis();
        double fullWidth = steps.getRange().getLength();
        javafx.geometry.Bounds b = lossViewer.localToScreen(lossViewer.getBoundsInLocal());
        robot.drag(b.getMinX() + 0.35 * b.getWidth(), b.getMinY() + 0.3 * b.getHeight(),
                javafx.scene.input.MouseButton.PRIMARY)
                .dropTo(b.getMinX() + 0.6 * b.getWidth(), b.getMinY() + 0.6 * b.getHeight());
        assertTrue(steps.getRange().getLength() < 0.6 * fullWidth,
                "zoomed from " + fullWidth + " to " + steps.getRange().getLength());
        // Ctrl+drag pans: the window keeps its width and moves.
        double zoomedLower = steps.getLowerBound();
        double zoomedWidth = steps.getRange().getLength();
        robot.press(javafx.scene.input.KeyCode.CONTROL);
        try {
            robot.drag(b.getMinX() + 0.6 * b.getWidth(), b.getMinY() + 0.5 * b.getHeight(),
                    javafx.scene.input.MouseButton.PRIMARY)
                    .dropTo(b.getMinX() + 0.4 * b.getWidth(), b.getMinY() + 0.5 * b.getHeight());
        } finally {
            robot.release(javafx.scene.input.KeyCode.CONTROL);
        }
        assertTrue(steps.getLowerBound() > zoomedLower + 1, "panned right: " + zoomedLower + " -> "
                + steps.getLowerBound());
        assertEquals(zoomedWidth, steps.getRange().getLength(), 1e-6 * zoomedWidth);
        robot.interact(() -> charts.resetZoom());
        assertTrue(steps.isAutoRange());
        assertEquals(fullWidth, steps.getRange().getLength(), 1e-9);
    }
}
