package org.convas.engine.train;

import org.convas.engine.model.BatchStatistics;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Model;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Loss and accuracy of a model on a data set, in evaluation mode (running BatchNorm statistics, no dropout). */
public final class Evaluation {

    /** Mean cross-entropy and fraction classified right over {@code count} images. */
    public record Result(double loss, double accuracy, int count) {
    }

    private Evaluation() {
    }

    /**
     * Images a worker runs through the network at once. A batch of 1,000 split over two workers would otherwise
     * need activation buffers for 500 images each (VGG-lite: about 0.5 GB, allocated per call and streamed
     * through memory). Pieces of 16 keep a layer's input, im2col columns and output near the size of the 1 MB
     * L2 cache (LeNet's conv1: 16·25·784 floats of columns, 1.25 MB, against 10 MB for 128 images) and give the
     * same sums, faster on LeNet and VGG-lite than pieces of 128 (docs/performance.md).
     */
    static final int MAX_WORKER_IMAGES = 16;

    /** Evaluates with {@code threads} workers, each taking a slice of every batch. */
    public static Result evaluate(Model model, BatchSource data, int batchSize, int threads) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1 (it is " + batchSize + ")");
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1 (it is " + threads + ")");
        int per = Math.min(MAX_WORKER_IMAGES, (batchSize + threads - 1) / threads);
        List<ModelWorker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ModelWorker worker = model.newWorker(per, true);
            worker.fuseActivations();
            workers.add(worker);
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, TrainingRun.daemonThreads("convas-eval")) : null;
        try {
            return run(workers, pool, data, batchSize);
        } finally {
            if (pool != null) pool.shutdownNow();
        }
    }

    /** The shared loop: each batch split across the workers, sums taken in worker order. */
    static Result run(List<ModelWorker> workers, ExecutorService pool, BatchSource data, int batchSize) {
        double lossSum = 0;
        long correct = 0;
        int count = 0;
        int threads = workers.size();
        double[] losses = new double[threads];
        int[] rights = new int[threads];
        Iterator<Batch> it = data.epoch(batchSize, 0, 0, false);
        while (it.hasNext()) {
            Batch b = it.next();
            int n = b.count();
            int per = (n + threads - 1) / threads;
            int active = (n + per - 1) / per;
            List<Callable<Void>> tasks = new ArrayList<>(active);
            for (int t = 0; t < active; t++) {
                int worker = t, lo = t * per, cnt = Math.min(per, n - lo);
                tasks.add(() -> {
                    ModelWorker w = workers.get(worker);
                    double loss = 0;
                    int right = 0;
                    // A worker sized for fewer images than its slice takes the slice in pieces.
                    for (int from = lo, end = lo + cnt; from < end; from += w.maxBatch()) {
                        int pieces = Math.min(w.maxBatch(), end - from);
                        w.forward(b.x(), from, pieces, false, 0);
                        loss += w.loss(b.y(), from, pieces, 1f, false);
                        right += w.correct(b.y(), from, pieces);
                    }
                    losses[worker] = loss;
                    rights[worker] = right;
                    return null;
                });
            }
            invokeAll(pool, tasks);
            for (int t = 0; t < active; t++) {
                lossSum += losses[t];
                correct += rights[t];
            }
            count += n;
        }
        return new Result(count == 0 ? Double.NaN : lossSum / count, count == 0 ? Double.NaN : (double) correct / count, count);
    }

    /** Runs the tasks on the pool (the first on the calling thread), rethrowing the first failure. */
    static void invokeAll(ExecutorService pool, List<Callable<Void>> tasks) {
        try {
            if (pool == null || tasks.size() == 1) {
                for (Callable<Void> t : tasks) t.call();
                return;
            }
            List<Future<Void>> futures = new ArrayList<>(tasks.size() - 1);
            for (int i = 1; i < tasks.size(); i++) futures.add(pool.submit(tasks.get(i)));
            Exception first = null;
            try {
                tasks.get(0).call();
            } catch (Exception e) {
                first = e;
            }
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                    // A worker released because another failed is not the news: report the failure itself.
                    if (first == null || first instanceof BatchStatistics.Released) first = cause;
                }
            }
            if (first != null) throw first;
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
