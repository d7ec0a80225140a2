package org.convas.engine.bench;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.Evaluation;
import org.convas.engine.train.InMemoryBatchSource;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.zip.GZIPInputStream;

/**
 * Trains the peer benchmark's networks ({@code lenet}, {@code vgglite}: /work/shared/peers/README.md) on
 * Fashion-MNIST with the peer's settings (SGD lr 0.01, momentum 0.9, weight decay 5e−4, batch 64, inputs
 * scaled to [0, 1] and standardised with the training subset's mean and std, the last partial batch
 * dropped) and prints one JSON line per network: training and inference images/s, mean loss, test accuracy.
 * When /usr/bin/python3 exists it runs the PyTorch peer with the same arguments in the same run and prints
 * the ratios.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp engine/target/classes org.convas.engine.bench.TrainBench \
 *      --net lenet --threads 1 --limit 20000 [--test-limit 10000] [--epochs 1]
 *      [--peer ../shared/peers/torch_bench.py] [--no-peer]
 * </pre>
 * {@code --test-limit} evaluates on the first N test images only (the peer always uses all 10,000; images/s
 * compare, accuracy on fewer images is noisier).
 * <pre>
 * </pre>
 */
public final class TrainBench {

    private static final String DATA = "/usr/share/datasets/fashion-mnist/";

