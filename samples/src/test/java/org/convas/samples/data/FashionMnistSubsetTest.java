package org.convas.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.ImageBatch;
import org.convas.engine.data.BatchLoader;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.KnownClasses;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.data.Split;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistSubsetTest {

    @Test
    void bundledSubsetHasThreeThousandTrainingAndOneThousandTestImagesBalanced() throws Exception {
        DatasetPair data = FashionMnistSubset.load();
        assertEquals(3000, data.train().size());
        assertEquals(1000, data.test().size());
        int[] train = new int[10], test = new int[10];
        Arrays.fill(train, 300);
        Arrays.fill(test, 100);
        assertArrayEquals(train, data.train().classCounts());
        assertArrayEquals(test, data.test().classCounts());
        assertEquals(KnownClasses.FASHION_MNIST, data.train().classNames());
        assertEquals(Shape.of(28, 28, 1), data.train().commonShape().orElseThrow());
        // The first training image of Fashion-MNIST is an ankle boot (label 9).
        assertEquals(9, data.train().label(0));
        assertEquals("Ankle boot", data.train().classNames().get(data.train().label(0)));
    }

    @Test
    void subsetRunsThroughTheWholePipeline() throws Exception {
        DatasetPair data = FashionMnistSubset.load();
        Split split = Split.holdout(data.train(), 0.1, 42);
        assertEquals(2700, split.train().size());
        assertEquals(300, split.validation().size());
        FittedPreprocessing fitted = Preprocessing.builder(Shape.of(28, 28, 1))
                .normalisation(Normalisation.PER_CHANNEL).build().fit(split.train());
        // Fashion-MNIST's published training mean is 0.286 and std 0.353; a 2,700 subset is close.
        assertEquals(0.286, fitted.statistics().channelMean()[0], 0.02);
        assertEquals(0.353, fitted.statistics().channelStd()[0], 0.02);
        PreparedDataset val = fitted.apply(split.validation());
        assertEquals(300, val.size());
        BatchLoader loader = BatchLoader.builder(fitted.train()).batchSize(128).seed(1)
                .augmentation(Augmentation.builder().shift(2).horizontalFlip(true).seed(1).build()).build();
        int seen = 0;
        boolean[] once = new boolean[fitted.train().size()];
        try (BatchLoader.BatchIterator it = loader.epoch(0)) {
            while (it.hasNext()) {
                ImageBatch b = it.next();
                for (int i : b.indices()) {
                    assertTrue(!once[i]);
                    once[i] = true;
                }
                seen += b.size();
            }
        }
        assertEquals(2700, seen);
    }

    @Test
    void generatorReproducesTheBundledBytes(@TempDir Path out) throws Exception {
        Path debian = Path.of(FashionMnistSubset.DEBIAN_FOLDER);
        assumeTrue(Files.isDirectory(debian), "Debian's dataset-fashion-mnist is not installed");
        FashionSubsetGenerator.generate(debian, out);
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = getClass().getResourceAsStream("/" + FashionMnistSubset.RESOURCE_FOLDER + "/" + name)) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(out.resolve(name)), name);
            }
        }
    }

    @Test
    void licenceTravelsWithTheData() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/" + FashionMnistSubset.RESOURCE_FOLDER + "/LICENSE")) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("Zalando SE") && text.contains("MIT License"));
        }
    }
}
