package org.convas.visualizer.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javafx.application.Platform;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The helpers against the real FX thread (Monocle, headless). */
@ExtendWith(ApplicationExtension.class)
class FxDeliveryTest {

    @Start
    void start(Stage stage) {
        stage.show();
    }

    @Test
    void latestValueArrivesOnTheFxThread() throws Exception {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean offFxThread = new AtomicBoolean();
        LatestValueSlot<Integer> slot = LatestValueSlot.onFxThread(v -> {
            if (!Platform.isFxApplicationThread()) offFxThread.set(true);
            seen.add(v);
        });
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= 100_000; i++) slot.offer(i);
        });
        producer.start();
        producer.join();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(100_000, seen.get(seen.size() - 1));
        assertTrue(seen.size() < 100_000, "coalesced: " + seen.size() + " deliveries");
        assertTrue(!offFxThread.get());
    }

    @Test
    void frameBatcherDeliversOnTheFxThreadOncePerFrame() throws Exception {
        List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean offFxThread = new AtomicBoolean();
        CountDownLatch all = new CountDownLatch(1);
        FrameBatcher<Integer> batcher = new FrameBatcher<>(batch -> {
            if (!Platform.isFxApplicationThread()) offFxThread.set(true);
            received.addAll(batch);
            if (received.size() == 10_000) all.countDown();
        });
        batcher.start();
        for (int i = 0; i < 10_000; i++) batcher.offer(i);
        assertTrue(all.await(10, TimeUnit.SECONDS), "received " + received.size());
        batcher.stop();
        assertTrue(!offFxThread.get());
        for (int i = 0; i < 10_000; i++) assertEquals(i, received.get(i));
    }
}
