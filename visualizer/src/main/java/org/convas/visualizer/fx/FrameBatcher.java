package org.convas.visualizer.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/**
 * Collects items offered from any thread and hands them to a consumer on the FX thread as one list per frame
 * (at most 60 times a second, driven by an {@link AnimationTimer}). Chart points go through here: a trainer
 * emitting 2,000 batches a second causes ~60 chart updates a second, each adding ~33 points in one go.
 *
 * <p>Nothing is dropped or reordered: items from one producer thread arrive in the order offered (the queue is a
 * lock-free FIFO). A frame with no items calls nothing.
 *
 * <p>Life cycle: {@link #start()} on the FX thread (or any thread: it hops over) when the view is shown,
 * {@link #stop()} when it goes away; {@link #flush()} drains immediately on the calling thread.
 *
 * @param <T> item type
 */
public final class FrameBatcher<T> {

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final Consumer<? super List<T>> consumer;
    private AnimationTimer timer;

    /** @param consumer receives each frame's items (never an empty list), on the thread that drains */
    public FrameBatcher(Consumer<? super List<T>> consumer) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
    }

    /** Queues an item; safe from any thread, never blocks. */
    public void offer(T item) {
        queue.add(Objects.requireNonNull(item, "FrameBatcher.offer: item must not be null"));
    }

    /** Queues several items in order. */
    public void offerAll(List<? extends T> items) {
        for (T item : items) {
            offer(item);
        }
    }

    /** Number of items waiting for the next frame. */
    public int pending() {
        return queue.size();
    }

    /**
     * Drains everything queued so far into one list and hands it to the consumer on the calling thread
     * (the FX thread when called by the frame timer).
     *
     * @return the number of items delivered
     */
    public int flush() {
        List<T> batch = new ArrayList<>();
        for (T item; (item = queue.poll()) != null; ) {
            batch.add(item);
        }
        if (!batch.isEmpty()) {
            consumer.accept(batch);
        }
        return batch.size();
    }

    /** Starts draining once per frame on the FX thread. Idempotent. */
    public void start() {
        if (!Platform.isFxApplicationThread()) {
            Platform.runLater(this::start);
            return;
        }
        if (timer == null) {
            timer = new AnimationTimer() {
                @Override
                public void handle(long now) {
                    flush();
                }
            };
        }
        timer.start();
    }

    /** Stops the frame timer; items offered meanwhile stay queued until {@link #start()} or {@link #flush()}. */
    public void stop() {
        if (!Platform.isFxApplicationThread()) {
            Platform.runLater(this::stop);
            return;
        }
        if (timer != null) {
            timer.stop();
        }
    }
}
