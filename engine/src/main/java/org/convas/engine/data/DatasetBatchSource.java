package org.convas.engine.data;

import org.convas.engine.spec.Shape;
import org.convas.engine.train.BatchSource;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A prepared dataset as the trainer's {@link BatchSource}: batches come from a {@link BatchLoader}, so
 * loading, augmentation and normalisation run ahead on their own thread while the trainer computes.
 *
 * <p>Use {@link #training} for the training split (with augmentation) and {@link #evaluation} for validation
 * and test data (never augmented, whatever the training settings). The same (seed, epoch) always gives the
 * same batches, which is what a resumed run needs.
 */
public final class DatasetBatchSource implements BatchSource {

    private final PreparedDataset data;
    private final Augmentation augmentation;
    private final int prefetch;

    private DatasetBatchSource(PreparedDataset data, Augmentation augmentation, int prefetch) {
        this.data = data;
        this.augmentation = augmentation;
        this.prefetch = prefetch;
    }

    /** Training batches, augmented as configured (Augmentation.none() for none). */
    public static DatasetBatchSource training(PreparedDataset data, Augmentation augmentation) {
        return new DatasetBatchSource(data, augmentation, 4);
    }

    /** Validation or test batches: no augmentation. */
    public static DatasetBatchSource evaluation(PreparedDataset data) {
        return new DatasetBatchSource(data, Augmentation.none(), 2);
    }

    public PreparedDataset data() {
        return data;
    }

    @Override
    public Shape shape() {
        return data.shape();
    }

    @Override
    public int classes() {
        return data.classCount();
    }

    @Override
    public int size() {
        return data.size();
    }

    /**
     * One epoch's batches, prepared ahead. The iterator is {@link AutoCloseable}: closing it (the trainer
     * does when a run is cancelled) stops the background thread.
     */
    @Override
    public Iterator<org.convas.engine.train.Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle) {
        return epoch(batchSize, seed, epoch, shuffle, 0);
    }

    /** From batch {@code firstBatch} on, without preparing the batches before it (a resumed run's first epoch). */
    @Override
    public Iterator<org.convas.engine.train.Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle, int firstBatch) {
        BatchLoader loader = BatchLoader.builder(data).batchSize(batchSize).seed(seed).shuffle(shuffle)
                .augmentation(augmentation).prefetch(prefetch).build();
        return new Adapter(loader.epoch(epoch, firstBatch));
    }

    @Override
    public float[] image(int index) {
        return data.inputs(index);
    }

    @Override
    public int label(int index) {
        return data.label(index);
    }

    private static final class Adapter implements Iterator<org.convas.engine.train.Batch>, AutoCloseable {
        private final BatchLoader.BatchIterator batches;

        Adapter(BatchLoader.BatchIterator batches) {
            this.batches = batches;
        }

        @Override
        public boolean hasNext() {
            return batches.hasNext();
        }

        @Override
        public org.convas.engine.train.Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            ImageBatch b = batches.next();
            return new org.convas.engine.train.Batch(b.inputs(), b.labels(), b.size());
        }

        @Override
        public void close() {
            batches.close();
        }
    }
}
