package org.convas.engine.train;

import org.convas.engine.spec.Shape;

import java.util.Iterator;

/**
 * Labelled images the trainer reads in mini-batches. Implementations must give the same batches for the same
 * (seed, epoch), so a run and its resumption see the same data.
 */
public interface BatchSource {

    /** Shape of one image, W×H×D. */
    Shape shape();

    /** Number of classes; labels are 0 … classes − 1. */
    int classes();

    /** Number of images. */
    int size();

    /**
     * The batches of one pass over the data. With {@code shuffle}, the order is a permutation drawn from
     * (seed, epoch); without, the stored order. The last batch may be smaller than {@code batchSize}.
     * A returned {@link Batch} is valid until the next call to {@code next()}.
     */
    Iterator<Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle);

    /**
     * The batches of one pass from batch {@code firstBatch} on (0 is the first): the rest of an epoch a run stopped
     * inside, as the whole epoch would have given them. This default draws the batches before and drops them; a
     * source that can start later skips the work.
     */
    default Iterator<Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle, int firstBatch) {
        Iterator<Batch> it = epoch(batchSize, seed, epoch, shuffle);
        for (int b = 0; b < firstBatch && it.hasNext(); b++) it.next();
        return it;
    }

    /** A copy of image {@code index} (for snapshots). */
    float[] image(int index);

    /** The label of image {@code index}. */
    int label(int index);
}
