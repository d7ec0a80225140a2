package org.convas.app.inspect;

import org.convas.engine.inspect.Progress;
import org.convas.visualizer.fx.LatestValueSlot;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The coalescing around one inspection view's computation: it runs on the {@link InspectFeed}'s thread while its
 * view is on show, at most one at a time and at most one queued, no sooner than {@link #minimumInterval} after the
 * last start (so a heavy search does not take a core from training all the time); a change of settings cancels the
 * run in progress and starts again on the latest weights; results and progress reach the FX thread through slots that
 * keep only the latest value.
 *
 * @param <R> the result the view draws
 */
abstract class InspectJob<R> implements InspectFeed.Job {

    private final InspectFeed feed;
    private final LongSupplier clock;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger generation = new AtomicInteger();
    private final LatestValueSlot<Object> results;
    private final LatestValueSlot<String> progress;
    private volatile boolean visible;
    private volatile long lastStart = Long.MIN_VALUE / 2;
    private volatile long minimumInterval;

    /** Thrown results: the message reaches {@link #failed} on the FX thread. */
    record Failure(String message) {
    }

    InspectJob(InspectFeed feed, Executor fx, LongSupplier clock) {
        this.feed = Objects.requireNonNull(feed);
        this.clock = Objects.requireNonNull(clock);
        this.results = new LatestValueSlot<>(this::deliver, fx);
        this.progress = new LatestValueSlot<>(this::showProgress, fx);
        feed.add(this);
    }

    /** Computes the result on the inspection thread; may report progress and should stop when {@code progress} says so. */
    abstract R compute(InspectFeed.Source source, Progress progress);

    /** Draws a result (FX thread). */
    abstract void show(R result);

    /** Shows a failure (FX thread). */
    abstract void failed(String message);

    /** Shows how far the computation is, e.g. "occlusion: 40 %" (FX thread); "" when done. */
    void showProgress(String text) {
    }

    void minimumInterval(long nanos) {
        minimumInterval = nanos;
    }

    /**
     * Whether the view is on show (FX thread). Coming into view, it runs when the next snapshot brings weights: ask the
     * view-model for one ({@code requestSnapshot}); the latest copy may be older than the weights now.
     */
    void setVisible(boolean on) {
        visible = on;
    }

    boolean visible() {
        return visible;
    }

    /** A setting changed (FX thread): cancel the run in progress, and run again on the latest weights. */
    void settingsChanged() {
        generation.incrementAndGet();
        if (visible) queue();
    }

    /** Whether it wants new weights now: on show, and the interval since the last start passed. */
    @Override
    public boolean wants(long nanoTime) {
        return visible && nanoTime - lastStart >= minimumInterval;
    }

    boolean running() {
        return running.get();
    }

    @Override
    public void offer(InspectFeed.Source source) {
        queue();
    }

    /** Runs on the latest source: at most one run queued; one running meanwhile gets to finish (or is cancelled). */
    private void queue() {
        if (feed.latest() != null && queued.compareAndSet(false, true) && !feed.execute(this::runLatest)) queued.set(false);
    }

    private void runLatest() {
        queued.set(false);
        InspectFeed.Source source = feed.latest();
        if (source == null) return;
        running.set(true);
        lastStart = clock.getAsLong();
        int mine = generation.get();
        try {
            R r = compute(source, (done, total) -> {
                progress.offer(total <= 1 ? "" : Math.round(100.0 * done / total) + " %");
                return generation.get() == mine;
            });
            if (r != null && generation.get() == mine) results.offer(r);
        } catch (Progress.CancelledException e) {
            // A newer setting takes over (it queued a run).
        } catch (RuntimeException e) {
            results.offer(new Failure(e.getMessage() == null ? e.toString() : e.getMessage()));
        } finally {
            progress.offer("");
            running.set(false);
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(Object value) {
        if (value instanceof Failure f) failed(f.message());
        else show((R) value);
    }
}
