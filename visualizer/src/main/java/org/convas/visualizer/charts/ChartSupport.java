package org.convas.visualizer.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import javafx.scene.control.Alert;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.stage.FileChooser;

import org.convas.engine.spec.AtomicFiles;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.PanHandlerFX;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeriesCollection;

/** Shared look and interaction of the training charts: styling, zoom/pan, reset, export. */
final class ChartSupport {

    static final Color BLUE = new Color(31, 119, 180);
    static final Color LIGHT_BLUE = new Color(31, 119, 180, 70);
    static final Color ORANGE = new Color(255, 127, 14);
    static final Color GREEN = new Color(44, 160, 44);
    static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};

    private ChartSupport() {
    }

    /** A white, light-gridded XY chart; legend at the bottom when asked. */
    static JFreeChart chart(String title, ValueAxis xAxis, ValueAxis yAxis, XYSeriesCollection data,
                            XYItemRenderer renderer, boolean legend) {
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(225, 225, 225));
        plot.setRangeGridlinePaint(new Color(225, 225, 225));
        plot.setOutlineVisible(false);
        // Pannable: Alt+drag (JFreeChart-FX default) or Ctrl+drag (added in viewer()).
        plot.setDomainPannable(true);
        plot.setRangePannable(true);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        if (legend) {
            LegendTitle l = chart.getLegend();
            l.setPosition(RectangleEdge.BOTTOM);
            l.setFrame(org.jfree.chart.block.BlockBorder.NONE);
            l.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        return chart;
    }

    static BasicStroke stroke(float width) {
        return new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    /** A viewer with drag-zoom, wheel-zoom, Ctrl/Alt-drag pan, and context menu entries for reset and export. */
    static ChartViewer viewer(JFreeChart chart, Runnable resetZoom, Exporter exporter) {
        ChartViewer viewer = new ChartViewer(chart);
        viewer.getCanvas().addMouseHandler(new PanHandlerFX("pan-ctrl", false, true, false, false));
        viewer.setMinSize(200, 150);
        MenuItem reset = new MenuItem("Reset zoom");
        reset.setOnAction(e -> resetZoom.run());
        MenuItem png = new MenuItem("Save charts as PNG…");
        png.setOnAction(e -> choose(viewer, "training-charts.png", "PNG image", "*.png", exporter::exportPng));
        MenuItem csv = new MenuItem("Save data as CSV…");
        csv.setOnAction(e -> choose(viewer, "training-charts.csv", "CSV table", "*.csv", exporter::exportCsv));
        viewer.getContextMenu().getItems().addAll(0, List.of(reset, png, csv, new SeparatorMenuItem()));
        return viewer;
    }

    /** Restores automatic ranges on both axes. */
    static void resetZoom(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        plot.getDomainAxis().setAutoRange(true);
        plot.getRangeAxis().setAutoRange(true);
    }

    /**
     * Draws the charts side by side in a grid with the given number of columns into one PNG and writes it
     * atomically.
     */
    static void writePng(Path target, List<JFreeChart> charts, int columns, int cellWidth, int cellHeight)
            throws IOException {
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                int x = (i % columns) * cellWidth;
                int y = (i / columns) * cellHeight;
                charts.get(i).draw(g, new java.awt.geom.Rectangle2D.Double(x, y, cellWidth, cellHeight));
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        AtomicFiles.writeBytes(target, bytes.toByteArray());
    }

    private static void choose(ChartViewer viewer, String name, String description, String pattern, Export export) {
        FileChooser chooser = new FileChooser();
        chooser.setInitialFileName(name);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, pattern));
        File file = chooser.showSaveDialog(viewer.getScene() == null ? null : viewer.getScene().getWindow());
        if (file == null) return;
        try {
            export.to(file.toPath());
        } catch (IOException | UncheckedIOException e) {
            new Alert(Alert.AlertType.ERROR, "Could not write " + file + ":\n" + e.getMessage()).show();
        }
    }

    /** Export targets offered in the context menu. */
    interface Exporter {
        void exportPng(Path target) throws IOException;

        void exportCsv(Path target) throws IOException;
    }

    @FunctionalInterface
    private interface Export {
        void to(Path target) throws IOException;
    }
}
