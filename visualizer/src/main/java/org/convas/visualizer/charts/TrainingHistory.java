package org.convas.visualizer.charts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every batch and epoch point of a run at full resolution (the charts may thin theirs), and the CSV export.
 * Plain Java, no JavaFX. Memory: about 60 bytes per batch, so a run of 100,000 batches holds about 6 MB.
 *
 * <p>CSV layout ("long" format, one row per point, loads straight into pandas or a spreadsheet pivot):
 * <pre>
 * series,x,y
 * batch_loss,1,2.3021
 * batch_loss_ema,1,2.3021
 * ...
 * epoch_val_accuracy,3,0.8712
 * </pre>
 * Series: batch_loss, batch_loss_ema (with the current smoothing factor), batch_accuracy, learning_rate (x = step);
 * epoch_train_loss, epoch_val_loss, epoch_train_accuracy, epoch_val_accuracy (x = epoch). NaN points are left out.
 * Numbers are written with {@link Double#toString}, which reads back to the identical double.
 */
public final class TrainingHistory {

    private final List<BatchPoint> batches = new ArrayList<>();
    private final List<EpochPoint> epochs = new ArrayList<>();

    public void addBatch(BatchPoint point) {
        batches.add(point);
    }

    public void addEpoch(EpochPoint point) {
        epochs.add(point);
    }

    public List<BatchPoint> batches() {
        return Collections.unmodifiableList(batches);
    }

    public List<EpochPoint> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public void clear() {
        batches.clear();
        epochs.clear();
    }

    /** Smoothed batch losses, one per batch, with factor β (see {@link ExponentialSmoothing}). */
    public double[] smoothedLosses(double beta) {
        ExponentialSmoothing ema = new ExponentialSmoothing(beta);
        double[] out = new double[batches.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ema.next(batches.get(i).loss());
        }
        return out;
    }

    /** The whole history as CSV text (see the class comment for the layout). */
    public String toCsv(double smoothing) {
        StringBuilder csv = new StringBuilder(64 + 40 * (4 * batches.size() + 4 * epochs.size()));
        csv.append("series,x,y\n");
        for (BatchPoint b : batches) row(csv, "batch_loss", b.step(), b.loss());
        double[] smooth = smoothedLosses(smoothing);
        for (int i = 0; i < smooth.length; i++) row(csv, "batch_loss_ema", batches.get(i).step(), smooth[i]);
        for (BatchPoint b : batches) row(csv, "batch_accuracy", b.step(), b.accuracy());
        for (BatchPoint b : batches) row(csv, "learning_rate", b.step(), b.learningRate());
        for (EpochPoint e : epochs) row(csv, "epoch_train_loss", e.epoch(), e.trainLoss());
        for (EpochPoint e : epochs) row(csv, "epoch_val_loss", e.epoch(), e.validationLoss());
        for (EpochPoint e : epochs) row(csv, "epoch_train_accuracy", e.epoch(), e.trainAccuracy());
        for (EpochPoint e : epochs) row(csv, "epoch_val_accuracy", e.epoch(), e.validationAccuracy());
        return csv.toString();
    }

    private static void row(StringBuilder csv, String series, long x, double y) {
        if (Double.isNaN(y)) return;
        csv.append(series).append(',').append(x).append(',').append(y).append('\n');
    }
}
