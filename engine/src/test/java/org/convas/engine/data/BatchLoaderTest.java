package org.convas.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    /** n 4×4 grey images; image i has every pixel = i mod 256 except pixel 0 = 255; label i mod 3. */
    static PreparedDataset data(int n) throws DatasetException {
        List<Image> images = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[16];
            Arrays.fill(px, (byte) i);
            px[0] = (byte) 255;
            images.add(Image.planar(4, 4, 1, px));
            labels[i] = i % 3;
        }
        Dataset d = new Dataset("toy", List.of("a", "b", "c"), images, labels);
        return Preprocessing.builder(Shape.of(4, 4, 1)).normalisation(Normalisation.NONE).build().fit(d).train();
    }

    static List<ImageBatch> all(BatchLoader loader, int epoch) {
        List<ImageBatch> out = new ArrayList<>();
        try (BatchLoader.BatchIterator it = loader.epoch(epoch)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void everySampleComesExactlyOncePerEpochWithItsLabelAndPixels() throws Exception {
        PreparedDataset d = data(103);
        BatchLoader loader = BatchLoader.builder(d).batchSize(10).seed(5).prefetch(2).build();
        assertEquals(11, loader.batchesPerEpoch());
        List<ImageBatch> batches = all(loader, 0);
        assertEquals(11, batches.size());
        assertEquals(3, batches.get(10).size());
        int[] seen = new int[103];
        for (ImageBatch b : batches) {
            assertEquals(b.size() * 16, b.inputs().length);
            for (int k = 0; k < b.size(); k++) {
                int i = b.indices()[k];
                seen[i]++;
                assertEquals(i % 3, b.labels()[k]);
                assertEquals(1f, b.inputs()[k * 16], 0); // pixel 0 is 255
                assertEquals(i / 255f, b.inputs()[k * 16 + 5], 1e-6f);
            }
        }
        int[] once = new int[103];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
    }

    @Test
    void shuffleDependsOnSeedAndEpochOnly() throws Exception {
        PreparedDataset d = data(50);
        BatchLoader a = BatchLoader.builder(d).batchSize(8).seed(11).build();
        BatchLoader b = BatchLoader.builder(d).batchSize(8).seed(11).build();
        assertArrayEquals(a.order(2), b.order(2));
        assertFalse(Arrays.equals(a.order(2), a.order(3)));
        int[] sorted = a.order(2).clone();
        Arrays.sort(sorted);
        assertEquals(0, sorted[0]);
        assertEquals(49, sorted[49]);
        BatchLoader inOrder = BatchLoader.builder(d).batchSize(8).shuffle(false).build();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, all(inOrder, 4).get(0).indices());
    }

    @Test
    void augmentedBatchesAreReproducibleAndDifferFromPlainOnes() throws Exception {
        PreparedDataset d = data(40);
        Augmentation aug = Augmentation.builder().shift(1).horizontalFlip(true).seed(3).build();
        List<ImageBatch> first = all(BatchLoader.builder(d).batchSize(16).seed(9).augmentation(aug).build(), 1);
        List<ImageBatch> again = all(BatchLoader.builder(d).batchSize(16).seed(9).augmentation(aug).build(), 1);
        List<ImageBatch> plain = all(BatchLoader.builder(d).batchSize(16).seed(9).build(), 1);
        for (int b = 0; b < first.size(); b++) {
            assertArrayEquals(first.get(b).inputs(), again.get(b).inputs(), 0);
            assertArrayEquals(first.get(b).indices(), plain.get(b).indices());
        }
        assertFalse(Arrays.equals(first.get(0).inputs(), plain.get(0).inputs()));
        // Each augmented image equals the augmentation applied by hand to its [0,1] source.
        ImageBatch b0 = first.get(0);
        int i = b0.indices()[0];
        float[] src = new float[16], expected = new float[16];
        d.scaled(i, src, 0);
        aug.apply(src, 0, d.shape(), expected, 0, 1, i);
        assertArrayEquals(expected, Arrays.copyOf(b0.inputs(), 16), 0);
    }

    @Test
    void batchesAreNormalisedWithTheTrainingStatistics() throws Exception {
        List<Image> images = List.of(Image.planar(1, 1, 1, new byte[] {0}), Image.planar(1, 1, 1, new byte[] {(byte) 255}));
        Dataset d = new Dataset("two", List.of("a"), images, new int[2]);
        PreparedDataset p = Preprocessing.builder(Shape.of(1, 1, 1)).build().fit(d).train();
        ImageBatch b = all(BatchLoader.builder(p).batchSize(2).shuffle(false).build(), 0).get(0);
        assertArrayEquals(new float[] {-1f, 1f}, b.inputs(), 1e-6f);
    }

    @Test
    void dropLastLeavesOutThePartialBatch() throws Exception {
        BatchLoader loader = BatchLoader.builder(data(25)).batchSize(10).dropLast(true).build();
        assertEquals(2, loader.batchesPerEpoch());
        assertEquals(2, all(loader, 0).size());
    }

    @Test
    void closingEarlyStopsTheProducerAndEndsIteration() throws Exception {
        BatchLoader loader = BatchLoader.builder(data(500)).batchSize(1).prefetch(1).build();
        BatchLoader.BatchIterator it = loader.epoch(0);
        assertTrue(it.hasNext());
        it.next();
        it.close(); // the producer is blocked on the full queue: close must still end it
        assertTrue(it.isProducerDone());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        it.close(); // idempotent
    }

    @Test
    void closingFromAnotherThreadWakesABlockedConsumer() throws Exception {
        BatchLoader loader = BatchLoader.builder(data(2000)).batchSize(1).prefetch(1).build();
        try (BatchLoader.BatchIterator it = loader.epoch(0)) {
            Thread closer = new Thread(it::close);
            int taken = 0;
            while (it.hasNext()) {
                it.next();
                if (++taken == 3) closer.start();
            }
            closer.join(5000);
            assertTrue(taken < 2000, "iteration stopped after close, took " + taken);
            assertTrue(it.isProducerDone());
        }
    }

    @Test
    void builderExplainsBadSettings() throws Exception {
        PreparedDataset d = data(5);
        assertEquals("the batch size must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(d).batchSize(0).build()).getMessage());
        assertEquals("a batch of 8 is larger than the 5 images, and dropping the last partial batch would leave no batch at all",
                assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(d).batchSize(8).dropLast(true).build()).getMessage());
        assertNotEquals(0, BatchLoader.builder(d).build().batchesPerEpoch());
    }

    @Test
    void anEpochStartedLaterGivesTheSameRemainingBatches() throws Exception {
        // A run resumed inside an epoch starts its loader at the next batch: same order, same augmentation.
        PreparedDataset d = data(50);
        Augmentation aug = Augmentation.builder().shift(2).horizontalFlip(true).seed(3).build();
        BatchLoader loader = BatchLoader.builder(d).batchSize(8).seed(11).augmentation(aug).build();
        List<ImageBatch> whole = all(loader, 2);
        List<ImageBatch> rest = new ArrayList<>();
        try (BatchLoader.BatchIterator it = loader.epoch(2, 4)) {
            it.forEachRemaining(rest::add);
        }
        assertEquals(whole.size() - 4, rest.size());
        for (int i = 0; i < rest.size(); i++) {
            ImageBatch a = whole.get(i + 4), b = rest.get(i);
            assertEquals(a.number(), b.number());
            assertArrayEquals(a.indices(), b.indices());
            assertArrayEquals(a.inputs(), b.inputs(), 0f);
        }
    }
}
