package org.convas.visualizer.charts;

import org.jfree.data.xy.XYSeries;

/**
 * An {@link XYSeries} fed in batches: points are added without a change event each
 * ({@code add(x, y, false)}), then one event is fired; when the series grows past its cap it is thinned with
 * {@link Decimation min–max buckets} to half the cap, so drawing stays fast however long the run.
 */
final class CappedSeries {

    final XYSeries series;
    private final int cap;

    CappedSeries(String key, int cap) {
        // autoSort keeps x order even if a late batch arrives out of order; duplicates allowed (restarts).
        this.series = new XYSeries(key, true, true);
        this.cap = cap;
    }

    /** Adds n points and fires one change event. NaN y values are skipped. */
    void addAll(double[] xs, double[] ys, int n) {
        series.setNotify(false);
        addQuietly(xs, ys, n);
        series.setNotify(true); // fires the single change event
    }

    /** Replaces every point by the given ones, with one change event. */
    void replaceAll(double[] xs, double[] ys, int n) {
        series.setNotify(false);
        series.clear();
        addQuietly(xs, ys, n);
        series.setNotify(true);
    }

    private void addQuietly(double[] xs, double[] ys, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(ys[i])) {
                series.add(xs[i], ys[i], false);
            }
        }
        if (series.getItemCount() > cap) {
            decimate();
        }
    }

    void clear() {
        series.clear();
    }

    private void decimate() {
        double[][] data = series.toArray();
        int count = data[0].length;
        int[] keep = Decimation.minMaxIndices(data[1], count, Math.max(1, cap / 4 - 1));
        series.clear();
        for (int i : keep) {
            series.add(data[0][i], data[1][i], false);
        }
    }

    int count() {
        return series.getItemCount();
    }

    /** Copy of the points, {xs, ys}. */
    double[][] points() {
        return series.toArray();
    }
}
