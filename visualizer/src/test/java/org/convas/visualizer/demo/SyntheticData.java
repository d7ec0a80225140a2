package org.convas.visualizer.demo;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.convas.engine.spec.Shape;
import org.convas.visualizer.inspect.LayerActivation;

/**
 * Data for the demo and the benchmark: Gabor-like filters, a tiny LeNet-shaped forward pass with fixed random
 * weights (so the activation maps look like real ones: edges after conv1, blobs after conv2), a decaying noisy
 * loss curve, and Fashion-MNIST test images when the Debian package is installed (procedural shapes otherwise).
 */
final class SyntheticData {

    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final Path FASHION_TEST_IMAGES = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    static final Path FASHION_TEST_LABELS = Path.of("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");

    private SyntheticData() {
    }

    /** Images 28×28 in 0..1 (C×H×W with C = 1) and their labels. */
    record Images(List<float[]> pixels, int[] labels) {
    }

    /** The first n Fashion-MNIST test images, or n procedural garment-like blobs if the files are missing. */
    static Images images(int n, long seed) {
        if (Files.isReadable(FASHION_TEST_IMAGES) && Files.isReadable(FASHION_TEST_LABELS)) {
            try {
                return readIdx(n);
            } catch (IOException e) {
                System.err.println("could not read Fashion-MNIST, using procedural images: " + e.getMessage());
            }
        }
        Random random = new Random(seed);
        List<float[]> list = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float[] img = new float[28 * 28];
            double cx = 14 + random.nextGaussian() * 2;
            double cy = 14 + random.nextGaussian() * 2;
            double rx = 5 + random.nextDouble() * 7;
            double ry = 5 + random.nextDouble() * 7;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double d = Math.pow((x - cx) / rx, 2) + Math.pow((y - cy) / ry, 2);
                    img[y * 28 + x] = (float) Math.max(0, Math.min(1, 1.2 - d) * (0.6 + 0.4 * random.nextDouble()));
                }
            }
            list.add(img);
            labels[i] = random.nextInt(10);
        }
        return new Images(list, labels);
    }

    private static Images readIdx(int n) throws IOException {
        List<float[]> list = new ArrayList<>();
        int[] labels = new int[n];
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(FASHION_TEST_IMAGES)))) {
            int magic = in.readInt();
            if (magic != 2051) throw new IOException("not an IDX image file (magic " + magic + ")");
            in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] buffer = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                in.readFully(buffer);
                float[] img = new float[rows * cols];
                for (int p = 0; p < img.length; p++) img[p] = (buffer[p] & 0xFF) / 255f;
                list.add(img);
            }
        }
        try (InputStream raw = new GZIPInputStream(Files.newInputStream(FASHION_TEST_LABELS));
             DataInputStream in = new DataInputStream(raw)) {
            in.readInt();
            in.readInt();
            for (int i = 0; i < n; i++) labels[i] = in.readUnsignedByte();
        }
        return new Images(list, labels);
    }

    /**
     * K Gabor filters K×C×F×F: orientation θ = πk/K, wavelength and phase varied, each channel weighted
     * differently so RGB filters come out coloured; {@code progress} 0..1 blends from noise to the pattern
     * (a stand-in for learning).
     */
    static float[] gaborFilters(int k, int c, int f, double progress, Random noise) {
        float[] w = new float[k * c * f * f];
        double half = (f - 1) / 2.0;
        for (int filter = 0; filter < k; filter++) {
            double theta = Math.PI * filter / k;
            double lambda = f * (0.6 + 0.5 * ((filter * 7) % 5) / 4.0);
            double phase = (filter % 3) * Math.PI / 3;
            for (int ch = 0; ch < c; ch++) {
                double channelWeight = Math.cos(2 * Math.PI * (ch + 1) * (filter + 1) / (c + 2.5));
                for (int y = 0; y < f; y++) {
                    for (int x = 0; x < f; x++) {
                        double xr = (x - half) * Math.cos(theta) + (y - half) * Math.sin(theta);
                        double yr = -(x - half) * Math.sin(theta) + (y - half) * Math.cos(theta);
                        double envelope = Math.exp(-(xr * xr + yr * yr) / (2 * Math.pow(f / 3.5, 2)));
                        double gabor = envelope * Math.cos(2 * Math.PI * xr / lambda + phase) * channelWeight;
                        w[((filter * c + ch) * f + y) * f + x] =
                                (float) (progress * gabor + (1 - progress) * 0.5 * noise.nextGaussian());
                    }
                }
            }
        }
        return w;
    }

    /** A LeNet-5-shaped forward pass with fixed pseudo-random weights, for realistic-looking activations. */
    static final class TinyLeNet {
        final float[] conv1 = gaborFilters(6, 1, 5, 1.0, new Random(1));
        final float[] conv2;
        final float[] fc1;
        final float[] fc2;
        final float[] fc3;

        TinyLeNet(long seed) {
            Random r = new Random(seed);
            conv2 = random(r, 16 * 6 * 25, 0.25);
            fc1 = random(r, 120 * 400, 0.08);
            fc2 = random(r, 84 * 120, 0.15);
            fc3 = random(r, 10 * 84, 0.3);
        }

        private static float[] random(Random r, int n, double scale) {
            float[] w = new float[n];
            for (int i = 0; i < n; i++) w[i] = (float) (r.nextGaussian() * scale);
            return w;
        }

        /** Runs the image through; returns every layer's output and fills the class probabilities. */
        List<LayerActivation> forward(float[] image, float[] probabilities) {
            float[] c1 = relu(conv(image, 1, 28, 28, conv1, 6, 5, 2));          // 6×28×28
            float[] p1 = maxPool(c1, 6, 28, 28);                                // 6×14×14
            float[] c2 = relu(conv(p1, 6, 14, 14, conv2, 16, 5, 0));            // 16×10×10
            float[] p2 = maxPool(c2, 16, 10, 10);                               // 16×5×5
            float[] f1 = relu(dense(p2, fc1, 120));
            float[] f2 = relu(dense(f1, fc2, 84));
            float[] f3 = dense(f2, fc3, 10);
            float max = Float.NEGATIVE_INFINITY;
            for (float v : f3) max = Math.max(max, v);
            double sum = 0;
            for (int i = 0; i < 10; i++) sum += Math.exp(f3[i] - max);
            for (int i = 0; i < 10; i++) probabilities[i] = (float) (Math.exp(f3[i] - max) / sum);
            return List.of(new LayerActivation("conv1 + ReLU", Shape.of(28, 28, 6), c1),
                    new LayerActivation("pool1", Shape.of(14, 14, 6), p1),
                    new LayerActivation("conv2 + ReLU", Shape.of(10, 10, 16), c2),
                    new LayerActivation("pool2", Shape.of(5, 5, 16), p2),
                    new LayerActivation("fc1 + ReLU", Shape.vector(120), f1),
                    new LayerActivation("fc2 + ReLU", Shape.vector(84), f2),
                    new LayerActivation("fc3 (logits)", Shape.vector(10), f3));
        }

        static float[] conv(float[] in, int c, int h, int w, float[] weights, int k, int f, int pad) {
            int oh = h + 2 * pad - f + 1;
            int ow = w + 2 * pad - f + 1;
            float[] out = new float[k * oh * ow];
            for (int o = 0; o < k; o++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++) {
                        float s = 0;
                        for (int ch = 0; ch < c; ch++)
                            for (int dy = 0; dy < f; dy++)
                                for (int dx = 0; dx < f; dx++) {
                                    int iy = y + dy - pad;
                                    int ix = x + dx - pad;
                                    if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
                                    s += in[(ch * h + iy) * w + ix] * weights[((o * c + ch) * f + dy) * f + dx];
                                }
                        out[(o * oh + y) * ow + x] = s;
                    }
            return out;
        }

        static float[] maxPool(float[] in, int c, int h, int w) {
            int oh = h / 2;
            int ow = w / 2;
            float[] out = new float[c * oh * ow];
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++) {
                        int b = (ch * h + 2 * y) * w + 2 * x;
                        out[(ch * oh + y) * ow + x] = Math.max(Math.max(in[b], in[b + 1]),
                                Math.max(in[b + w], in[b + w + 1]));
                    }
            return out;
        }

        static float[] dense(float[] in, float[] weights, int out) {
            float[] y = new float[out];
            for (int o = 0; o < out; o++) {
                float s = 0;
                for (int i = 0; i < in.length; i++) s += weights[o * in.length + i] * in[i];
                y[o] = s;
            }
            return y;
        }

        static float[] relu(float[] v) {
            for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]);
            return v;
        }
    }

    /** A plausible loss at a step: exponential decay to a floor plus multiplicative noise. */
    static double loss(long step, Random random) {
        double clean = 0.28 + 2.0 * Math.exp(-step / 700.0);
        return clean * (1 + 0.18 * random.nextGaussian());
    }

    /** A 10-class confusion matrix with Fashion-MNIST's typical mix-ups (shirt vs. T-shirt, pullover vs. coat). */
    static int[][] confusion() {
        int[][] m = new int[10][10];
        double[] recall = {0.84, 0.97, 0.80, 0.88, 0.82, 0.96, 0.62, 0.95, 0.97, 0.95};
        Random r = new Random(5);
        for (int i = 0; i < 10; i++) {
            m[i][i] = (int) Math.round(1000 * recall[i]);
            int rest = 1000 - m[i][i];
            int[] likely = switch (i) {
                case 0 -> new int[] {6, 3, 2};
                case 2 -> new int[] {4, 6, 0};
                case 4 -> new int[] {2, 6, 3};
                case 6 -> new int[] {0, 2, 4};
                case 5 -> new int[] {7, 9};
                case 7 -> new int[] {9, 5};
                case 9 -> new int[] {7, 5};
                default -> new int[] {(i + 1) % 10, (i + 3) % 10};
            };
            for (int t = 0; t < rest; t++) {
                int j = r.nextDouble() < 0.85 ? likely[r.nextInt(likely.length)] : r.nextInt(10);
                if (j == i) j = likely[0];
                m[i][j]++;
            }
        }
        return m;
    }
}
