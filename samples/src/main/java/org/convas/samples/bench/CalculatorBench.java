package org.convas.samples.bench;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.samples.GoogLeNet;
import org.convas.samples.ResNets;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long {@link Calculator#analyze} takes: the designer calls it on every edit, so a 50-node network must
 * stay well under a millisecond. Prints microseconds per analysis (median of several timed rounds after a
 * warm-up) for a 50-node ResNet-like graph (the first 50 nodes of ResNet-18: stem and four residual blocks with
 * their Adds), GoogLeNet (144 nodes) and ResNet-50 (176 nodes), and ResNet-50 with conv1 at stride 3 without padding,
 * which does not fit 224×224, so the analysis also tries each fix it proposes.
 *
 * <p>Both the wall-clock time and this thread's CPU time are printed: on a shared, loaded machine the wall clock
 * also counts the time other processes held the core, while the CPU time is what one analysis costs.
 *
 * <p>Run: {@code mvn -q -o -pl samples -am compile} then
 * {@code java -cp engine/target/classes:samples/target/classes:<gson.jar> org.convas.samples.bench.CalculatorBench}.
 */
public final class CalculatorBench {

    private static final int ROUNDS = 7;
    private static final long ROUND_NANOS = 200_000_000L;

    private CalculatorBench() {
    }

    public static void main(String[] args) {
        NetworkSpec resnet18 = ResNets.resnet18();
        List<Node> first50 = resnet18.nodes().subList(0, 50);
        NetworkSpec trimmed = new NetworkSpec("ResNet-18, first 50 nodes", first50);
        // With a misfit the calculator also tries every fix it proposes (one more analysis per candidate).
        NetworkSpec resnet50 = ResNets.resnet50();
        LayerSpec.Conv2D conv1 = (LayerSpec.Conv2D) resnet50.node("conv1").layer();
        NetworkSpec misfit = resnet50.withLayer("conv1", conv1.withPadding(org.convas.engine.spec.Padding.of(0)).withStride(3))
                .withName("ResNet-50, conv1 7×7/3 (misfit)");
        List<NetworkSpec> specs = List.of(trimmed, GoogLeNet.build(), resnet50, misfit);

        System.out.printf(Locale.ROOT, "Calculator.analyze, %s %s, %d processors%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (NetworkSpec spec : specs) warmUp(spec);
        for (NetworkSpec spec : specs) {
            NetworkReport r = Calculator.analyze(spec);
            double[] wall = new double[ROUNDS];
            double[] cpu = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                double[] t = timeRound(spec);
                wall[i] = t[0];
                cpu[i] = t[1];
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "%-26s %4d nodes  CPU %7.1f µs per analysis (median; min %.1f)  wall %7.1f µs (min %.1f)  [%d errors, %d warnings]%n",
                    spec.name(), spec.size(), cpu[ROUNDS / 2], cpu[0], wall[ROUNDS / 2], wall[0], r.errors().size(), r.warnings().size());
        }
    }

    private static void warmUp(NetworkSpec spec) {
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) sink += Calculator.analyze(spec).layers().size();
    }

    /** Wall-clock and CPU microseconds per call over one round of about {@link #ROUND_NANOS} of CPU time. */
    private static double[] timeRound(NetworkSpec spec) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long calls = 0;
        long cpu;
        do {
            for (int i = 0; i < 10; i++) sink += Calculator.analyze(spec).layers().size();
            calls += 10;
            cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        } while (cpu < ROUND_NANOS);
        long wall = System.nanoTime() - start;
        return new double[] {wall / 1e3 / calls, cpu / 1e3 / calls};
    }

    /** Keeps the JIT from discarding the analyses. */
    private static long sink;
}
