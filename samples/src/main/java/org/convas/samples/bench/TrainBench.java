package org.convas.samples.bench;

import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Idx;
import org.convas.engine.data.KnownClasses;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.LayerProfile;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.Evaluation;
import org.convas.engine.train.InMemoryBatchSource;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.SmallNetworks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains the peer benchmark's networks ({@link #NETS}: lenet and vgglite of /work/shared/peers/README.md, and the
 * resnet, mobilenet and cifarsmall nets that the repository's copy of the peer script, tools/peers/torch_bench.py,
 * adds; all defined once, in {@link SmallNetworks}) on Fashion-MNIST with the peer's settings (SGD lr 0.01,
 * momentum 0.9, weight decay 5e−4, batch 64, inputs scaled to [0, 1] and standardised with the training subset's
 * mean and std, the last partial batch dropped) and prints one JSON line per network: training and inference
 * images/s, mean loss, test accuracy. When /usr/bin/python3 exists it runs the PyTorch peer with the same arguments
 * in the same run and prints the ratios. {@code convas bench} is the full command (rounds, thread counts, profile).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp engine/target/classes:samples/target/classes \
 *      org.convas.samples.bench.TrainBench --net resnet --threads 1 --limit 20000 [--test-limit 10000] [--epochs 1]
 *      [--peer tools/peers/torch_bench.py] [--no-peer]
 * </pre>
 * {@code --test-limit} evaluates on the first N test images only (the peer always uses all 10,000; images/s
 * compare, accuracy on fewer images is noisier).
 */
public final class TrainBench {

    private static final String DATA = "/usr/share/datasets/fashion-mnist/";

    private TrainBench() {
    }

    /** Training and test images, standardised, as the trainer reads them. */
    public record Data(InMemoryBatchSource train, InMemoryBatchSource test, String source) {
    }

    /**
     * One network's figures.
     *
     * @param trainImagesPerSecond images per second over the last epoch's training pass
     * @param trainCpuSeconds      the process's CPU time over that pass (all threads, GC and JIT included), from
     *                             its second batch on, per image: a figure other work on a shared machine inflates
     *                             less than the wall clock
     * @param inferImagesPerSecond test images per second in evaluation mode, batches of 1,000
     * @param meanLoss             mean batch loss of the last epoch
     * @param profile              per-layer times of the last epoch and the evaluation, when asked for; else null
     */
    public record Measurement(String net, int epochs, int batch, int threads, int trainImages, int testImages,
                              double trainImagesPerSecond, double trainCpuSeconds, double inferImagesPerSecond,
                              double meanLoss, double testAccuracy, Profile profile) {

        /** The peer script's JSON line format, so both lines compare at a glance. */
        public String json() {
            return String.format(Locale.ROOT,
                    "{\"engine\": \"convas\", \"net\": \"%s\", \"epochs\": %d, \"batch\": %d, \"threads\": %d, \"limit\": %d, \"test_images\": %d, "
                            + "\"train_images_per_s\": %.1f, \"train_cpu_ms_per_image\": %.3f, \"infer_images_per_s\": %.1f, \"mean_loss\": %.4f, \"test_acc\": %.4f}",
                    net, epochs, batch, threads, trainImages, testImages, trainImagesPerSecond, trainCpuSeconds * 1e3,
                    inferImagesPerSecond, meanLoss, testAccuracy);
        }
    }

    /**
     * Where the last epoch's training time went, layer by layer ({@link LayerProfile}, summed over all threads), and
     * the process's CPU time over the same batches, which also holds what no layer does (the loss, the sums of the
     * threads' gradients, the optimizer step, the garbage collector and the JIT compiler).
     *
     * @param images the training images the layer times cover
     */
    public record Profile(List<LayerProfile.Row> layers, long processCpuNanos, long wallNanos, int images) {
    }

    /** The networks, by their names in the peer script. */
    public static final List<String> NETS = List.of("lenet", "vgglite", "resnet", "mobilenet", "cifarsmall");

    /**
     * Fashion-MNIST from a folder of IDX files ({@link Idx}), the first {@code limit} training and
     * {@code testLimit} test images, scaled to [0, 1] and standardised with the training images' mean and standard
     * deviation, as the peer does ({@link #standardised}).
     */
    public static Data fashionMnist(Path folder, int limit, int testLimit) throws DatasetException {
        Dataset train = Idx.loadStandard(folder, "train", KnownClasses.FASHION_MNIST, "Fashion-MNIST training");
        Dataset test = Idx.loadStandard(folder, "t10k", KnownClasses.FASHION_MNIST, "Fashion-MNIST test");
        return standardised(new DatasetPair(first(train, limit), first(test, testLimit)), folder.toString());
    }

    /** The first {@code n} images of a set (all when it has fewer). */
    public static Dataset first(Dataset data, int n) {
        if (n >= data.size()) return data;
        int[] idx = new int[Math.max(0, n)];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        return data.subset(idx, data.source() + " (first " + n + ")");
    }

