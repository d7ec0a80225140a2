package org.convas.visualizer.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.convas.engine.spec.AtomicFiles;
import org.convas.visualizer.fx.SingleChildRegion;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Per-layer gradient norms over training steps on a logarithmic y axis, one coloured series per layer with a
 * legend. Vanishing gradients show as the early layers' lines sinking decades below the last layer's; exploding
 * ones as lines shooting up. The same class plots weight norms: pass another title and axis label.
 *
 * <p>Feeding as with {@link TrainingCharts}: call {@link #addNorms(List)} on the FX thread with a frame's worth
 * of points; the chart redraws at most 10 times a second; series are thinned past the cap. Norms ≤ 0 or NaN cannot be drawn on a
 * log axis and are left out (a layer with an exactly zero gradient, e.g. dead ReLUs, shows a gap).
 * Zoom, pan, reset and export work as in {@link TrainingCharts}; its CSV holds the plotted points
 * (layer,step,norm).
 */
public final class GradientNormChart extends SingleChildRegion {

    private final Map<String, CappedSeries> series = new LinkedHashMap<>();
    private final XYSeriesCollection data = new XYSeriesCollection();
    private final LineRenderer renderer = new LineRenderer();
    private final JFreeChart chart;
    private final RedrawThrottle throttle;
    private final int cap;

    /** A gradient-norm chart with the default cap. */
    public GradientNormChart() {
        this("Gradient norm per layer", "‖gradient‖₂ (log scale)", TrainingCharts.DEFAULT_MAX_POINTS);
    }

    /**
     * @param title  chart title, e.g. "Weight norm per layer"
     * @param yLabel y axis label
     * @param maxPointsPerSeries cap before a series is thinned to half of it; at least 16
     */
    public GradientNormChart(String title, String yLabel, int maxPointsPerSeries) {
        this(new javafx.scene.layout.StackPane(), title, yLabel, maxPointsPerSeries);
    }

    private GradientNormChart(javafx.scene.layout.StackPane root, String title, String yLabel, int cap) {
        super(root);
        if (cap < 16) {
            throw new IllegalArgumentException("GradientNormChart: maxPointsPerSeries must be ≥ 16, got " + cap);
        }
        this.cap = cap;
        getStyleClass().add("gradient-norm-chart");
        NumberAxis x = new NumberAxis("step");
        x.setAutoRangeIncludesZero(false);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        LogAxis y = new LogAxis(yLabel);
        y.setSmallestValue(1e-30);
        y.setBase(10);
        // One tick per decade (or per 2, 5, 10 decades on a tall range): labels 10⁻³, 10⁻², … not 6.31E0.
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        chart = ChartSupport.chart(title, x, y, data, renderer, true);
        throttle = new RedrawThrottle(chart, TrainingCharts.REDRAW_INTERVAL);
        ChartViewer viewer = ChartSupport.viewer(chart, this::resetZoom, new ChartSupport.Exporter() {
            @Override
            public void exportPng(Path target) throws IOException {
                GradientNormChart.this.exportPng(target);
            }

            @Override
            public void exportCsv(Path target) throws IOException {
                GradientNormChart.this.exportCsv(target);
            }
        });
        root.getChildren().add(viewer);
    }

    /** Adds the norms of all layers at one step: norms[i] belongs to layers.get(i). */
    public void addNorms(long step, List<String> layers, double[] norms) {
        if (layers.size() != norms.length) {
            throw new IllegalArgumentException("GradientNormChart.addNorms: " + layers.size() + " layer names but "
                    + norms.length + " norms at step " + step);
        }
        List<LayerGradientNorm> points = new ArrayList<>(norms.length);
        for (int i = 0; i < norms.length; i++) {
            points.add(new LayerGradientNorm(step, layers.get(i), norms[i]));
        }
        addNorms(points);
    }

    /** Adds a frame's worth of points (any mix of layers and steps) with one redraw. */
    public void addNorms(List<LayerGradientNorm> points) {
        if (points.isEmpty()) return;
        Map<String, double[][]> byLayer = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (LayerGradientNorm p : points) {
            double[][] xy = byLayer.computeIfAbsent(p.layer(), k -> new double[2][points.size()]);
            int n = counts.merge(p.layer(), 1, Integer::sum) - 1;
            xy[0][n] = p.step();
            // Log axis: a non-positive norm has no place on it; NaN makes CappedSeries skip the point.
            xy[1][n] = p.norm() > 0 ? p.norm() : Double.NaN;
        }
        throttle.beginUpdate();
        try {
            for (Map.Entry<String, double[][]> e : byLayer.entrySet()) {
                seriesFor(e.getKey()).addAll(e.getValue()[0], e.getValue()[1], counts.get(e.getKey()));
            }
        } finally {
            throttle.endUpdate();
        }
    }

    /** Removes all layers and points. */
    public void clear() {
        series.clear();
        data.removeAllSeries();
        resetZoom();
    }

    /** Sets how often the chart may redraw while points stream in (default 100 ms). */
    public void setMinRedrawInterval(javafx.util.Duration interval) {
        TrainingCharts.checkInterval(interval);
        throttle.setMinInterval(interval);
    }

    /** Draws an update still waiting for its redraw slot now. */
    public void flushRedraws() {
        throttle.flush();
    }

    /** Restores automatic axis ranges. */
    public void resetZoom() {
        ChartSupport.resetZoom(chart);
    }

    /** Layer names in the order first seen (= legend order). */
    public List<String> layers() {
        return List.copyOf(series.keySet());
    }

    /** Points plotted for a layer (after thinning); 0 for an unknown layer. */
    public int pointCount(String layer) {
        CappedSeries s = series.get(layer);
        return s == null ? 0 : s.count();
    }

    /** Writes the chart as an 800×500 PNG, atomically. Call on the FX thread. */
    public void exportPng(Path target) throws IOException {
        ChartSupport.writePng(target, List.of(chart), 1, 800, 500);
    }

    /** Writes the plotted points as CSV "layer,step,norm", atomically. */
    public void exportCsv(Path target) throws IOException {
        AtomicFiles.writeString(target, toCsv());
    }

    /** The CSV text {@link #exportCsv} writes; layer names containing a comma or quote are quoted. */
    public String toCsv() {
        StringBuilder csv = new StringBuilder("layer,step,norm\n");
        for (Map.Entry<String, CappedSeries> e : series.entrySet()) {
            String name = quote(e.getKey());
            double[][] xy = e.getValue().points();
            for (int i = 0; i < xy[0].length; i++) {
                csv.append(name).append(',').append((long) xy[0][i]).append(',').append(xy[1][i]).append('\n');
            }
        }
        return csv.toString();
    }

    private CappedSeries seriesFor(String layer) {
        CappedSeries s = series.get(layer);
        if (s == null) {
            s = new CappedSeries(layer, cap);
            int index = series.size();
            series.put(layer, s);
            renderer.setSeriesPaint(index, ChartSupport.PALETTE[index % ChartSupport.PALETTE.length]);
            renderer.setSeriesStroke(index, ChartSupport.stroke(1.5f));
            data.addSeries(s.series);
        }
        return s;
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
