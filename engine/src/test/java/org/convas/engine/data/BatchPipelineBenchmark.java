package org.convas.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.convas.engine.spec.Shape;

/**
 * Prints the throughput of the data pipeline in images per second: preprocessing (crop + resize),
 * and batches through the prefetching loader without and with augmentation. A program, not a test:
 *
 * <pre>
 *   mvn -q -o -pl engine test-compile
 *   java -cp engine/target/classes:engine/target/test-classes:$(ls ~/.m2/repository/com/google/code/gson/gson/2.15.0/gson-2.15.0.jar) \
 *        org.convas.engine.data.BatchPipelineBenchmark
 * </pre>
 * Uses the real Fashion-MNIST training set when /usr/share/datasets/fashion-mnist exists, and random
 * CIFAR-sized images for the colour case.
 */
public final class BatchPipelineBenchmark {

    private BatchPipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        Dataset grey = Files.isDirectory(fashion)
                ? Idx.loadStandard(fashion, "train", KnownClasses.FASHION_MNIST, "fashion-mnist train")
                : random(20_000, 28, 28, 1);
        Dataset colour = random(10_000, 32, 32, 3);
        Dataset large = random(2_000, 96, 80, 3);

        System.out.println("data pipeline throughput (" + Runtime.getRuntime().availableProcessors() + " cores)");
        long t0 = System.nanoTime();
        FittedPreprocessing g = Preprocessing.builder(Shape.of(28, 28, 1)).build().fit(grey);
        report("prepare " + grey.size() + " grey 28×28 (identity shape)", grey.size(), t0);
        t0 = System.nanoTime();
        FittedPreprocessing c = Preprocessing.builder(Shape.of(32, 32, 3)).build().fit(colour);
        report("prepare " + colour.size() + " RGB 32×32 (identity shape)", colour.size(), t0);
        t0 = System.nanoTime();
        Preprocessing.builder(Shape.of(32, 32, 3)).build().fit(large);
        report("prepare " + large.size() + " RGB 96×80 → crop 80×80 → area 32×32", large.size(), t0);
        t0 = System.nanoTime();
        Preprocessing.builder(Shape.of(224, 224, 3)).build().fit(random(300, 96, 80, 3));
        report("prepare 300 RGB 96×80 → crop 80×80 → bilinear 224×224", 300, t0);

        Augmentation flipShift = Augmentation.builder().shift(2).horizontalFlip(true).seed(1).build();
        Augmentation full = Augmentation.builder().shift(2).horizontalFlip(true).rotation(10).scale(0.9, 1.1).seed(1).build();
        for (PreparedDataset p : List.of(g.train(), c.train())) {
            for (Augmentation a : List.of(Augmentation.none(), flipShift, full)) {
                BatchLoader loader = BatchLoader.builder(p).batchSize(64).seed(1).augmentation(a).build();
                for (int warm = 0; warm < 2; warm++) drain(loader, warm); // JIT warm-up
                t0 = System.nanoTime();
                int n = drain(loader, 2);
                report("batches of 64 " + p.shape() + ", " + a, n, t0);
            }
        }
    }

    private static int drain(BatchLoader loader, int epoch) {
        int n = 0;
        double checksum = 0;
        try (BatchLoader.BatchIterator it = loader.epoch(epoch)) {
            while (it.hasNext()) {
                ImageBatch b = it.next();
                n += b.size();
                checksum += b.inputs()[0];
            }
        }
        if (Double.isNaN(checksum)) System.out.println("NaN in batches");
        return n;
    }

    private static void report(String what, int images, long startNanos) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-75s %10.0f images/s  (%.2f s)%n", what, images / s, s);
    }

    private static Dataset random(int n, int w, int h, int c) {
        Rng rng = new Rng(42);
        List<Image> images = new ArrayList<>(n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[w * h * c];
            for (int k = 0; k < px.length; k++) px[k] = (byte) rng.nextInt(256);
            images.add(Image.wrap(w, h, c, px));
            labels[i] = i % 10;
        }
        return new Dataset("random " + w + "×" + h + "×" + c, KnownClasses.CIFAR_10, images, labels);
    }
}
