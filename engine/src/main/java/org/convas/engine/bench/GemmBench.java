package org.convas.engine.bench;

import org.convas.engine.kernel.Gemm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints single-precision GEMM throughput (GFLOP/s = 2·M·N·K / seconds / 10⁹, best of several runs) for the
 * reference loops, the scalar path and the vector path on 1 and 2 threads, over square sizes and the shapes a
 * CNN produces, and in the same run OpenBLAS (through numpy) on a 2048² product as the peer figure.
 *
 * <p>Run (from the repository root, after {@code mvn -pl engine -am package -DskipTests} or a test build):
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp engine/target/classes org.convas.engine.bench.GemmBench [quick]
 * </pre>
 * {@code quick} skips the 2048² square and the peer. Without {@code --add-modules} only the scalar path runs.
 * On a shared machine, figures are the best of several repetitions, the load average is printed, and the
 * single-thread peer comparison is repeated in thread CPU time, which excludes time spent descheduled.
 */
public final class GemmBench {

    /** A product to time: C[M×N] = op(A)·op(B) with op(A) M×K. */
    private record Shape(String label, boolean transA, boolean transB, int m, int n, int k) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** FC layers on one image: VGG-lite's FC 3,136 → 128 and AlexNet's FC6, 9,216 → 4,096 (151 MB of weights). */
    private static final List<Shape> SINGLE_ROW = List.of(
            new Shape("fc 1 image 3136 -> 128 (B^T)", false, true, 1, 128, 3136),
            new Shape("fc 1 image 9216 -> 4096 (B^T)", false, true, 1, 4096, 9216));

    private interface Runner {
        void run(float[] a, float[] b, float[] c);
    }

    private GemmBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("quick");
        System.out.printf(Locale.ROOT, "Java %s (%s), %d processors; Gemm.sgemm uses: %s%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), Gemm.implementation());

        List<Shape> shapes = new ArrayList<>();
        for (int size : quick ? new int[]{256, 512, 1024} : new int[]{256, 512, 1024, 2048}) {
            shapes.add(new Shape("square " + size, false, false, size, size, size));
        }
        // conv forward, one image: out[K × Ho·Wo] = W[K × C·F·F] · col[C·F·F × Ho·Wo]
        shapes.add(new Shape("conv fwd 5x5x3->32 @32x32", false, false, 32, 32 * 32, 3 * 25));
        shapes.add(new Shape("conv fwd 3x3x64->64 @16x16", false, false, 64, 16 * 16, 64 * 9));
        shapes.add(new Shape("conv fwd 5x5x6->16 @10x10 x64", false, false, 16, 64 * 100, 6 * 25));
        // conv backward: dW[K × C·F·F] = dOut[K × Ho·Wo] · colᵀ ; dCol[C·F·F × Ho·Wo] = Wᵀ · dOut
        shapes.add(new Shape("conv dW 3x3x64->64 @16x16 (B^T)", false, true, 64, 64 * 9, 16 * 16));
        shapes.add(new Shape("conv dX 3x3x64->64 @16x16 (A^T)", true, false, 64 * 9, 16 * 16, 64));
        // fully connected: y[batch × out] = x[batch × in] · W[out × in]ᵀ
        shapes.add(new Shape("fc 64x1024 -> 256 (B^T)", false, true, 64, 256, 1024));
        shapes.add(new Shape("fc dW 256x1024 (A^T)", true, false, 256, 1024, 64));
        // fully connected on one image (inference, the training window's activation maps): a single row
        shapes.add(SINGLE_ROW.get(0));
        shapes.add(SINGLE_ROW.get(1));

        System.out.println("load average at the start: " + loadAverage());
        System.out.printf(Locale.ROOT, "%-42s %9s %9s %9s %9s %9s %11s%n", "shape (M×N×K)", "reference", "scalar",
                "vector", "scalar×2", "vector×2", "vector CPU");
        boolean vector = Gemm.isAvailable(Gemm.Path.VECTOR);
        double vector2048one = Double.NaN;
        double vector2048two = Double.NaN;
        double vector2048cpu = Double.NaN;
        for (Shape s : shapes) {
            String label = s.label + " " + s.m + "×" + s.n + "×" + s.k;
            double ref = s.flops() <= 2.0 * 512 * 512 * 512
                    ? measure(s, (a, b, c) -> Gemm.reference(s.transA, s.transB, s.m, s.n, s.k, 1f, a, 0,
                    s.transA ? s.m : s.k, b, 0, s.transB ? s.k : s.n, 0f, c, 0, s.n)) : Double.NaN;
            double scalar1 = measure(s, on(Gemm.Path.SCALAR, s, 1));
            double[] vectorBoth = vector ? measureBoth(s, on(Gemm.Path.VECTOR, s, 1)) : new double[]{Double.NaN, Double.NaN};
            double vector1 = vectorBoth[0];
            double scalar2 = measure(s, on(Gemm.Path.SCALAR, s, 2));
            double vector2 = vector ? measure(s, on(Gemm.Path.VECTOR, s, 2)) : Double.NaN;
            System.out.printf(Locale.ROOT, "%-42s %9s %9s %9s %9s %9s %11s%n", label, fmt(ref), fmt(scalar1),
                    fmt(vector1), fmt(scalar2), fmt(vector2), fmt(vectorBoth[1]));
            if (s.m == 2048 && s.n == 2048 && s.k == 2048) {
                vector2048one = vector1;
                vector2048two = vector2;
                vector2048cpu = vectorBoth[1];
            }
        }
        System.out.println("(GFLOP/s, best of several runs, wall clock; 'vector CPU' = single-thread vector in thread CPU"
                + " time; '-' = not run: reference above 512³ takes too long)");

        if (quick) {
            System.out.println("load average at the end: " + loadAverage());
            return;
        }
        System.out.println();
        System.out.println("Peer: OpenBLAS through numpy, float32 2048×2048 matmul, measured just now");
        for (int threads : new int[]{1, 2}) {
            double openBlas = numpyGflops(2048, threads, false);
            double ours = threads == 1 ? vector2048one : vector2048two;
            System.out.printf(Locale.ROOT, "  %d thread%s, wall clock: OpenBLAS %s GFLOP/s, Convas vector %s, ratio %s%n",
                    threads, threads == 1 ? " " : "s", fmt(openBlas), fmt(ours), ratio(ours, openBlas));
        }
        if (vector) {
            // On a shared machine wall-clock figures include time the thread was not running; thread CPU time
            // does not, so this pair is the fairer single-thread comparison when the load average is high.
            double ours = vector2048cpu;
            double openBlas = numpyGflops(2048, 1, true);
            System.out.printf(Locale.ROOT, "  1 thread , thread CPU time: OpenBLAS %s GFLOP/s, Convas vector %s, ratio %s%n",
                    fmt(openBlas), fmt(ours), ratio(ours, openBlas));
            for (Shape s : SINGLE_ROW) {
                double[] both = singleRowGflops(s.k, s.n);
                System.out.printf(Locale.ROOT, "  1 thread , thread CPU time, one row 1×%d · (%d×%d)ᵀ: OpenBLAS %s GFLOP/s,"
                        + " Convas vector %s, ratio %s%n", s.k, s.n, s.k, fmt(both[1]), fmt(both[0]), ratio(both[0], both[1]));
            }
        }
        System.out.println("load average at the end: " + loadAverage());
    }

