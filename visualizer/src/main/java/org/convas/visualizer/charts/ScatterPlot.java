package org.convas.visualizer.charts;

import java.util.List;
import java.util.function.IntConsumer;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

/**
 * Points in two dimensions coloured by class, with a legend (e.g. the penultimate features of the validation images
 * on their first two principal components). Clicking a point reports its index.
 */
public final class ScatterPlot extends CanvasPane {

    /** Ten well-separated colours (Tableau 10), reused cyclically beyond ten classes. */
    private static final Color[] PALETTE = {Color.web("#4e79a7"), Color.web("#f28e2b"), Color.web("#e15759"),
            Color.web("#76b7b2"), Color.web("#59a14f"), Color.web("#edc948"), Color.web("#b07aa1"), Color.web("#ff9da7"),
            Color.web("#9c755f"), Color.web("#bab0ac")};

    private float[] xs = new float[0], ys = new float[0];
    private int[] classes = new int[0];
    private List<String> classNames = List.of();
    private String xTitle = "", yTitle = "", title = "";
    private double minX, maxX, minY, maxY;
    private double plotX0, plotY0, plotX1, plotY1;
    private IntConsumer onPointClicked = i -> { };

    public ScatterPlot() {
        getStyleClass().add("scatter-plot");
        setOnMouseClicked(e -> {
            int i = nearest(e.getX(), e.getY());
            if (i >= 0) onPointClicked.accept(i);
        });
    }

    /** Shows n points (x[i], y[i]) of class classes[i]. */
    public void setPoints(String title, String xTitle, String yTitle, float[] x, float[] y, int[] classes, List<String> classNames) {
        if (x.length != y.length || x.length != classes.length) {
            throw new IllegalArgumentException("ScatterPlot.setPoints: " + x.length + " x, " + y.length + " y and "
                    + classes.length + " classes must be as many");
        }
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.xs = x.clone();
        this.ys = y.clone();
        this.classes = classes.clone();
        this.classNames = List.copyOf(classNames);
        minX = minY = Double.POSITIVE_INFINITY;
        maxX = maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            minX = Math.min(minX, x[i]);
            maxX = Math.max(maxX, x[i]);
            minY = Math.min(minY, y[i]);
            maxY = Math.max(maxY, y[i]);
        }
        if (!(maxX > minX)) { minX -= 1; maxX += 1; }
        if (!(maxY > minY)) { minY -= 1; maxY += 1; }
        redraw();
    }

    public void setOnPointClicked(IntConsumer action) {
        onPointClicked = action == null ? i -> { } : action;
    }

    public int pointCount() {
        return xs.length;
    }

    /** Screen position of point i in this pane (for tests), {x, y}. */
    public double[] screenPosition(int i) {
        return new double[] {sx(xs[i]), sy(ys[i])};
    }

    public static Color colour(int cls) {
        return PALETTE[Math.floorMod(cls, PALETTE.length)];
    }

    private double sx(double x) {
        return plotX0 + (x - minX) / (maxX - minX) * (plotX1 - plotX0);
    }

    private double sy(double y) {
        return plotY1 - (y - minY) / (maxY - minY) * (plotY1 - plotY0);
    }

    private int nearest(double x, double y) {
        int best = -1;
        double bestD = 64;   // within 8 pixels
        for (int i = 0; i < xs.length; i++) {
            double dx = sx(xs[i]) - x, dy = sy(ys[i]) - y, d = dx * dx + dy * dy;
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    @Override
    protected void draw(GraphicsContext g, double width, double height) {
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFill(Color.gray(0.15));
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(title, 6, 4);
        double legendWidth = 120;
        plotX0 = 50;
        plotY0 = 26;
        plotX1 = Math.max(plotX0 + 20, width - legendWidth - 10);
        plotY1 = Math.max(plotY0 + 20, height - 36);
        if (xs.length == 0) {
            g.fillText("no points yet", 6, 24);
            return;
        }
        g.setStroke(Color.gray(0.55));
        g.strokeRect(plotX0 - 0.5, plotY0 - 0.5, plotX1 - plotX0 + 1, plotY1 - plotY0 + 1);
        g.setFill(Color.gray(0.2));
        double stepX = tickStep(maxX - minX, 6), stepY = tickStep(maxY - minY, 5);
        g.setTextAlign(TextAlignment.CENTER);
        for (double t = Math.ceil(minX / stepX) * stepX; t <= maxX; t += stepX) {
            g.strokeLine(sx(t), plotY1, sx(t), plotY1 + 4);
            g.fillText(tickText(t, stepX), sx(t), plotY1 + 5);
        }
        g.fillText(xTitle, (plotX0 + plotX1) / 2, plotY1 + 19);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (double t = Math.ceil(minY / stepY) * stepY; t <= maxY; t += stepY) {
            g.strokeLine(plotX0 - 4, sy(t), plotX0, sy(t));
            g.fillText(tickText(t, stepY), plotX0 - 6, sy(t));
        }
        g.save();
        g.translate(10, (plotY0 + plotY1) / 2);
        g.rotate(-90);
        g.setTextAlign(TextAlignment.CENTER);
        g.fillText(yTitle, 0, 0);
        g.restore();
        for (int i = 0; i < xs.length; i++) {
            g.setFill(colour(classes[i]).deriveColor(0, 1, 1, 0.75));
            g.fillOval(sx(xs[i]) - 2.5, sy(ys[i]) - 2.5, 5, 5);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        for (int c = 0; c < classNames.size(); c++) {
            double ly = plotY0 + 8 + c * 16;
            g.setFill(colour(c));
            g.fillOval(plotX1 + 14, ly - 4, 8, 8);
            g.setFill(Color.gray(0.15));
            g.fillText(classNames.get(c), plotX1 + 28, ly);
        }
    }
}
