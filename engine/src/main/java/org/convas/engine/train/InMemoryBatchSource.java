package org.convas.engine.train;

import org.convas.engine.spec.Shape;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/** Images and labels held in two arrays. Batches are gathered into two reused buffers. */
public final class InMemoryBatchSource implements BatchSource {

    private final Shape shape;
    private final int classes;
    private final float[] images;
    private final int[] labels;
    private final int imageSize;

    /**
     * @param images labels.length × (W·H·D) values, image i starting at i·W·H·D, in (C, H, W) order
     * @param labels class of each image, in 0 … classes − 1
     */
    public InMemoryBatchSource(Shape shape, int classes, float[] images, int[] labels) {
        this.shape = shape;
        this.classes = classes;
        this.imageSize = Math.toIntExact(shape.size());
        if (classes < 2) throw new IllegalArgumentException("a classification data set needs at least 2 classes (it has " + classes + ")");
        if ((long) labels.length * imageSize != images.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * imageSize
                    + " image values of " + shape + ", got " + images.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.." + (classes - 1));
            }
        }
        this.images = images;
        this.labels = labels;
    }

    @Override public Shape shape() { return shape; }

    @Override public int classes() { return classes; }

    @Override public int size() { return labels.length; }

    @Override
    public float[] image(int index) {
        Objects.checkIndex(index, labels.length);
        return Arrays.copyOfRange(images, index * imageSize, (index + 1) * imageSize);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** The permutation of one epoch: Fisher–Yates with a generator seeded from (seed, epoch). */
    static int[] order(int n, long seed, int epoch, boolean shuffle) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    @Override
    public Iterator<Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1 (it is " + batchSize + ")");
        int[] order = order(labels.length, seed, epoch, shuffle);
        float[] x = new float[batchSize * imageSize];
        int[] y = new int[batchSize];
        return new Iterator<>() {
            int next = 0;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int count = Math.min(batchSize, order.length - next);
                for (int i = 0; i < count; i++) {
                    int src = order[next + i];
                    System.arraycopy(images, src * imageSize, x, i * imageSize, imageSize);
                    y[i] = labels[src];
                }
                next += count;
                return new Batch(x, y, count);
            }
        };
    }
}
