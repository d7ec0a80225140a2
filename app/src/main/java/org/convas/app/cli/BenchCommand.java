package org.convas.app.cli;

import org.convas.engine.bench.GemmBench;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.kernel.Gemm;
import org.convas.engine.model.LayerProfile;
import org.convas.samples.bench.TrainBench;
import org.convas.samples.data.BundledDatasets;
import org.convas.samples.data.FashionMnistSubset;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.convas.app.cli.TextTable.Align.LEFT;
import static org.convas.app.cli.TextTable.Align.RIGHT;

/**
 * {@code bench}: trains the PyTorch peer benchmark's networks ({@link TrainBench#NETS}: lenet, vgglite, resnet,
 * mobilenet, cifarsmall) on Fashion-MNIST with the peer's settings through {@link TrainBench}, runs the peer script
 * (the repository's {@code tools/peers/torch_bench.py}) with the same network, threads and image count in the same
 * run, and prints both figures with their ratio; then the single-thread GEMM GFLOP/s beside OpenBLAS's (numpy),
 * also measured in this run. The machine may be shared, so the load average is printed at the start and the end:
 * ratios taken side by side are what count. {@code --profile} prints where Convas's training time goes, layer by
 * layer (and the peer's operator times on its stderr).
 */
public final class BenchCommand implements Command {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final int GEMM_SIZE = 512;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String arguments() {
        return "[--net " + String.join("|", TrainBench.NETS) + "|all] [--threads T|best] [--limit N] [--epochs N] [--rounds R]"
                + " [--profile] [--isa avx2] [--no-peer] [--peer torch_bench.py] [--no-gemm]";
    }

