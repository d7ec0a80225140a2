package org.convas.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Threads for one kernel when a batch is too small to split across workers (a snapshot of one image, a
 * prediction): the kernel's output rows are cut into one contiguous block per thread, so each thread writes
 * its own rows and the result does not depend on timing.
 */
public final class KernelThreads {

    /** A range of output rows [from, to). */
    @FunctionalInterface
    interface RowTask {
        void run(int from, int to);
    }

    private final ExecutorService pool;
    private final int threads;

    /** @param pool runs the extra blocks; the calling thread runs the first one. Null or 1 thread: serial. */
    public KernelThreads(ExecutorService pool, int threads) {
        this.pool = pool;
        this.threads = pool == null ? 1 : Math.max(1, threads);
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over rows 0 … rows − 1 in at most {@code threads} blocks aligned to {@code align} rows. */
    void forRows(int rows, int align, RowTask task) {
        int blocks = Math.min(threads, Math.max(1, rows / Math.max(align, 1)));
        if (blocks <= 1) {
            task.run(0, rows);
            return;
        }
        int per = (rows + blocks - 1) / blocks;
        per = (per + align - 1) / align * align;
        List<Future<?>> futures = new ArrayList<>(blocks - 1);
        for (int from = per; from < rows; from += per) {
            int lo = from, hi = Math.min(rows, from + per);
            futures.add(pool.submit(() -> task.run(lo, hi)));
        }
        task.run(0, Math.min(per, rows));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }
}