    /**
     * Convas's single-thread GFLOP/s on a square float product of {@code size}² (the path {@link Gemm#sgemm}
     * uses for it), best of several runs, as {wall clock, thread CPU time}: for other programs that report the
     * GEMM figure beside their own (the {@code bench} command).
     */
    public static double[] singleThreadGflops(int size) {
        Gemm.Path path = Gemm.isAvailable(Gemm.Path.VECTOR) ? Gemm.Path.VECTOR : Gemm.Path.SCALAR;
        Shape s = new Shape("square " + size, false, false, size, size, size);
        return measureBoth(s, on(path, s, 1));
    }

    /**
     * An FC layer on one image, y (1 × outputs) = x (1 × inputs) · Wᵀ, one thread, in thread CPU time:
     * {Convas GFLOP/s, OpenBLAS's through numpy (NaN when missing)}.
     */
    public static double[] singleRowGflops(int inputs, int outputs) {
        Gemm.Path path = Gemm.isAvailable(Gemm.Path.VECTOR) ? Gemm.Path.VECTOR : Gemm.Path.SCALAR;
        Shape s = new Shape("fc 1 image", false, true, 1, outputs, inputs);
        double ours = measureBoth(s, on(path, s, 1))[1];
        double peer = numpyGflops("x = np.random.rand(1, " + inputs + ").astype(np.float32)\n"
                + "w = np.random.rand(" + outputs + ", " + inputs + ").astype(np.float32)", "x @ w.T", s.flops(), 1, true);
        return new double[]{ours, peer};
    }

    /**
     * OpenBLAS's GFLOP/s through numpy (/usr/bin/python3) on a float32 {@code size}² product with {@code threads}
     * threads, best of at least 5 runs, wall clock or thread CPU time; NaN when python3 or numpy is missing.
     */
    public static double openBlasGflops(int size, int threads, boolean cpuTime) {
        return numpyGflops(size, threads, cpuTime);
    }

    private static String ratio(double ours, double peer) {
        return Double.isNaN(ours) || Double.isNaN(peer) ? "-" : String.format(Locale.ROOT, "%.2f", ours / peer);
    }

