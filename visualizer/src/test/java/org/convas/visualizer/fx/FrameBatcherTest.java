package org.convas.visualizer.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class FrameBatcherTest {

    @Test
    void flushDeliversEverythingQueuedInOrderAsOneList() {
        List<List<Integer>> batches = new ArrayList<>();
        FrameBatcher<Integer> batcher = new FrameBatcher<>(batches::add);
        batcher.offer(1);
        batcher.offerAll(List.of(2, 3));
        assertEquals(3, batcher.pending());
        assertEquals(3, batcher.flush());
        assertEquals(List.of(List.of(1, 2, 3)), batches);
        assertEquals(0, batcher.pending());
    }

    @Test
    void emptyFrameCallsNothing() {
        List<List<Integer>> batches = new ArrayList<>();
        FrameBatcher<Integer> batcher = new FrameBatcher<>(batches::add);
        assertEquals(0, batcher.flush());
        assertTrue(batches.isEmpty());
    }

    @Test
    void manyProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
        int producers = 8;
        int perProducer = 40_000;
        List<long[]> received = new ArrayList<>();
        int[] batchCount = {0};
        FrameBatcher<long[]> batcher = new FrameBatcher<>(batch -> {
            received.addAll(batch);
            batchCount[0]++;
        });
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            long producer = p;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (long i = 0; i < perProducer; i++) batcher.offer(new long[] {producer, i});
            });
        }
        start.countDown();
        pool.shutdown();
        // The "frame" thread drains while producers run (flush is only ever called from this one thread).
        while (!pool.isTerminated()) {
            batcher.flush();
            Thread.sleep(1);
        }
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        batcher.flush();
        assertEquals((long) producers * perProducer, received.size());
        long[] next = new long[producers];
        for (long[] item : received) {
            assertEquals(next[(int) item[0]], item[1], "producer " + item[0] + " out of order");
            next[(int) item[0]]++;
        }
        assertTrue(batchCount[0] < received.size(), "items arrive in batches, not one call per item");
    }
}
