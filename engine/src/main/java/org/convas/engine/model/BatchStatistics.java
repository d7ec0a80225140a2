package org.convas.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Whole-batch BatchNorm statistics for workers that each hold a slice of the batch. Every BatchNorm layer of
 * every worker posts its per-channel partial sums, waits for the others, and adds the partials up in worker
 * order, so all workers normalise with the same μ and σ² (those of the whole batch, as PyTorch on one process
 * computes them) and back-propagate with the same Σdy and Σdy·x̂. Without it each worker would normalise its
 * own slice (what PyTorch's DataParallel does), and the result would depend on the thread count.
 *
 * <p>Per step and BatchNorm layer: one wait in the forward pass (the sums of x − K and (x − K)², K the running
 * mean, see {@link BatchNormLayer}) and one in the backward pass. {@link #beginStep} says how many
 * workers take part (a short last batch may leave some idle); {@link #abort} releases waiting workers when one
 * of them fails, so a failure never leaves the others blocked.
 */
public final class BatchStatistics {

    private final List<Node> nodes = new ArrayList<>();

    /** The shared state of one BatchNorm node: the workers' partial sums and a barrier that can be aborted. */
    static final class Node {
        private final double[][] partial;  // [worker][up to 2·channels]
        private final double[] count;      // [worker]
        private int parties = 1;
        private int arrived;
        private long generation;
        private boolean aborted;

        Node(int workers, int channels) {
            partial = new double[workers][2 * channels];   // the backward pass exchanges two sums per channel
            count = new double[workers];
        }

        /** Posts this worker's partial sums and returns the totals over the active workers, in worker order. */
        void exchange(int worker, double[] mine, double myCount, double[] total, double[] totalCount) {
            System.arraycopy(mine, 0, partial[worker], 0, mine.length);
            count[worker] = myCount;
            await();
            java.util.Arrays.fill(total, 0);
            double n = 0;
            for (int w = 0; w < parties; w++) {
                double[] p = partial[w];
                for (int c = 0; c < total.length; c++) total[c] += p[c];
                n += count[w];
            }
            totalCount[0] = n;
            // Nobody may overwrite a partial before everyone has read it.
            await();
        }

        /**
         * Waits until all parties have arrived. The abort flag is read under the same lock as the arrival
         * count, so a worker arriving after {@link #abort} is released at once instead of waiting forever.
         */
        private synchronized void await() {
            if (aborted) throw new Released(null);
            long gen = generation;
            if (++arrived == parties) {
                arrived = 0;
                generation++;
                notifyAll();
                return;
            }
            while (gen == generation && !aborted) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the other workers' BatchNorm statistics", e);
                }
            }
            if (gen == generation) throw new Released(null);
        }

        synchronized void begin(int active) {
            parties = active;
            arrived = 0;
            aborted = false;
        }

        synchronized void abort() {
            aborted = true;
            notifyAll();
        }
    }

    private BatchStatistics() {
    }

    /** Thrown in a worker released by {@link #abort}: a consequence of another worker's failure, not a cause. */
    public static final class Released extends IllegalStateException {
        Released(Throwable cause) {
            super("another worker failed while this one waited for its BatchNorm statistics", cause);
        }
    }

    /**
     * Connects the BatchNorm layers of these workers (executors of the same model, one per thread), and returns
     * the handle the trainer uses once per step. Workers with no BatchNorm layer connect nothing.
     */
    public static BatchStatistics share(List<ModelWorker> workers) {
        BatchStatistics shared = new BatchStatistics();
        int layers = workers.get(0).batchNorms.size();
        for (int b = 0; b < layers; b++) {
            Node node = new Node(workers.size(), workers.get(0).batchNorms.get(b).channels());
            shared.nodes.add(node);
            for (int w = 0; w < workers.size(); w++) workers.get(w).batchNorms.get(b).share(node, w);
        }
        return shared;
    }

    /** Whether there is anything to share (the network has BatchNorm layers). */
    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** Before a step: workers 0 … active−1 take part in it. */
    public void beginStep(int active) {
        for (Node n : nodes) n.begin(active);
    }

    /** Releases every worker waiting on the others (one of them failed). */
    public void abort() {
        for (Node n : nodes) n.abort();
    }
}
