package org.convas.engine.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a prepared dataset into mini-batches, one epoch at a time. Loading, augmentation and
 * normalisation run ahead on a background thread into a bounded queue, so the trainer rarely waits;
 * the queue bound keeps memory flat when the trainer is slower.
 *
 * <pre>
 *   BatchLoader loader = BatchLoader.builder(train).batchSize(64).shuffle(true).seed(7)
 *           .augmentation(Augmentation.builder().shift(2).build()).build();
 *   try (BatchIterator batches = loader.epoch(0)) {
 *       while (batches.hasNext()) { ImageBatch b = batches.next(); … }
 *   }
 * </pre>
 *
 * <p>Each epoch shuffles with a generator seeded by (seed, epoch), so every sample comes exactly once
 * per epoch and the same seed repeats the run. Validation and test loaders use no shuffle and no
 * augmentation.
 */
public final class BatchLoader {

    private final PreparedDataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Augmentation augmentation;
    private final int prefetch;
    private final boolean dropLast;

    private BatchLoader(Builder b) {
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.augmentation = b.augmentation;
        this.prefetch = b.prefetch;
        this.dropLast = b.dropLast;
    }

    public static Builder builder(PreparedDataset data) {
        return new Builder(data);
    }

    public PreparedDataset data() { return data; }

    public int batchSize() { return batchSize; }

    public Augmentation augmentation() { return augmentation; }

    /** Batches per epoch: ⌈N / batch⌉, or ⌊N / batch⌋ when the last partial batch is dropped. */
    public int batchesPerEpoch() {
        return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
    }

    /** The order in which epoch e visits the samples. */
    public int[] order(int epoch) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) new Rng(Rng.mix(seed, epoch)).shuffle(order);
        return order;
    }

    /**
     * Starts producing the batches of one epoch on a background thread. Close the iterator (try-with-
     * resources) to stop early; closing is safe from any thread and at any time.
     */
    public BatchIterator epoch(int epoch) {
        return new BatchIterator(epoch, 0);
    }

    /** The batches of an epoch from batch {@code firstBatch} on, exactly as {@link #epoch(int)} gives them. */
    public BatchIterator epoch(int epoch, int firstBatch) {
        return new BatchIterator(epoch, firstBatch);
    }

    /** Builds batch {@code number} of an epoch directly on the calling thread (used by the producer). */
    ImageBatch build(int epoch, int number, int[] order, float[] scratch) {
        int from = number * batchSize, n = Math.min(batchSize, order.length - from);
        int size = (int) data.shape().size();
        float[] inputs = new float[n * size];
        int[] labels = new int[n], indices = new int[n];
        for (int k = 0; k < n; k++) {
            int i = order[from + k];
            indices[k] = i;
            labels[k] = data.label(i);
            if (augmentation.isNone()) {
                data.scaled(i, inputs, k * size);
            } else {
                data.scaled(i, scratch, 0);
                augmentation.apply(scratch, 0, data.shape(), inputs, k * size, epoch, i);
            }
            data.normalise(inputs, k * size);
        }
        return new ImageBatch(epoch, number, data.shape(), inputs, labels, indices);
    }

    /** The batches of one epoch, produced ahead on a background thread. */
    public final class BatchIterator implements Iterator<ImageBatch>, AutoCloseable {

        private static final Object END = new Object();

        private record Failure(Throwable cause) { }

        private final int epoch;
        private final int firstBatch;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(prefetch + 1);
        private final Thread producer;
        private volatile boolean closed;
        private Object next;

        private BatchIterator(int epoch, int firstBatch) {
            this.epoch = epoch;
            this.firstBatch = firstBatch;
            this.producer = new Thread(this::produce, "convas-batches-epoch-" + epoch);
            producer.setDaemon(true);
            producer.start();
        }

        private void produce() {
            try {
                int[] order = order(epoch);
                float[] scratch = new float[(int) data.shape().size()];
                int batches = batchesPerEpoch();
                for (int b = firstBatch; b < batches && !closed; b++) {
                    queue.put(build(epoch, b, order, scratch));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // close() interrupted us: just stop
            } catch (Throwable t) {
                queue.clear(); // make room; the consumer will see the failure next
                queue.offer(new Failure(t));
            }
        }

        public int epoch() { return epoch; }

        @Override
        public boolean hasNext() {
            if (closed) return false;
            if (next == null) {
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    return false;
                }
            }
            if (next instanceof Failure f) {
                close();
                throw new IllegalStateException("preparing a batch failed: " + f.cause(), f.cause());
            }
            if (next == END) {
                closed = true;
                return false;
            }
            return !closed;
        }

        @Override
        public ImageBatch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            ImageBatch b = (ImageBatch) next;
            next = null;
            return b;
        }

        /** Stops the producer and discards prefetched batches. Idempotent. */
        @Override
        public void close() {
            closed = true;
            producer.interrupt();
            queue.clear();
            queue.offer(END); // wakes a consumer blocked in hasNext() on another thread
            try {
                producer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Whether the background thread has finished (after the epoch or after close). */
        public boolean isProducerDone() {
            return !producer.isAlive();
        }
    }

    public static final class Builder {
        private final PreparedDataset data;
        private int batchSize = 32;
        private boolean shuffle = true;
        private long seed = 1;
        private Augmentation augmentation = Augmentation.none();
        private int prefetch = 4;
        private boolean dropLast;

        private Builder(PreparedDataset data) {
            this.data = data;
        }

        /** Images per batch, default 32. */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** Shuffle the order every epoch (default yes; use no for validation and test). */
        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Default none. Only for training loaders. */
        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** How many batches may wait ready in the queue, default 4. */
        public Builder prefetch(int batches) {
            this.prefetch = batches;
            return this;
        }

        /** Drop the last batch of an epoch if it is smaller than the batch size (default no). */
        public Builder dropLast(boolean drop) {
            this.dropLast = drop;
            return this;
        }

        public BatchLoader build() {
            if (data == null) throw new IllegalArgumentException("the dataset to load batches from is missing");
            if (data.size() == 0) throw new IllegalArgumentException(data.source() + " has no images to make batches from");
            if (batchSize < 1) throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
            if (dropLast && batchSize > data.size()) {
                throw new IllegalArgumentException("a batch of " + batchSize + " is larger than the " + data.size()
                        + " images, and dropping the last partial batch would leave no batch at all");
            }
            if (prefetch < 1 || prefetch > 64) {
                throw new IllegalArgumentException("prefetch must be between 1 and 64 batches, got " + prefetch);
            }
            if (augmentation == null) throw new IllegalArgumentException("use Augmentation.none() for no augmentation");
            return new BatchLoader(this);
        }
    }
}
