package org.convas.visualizer.charts;

/**
 * One finished epoch as the charts plot it. Validation values are NaN when the run has no validation set;
 * NaN points are left out of the chart and the CSV.
 *
 * @param epoch              1-based epoch number
 * @param trainLoss          mean training loss over the epoch
 * @param trainAccuracy      training accuracy over the epoch, 0..1
 * @param validationLoss     loss on the validation set after the epoch
 * @param validationAccuracy accuracy on the validation set after the epoch, 0..1
 */
public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                         double validationAccuracy) {
}