    private TrainBench() {
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
                        + "; use --net lenet|vgglite, --threads N, --limit N, --test-limit N, --epochs N, --batch N, --peer FILE, --no-peer");
            }
        }
        if (nets.isEmpty()) nets = List.of("lenet", "vgglite");
        float[] trainX = images(DATA + "train-images-idx3-ubyte.gz", limit);
        int[] trainY = labels(DATA + "train-labels-idx1-ubyte.gz", limit);
        float[] testX = images(DATA + "t10k-images-idx3-ubyte.gz", testLimit);
        int[] testY = labels(DATA + "t10k-labels-idx1-ubyte.gz", testLimit);
        standardise(trainX, testX);
        Shape shape = Shape.of(28, 28, 1);
        InMemoryBatchSource train = new InMemoryBatchSource(shape, 10, trainX, trainY);
        InMemoryBatchSource test = new InMemoryBatchSource(shape, 10, testX, testY);
        Path peerScript = peer != null ? Paths.get(peer) : repositoryRoot().resolve("../shared/peers/torch_bench.py").normalize();

        for (String net : nets) {
            NetworkSpec spec = switch (net) {
                case "lenet" -> lenet();
                case "vgglite" -> vggLite();
                default -> throw new IllegalArgumentException("unknown net " + net + "; use lenet or vgglite");
            };
            Model model = Model.create(spec, Initializer.HE, 0);
            TrainingSettings settings = TrainingSettings.builder().epochs(epochs).batchSize(batch).threads(threads).seed(0)
                    .optimizer(OptimizerSettings.momentum(0.01, 0.9).withWeightDecay(5e-4))
                    .dropLastPartial(true).normsEvery(0).build();
            AtomicReference<TrainingEvents.BatchStats> last = new AtomicReference<>();
            double[] lossSum = new double[1];
            int[] batches = new int[1];
            TrainingEvents.RunEnd end = TrainingRun.create(model, train, null, settings).addListener(new TrainingListener() {
                @Override
                public void onBatch(TrainingEvents.BatchStats s) {
                    last.set(s);
                    if (s.epoch() == settings.epochs()) {
                        lossSum[0] += s.loss();
                        batches[0]++;
                    }
                }
            }).runHere();
            if (end.status() != TrainingEvents.Status.COMPLETED) throw new IllegalStateException(end.message());
            long t0 = System.nanoTime();
            Evaluation.Result result = Evaluation.evaluate(model, test, 1000, threads);
            double inferSeconds = (System.nanoTime() - t0) / 1e9;
            double trainRate = last.get().imagesPerSecond();
            double inferRate = result.count() / inferSeconds;
            System.out.println(String.format(Locale.ROOT,
                    "{\"engine\": \"convas\", \"net\": \"%s\", \"epochs\": %d, \"batch\": %d, \"threads\": %d, \"limit\": %d, \"test_images\": %d, "
                            + "\"train_images_per_s\": %.1f, \"infer_images_per_s\": %.1f, \"mean_loss\": %.4f, \"test_acc\": %.4f}",
                    net, epochs, batch, threads, train.size(), test.size(), trainRate, inferRate, lossSum[0] / batches[0], result.accuracy()));
            Path python = Paths.get("/usr/bin/python3");
            if (runPeer && Files.isExecutable(python) && Files.exists(peerScript)) {
                String line = peer(python, peerScript, net, epochs, batch, threads, limit);
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

    /** The peer's lenet: conv 6@5×5 pad 2, ReLU, maxpool 2/2, conv 16@5×5, ReLU, maxpool 2/2, FC 120, ReLU, FC 84, ReLU, FC 10. */
    static NetworkSpec lenet() {
        return NetworkSpec.builder("lenet").input(28, 28, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 2)).add(new LayerSpec.ReLU()).add(LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add(new LayerSpec.ReLU()).add(LayerSpec.MaxPool.of(2, 2))
                .add(new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(120)).add(new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(84)).add(new LayerSpec.ReLU())
                .add("fc3", LayerSpec.FullyConnected.of(10)).add(new LayerSpec.Softmax())
                .build();
    }

    /** The peer's vgglite: [conv 32@3×3 pad 1, ReLU]×2, maxpool, [conv 64@3×3 pad 1, ReLU]×2, maxpool, FC 128, ReLU, FC 10. */
    static NetworkSpec vggLite() {
        return NetworkSpec.builder("vgglite").input(28, 28, 1)
                .add("conv1", LayerSpec.Conv2D.of(32, 3, 1, 1)).add(new LayerSpec.ReLU())
                .add("conv2", LayerSpec.Conv2D.of(32, 3, 1, 1)).add(new LayerSpec.ReLU()).add(LayerSpec.MaxPool.of(2, 2))
                .add("conv3", LayerSpec.Conv2D.of(64, 3, 1, 1)).add(new LayerSpec.ReLU())
                .add("conv4", LayerSpec.Conv2D.of(64, 3, 1, 1)).add(new LayerSpec.ReLU()).add(LayerSpec.MaxPool.of(2, 2))
                .add(new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(128)).add(new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(10)).add(new LayerSpec.Softmax())
                .build();
    }

    private static String peer(Path python, Path script, String net, int epochs, int batch, int threads, int limit)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python.toString(), script.toString(), "--net", net, "--epochs", Integer.toString(epochs),
                "--batch", Integer.toString(batch), "--threads", Integer.toString(threads), "--limit", Integer.toString(limit))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

    private static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*([0-9.eE+-]+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("engine"))) return d;
        }
        return dir;
    }

    /** x ← (x − mean)/std over the training subset (std with n − 1, as torch.std), applied to both sets. */
    private static void standardise(float[] train, float[] test) {
        double sum = 0;
        for (float v : train) sum += v;
        double mean = sum / train.length;
        double sq = 0;
        for (float v : train) sq += (v - mean) * (v - mean);
        double std = Math.sqrt(sq / (train.length - 1));
        for (int i = 0; i < train.length; i++) train[i] = (float) ((train[i] - mean) / std);
        for (int i = 0; i < test.length; i++) test[i] = (float) ((test[i] - mean) / std);
    }

    /** A minimal gzip IDX reader (magic 0x00000803 images, 0x00000801 labels). */
    private static DataInputStream idx(String file, int expectedMagic) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(Paths.get(file)), 1 << 16);
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        int magic = data.readInt();
        if (magic != expectedMagic) throw new IOException(file + ": magic " + Integer.toHexString(magic) + ", expected " + Integer.toHexString(expectedMagic));
        return data;
    }

    private static float[] images(String file, int limit) throws IOException {
        try (DataInputStream in = idx(file, 0x803)) {
            int n = Math.min(in.readInt(), limit), rows = in.readInt(), cols = in.readInt();
            byte[] raw = new byte[n * rows * cols];
            in.readFully(raw);
            float[] x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) x[i] = (raw[i] & 0xFF) / 255f;
            return x;
        }
    }

    private static int[] labels(String file, int limit) throws IOException {
        try (DataInputStream in = idx(file, 0x801)) {
            int n = Math.min(in.readInt(), limit);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = in.readUnsignedByte();
            return y;
        }
    }
}
