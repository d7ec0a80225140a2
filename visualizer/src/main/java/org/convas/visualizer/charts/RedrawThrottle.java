package org.convas.visualizer.charts;

import javafx.animation.PauseTransition;
import javafx.util.Duration;

import org.jfree.chart.JFreeChart;

/**
 * Limits how often a live chart redraws. JFreeChart-FX redraws a chart synchronously on every change event, and
 * a redraw of a 20,000-point line costs milliseconds to tens of milliseconds; points arrive every frame (60 a
 * second). So data goes in at full rate with chart notification off, and the chart redraws at most once per
 * interval (default 100 ms, 10 redraws a second): the first update after a quiet interval draws at once, later
 * ones within the interval schedule one redraw at its end. Zooming and panning redraw immediately as usual,
 * except while a redraw is pending (at most one interval).
 *
 * <p>FX thread only.
 */
final class RedrawThrottle {

    private final JFreeChart chart;
    private long minIntervalNanos;
    private long lastRedraw = Long.MIN_VALUE / 2;
    private PauseTransition pending;

    RedrawThrottle(JFreeChart chart, Duration minInterval) {
        this.chart = chart;
        this.minIntervalNanos = (long) (minInterval.toMillis() * 1_000_000L);
    }

    /** Changes the minimum time between redraws; {@code Duration.ZERO} redraws on every update. */
    void setMinInterval(Duration minInterval) {
        this.minIntervalNanos = (long) (minInterval.toMillis() * 1_000_000L);
    }

    /** Call before changing the chart's data: suppresses the per-change redraws. */
    void beginUpdate() {
        chart.setNotify(false);
    }

    /** Call after changing the data: redraws now or schedules one redraw at the end of the interval. */
    void endUpdate() {
        if (pending != null) {
            return; // the scheduled redraw will show these points too
        }
        long wait = lastRedraw + minIntervalNanos - System.nanoTime();
        if (wait <= 0) {
            redraw();
        } else {
            pending = new PauseTransition(Duration.millis(wait / 1e6));
            pending.setOnFinished(e -> {
                pending = null;
                redraw();
            });
            pending.play();
        }
    }

    /** Draws a pending update now (e.g. before a screenshot). */
    void flush() {
        if (pending != null) {
            pending.stop();
            pending = null;
            redraw();
        }
    }

    /** True while a redraw is scheduled. */
    boolean isPending() {
        return pending != null;
    }

    private void redraw() {
        lastRedraw = System.nanoTime();
        chart.setNotify(true); // fires one change event: one redraw
    }
}