    /**
     * The peer's preprocessing: values in [0, 1], then x ← (x − mean)/std with one mean and one std over all
     * training pixels, applied to both sets ({@link Preprocessing} with {@link Normalisation#PER_CHANNEL}: one
     * channel, so one mean and one std; population std, which differs from torch.std's n − 1 by 1e−8 here).
     */
    public static Data standardised(DatasetPair pair, String source) throws DatasetException {
        Shape shape = pair.train().commonShape().orElseThrow(() -> new DatasetException(source, "images of different sizes"));
        FittedPreprocessing fitted = Preprocessing.builder(shape).normalisation(Normalisation.PER_CHANNEL).build().fit(pair.train());
        int classes = pair.train().classCount();
        return new Data(inMemory(fitted.train(), classes), inMemory(fitted.apply(pair.test()), classes), source);
    }

    private static InMemoryBatchSource inMemory(PreparedDataset d, int classes) {
        int size = (int) d.shape().size();
        float[] x = new float[d.size() * size];
        for (int i = 0; i < d.size(); i++) {
            d.scaled(i, x, i * size);
            d.normalise(x, i * size);
        }
        return new InMemoryBatchSource(d.shape(), classes, x, d.labels());
    }

    /**
     * Trains {@code spec} (He initialisation, seed 0) with the peer's settings for {@code epochs} epochs, then
     * evaluates the test set in batches of 1,000; with {@code profile}, times every layer over the last epoch.
     */
    public static Measurement measure(String net, NetworkSpec spec, InMemoryBatchSource train, InMemoryBatchSource test,
                                      int threads, int epochs, int batch, boolean profile) {
        Model model = Model.create(spec, Initializer.HE, 0);
        TrainingSettings settings = TrainingSettings.builder().epochs(epochs).batchSize(batch).threads(threads).seed(0)
                .optimizer(OptimizerSettings.momentum(0.01, 0.9).withWeightDecay(5e-4))
                .dropLastPartial(true).normsEvery(0).build();
        AtomicReference<TrainingEvents.BatchStats> last = new AtomicReference<>();
        double[] lossSum = new double[1];
        int[] batches = new int[1];
        // Process CPU and wall time from the end of the last epoch's first batch (the first batch of a JVM is mostly
        // the JIT compiler's) to the end of its last; the layer profile starts at the same moment.
        long[] cpuFrom = new long[2], wallFrom = new long[2];
        AtomicReference<LayerProfile> layers = new AtomicReference<>();
        TrainingEvents.RunEnd end = TrainingRun.create(model, train, null, settings).addListener(new TrainingListener() {
            @Override
            public void onBatch(TrainingEvents.BatchStats s) {
                last.set(s);
                if (s.epoch() == settings.epochs()) {
                    lossSum[0] += s.loss();
                    if (batches[0]++ == 0) {
                        cpuFrom[0] = processCpuNanos();
                        wallFrom[0] = System.nanoTime();
                        if (profile) layers.set(model.startProfile());
                    } else {
                        cpuFrom[1] = processCpuNanos();
                        wallFrom[1] = System.nanoTime();
                    }
                }
            }
        }).runHere();
        model.stopProfile();
        if (end.status() != TrainingEvents.Status.COMPLETED) throw new IllegalStateException(end.message());
        int timed = (batches[0] - 1) * batch;
        double cpuPerImage = timed > 0 ? (cpuFrom[1] - cpuFrom[0]) / 1e9 / timed : Double.NaN;
        Profile p = profile && layers.get() != null
                ? new Profile(layers.get().rows(), cpuFrom[1] - cpuFrom[0], wallFrom[1] - wallFrom[0], timed) : null;
        long t0 = System.nanoTime();
        Evaluation.Result result = Evaluation.evaluate(model, test, 1000, threads);
        double inferSeconds = (System.nanoTime() - t0) / 1e9;
        return new Measurement(net, epochs, batch, threads, train.size(), test.size(), last.get().imagesPerSecond(), cpuPerImage,
                result.count() / inferSeconds, lossSum[0] / batches[0], result.accuracy(), p);
    }

    /** CPU time of the whole process (all threads), in nanoseconds; 0 where the JVM cannot tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** A peer network by its name in the peer script ({@link #NETS}). */
    public static NetworkSpec peerNetwork(String net) {
        return switch (net) {
            case "lenet" -> SmallNetworks.lenetFashion();
            case "vgglite" -> SmallNetworks.vggLite();
            case "resnet" -> SmallNetworks.resnetFashion();
            case "mobilenet" -> SmallNetworks.mobileNetFashion();
            case "cifarsmall" -> SmallNetworks.cifarSmall();
            default -> throw new IllegalArgumentException("unknown net " + net + "; use one of " + String.join(", ", NETS));
        };
    }

    /**
     * The images a net trains on: Fashion-MNIST as it is, or for cifarsmall CIFAR-shaped images made from it as the
     * peer script makes them (there are no CIFAR-10 files on these machines): each standardised 28×28 image padded
     * with 2 zeros on every side to 32×32 and repeated over 3 channels.
     */
    public static Data dataFor(String net, Data fashion) {
        if (!net.equals("cifarsmall")) return fashion;
        return new Data(cifarShaped(fashion.train()), cifarShaped(fashion.test()), fashion.source() + ", CIFAR-shaped");
    }

