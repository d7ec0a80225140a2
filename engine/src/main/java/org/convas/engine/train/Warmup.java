package org.convas.engine.train;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Trains a tiny network on one background thread for a few seconds, so that the JIT compiles the engine's kernels
 * before the user's first batch. Without it the first batch of a JVM runs the Vector API kernels interpreted or
 * half-compiled, and takes seconds; a warm-up shortens it, with the same steady speed (the figures are in
 * docs/performance.md). The desktop app starts it when its window opens, time the user spends on the
 * network anyway. The command line does not: its data loads in well under a second, and a warm-up cut short by the
 * run gained nothing there (measured, same file). {@code -Dconvas.warmup=false} turns it off.
 *
 * <p>The network has the layers whose code paths training uses most: a 3×3 "same" convolution on the
 * im2col-free path with 32 and then 64 filters (so both GEMM variants), a 5×5 "valid" one through im2col, ReLU,
 * 2×2 max pooling and FC layers. It runs on a daemon thread at the lowest priority, stops after
 * {@value #SECONDS} s or when {@link #stop()} is called (a training run calls it as it starts, so the two do not
 * compete for a core), and runs once per JVM. It changes no state anyone else sees: its model is its own.
 */
public final class Warmup {

    static final int SECONDS = 3;
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile boolean stopRequested;
    private static volatile Thread thread;

    private Warmup() {
    }

    /** Starts the warm-up unless it has run in this JVM or {@code -Dconvas.warmup=false}; returns at once. */
    public static void startInBackground() {
        if ("false".equalsIgnoreCase(System.getProperty("convas.warmup", "true").trim())) return;
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> run(() -> stopRequested, SECONDS * 1_000_000_000L), "convas-jit-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        thread = t;
        t.start();
    }

    /** Asks a running warm-up to end after its current step. */
    public static void stop() {
        stopRequested = true;
    }

    /** The warm-up thread, or null when none was started (for tests). */
    static Thread thread() {
        return thread;
    }

    /** Steps of the tiny network until {@code nanos} have passed or {@code stop} says so; the number of steps. */
    static int run(java.util.function.BooleanSupplier stop, long nanos) {
        // The kinds of layer the presets use: 3×3 and 5×5 convolutions, pooling and FC layers, and beside them a
        // branch of a 3×3 stride-2 conv, BatchNorm + ReLU, a depthwise conv and BatchNorm, joined by an Add.
        NetworkSpec spec = NetworkSpec.builder("warm-up").floorMode(true).input(12, 12, 2)
                .add("c1", LayerSpec.Conv2D.of(32, 3, 1, 1)).add("r1", new LayerSpec.ReLU())
                .add("c2", LayerSpec.Conv2D.of(64, 3, 1, 1)).add("r2", new LayerSpec.ReLU())
                .add("c3", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("r3", new LayerSpec.ReLU())
                .add("p", LayerSpec.MaxPool.of(2, 2))
                .add("s1", new LayerSpec.Conv2D(16, 3, 3, 2, Padding.of(1), 1, 1, false), "r2")
                .add("b1", LayerSpec.BatchNorm.standard()).add("br1", new LayerSpec.ReLU())
                .add("d1", new LayerSpec.Conv2D(16, 3, 3, 1, Padding.of(0), 1, 16, false)).add("b2", LayerSpec.BatchNorm.standard())
                .add("a", new LayerSpec.Add(), "p", "b2").add("ra", new LayerSpec.ReLU())
                .add("fc1", LayerSpec.FullyConnected.of(32)).add("r4", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(4)).add("s", new LayerSpec.Softmax()).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        int n = 8, micro = 4;
        float[] x = new float[n * 12 * 12 * 2];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 4;
        ModelWorker executor = model.newWorker(micro, true);
        executor.fuseActivations();
        executor.deferWeightGradients(n);
        long end = System.nanoTime() + nanos;
        int steps = 0;
        while (!stop.getAsBoolean() && System.nanoTime() < end) {
            executor.zeroParameterGradients(null);
            for (int from = 0; from < n; from += micro) {
                executor.forward(x, from, micro, true, steps);
                executor.loss(labels, from, micro, 1f / n, true);
                executor.backward();
            }
            ModelWorker.gatherGradients(java.util.List.of(executor), null, 1);
            executor.forward(x, 0, 1, false, 0);  // the evaluation path and a single row through the FC layers
            steps++;
        }
        return steps;
    }
}
