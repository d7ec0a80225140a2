package org.convas.app.inspect;

import org.convas.engine.model.Model;
import org.convas.engine.train.TrainingEvents.Snapshot;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Brings the inspection views copies of the weights behind the snapshots the Train tab shows, and runs their
 * computations on one background thread of their own, never on the FX thread or the training threads.
 *
 * <p>The view-model hands over each snapshot's model while its weights hold still ({@link #offer}, on the thread that
 * took the snapshot: between two training steps). When a {@link Job} wants new weights, the model is copied there
 * ({@link Model#copy()}, one copy of the parameters: 9,098 floats for the tiny net) and becomes the {@link #latest}
 * source; the job runs on the inspection thread with the latest source at the time it starts. Each job keeps at most
 * one run queued, so a slow job lags behind training instead of piling up work.
 */
public final class InspectFeed {

    /** A snapshot and a copy of the weights that produced it, which nothing else writes. */
    public record Source(Snapshot snapshot, Model model) {
    }

    /** One inspection view's computation. */
    public interface Job {
        /** Whether it wants this snapshot's weights (called on the snapshot's thread: volatile state only, quickly). */
        boolean wants(long nanoTime);

        /** A new latest source is there for it (snapshot's thread): queue a run, or note that one must follow. */
        void offer(Source source);
    }

    private final List<Job> jobs = new CopyOnWriteArrayList<>();
    private final Executor worker;
    private final LongSupplier clock;
    private volatile Source latest;

    /**
     * @param worker runs the jobs one at a time (a single daemon thread in the window, direct in tests)
     * @param clock  nanoseconds, for jobs that pace themselves
     */
    public InspectFeed(Executor worker, LongSupplier clock) {
        this.worker = Objects.requireNonNull(worker);
        this.clock = Objects.requireNonNull(clock);
    }

    public void add(Job job) {
        jobs.add(job);
    }

    /** The newest source, or null before the first. */
    public Source latest() {
        return latest;
    }

    /** The view-model's snapshot-model listener: copies the weights when a job wants them, and tells those jobs. */
    public void offer(Snapshot snapshot, Model model) {
        long now = clock.getAsLong();
        List<Job> wanting = jobs.stream().filter(j -> j.wants(now)).toList();
        if (wanting.isEmpty()) return;
        Source source = new Source(snapshot, model.copy());
        latest = source;
        for (Job job : wanting) job.offer(source);
    }

    /** Queues work on the inspection thread; false when the window is closing. */
    boolean execute(Runnable work) {
        try {
            worker.execute(work);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }
}
