package org.convas.app.training;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One training run of the session, kept after it ends: what was trained with which settings, its curves, and its
 * final figures (the validation accuracy of its last epoch, the test accuracy measured once at the end, the
 * elapsed time without pauses). FX thread.
 */
public final class RunRecord {

    private final int number;
    private final String network;
    private final String data;
    private final String settings;
    private final List<BatchPoint> batches = new ArrayList<>();
    private final List<EpochPoint> epochs = new ArrayList<>();
    private final ReadOnlyObjectWrapper<RunEnd> end = new ReadOnlyObjectWrapper<>(this, "end");
    private final ReadOnlyDoubleWrapper seconds = new ReadOnlyDoubleWrapper(this, "seconds", 0);
    private final ReadOnlyDoubleWrapper testAccuracy = new ReadOnlyDoubleWrapper(this, "testAccuracy", Double.NaN);
    private final BooleanProperty overlaid = new SimpleBooleanProperty(this, "overlaid", false);

    RunRecord(int number, String network, String data, String settings) {
        this.number = number;
        this.network = network;
        this.data = data;
        this.settings = settings;
    }

    public int number() { return number; }

    /** The network's name, e.g. "LeNet-5". */
    public String network() { return network; }

    /** The dataset's title. */
    public String data() { return data; }

    /** The settings in one line: "SGD η 0.01 μ 0.9 wd 0.005, batch 32, seed 1". */
    public String settings() { return settings; }

    /** Every batch of this run (steps continue across a continued run). */
    public List<BatchPoint> batches() { return Collections.unmodifiableList(batches); }

    public List<EpochPoint> epochs() { return Collections.unmodifiableList(epochs); }

    /** How it ended; null while it runs. */
    public ReadOnlyObjectProperty<RunEnd> endProperty() { return end.getReadOnlyProperty(); }

    /** Training time without pauses. */
    public ReadOnlyDoubleProperty secondsProperty() { return seconds.getReadOnlyProperty(); }

    /** Accuracy on the test set after the run; NaN until measured (or when the run trained nothing). */
    public ReadOnlyDoubleProperty testAccuracyProperty() { return testAccuracy.getReadOnlyProperty(); }

    /** Drawn over the current run in the charts. */
    public BooleanProperty overlaidProperty() { return overlaid; }

    /** The last epoch's validation accuracy, NaN before the first epoch ended. */
    public double validationAccuracy() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).validationAccuracy();
    }

    /** "Run 2 · LeNet-5 · 10 epochs in 0:52 · validation 91.2% · test 90.8%". */
    public String summary() {
        RunEnd e = end.get();
        String status = e == null ? "running" : switch (e.status()) {
            case COMPLETED -> plural(e.epochsCompleted(), "epoch");
            case CANCELLED -> "stopped after " + plural(e.epochsCompleted(), "whole epoch");
            case DIVERGED -> "diverged";
            case FAILED -> "failed";
        };
        return "Run " + number + " · " + network + " · " + status + " in " + TrainingViewModel.duration(seconds.get())
                + (Double.isNaN(validationAccuracy()) ? "" : String.format(Locale.ROOT, " · validation %.1f%%", 100 * validationAccuracy()))
                + (Double.isNaN(testAccuracy.get()) ? "" : String.format(Locale.ROOT, " · test %.1f%%", 100 * testAccuracy.get()));
    }

    /** "Run 2: LeNet-5, SGD η 0.01" — the legend of its curves. */
    public String label() {
        int comma = settings.indexOf(',');
        return "run " + number + ": " + network + ", " + (comma < 0 ? settings : settings.substring(0, comma));
    }

    void addBatches(List<BatchPoint> points) { batches.addAll(points); }

    void addEpochs(List<EpochPoint> points) { epochs.addAll(points); }

    void addSeconds(double s) { seconds.set(seconds.get() + s); }

    void ended(RunEnd e) { end.set(e); }

    void testAccuracy(double a) { testAccuracy.set(a); }

    static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
