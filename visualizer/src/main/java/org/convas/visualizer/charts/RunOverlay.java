package org.convas.visualizer.charts;

import java.util.List;

/**
 * An earlier run drawn over the current one in {@link TrainingCharts}, to compare runs (two optimizers, a 20- and
 * a 56-layer network): its smoothed batch loss, its validation loss and its validation accuracy per epoch.
 *
 * @param label   the legend entry, e.g. "run 2: LeNet-5, SGD η 0.01"
 * @param batches its batches, in step order
 * @param epochs  its epochs
 */
public record RunOverlay(String label, List<BatchPoint> batches, List<EpochPoint> epochs) {
    public RunOverlay {
        batches = List.copyOf(batches);
        epochs = List.copyOf(epochs);
    }
}
