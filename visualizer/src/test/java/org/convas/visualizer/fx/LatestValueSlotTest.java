package org.convas.visualizer.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class LatestValueSlotTest {

    /** An executor that only queues: deliveries run when the test says so, like a busy FX thread. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final AtomicInteger scheduled = new AtomicInteger();
        final AtomicInteger mostAlreadyWaiting = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            scheduled.incrementAndGet();
            mostAlreadyWaiting.accumulateAndGet(tasks.size(), Math::max);
            tasks.add(task);
        }

        void runAll() {
            for (Runnable r; (r = tasks.poll()) != null; ) r.run();
        }
    }

    @Test
    void burstOfOffersSchedulesOneDeliveryWithTheLastValue() {
        ManualExecutor fx = new ManualExecutor();
        List<Integer> seen = new ArrayList<>();
        LatestValueSlot<Integer> slot = new LatestValueSlot<>(seen::add, fx);
        for (int i = 1; i <= 1000; i++) slot.offer(i);
        assertEquals(1, fx.scheduled.get());
        assertTrue(slot.isPending());
        fx.runAll();
        assertEquals(List.of(1000), seen);
        assertFalse(slot.isPending());
    }

    @Test
    void offerAfterDeliverySchedulesAgain() {
        ManualExecutor fx = new ManualExecutor();
        List<String> seen = new ArrayList<>();
        LatestValueSlot<String> slot = new LatestValueSlot<>(seen::add, fx);
        slot.offer("a");
        fx.runAll();
        slot.offer("b");
        slot.offer("c");
        fx.runAll();
        assertEquals(List.of("a", "c"), seen);
        assertEquals(2, fx.scheduled.get());
    }

    @Test
    void manyThreadsNeverFloodAndNeverLoseTheFinalValue() throws Exception {
        int producers = 8;
        int perProducer = 50_000;
        ManualExecutor fx = new ManualExecutor();
        List<long[]> seen = new ArrayList<>();
        LatestValueSlot<long[]> slot = new LatestValueSlot<>(seen::add, fx);
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
                for (long i = 0; i < perProducer; i++) slot.offer(new long[] {producer, i});
            });
        }
        // A "FX thread" that drains concurrently with the producers.
        AtomicInteger drains = new AtomicInteger();
        Thread consumer = new Thread(() -> {
            while (!pool.isTerminated()) {
                fx.runAll();
                drains.incrementAndGet();
                Thread.onSpinWait();
            }
        });
        consumer.start();
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        consumer.join();
        slot.offer(new long[] {-1, -1}); // the very last value, after every producer finished
        fx.runAll();
        long[] last = seen.get(seen.size() - 1);
        assertEquals(-1, last[0], "the final offered value reaches the consumer");
        assertFalse(slot.isPending());
        // Never more deliveries scheduled than delivered values: each scheduled run delivered something.
        assertEquals(seen.size(), fx.scheduled.get());
        // No flood: a delivery is only ever scheduled when none is waiting, so the FX queue holds at most one.
        assertEquals(0, fx.mostAlreadyWaiting.get());
        assertTrue(fx.scheduled.get() <= producers * perProducer + 1);
        // Values from one producer arrive in increasing order (a later value never overtaken by an older one).
        long[] lastIndex = new long[producers];
        java.util.Arrays.fill(lastIndex, -1);
        for (long[] v : seen) {
            if (v[0] < 0) continue;
            assertTrue(v[1] > lastIndex[(int) v[0]], "producer " + v[0] + " went backwards");
            lastIndex[(int) v[0]] = v[1];
        }
    }

    @Test
    void nullIsRejectedWithAClearMessage() {
        LatestValueSlot<String> slot = new LatestValueSlot<>(s -> { }, Runnable::run);
        NullPointerException e = assertThrows(NullPointerException.class, () -> slot.offer(null));
        assertTrue(e.getMessage().contains("null marks the empty slot"));
    }
}