    static InMemoryBatchSource cifarShaped(InMemoryBatchSource source) {
        Shape in = source.shape();
        if (in.depth() != 1) throw new IllegalArgumentException("CIFAR-shaped images are made from one-channel images, not " + in);
        int w = in.width() + 4, h = in.height() + 4, plane = w * h;
        float[] x = new float[source.size() * 3 * plane];
        int[] labels = new int[source.size()];
        for (int i = 0; i < source.size(); i++) {
            float[] image = source.image(i);
            labels[i] = source.label(i);
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < in.height(); r++) {
                    System.arraycopy(image, r * in.width(), x, (i * 3 + c) * plane + (r + 2) * w + 2, in.width());
                }
            }
        }
        return new InMemoryBatchSource(Shape.of(w, h, 3), source.classes(), x, labels);
    }

    /** The value of a numeric field in a one-line JSON object, e.g. the peer's "train_images_per_s". */
    public static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*([0-9.eE+-]+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    public static void main(String[] args) throws Exception {
        List<String> nets = new ArrayList<>();
        int threads = Runtime.getRuntime().availableProcessors();
        int limit = 60000;
        int testLimit = 10000;
        int epochs = 1;
        int batch = 64;
        String peer = null;
        boolean runPeer = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--net" -> nets.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--test-limit" -> testLimit = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--no-peer" -> runPeer = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --net " + String.join("|", NETS) + ", --threads N, --limit N, --test-limit N, --epochs N, --batch N, --peer FILE, --no-peer");
            }
        }
        if (nets.isEmpty()) nets = NETS;
        Data data = fashionMnist(Paths.get(DATA), limit, testLimit);
        Path peerScript = peer != null ? Paths.get(peer) : defaultPeerScript();

        for (String net : nets) {
            Data netData = dataFor(net, data);
            Measurement m = measure(net, peerNetwork(net), netData.train(), netData.test(), threads, epochs, batch, false);
            System.out.println(m.json());
            double trainRate = m.trainImagesPerSecond();
            double inferRate = m.inferImagesPerSecond();
            Path python = Paths.get("/usr/bin/python3");
            if (runPeer && Files.isExecutable(python) && Files.exists(peerScript)) {
                String line = peer(python, peerScript, net, epochs, batch, threads, limit, false, ProcessBuilder.Redirect.INHERIT);
                if (line == null) continue;
                System.out.println(line);
                double peerTrain = field(line, "train_images_per_s");
                double peerInfer = field(line, "infer_images_per_s");
                System.out.println(String.format(Locale.ROOT,
                        "{\"net\": \"%s\", \"threads\": %d, \"train_ratio_convas_over_pytorch\": %.3f, \"infer_ratio_convas_over_pytorch\": %.3f}",
                        net, threads, trainRate / peerTrain, inferRate / peerInfer));
            }
        }
    }

    /**
     * Runs the PyTorch peer script with the same settings and returns its last JSON line, or null when it failed
     * (the reason on stderr). {@code stderr} says where the script's own messages go, its operator profile
     * included when {@code profile} asks for one.
     */
    public static String peer(Path python, Path script, String net, int epochs, int batch, int threads, int limit,
                              boolean profile, ProcessBuilder.Redirect stderr) throws IOException, InterruptedException {
        return peer(python, script, net, epochs, batch, threads, limit, profile, false, stderr);
    }

    /**
     * {@link #peer(Path, Path, String, int, int, int, int, boolean, ProcessBuilder.Redirect)}; with {@code avx2}, PyTorch
     * is kept to AVX2 instructions (oneDNN's DNNL_MAX_CPU_ISA=AVX2 and ATen's ATEN_CPU_CAPABILITY=avx2), as on a CPU
     * without AVX-512.
     */
    public static String peer(Path python, Path script, String net, int epochs, int batch, int threads, int limit,
                              boolean profile, boolean avx2, ProcessBuilder.Redirect stderr) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), "--net", net,
                "--epochs", Integer.toString(epochs), "--batch", Integer.toString(batch), "--threads", Integer.toString(threads),
                "--limit", Integer.toString(limit)));
        if (profile) command.add("--profile");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr);
        if (avx2) {
            builder.environment().put("DNNL_MAX_CPU_ISA", "AVX2");
            builder.environment().put("ATEN_CPU_CAPABILITY", "avx2");
        }
        Process p = builder.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) if (line.startsWith("{")) last = line;
        }
        int code = p.waitFor();
        if (code != 0 || last == null) {
            System.err.println("the PyTorch peer " + script + " failed (exit " + code + "); no ratio");
            return null;
        }
        return last;
    }

    /**
     * The repository's copy of the peer script, tools/peers/torch_bench.py: the shared one's lenet and vgglite
     * unchanged, and the other nets of {@link #NETS}.
     */
    public static Path defaultPeerScript() {
        return repositoryRoot().resolve("tools/peers/torch_bench.py");
    }

    /** The repository root: the nearest folder up from the working directory with pom.xml and engine/. */
    public static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("engine"))) return d;
        }
        return dir;
    }

}