    @Override
    public String description() {
        return "train the PyTorch peer's networks on Fashion-MNIST and compare images/s and GEMM GFLOP/s with PyTorch and OpenBLAS;"
                + " --profile shows the time per layer";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        List<String> nets;
        int limit, epochs, rounds;
        boolean avx2;
        List<Integer> threadCounts;
        try {
            o = new Options("bench", args, Set.of("--net", "--threads", "--limit", "--epochs", "--rounds", "--peer", "--isa"), Set.of("--no-peer", "--no-gemm", "--profile"));
            if (!o.positionals().isEmpty()) throw new UsageException("bench: takes options only (given: " + String.join(" ", o.positionals()) + ")");
            String net = Options.lower(o.string("--net", "all"));
            if (net.equals("all")) {
                nets = TrainBench.NETS;
            } else if (TrainBench.NETS.contains(net)) {
                nets = List.of(net);
            } else {
                throw new UsageException("bench: --net must be " + String.join(", ", TrainBench.NETS) + " or all (it is \"" + net + "\")");
            }
            if (Options.lower(o.string("--threads", "")).equals("best")) {
                threadCounts = new ArrayList<>();
                for (int t = 1; t <= Runtime.getRuntime().availableProcessors(); t++) threadCounts.add(t);
            } else {
                threadCounts = List.of(o.integer("--threads", Runtime.getRuntime().availableProcessors(), 1, 64, "between 1 and 64 (or best)"));
            }
            limit = o.integer("--limit", 60000, 64, Integer.MAX_VALUE, "at least one batch of 64 training images");
            epochs = o.integer("--epochs", 1, 1, 1000, "at least 1");
            rounds = o.integer("--rounds", 1, 1, 100, "between 1 and 100");
            String isa = Options.lower(o.string("--isa", "native"));
            if (!isa.equals("native") && !isa.equals("avx2")) {
                throw new UsageException("bench: --isa must be avx2 or native (it is \"" + isa + "\")");
            }
            avx2 = isa.equals("avx2");
        } catch (UsageException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        }
        Path fullFolder = Path.of(FashionMnistSubset.DEBIAN_FOLDER);
        boolean full = BundledDatasets.available(fullFolder).stream().anyMatch(e -> e.id().equals(BundledDatasets.FASHION_FULL));
        TrainBench.Data data;
        try {
            if (full) {
                data = TrainBench.fashionMnist(fullFolder, limit, 10000);
                out.println("Data: Fashion-MNIST from " + fullFolder + ", " + data.train().size() + " training and "
                        + data.test().size() + " test images");
            } else {
                DatasetPair subset = FashionMnistSubset.load();
                data = TrainBench.standardised(new DatasetPair(TrainBench.first(subset.train(), limit), subset.test()), "bundled subset");
                out.println("Data: the full Fashion-MNIST is not installed (" + fullFolder + "; apt-get install dataset-fashion-mnist),"
                        + " so the BUNDLED SUBSET: " + data.train().size() + " training and " + data.test().size()
                        + " test images. Figures are not comparable with the peer's, which needs the full set.");
            }
        } catch (DatasetException e) {
            err.println("bench: cannot read Fashion-MNIST: " + e.getMessage());
            return Cli.USAGE;
        }
        Path script = o.has("--peer") ? Path.of(o.string("--peer", ""))
                : TrainBench.defaultPeerScript();
        boolean profile = o.flag("--profile");
        boolean peer = !o.flag("--no-peer") && full;
        if (peer && !Files.isExecutable(PYTHON)) {
            out.println("Peer: " + PYTHON + " is missing, so no PyTorch figures");
            peer = false;
        } else if (peer && !Files.isRegularFile(script)) {
            out.println("Peer: no peer script at " + script + " (give one with --peer PATH), so no PyTorch figures");
            peer = false;
        }
        out.println(String.format(Locale.ROOT, "Java %s (%s), %d processors, GEMM: %s", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(), Gemm.implementation()));
        out.println("Settings (the peer's): batch 64, SGD lr 0.01 momentum 0.9 weight decay 5e-4, last partial batch dropped, "
                + epochs + (epochs == 1 ? " epoch, " : " epochs, ") + threadCounts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" and "))
                + (threadCounts.equals(List.of(1)) ? " thread" : " threads"));
        out.println("CPU: " + cpuName());
        if (avx2) {
            // The JVM picks its vector width at start-up; only the peer can be told here.
            boolean wide = Gemm.vectorBits() > 256;
            out.println("ISA: AVX2 for PyTorch (DNNL_MAX_CPU_ISA=AVX2, ATEN_CPU_CAPABILITY=avx2); Convas uses "
                    + Gemm.vectorBits() + "-bit vectors" + (wide
                    ? ", NOT AVX2: start it with JAVA_TOOL_OPTIONS=-XX:UseAVX=2 to compare AVX2 against AVX2" : ", as on an AVX2 CPU"));
        }
        out.println("Load average at the start: " + loadAverage());

        List<String[]> rows = new ArrayList<>();
        List<String> bests = new ArrayList<>();
        for (String net : nets) {
            TrainBench.Data netData = TrainBench.dataFor(net, data);
            double bestOurs = Double.NaN, bestPeer = Double.NaN;
            int bestOursThreads = 0, bestPeerThreads = 0;
            for (int threads : threadCounts) {
                // Rounds alternate Convas and PyTorch, so that a slow spell of a shared machine hits both; the table
                // shows the medians, and the ratio column the median of the rounds' own ratios.
                List<Double> train = new ArrayList<>(), infer = new ArrayList<>(), acc = new ArrayList<>();
                List<Double> peerTrain = new ArrayList<>(), peerInfer = new ArrayList<>(), peerAcc = new ArrayList<>();
                List<Double> trainRatios = new ArrayList<>(), inferRatios = new ArrayList<>();
                int images = 0;
                for (int round = 1; round <= rounds; round++) {
                    out.println();
                    out.println("Training " + net + " with Convas" + (rounds > 1 ? " (round " + round + " of " + rounds + ")" : "") + "...");
                    TrainBench.Measurement m = TrainBench.measure(net, TrainBench.peerNetwork(net), netData.train(), netData.test(),
                            threads, epochs, 64, profile && round == rounds);
                    out.println("  " + m.json());
                    if (m.profile() != null) printProfile(out, net, threads, m.profile());
                    images = m.trainImages();
                    train.add(m.trainImagesPerSecond());
                    infer.add(m.inferImagesPerSecond());
                    acc.add(m.testAccuracy());
                    if (!peer) continue;
                    out.println("Training " + net + " with PyTorch (" + script + ")...");
                    String peerLine = null;
                    try {
                        peerLine = TrainBench.peer(PYTHON, script, net, epochs, 64, threads, limit, profile && round == rounds,
                                avx2, ProcessBuilder.Redirect.INHERIT);
                    } catch (IOException e) {
                        out.println("  the peer could not start: " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return Cli.CANCELLED;
                    }
                    if (peerLine == null) continue;
                    out.println("  " + peerLine);
                    double pt = TrainBench.field(peerLine, "train_images_per_s");
                    double pi = TrainBench.field(peerLine, "infer_images_per_s");
                    peerTrain.add(pt);
                    peerInfer.add(pi);
                    peerAcc.add(TrainBench.field(peerLine, "test_acc"));
                    trainRatios.add(m.trainImagesPerSecond() / pt);
                    inferRatios.add(m.inferImagesPerSecond() / pi);
                }
                if (rounds > 1 && !trainRatios.isEmpty()) {
                    out.println("  " + net + " training ratios by round: " + join(trainRatios) + "; inference: " + join(inferRatios));
                }
                rows.add(new String[]{net, Integer.toString(threads), String.format(Locale.ROOT, "%,d", images),
                        fixed(median(train), 0), fixed(median(peerTrain), 0), fixed2(median(trainRatios)),
                        fixed(median(infer), 0), fixed(median(peerInfer), 0), fixed2(median(inferRatios)),
                        fixed(median(acc), 3), fixed(median(peerAcc), 3)});
                if (!(median(train) <= bestOurs)) { bestOurs = median(train); bestOursThreads = threads; }
                if (!peerTrain.isEmpty() && !(median(peerTrain) <= bestPeer)) { bestPeer = median(peerTrain); bestPeerThreads = threads; }
            }
            if (threadCounts.size() > 1 && !Double.isNaN(bestPeer)) {
                bests.add(String.format(Locale.ROOT, "%s, each at its best thread count: Convas %s images/s (%d %s), PyTorch %s (%d %s), ratio %.2f",
                        net, fixed(bestOurs, 0), bestOursThreads, bestOursThreads == 1 ? "thread" : "threads",
                        fixed(bestPeer, 0), bestPeerThreads, bestPeerThreads == 1 ? "thread" : "threads", bestOurs / bestPeer));
            }
        }
        out.println();
        TextTable t = new TextTable().column("Net", LEFT).column("Threads", RIGHT).column("Train images", RIGHT)
                .column("Convas train img/s", RIGHT).column("PyTorch train img/s", RIGHT).column("Ratio", RIGHT)
                .column("Convas infer img/s", RIGHT).column("PyTorch infer img/s", RIGHT).column("Ratio", RIGHT)
                .column("Convas test acc", RIGHT).column("PyTorch test acc", RIGHT);
        for (String[] r : rows) t.row(r);
        t.print(out);
        out.println(rounds == 1 ? "(Ratio = Convas / PyTorch, measured one after the other in this run; '-' = not measured)"
                : "(Medians of " + rounds + " rounds, each Convas then PyTorch; Ratio = the median of the rounds' Convas / PyTorch; '-' = not measured)");
        for (String b : bests) out.println("Training " + b);

        if (!o.flag("--no-gemm")) {
            out.println();
            double[] ours = GemmBench.singleThreadGflops(GEMM_SIZE);
            double blas = GemmBench.openBlasGflops(GEMM_SIZE, 1, true);
            out.println(String.format(Locale.ROOT, "GEMM %d² float, 1 thread, thread CPU time: Convas %s GFLOP/s (wall clock %s),"
                    + " OpenBLAS via numpy %s GFLOP/s (%s kernels), ratio %s", GEMM_SIZE, fixed(ours[1], 1), fixed(ours[0], 1), fixed(blas, 1),
                    GemmBench.openBlasCore() == null ? "OpenBLAS's own choice of" : GemmBench.openBlasCore(), ratio(ours[1], blas)));
            // An FC layer on one image (VGG-lite's FC 3,136 → 128): a single row against the weights.
            double[] row = GemmBench.singleRowGflops(3136, 128);
            out.println(String.format(Locale.ROOT, "FC on one image, 1×3136 · (128×3136)ᵀ, 1 thread, thread CPU time: Convas %s GFLOP/s,"
                    + " OpenBLAS via numpy %s GFLOP/s, ratio %s", fixed(row[0], 1), fixed(row[1], 1), ratio(row[0], row[1])));
        }
        out.println("Load average at the end: " + loadAverage());
        return Cli.OK;
    }

    /**
     * Convas's time per training image in each layer over the last epoch (after its first batch), summed over the
     * threads: CPU time, then wall-clock time, which also holds waiting for the other threads (BatchNorm's shared
     * statistics) or for a core; and what the layers leave of the process's CPU time.
     */
    static void printProfile(PrintStream out, String net, int threads, TrainBench.Profile p) {
        out.println(String.format(Locale.ROOT, "  Profile of %s on %d %s: microseconds per training image, summed over the threads, %,d images",
                net, threads, threads == 1 ? "thread" : "threads", p.images()));
        TextTable t = new TextTable().column("Node", LEFT).column("Layer", LEFT).column("Output", LEFT)
                .column("Fwd CPU", RIGHT).column("Bwd CPU", RIGHT).column("Fwd wall", RIGHT).column("Bwd wall", RIGHT).column("CPU %", RIGHT);
        double images = Math.max(1, p.images());
        long layersCpu = 0;
        for (LayerProfile.Row r : p.layers()) layersCpu += r.forwardCpu() + r.backwardCpu();
        long total = Math.max(1, Math.max(layersCpu, p.processCpuNanos()));
        long fwd = 0, bwd = 0, fwdWall = 0, bwdWall = 0;
        for (LayerProfile.Row r : p.layers()) {
            if (r.forwardCalls() == 0 && r.backwardCalls() == 0) {
                if (r.fusedIntoPrevious()) t.row(r.node(), r.label(), r.output(), "in conv", "in conv", "", "", "");
                continue;
            }
            fwd += r.forwardCpu();
            bwd += r.backwardCpu();
            fwdWall += r.forwardWall();
            bwdWall += r.backwardWall();
            t.row(r.node(), r.label(), r.output(), micro(r.forwardCpu(), images), micro(r.backwardCpu(), images),
                    micro(r.forwardWall(), images), micro(r.backwardWall(), images),
                    String.format(Locale.ROOT, "%.1f", 100.0 * (r.forwardCpu() + r.backwardCpu()) / total));
        }
        t.row("layers", "", "", micro(fwd, images), micro(bwd, images), micro(fwdWall, images), micro(bwdWall, images),
                String.format(Locale.ROOT, "%.1f", 100.0 * layersCpu / total));
        if (p.processCpuNanos() > 0) {
            long other = p.processCpuNanos() - layersCpu;
            t.row("other", "loss, gradient sums, optimizer, GC, JIT", "", micro(other, images), "", "", "",
                    String.format(Locale.ROOT, "%.1f", 100.0 * other / total));
        }
        t.print(out);
        out.println(String.format(Locale.ROOT, "  Process CPU %s µs per image, wall clock %s µs per image",
                micro(p.processCpuNanos(), images), micro(p.wallNanos(), images)));
    }

    private static String micro(long nanos, double images) {
        return String.format(Locale.ROOT, "%,.1f", nanos / 1e3 / images);
    }

    /**
     * The CPU's model name and widest vector instructions (Linux), so that figures copied elsewhere say what they were
     * measured on: "Intel(R) Xeon(R) Processor, AVX-512".
     */
    static String cpuName() {
        String name = null, isa = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (name == null && line.startsWith("model name")) name = line.substring(line.indexOf(':') + 1).trim();
                if (isa == null && line.startsWith("flags")) {
                    List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    isa = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : flags.contains("avx") ? "AVX" : "SSE";
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: say what Java says.
        }
        if (name == null) return System.getProperty("os.arch");
        return isa == null ? name : name + ", " + isa;
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** The median of the values (the mean of the middle two for an even count), NaN when there are none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String join(List<Double> ratios) {
        List<String> parts = new ArrayList<>();
        for (double r : ratios) parts.add(String.format(Locale.ROOT, "%.2f", r));
        return String.join(", ", parts);
    }

    private static String fixed2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double ours, double peer) {
        return Double.isNaN(ours) || Double.isNaN(peer) || peer == 0 ? "-" : String.format(Locale.ROOT, "%.2f", ours / peer);
    }

    /** The 1, 5 and 15 minute load averages (Linux), to judge how much else shared the cores. */
    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