    /** The 1, 5 and 15 minute load averages (Linux), to judge how much other work shared the cores. */
    private static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Runner on(Gemm.Path path, Shape s, int threads) {
        return (a, b, c) -> Gemm.sgemmOn(path, s.transA, s.transB, s.m, s.n, s.k, 1f, a, 0, s.transA ? s.m : s.k,
                b, 0, s.transB ? s.k : s.n, 0f, c, 0, s.n, threads);
    }

    /** Best GFLOP/s over repetitions: at least 5 runs and about 0.6 s of timing after a warm-up of ~0.4 s. */
    private static double measure(Shape s, Runner runner) {
        return measureBoth(s, runner)[0];
    }

    /**
     * {best wall-clock GFLOP/s, best GFLOP/s in the calling thread's CPU time}; the second is meaningful for
     * single-threaded runs only (helper threads' CPU time is not counted).
     */
    private static double[] measureBoth(Shape s, Runner runner) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Random random = new Random(42);
        float[] a = new float[s.m * s.k];
        float[] b = new float[s.k * s.n];
        float[] c = new float[s.m * s.n];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
        long warmEnd = System.nanoTime() + 400_000_000L;
        do {
            runner.run(a, b, c);
        } while (System.nanoTime() < warmEnd);
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        long timeEnd = System.nanoTime() + 600_000_000L;
        int runs = 0;
        while (runs < 5 || System.nanoTime() < timeEnd) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            runner.run(a, b, c);
            best = Math.min(best, (System.nanoTime() - start) * 1e-9);
            bestCpu = Math.min(bestCpu, (threads.getCurrentThreadCpuTime() - cpuStart) * 1e-9);
            runs++;
        }
        return new double[]{s.flops() / best * 1e-9, s.flops() / bestCpu * 1e-9};
    }

    /**
     * Times numpy's float32 size² matmul (OpenBLAS) in a child process, best of at least 5 runs, in wall-clock time
     * or in the calling thread's CPU time (meaningful with one OpenBLAS thread only); NaN when python3/numpy is
     * missing.
     */
    private static double numpyGflops(int size, int threads, boolean cpuTime) {
        return numpyGflops("a = np.random.rand(" + size + ", " + size + ").astype(np.float32)\n"
                + "b = np.random.rand(" + size + ", " + size + ").astype(np.float32)", "a @ b", 2.0 * size * size * size,
                threads, cpuTime);
    }

    /**
     * numpy's GFLOP/s for the expression {@code op} ({@code flops} floating-point operations) after {@code setup}:
     * best of 5 runs, or of as many as fit in half a second for a short one.
     */
    private static double numpyGflops(String setup, String op, double flops, int threads, boolean cpuTime) {
        String clock = cpuTime ? "time.thread_time" : "time.perf_counter";
        String script = String.join("\n",
                "import numpy as np, time",
                setup,
                op,
                "best, runs, end = 1e9, 0, time.perf_counter() + 0.5",
                "while runs < 5 or time.perf_counter() < end:",
                "    t = " + clock + "(); " + op + "; best = min(best, " + clock + "() - t); runs += 1",
                "print(" + flops + " / best / 1e9)");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true);
        String count = Integer.toString(threads);
        builder.environment().put("OPENBLAS_NUM_THREADS", count);
        builder.environment().put("OMP_NUM_THREADS", count);
        String core = openBlasCore();
        if (core != null && !builder.environment().containsKey("OPENBLAS_CORETYPE")) builder.environment().put("OPENBLAS_CORETYPE", core);
        try {
            Process process = builder.start();
            String last = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) last = line;
            }
            if (process.waitFor() != 0 || last == null) return Double.NaN;
            return Double.parseDouble(last.trim());
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /**
     * The OpenBLAS kernel set for this CPU's vector instructions: "Cooperlake" with AVX-512 BF16, "SkylakeX" with
     * AVX-512, "Haswell" with AVX2 and FMA, else null (OpenBLAS's own choice). OpenBLAS picks its kernels by CPU
     * model, and on a virtual machine that hides the model it falls back to "Prescott" (SSE3), several times slower
     * than the AVX-512 kernels (docs/performance.md). Comparing with that fallback would flatter Convas.
     */
    public static String openBlasCore() {
        try {
            String flags = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().orElse("");
            java.util.Set<String> set = java.util.Set.of(flags.replaceFirst("^flags\\s*:", "").trim().split("\\s+"));
            if (set.contains("avx512_bf16") && set.contains("avx512f")) return "Cooperlake";
            if (set.contains("avx512f") && set.contains("avx512bw") && set.contains("avx512vl")) return "SkylakeX";
            if (set.contains("avx2") && set.contains("fma")) return "Haswell";
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String fmt(double gflops) {
        return Double.isNaN(gflops) ? "-" : String.format(Locale.ROOT, "%.1f", gflops);
    }
}
