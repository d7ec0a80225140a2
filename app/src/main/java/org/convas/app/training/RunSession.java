package org.convas.app.training;

import org.convas.app.training.DataPreparation.PreparedData;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingEvents.EpochStats;
import org.convas.engine.train.TrainingEvents.LayerNorms;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.engine.train.TrainingRun;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;
import org.convas.visualizer.charts.LayerGradientNorm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One run of the workspace: the engine's {@link TrainingRun}, the data it trains on, its {@link RunRecord} in the
 * history, and the bookkeeping of its events: the step count (continued from a checkpoint), the progress line, the
 * smoothed loss that warns of divergence, and the training time without pauses. The view-model owns the properties
 * the views bind; this class works out what to put in them. FX thread.
 */
final class RunSession {

    /** A trainer event with the run that sent it: events of a run no longer shown are dropped on delivery. */
    record Sourced(TrainingRun run, Object event) {
    }

    /** What one frame's events amount to. {@code last}: the newest batch, or null; {@code end}: the run's end, or null. */
    record Frame(List<BatchPoint> batches, List<EpochPoint> epochs, List<LayerGradientNorm> norms, BatchStats last, RunEnd end) {
    }

    /** Progress figures for a batch: the fraction of the run done, the seconds left, and the line to show. */
    record Progress(double fraction, double secondsLeft, String line) {
    }

    final TrainingRun run;
    final PreparedData data;
    final RunRecord record;
    private final LongSupplier clock;
    private final int epochs;
    private final int batchSize;
    private long steps;
    private long lastProgress = Long.MIN_VALUE / 2;
    private long runningSince;
    private double smoothedLoss = Double.NaN;
    private boolean warnedDiverging;

    /**
     * @param stepsBefore steps trained before this run (a continued checkpoint): this run's first step is the next
     * @param clock       nanoseconds ({@code System::nanoTime})
     */
    RunSession(TrainingRun run, PreparedData data, RunRecord record, long stepsBefore, LongSupplier clock) {
        this.run = run;
        this.data = data;
        this.record = record;
        this.clock = clock;
        this.epochs = run.settings().epochs();
        this.batchSize = run.settings().batchSize();
        this.steps = stepsBefore;
        this.runningSince = clock.getAsLong();
    }

    /** Steps trained so far, those before this run included. */
    long steps() {
        return steps;
    }

    /** This run's share of a frame's events, in the order it sent them, as chart points; added to its record. */
    Frame digest(List<Object> events) {
        List<BatchPoint> batches = new ArrayList<>();
        List<EpochPoint> epochPoints = new ArrayList<>();
        List<LayerGradientNorm> norms = new ArrayList<>();
        BatchStats last = null;
        RunEnd end = null;
        for (Object item : events) {
            if (!(item instanceof Sourced sourced) || sourced.run() != run) continue;
            Object event = sourced.event();
            if (event instanceof BatchStats b) {
                steps++;
                batches.add(new BatchPoint(steps, b.loss(), b.accuracy(), b.learningRate()));
                last = b;
            } else if (event instanceof EpochStats e) {
                epochPoints.add(TrainingViewModel.epochPoint(e));
            } else if (event instanceof LayerNorms n) {
                norms.addAll(TrainingViewModel.layerNorms(n, steps));
            } else if (event instanceof RunEnd e) {
                end = e;
            }
        }
        record.addBatches(batches);
        record.addEpochs(epochPoints);
        return new Frame(batches, epochPoints, norms, last, end);
    }

    /**
     * The progress for the newest batch, at most once per {@code intervalNanos}: the line and bar repaint part of
     * the window, and with software rendering that repaint competes with training for the same cores. Null when
     * it is not yet time.
     */
    Progress progress(BatchStats b, boolean paused, long intervalNanos) {
        long now = clock.getAsLong();
        if (now - lastProgress < intervalNanos) return null;
        lastProgress = now;
        long total = (long) epochs * b.batchesPerEpoch();
        long done = (long) (b.epoch() - 1) * b.batchesPerEpoch() + b.batch();
        double left = b.imagesPerSecond() > 0 ? Math.max(0, total - done) * (double) batchSize / b.imagesPerSecond() : Double.NaN;
        String line = String.format(Locale.ROOT, "%sEpoch %d/%d · batch %d/%d · loss %.3f · %,.0f images/s · %s left",
                paused ? "Paused. " : "", b.epoch(), epochs, b.batch(), b.batchesPerEpoch(), b.loss(), b.imagesPerSecond(),
                TrainingViewModel.duration(left));
        return new Progress(total == 0 ? 0 : Math.min(1, (double) done / total), left, line);
    }

    /**
     * Follows the loss (smoothed, β 0.9); once, when after 20 steps it climbs above twice the loss of guessing among
     * {@code classes}, returns it: the run is heading for divergence. NaN otherwise.
     */
    double diverging(List<BatchPoint> batches, int classes) {
        for (BatchPoint p : batches) {
            if (!Double.isFinite(p.loss())) continue;
            smoothedLoss = Double.isNaN(smoothedLoss) ? p.loss() : 0.9 * smoothedLoss + 0.1 * p.loss();
            if (!warnedDiverging && steps > 20 && smoothedLoss > 2 * Math.log(classes)) {
                warnedDiverging = true;
                return smoothedLoss;
            }
        }
        return Double.NaN;
    }

    /** The run paused or ended: its time so far goes into the record. */
    void stopClock() {
        if (runningSince != Long.MIN_VALUE) record.addSeconds((clock.getAsLong() - runningSince) / 1e9);
        runningSince = Long.MIN_VALUE;
    }

    /** The run resumed. */
    void startClock() {
        runningSince = clock.getAsLong();
    }
}
