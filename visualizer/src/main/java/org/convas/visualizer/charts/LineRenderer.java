package org.convas.visualizer.charts;

import java.awt.geom.Line2D;

import org.jfree.chart.LegendItem;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.SamplingXYLineRenderer;
import org.jfree.data.xy.XYDataset;

/**
 * JFreeChart's {@link SamplingXYLineRenderer} (draws at most a few segments per pixel column, so 20,000 points
 * cost about as much as the chart is wide) with a legend that shows a short line in the series colour; the
 * stock renderer's legend entry has no visible swatch.
 */
final class LineRenderer extends SamplingXYLineRenderer {

    @Override
    public LegendItem getLegendItem(int datasetIndex, int series) {
        XYPlot plot = getPlot();
        XYDataset dataset = plot == null ? null : plot.getDataset(datasetIndex);
        if (dataset == null || !isSeriesVisibleInLegend(series)) {
            return null;
        }
        Comparable<?> key = dataset.getSeriesKey(series);
        LegendItem item = new LegendItem(key.toString(), null, null, null, new Line2D.Double(-9, 0, 9, 0),
                ChartSupport.stroke(2.5f), lookupSeriesPaint(series));
        item.setDataset(dataset);
        item.setDatasetIndex(datasetIndex);
        item.setSeriesKey(key);
        item.setSeriesIndex(series);
        return item;
    }
}
