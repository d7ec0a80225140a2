package org.convas.visualizer.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;

import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;

import org.convas.engine.spec.AtomicFiles;
import org.convas.visualizer.fx.SingleChildRegion;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The live training plots, four JFreeChart-FX charts in a 2×2 grid:
 * <ol>
 * <li>training loss per batch, raw (faint) and smoothed (see {@link ExponentialSmoothing}, β default 0.9);</li>
 * <li>training and validation loss per epoch;</li>
 * <li>training and validation accuracy per epoch;</li>
 * <li>learning rate per batch.</li>
 * </ol>
 * Drag a rectangle to zoom, mouse wheel to zoom at the pointer, Ctrl+drag or Alt+drag to pan, right click for
 * "Reset zoom", "Save charts as PNG…", "Save data as CSV…" (and JFreeChart's own export entries).
 *
 * <p>Feeding: call the add methods on the FX thread, ideally with a frame's worth of points at once
 * ({@link #addBatches}, fed by a {@link org.convas.visualizer.fx.FrameBatcher}); each call adds all points without
 * per-point events, and each chart redraws at most 10 times a second however often points arrive
 * (JFreeChart-FX would otherwise redraw synchronously per change; see {@code RedrawThrottle}). A series longer than the cap (default 20,000 points) is thinned to half
 * the cap with {@link Decimation min–max buckets}; the full-resolution history is kept for the CSV export.
 */
public final class TrainingCharts extends SingleChildRegion {

    /** The plotted series, for tests and callers that want to read points back. */
    public enum Series {
        BATCH_LOSS, BATCH_LOSS_SMOOTHED, LEARNING_RATE,
        EPOCH_TRAIN_LOSS, EPOCH_VALIDATION_LOSS, EPOCH_TRAIN_ACCURACY, EPOCH_VALIDATION_ACCURACY
    }

    /** Live charts redraw at most once per this interval (10 times a second); data is added at full rate. */
    static final javafx.util.Duration REDRAW_INTERVAL = javafx.util.Duration.millis(100);

    /** Default cap on points per plotted series. */
    public static final int DEFAULT_MAX_POINTS = 20_000;

    private final TrainingHistory history = new TrainingHistory();
    private final Map<Series, CappedSeries> series = new EnumMap<>(Series.class);
    private final List<JFreeChart> charts;
    /** The batch-loss, epoch-loss and epoch-accuracy datasets: overlays are added after their own two series. */
    private final XYSeriesCollection batchData, epochLossData, epochAccuracyData;
    private List<RunOverlay> overlays = List.of();
    /** Overlaid batch curves are thinned to this many points: a comparison needs the shape, not every step. */
    static final int OVERLAY_POINTS = 2_000;
    private final List<RedrawThrottle> throttles;
    private double smoothing = 0.9;
    private ExponentialSmoothing ema = new ExponentialSmoothing(smoothing);

    /** Charts with the default cap of {@value #DEFAULT_MAX_POINTS} points per series. */
    public TrainingCharts() {
        this(DEFAULT_MAX_POINTS);
    }

    /** @param maxPointsPerSeries cap before a series is thinned to half of it; at least 16 */
    public TrainingCharts(int maxPointsPerSeries) {
        this(new GridPane(), maxPointsPerSeries);
    }

    private TrainingCharts(GridPane grid, int cap) {
        super(grid);
        if (cap < 16) {
            throw new IllegalArgumentException("TrainingCharts: maxPointsPerSeries must be ≥ 16, got " + cap);
        }
        getStyleClass().add("training-charts");
        series.put(Series.BATCH_LOSS, new CappedSeries("loss (batch)", cap));
        series.put(Series.BATCH_LOSS_SMOOTHED, new CappedSeries("loss, smoothed", cap));
        series.put(Series.LEARNING_RATE, new CappedSeries("learning rate", cap));
        series.put(Series.EPOCH_TRAIN_LOSS, new CappedSeries("training", cap));
        series.put(Series.EPOCH_VALIDATION_LOSS, new CappedSeries("validation", cap));
        series.put(Series.EPOCH_TRAIN_ACCURACY, new CappedSeries("training", cap));
        series.put(Series.EPOCH_VALIDATION_ACCURACY, new CappedSeries("validation", cap));

        LineRenderer batchRenderer = new LineRenderer();
        batchRenderer.setSeriesPaint(0, ChartSupport.LIGHT_BLUE);
        batchRenderer.setSeriesStroke(0, ChartSupport.stroke(1f));
        batchRenderer.setSeriesPaint(1, ChartSupport.BLUE);
        batchRenderer.setSeriesStroke(1, ChartSupport.stroke(2f));
        batchData = collection(Series.BATCH_LOSS, Series.BATCH_LOSS_SMOOTHED);
        epochLossData = collection(Series.EPOCH_TRAIN_LOSS, Series.EPOCH_VALIDATION_LOSS);
        epochAccuracyData = collection(Series.EPOCH_TRAIN_ACCURACY, Series.EPOCH_VALIDATION_ACCURACY);
        JFreeChart lossChart = ChartSupport.chart("Training loss per batch", axis("step", true), axis("loss", false),
                batchData, batchRenderer, true);

        JFreeChart epochLoss = ChartSupport.chart("Loss per epoch", axis("epoch", true), axis("loss", false),
                epochLossData, epochRenderer(), true);
        JFreeChart epochAccuracy = ChartSupport.chart("Accuracy per epoch", axis("epoch", true),
                axis("accuracy", false), epochAccuracyData, epochRenderer(), true);

        LineRenderer lrRenderer = new LineRenderer();
        lrRenderer.setSeriesPaint(0, ChartSupport.GREEN);
        lrRenderer.setSeriesStroke(0, ChartSupport.stroke(1.5f));
        // From zero: a constant rate is then a flat line at its height, not an axis of 3.000001E-3 ticks, and a
        // schedule's decay reads as a fraction of the start.
        NumberAxis lrAxis = axis("learning rate", false);
        lrAxis.setAutoRangeIncludesZero(true);
        JFreeChart lrChart = ChartSupport.chart("Learning rate", axis("step", true), lrAxis,
                collection(Series.LEARNING_RATE), lrRenderer, false);

        charts = List.of(lossChart, epochLoss, epochAccuracy, lrChart);
        throttles = charts.stream().map(c -> new RedrawThrottle(c, REDRAW_INTERVAL)).toList();
        ChartSupport.Exporter exporter = new ChartSupport.Exporter() {
            @Override
            public void exportPng(Path target) throws IOException {
                TrainingCharts.this.exportPng(target);
            }

            @Override
            public void exportCsv(Path target) throws IOException {
                TrainingCharts.this.exportCsv(target);
            }
        };
        for (int i = 0; i < charts.size(); i++) {
            ChartViewer viewer = ChartSupport.viewer(charts.get(i), this::resetZoom, exporter);
            grid.add(viewer, i % 2, i / 2);
        }
        for (int i = 0; i < 2; i++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(50);
            column.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(column);
            RowConstraints row = new RowConstraints();
            row.setPercentHeight(50);
            row.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(row);
        }
    }

    /** Adds one batch. Prefer {@link #addBatches} for many. */
    public void addBatch(long step, double loss, double accuracy, double learningRate) {
        addBatches(List.of(new BatchPoint(step, loss, accuracy, learningRate)));
    }

    /** Adds a frame's worth of batches with one redraw per chart. */
    public void addBatches(List<BatchPoint> points) {
        int n = points.size();
        if (n == 0) return;
        double[] steps = new double[n];
        double[] losses = new double[n];
        double[] smoothed = new double[n];
        double[] rates = new double[n];
        for (int i = 0; i < n; i++) {
            BatchPoint p = points.get(i);
            history.addBatch(p);
            steps[i] = p.step();
            losses[i] = p.loss();
            smoothed[i] = ema.next(p.loss());
            rates[i] = p.learningRate();
        }
        throttles.get(0).beginUpdate();
        series.get(Series.BATCH_LOSS).addAll(steps, losses, n);
        series.get(Series.BATCH_LOSS_SMOOTHED).addAll(steps, smoothed, n);
        throttles.get(0).endUpdate();
        throttles.get(3).beginUpdate();
        series.get(Series.LEARNING_RATE).addAll(steps, rates, n);
        throttles.get(3).endUpdate();
    }

    /** Adds one epoch's metrics; pass NaN for validation values when there is no validation set. */
    public void addEpoch(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                         double validationAccuracy) {
        addEpochs(List.of(new EpochPoint(epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy)));
    }

    /** Adds several epochs with one redraw per chart. */
    public void addEpochs(List<EpochPoint> points) {
        int n = points.size();
        if (n == 0) return;
        double[] x = new double[n];
        double[][] y = new double[4][n];
        for (int i = 0; i < n; i++) {
            EpochPoint p = points.get(i);
            history.addEpoch(p);
            x[i] = p.epoch();
            y[0][i] = p.trainLoss();
            y[1][i] = p.validationLoss();
            y[2][i] = p.trainAccuracy();
            y[3][i] = p.validationAccuracy();
        }
        throttles.get(1).beginUpdate();
        series.get(Series.EPOCH_TRAIN_LOSS).addAll(x, y[0], n);
        series.get(Series.EPOCH_VALIDATION_LOSS).addAll(x, y[1], n);
        throttles.get(1).endUpdate();
        throttles.get(2).beginUpdate();
        series.get(Series.EPOCH_TRAIN_ACCURACY).addAll(x, y[2], n);
        series.get(Series.EPOCH_VALIDATION_ACCURACY).addAll(x, y[3], n);
        throttles.get(2).endUpdate();
    }

    /**
     * Sets the smoothing factor β of the smoothed loss curve (0 ≤ β &lt; 1; 0 = raw) and recomputes the
     * smoothed curve from the full-resolution history.
     */
    public void setSmoothing(double beta) {
        ExponentialSmoothing.checkFactor(beta);
        smoothing = beta;
        ema = new ExponentialSmoothing(beta);
        List<BatchPoint> batches = history.batches();
        double[] steps = new double[batches.size()];
        double[] smoothed = new double[batches.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = batches.get(i).step();
            smoothed[i] = ema.next(batches.get(i).loss());
        }
        throttles.get(0).beginUpdate();
        series.get(Series.BATCH_LOSS_SMOOTHED).replaceAll(steps, smoothed, steps.length);
        throttles.get(0).endUpdate();
    }

    /** The current smoothing factor β. */
    public double smoothing() {
        return smoothing;
    }

    /** Removes every point (a new run). */
    public void clear() {
        history.clear();
        ema = new ExponentialSmoothing(smoothing);
        for (CappedSeries s : series.values()) {
            s.clear();
        }
        resetZoom();
    }

    /**
     * Draws earlier runs over the current one, dashed, one colour per run: each run's smoothed batch loss (thinned
     * to {@value #OVERLAY_POINTS} points), validation loss and validation accuracy. Replaces the overlays shown
     * before; an empty list removes them. The current run's curves and the CSV export are not affected.
     */
    public void setOverlays(List<RunOverlay> runs) {
        overlays = List.copyOf(runs);
        for (RedrawThrottle t : throttles.subList(0, 3)) t.beginUpdate();
        for (XYSeriesCollection c : List.of(batchData, epochLossData, epochAccuracyData)) {
            while (c.getSeriesCount() > 2) c.removeSeries(c.getSeriesCount() - 1);
        }
        for (int i = 0; i < overlays.size(); i++) {
            RunOverlay run = overlays.get(i);
            org.jfree.data.xy.XYSeries loss = new org.jfree.data.xy.XYSeries(run.label() + " (smoothed)", false, true);
            double[] xs = new double[run.batches().size()], ys = new double[xs.length];
            ExponentialSmoothing smooth = new ExponentialSmoothing(smoothing);
            for (int j = 0; j < xs.length; j++) {
                xs[j] = run.batches().get(j).step();
                ys[j] = smooth.next(run.batches().get(j).loss());
            }
            int[] keep = xs.length <= OVERLAY_POINTS ? null : Decimation.minMaxIndices(ys, ys.length, OVERLAY_POINTS / 2);
            if (keep == null) for (int j = 0; j < xs.length; j++) loss.add(xs[j], ys[j], false);
            else for (int j : keep) loss.add(xs[j], ys[j], false);
            org.jfree.data.xy.XYSeries valLoss = new org.jfree.data.xy.XYSeries(run.label() + " validation", false, true);
            org.jfree.data.xy.XYSeries valAccuracy = new org.jfree.data.xy.XYSeries(run.label() + " validation", false, true);
            for (EpochPoint e : run.epochs()) {
                if (Double.isFinite(e.validationLoss())) valLoss.add(e.epoch(), e.validationLoss(), false);
                if (Double.isFinite(e.validationAccuracy())) valAccuracy.add(e.epoch(), e.validationAccuracy(), false);
            }
            batchData.addSeries(loss);
            epochLossData.addSeries(valLoss);
            epochAccuracyData.addSeries(valAccuracy);
            java.awt.Color colour = ChartSupport.PALETTE[(i + 2) % ChartSupport.PALETTE.length];
            java.awt.BasicStroke dashed = new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT,
                    java.awt.BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f);
            for (int chart = 0; chart < 3; chart++) {
                var renderer = charts.get(chart).getXYPlot().getRenderer();
                renderer.setSeriesPaint(2 + i, colour);
                renderer.setSeriesStroke(2 + i, dashed);
            }
        }
        for (RedrawThrottle t : throttles.subList(0, 3)) t.endUpdate();
    }

    /** The runs drawn over the current one. */
    public List<RunOverlay> overlays() {
        return overlays;
    }

    /**
     * Sets how often the charts may redraw while points stream in (default 100 ms: 10 redraws a second).
     * A redraw of one chart costs milliseconds to tens of milliseconds of FX-thread time (see
     * RenderingBenchmark), mostly axes and text, so a slower rate leaves more of the FX thread to the rest.
     *
     * @throws IllegalArgumentException for a negative or unknown duration
     */
    public void setMinRedrawInterval(javafx.util.Duration interval) {
        checkInterval(interval);
        throttles.forEach(t -> t.setMinInterval(interval));
    }

    static void checkInterval(javafx.util.Duration interval) {
        if (interval == null || interval.isUnknown() || interval.isIndefinite() || interval.lessThan(javafx.util.Duration.ZERO)) {
            throw new IllegalArgumentException("redraw interval must be a finite duration ≥ 0, got " + interval);
        }
    }

    /** Draws any update still waiting for its redraw slot now (before a screenshot, say). */
    public void flushRedraws() {
        throttles.forEach(RedrawThrottle::flush);
    }

    /** True while some chart has points added but not yet drawn (at most {@code REDRAW_INTERVAL}). */
    public boolean isRedrawPending() {
        return throttles.stream().anyMatch(RedrawThrottle::isPending);
    }

    /** Restores automatic axis ranges on all four charts after zooming or panning. */
    public void resetZoom() {
        charts.forEach(ChartSupport::resetZoom);
    }

    /** Writes the four charts as one 1200×800 PNG, atomically. Call on the FX thread. */
    public void exportPng(Path target) throws IOException {
        exportPng(target, 1200, 800);
    }

    /** Writes the four charts as one PNG of the given size (2×2 grid), atomically. */
    public void exportPng(Path target, int width, int height) throws IOException {
        ChartSupport.writePng(target, charts, 2, width / 2, height / 2);
    }

    /** Writes every series at full resolution as CSV ({@link TrainingHistory#toCsv layout}), atomically. */
    public void exportCsv(Path target) throws IOException {
        AtomicFiles.writeString(target, toCsv());
    }

    /** The CSV text {@link #exportCsv} writes. */
    public String toCsv() {
        return history.toCsv(smoothing);
    }

    /** Number of points currently plotted in a series (after thinning). */
    public int pointCount(Series which) {
        return series.get(which).count();
    }

    /** Copy of a plotted series as {xs, ys}. */
    public double[][] points(Series which) {
        return series.get(which).points();
    }

    /** The full-resolution history behind the charts (read-only lists). */
    public TrainingHistory history() {
        return history;
    }

    private XYSeriesCollection collection(Series... which) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : which) {
            data.addSeries(series.get(s).series);
        }
        return data;
    }

    private static NumberAxis axis(String label, boolean integerTicks) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        if (integerTicks) {
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        return axis;
    }

    private static XYLineAndShapeRenderer epochRenderer() {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, ChartSupport.BLUE);
        renderer.setSeriesPaint(1, ChartSupport.ORANGE);
        renderer.setSeriesStroke(0, ChartSupport.stroke(2f));
        renderer.setSeriesStroke(1, ChartSupport.stroke(2f));
        renderer.setDrawSeriesLineAsPath(true);
        return renderer;
    }
}
