package org.convas.visualizer.charts;

/**
 * One training batch as the charts plot it.
 *
 * @param step         global batch index, counted from the start of the run (not reset per epoch)
 * @param loss         mean training loss of the batch
 * @param accuracy     fraction of the batch classified correctly, 0..1 (NaN if unknown)
 * @param learningRate learning rate used for the batch's update
 */
public record BatchPoint(long step, double loss, double accuracy, double learningRate) {
}
