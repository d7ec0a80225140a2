package org.convas.engine.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Time spent in each layer's forward and backward passes, summed over every executor of a {@link Model} while the
 * profile is on ({@link Model#startProfile()}): thread CPU time, which a shared machine's other work does not
 * inflate, and wall-clock time, which also counts waiting (for the other workers' BatchNorm statistics, or for a
 * core). A ReLU that a convolution computes itself ({@link ModelWorker#fuseActivations}) is timed as part of the
 * convolution. Recording costs two clock reads per layer and pass.
 */
public final class LayerProfile {

    /** One node's totals, in nanoseconds, and how many forward and backward passes they cover. */
    public record Row(String node, String label, String output, long forwardCpu, long backwardCpu, long forwardWall,
                      long backwardWall, long forwardCalls, long backwardCalls, boolean fusedIntoPrevious) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Model model;
    private final AtomicLongArray forwardCpu, backwardCpu, forwardWall, backwardWall, forwardCalls, backwardCalls;
    private final boolean[] fused;
    private final boolean cpuTime;

    LayerProfile(Model model) {
        this.model = model;
        int n = model.order().size();
        forwardCpu = new AtomicLongArray(n);
        backwardCpu = new AtomicLongArray(n);
        forwardWall = new AtomicLongArray(n);
        backwardWall = new AtomicLongArray(n);
        forwardCalls = new AtomicLongArray(n);
        backwardCalls = new AtomicLongArray(n);
        fused = new boolean[n];
        cpuTime = THREADS.isCurrentThreadCpuTimeSupported();
    }

    /** The calling thread's CPU time in nanoseconds (0 where the JVM cannot tell). */
    long cpu() {
        return cpuTime ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    void forward(int node, long cpuNanos, long wallNanos) {
        forwardCpu.addAndGet(node, cpuNanos);
        forwardWall.addAndGet(node, wallNanos);
        forwardCalls.incrementAndGet(node);
    }

    void backward(int node, long cpuNanos, long wallNanos) {
        backwardCpu.addAndGet(node, cpuNanos);
        backwardWall.addAndGet(node, wallNanos);
        backwardCalls.incrementAndGet(node);
    }

    void markFused(int node) {
        fused[node] = true;
    }

    /** Whether thread CPU times are real (the JVM supports them); otherwise the CPU columns are 0. */
    public boolean hasCpuTime() {
        return cpuTime;
    }

    /** Every node in evaluation order, the input included (with zeros). */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < fused.length; i++) {
            var node = model.order().get(i);
            rows.add(new Row(node.id(), node.layer().label(), model.report().layer(node.id()).output().toString(),
                    forwardCpu.get(i), backwardCpu.get(i), forwardWall.get(i), backwardWall.get(i),
                    forwardCalls.get(i), backwardCalls.get(i), fused[i]));
        }
        return rows;
    }
}
