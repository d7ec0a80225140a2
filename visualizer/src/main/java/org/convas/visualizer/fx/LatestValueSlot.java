package org.convas.visualizer.fx;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javafx.application.Platform;

/**
 * Hands the latest value from any thread to a consumer on the FX thread, coalescing bursts: while one
 * delivery is pending, newer values overwrite the slot instead of queueing more {@code runLater} calls.
 * (The pattern of JavaFX's own {@code Task.updateProgress}.)
 *
 * <p>Rule: {@link #offer} swaps the value into an {@link AtomicReference}; only the call that found the slot
 * <em>empty</em> schedules a delivery. The delivery empties the slot with {@code getAndSet(null)} and hands the
 * value it took to the consumer. Example: a trainer offers snapshots 1, 2, 3 within one frame: offer(1) finds the
 * slot empty and schedules one delivery, offer(2) and offer(3) overwrite; the delivery sees 3. One
 * {@code runLater}, one repaint, and the last value is never lost: an offer arriving after the delivery emptied
 * the slot finds it empty again and schedules a new delivery.
 *
 * @param <T> the value type; {@code null} is not a value (it marks the empty slot)
 */
public final class LatestValueSlot<T> {

    private final AtomicReference<T> slot = new AtomicReference<>();
    private final Consumer<? super T> consumer;
    private final Executor deliveryThread;

    /**
     * @param consumer       receives the latest value, on the delivery thread
     * @param deliveryThread where deliveries run; {@code Platform::runLater} for the FX thread, a direct or
     *                       queueing executor in tests
     */
    public LatestValueSlot(Consumer<? super T> consumer, Executor deliveryThread) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.deliveryThread = Objects.requireNonNull(deliveryThread, "deliveryThread");
    }

    /** A slot whose consumer runs on the JavaFX application thread. */
    public static <T> LatestValueSlot<T> onFxThread(Consumer<? super T> consumer) {
        return new LatestValueSlot<>(consumer, Platform::runLater);
    }

    /**
     * Offers a value from any thread. Schedules at most one pending delivery however often it is called.
     *
     * @throws NullPointerException if value is null
     */
    public void offer(T value) {
        Objects.requireNonNull(value, "LatestValueSlot.offer: value must not be null (null marks the empty slot)");
        if (slot.getAndSet(value) == null) {
            deliveryThread.execute(this::deliver);
        }
    }

    /** True while a value waits for its delivery. */
    public boolean isPending() {
        return slot.get() != null;
    }

    private void deliver() {
        T value = slot.getAndSet(null);
        if (value != null) {
            consumer.accept(value);
        }
    }
}
