package org.convas.visualizer.charts;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

/**
 * How one tensor's values are distributed, and how that changed over training. Left: the histogram of the latest
 * point (bars over the value range). Right: the percentiles over time as nested bands, TensorBoard's "distributions"
 * (min–max lightest, then 7–93 %, 16–84 %, 31–69 %, and the median as a line), one column per point.
 */
public final class DistributionChart extends CanvasPane {

    /**
     * One moment: a label for the x axis ("e2 b150"), the 9 percentiles (min, 7, 16, 31, 50, 69, 84, 93 %, max), the
     * histogram counts over [min, max].
     */
    public record Point(String label, double[] percentiles, long[] counts, double min, double max) {
    }

    private static final Color BAND = Color.web("#3b7dd8");
    private final List<Point> points = new ArrayList<>();
    private String title = "";

    public DistributionChart() {
        getStyleClass().add("distribution-chart");
    }

    /** Replaces the history (oldest first) and the title. */
    public void setPoints(String title, List<Point> history) {
        this.title = title;
        points.clear();
        points.addAll(history);
        redraw();
    }

    public int pointCount() {
        return points.size();
    }

    @Override
    protected void draw(GraphicsContext g, double width, double height) {
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFill(Color.gray(0.15));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(title, 6, 4);
        if (points.isEmpty()) {
            g.fillText("no data yet", 6, 24);
            return;
        }
        double top = 40, bottom = height - 22;
        double split = Math.max(140, width * 0.38);
        drawHistogram(g, points.get(points.size() - 1), 44, top, split - 10, bottom);
        drawBands(g, split + 44, top, width - 8, bottom);
    }

    private void drawHistogram(GraphicsContext g, Point p, double x0, double y0, double x1, double y1) {
        long max = 1;
        for (long c : p.counts()) max = Math.max(max, c);
        int bins = p.counts().length;
        double bw = (x1 - x0) / bins;
        g.setFill(BAND);
        for (int i = 0; i < bins; i++) {
            double h = (y1 - y0) * p.counts()[i] / max;
            g.fillRect(x0 + i * bw, y1 - h, Math.max(1, bw - 1), h);
        }
        g.setStroke(Color.gray(0.5));
        g.strokeLine(x0, y1 + 0.5, x1, y1 + 0.5);
        g.setFill(Color.gray(0.2));
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(CanvasPane.tickText(p.min(), Math.abs(p.max() - p.min()) / 10), x0, y1 + 3);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText(CanvasPane.tickText(p.max(), Math.abs(p.max() - p.min()) / 10), x1, y1 + 3);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("histogram at " + p.label(), x0, y0 - 16);
        g.save();
        g.translate(10, (y0 + y1) / 2);
        g.rotate(-90);
        g.fillText("count", 0, 0);
        g.restore();
    }

    private void drawBands(GraphicsContext g, double x0, double y0, double x1, double y1) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Point p : points) {
            for (double v : p.percentiles()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) return;
        if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        double l = lo, span = hi - lo;
        java.util.function.DoubleUnaryOperator y = v -> y1 - (v - l) / span * (y1 - y0);
        int n = points.size();
        double cw = (x1 - x0) / n;
        double[] alpha = {0.15, 0.3, 0.45, 0.65};
        for (int band = 0; band < 4; band++) {
            g.setFill(BAND.deriveColor(0, 1, 1, alpha[band]));
            for (int i = 0; i < n; i++) {
                double[] q = points.get(i).percentiles();
                double a = y.applyAsDouble(q[band]), b = y.applyAsDouble(q[8 - band]);
                g.fillRect(x0 + i * cw, Math.min(a, b), Math.ceil(cw), Math.max(1, Math.abs(a - b)));
            }
        }
        g.setStroke(Color.web("#123d7a"));
        g.setLineWidth(1.5);
        for (int i = 0; i < n; i++) {
            double m = y.applyAsDouble(points.get(i).percentiles()[4]);
            g.strokeLine(x0 + i * cw, m, x0 + (i + 1) * cw, m);
        }
        g.setLineWidth(1);
        g.setStroke(Color.gray(0.5));
        g.strokeLine(x0 - 0.5, y0, x0 - 0.5, y1);
        double step = CanvasPane.tickStep(span, 5);
        g.setFill(Color.gray(0.2));
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            double ty = y.applyAsDouble(t);
            g.strokeLine(x0 - 4, ty, x0 - 1, ty);
            g.fillText(CanvasPane.tickText(t, step), x0 - 6, ty);
        }
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(points.get(0).label(), x0, y1 + 3);
        g.setTextAlign(TextAlignment.RIGHT);
        if (n > 1) g.fillText(points.get(n - 1).label(), x1, y1 + 3);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("over training: min–max, 7–93, 16–84, 31–69 %, median", x0, y0 - 16);
    }
}
