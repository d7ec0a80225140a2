package org.convas.engine.data;

import org.convas.engine.spec.Shape;

/**
 * One mini-batch, N images. {@code inputs} is flat N×C×H×W (image k starts at k·C·H·W), ready for
 * the network; {@code labels[k]} is image k's class, {@code indices[k]} its position in the dataset
 * (for showing which images a batch held). Arrays are fresh for every batch: the consumer owns them.
 */
public record ImageBatch(int epoch, int number, Shape shape, float[] inputs, int[] labels, int[] indices) {

    /** N, the number of images (the last batch of an epoch may be smaller). */
    public int size() {
        return labels.length;
    }
}
