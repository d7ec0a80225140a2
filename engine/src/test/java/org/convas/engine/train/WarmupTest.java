package org.convas.engine.train;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupTest {

    @Test
    void theTinyNetworkTrainsUntilTheTimeIsUp() {
        long start = System.nanoTime();
        int steps = Warmup.run(() -> false, 1_000_000_000L);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(steps >= 1, "steps: " + steps);
        // It stops after the step that crosses the budget; a step of this network takes milliseconds once compiled.
        assertTrue(seconds < 10, "ran " + seconds + " s for a 1 s budget");
    }

    @Test
    void aStopRequestEndsItBeforeTheNextStep() {
        AtomicInteger asked = new AtomicInteger();
        int steps = Warmup.run(() -> asked.incrementAndGet() > 2, 60_000_000_000L);
        assertEquals(2, steps);
    }

    @Test
    void itRunsOncePerJvmOnALowPriorityDaemonThread() throws InterruptedException {
        Warmup.startInBackground();
        Thread first = Warmup.thread();
        Warmup.startInBackground();
        assertSame(first, Warmup.thread());
        assertTrue(first.isDaemon());
        assertEquals(Thread.MIN_PRIORITY, first.getPriority());
        Warmup.stop();
        first.join(30_000);
        assertTrue(!first.isAlive(), "the warm-up thread ended after stop()");
    }
}
