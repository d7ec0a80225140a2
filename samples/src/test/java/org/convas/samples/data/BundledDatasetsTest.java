package org.convas.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Idx;
import org.convas.engine.data.Image;
import org.convas.engine.data.KnownClasses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledDatasetsTest {

    @TempDir Path dir;

    @Test
    void withoutTheFullDatasetTheCatalogueOffersTheBundledAndSyntheticSets() throws Exception {
        List<BundledDatasets.Entry> entries = BundledDatasets.available(dir.resolve("absent"));
        assertEquals(List.of("fashion-mnist-subset", "synthetic-bars", "synthetic-shapes"),
                entries.stream().map(BundledDatasets.Entry::id).toList());
        for (BundledDatasets.Entry e : entries) {
            DatasetPair data = e.load();
            assertEquals(e.trainSize(), data.train().size(), e.id());
            assertEquals(e.testSize(), data.test().size(), e.id());
            assertEquals(e.classNames(), data.train().classNames());
            assertEquals(e.shape(), data.train().commonShape().orElseThrow());
        }
    }

    @Test
    void fullFashionMnistIsOfferedWhenItsFilesExist() throws Exception {
        Dataset tiny = new Dataset("tiny", KnownClasses.FASHION_MNIST,
                List.of(Image.planar(28, 28, 1, new byte[784])), new int[] {3});
        Idx.write(tiny, dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), true);
        Idx.write(tiny, dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), false);
        List<BundledDatasets.Entry> entries = BundledDatasets.available(dir);
        BundledDatasets.Entry full = entries.get(entries.size() - 1);
        assertEquals("fashion-mnist", full.id());
        DatasetPair data = full.load();
        assertEquals(1, data.train().size());
        assertEquals(3, data.test().label(0));
    }

    @Test
    void findLooksEntriesUpById() {
        assertTrue(BundledDatasets.find(BundledDatasets.SHAPES).isPresent());
        assertTrue(BundledDatasets.find("no-such-set").isEmpty());
    }
}
