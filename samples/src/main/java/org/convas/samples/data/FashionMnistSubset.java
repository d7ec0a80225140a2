package org.convas.samples.data;

import java.io.IOException;
import java.io.InputStream;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Idx;
import org.convas.engine.data.KnownClasses;

/**
 * A real, class-balanced subset of Fashion-MNIST (Zalando, MIT licence) shipped inside Convas, so a
 * first network can be trained without any download: 3,000 training images (300 per class) and
 * 1,000 test images (100 per class), 28×28 grey, stored as gzipped IDX next to this class's package
 * under {@code data/fashion-mnist-subset/} with the licence. {@link FashionSubsetGenerator} rebuilds it.
 */
public final class FashionMnistSubset {

    public static final int TRAIN_PER_CLASS = 300;
    public static final int TEST_PER_CLASS = 100;
    public static final String RESOURCE_FOLDER = "org/convas/samples/data/fashion-mnist-subset";
    /** Where Debian's dataset-fashion-mnist package puts the full dataset. */
    public static final String DEBIAN_FOLDER = "/usr/share/datasets/fashion-mnist";

    private FashionMnistSubset() {
    }

    /** Loads the bundled subset from the classpath. */
    public static DatasetPair load() throws DatasetException {
        return new DatasetPair(part("train", "Fashion-MNIST subset, training (3,000)"),
                part("t10k", "Fashion-MNIST subset, test (1,000)"));
    }

    private static Dataset part(String prefix, String source) throws DatasetException {
        String images = prefix + "-images-idx3-ubyte.gz", labels = prefix + "-labels-idx1-ubyte.gz";
        return Idx.read(resource(images), images, resource(labels), labels, KnownClasses.FASHION_MNIST, source);
    }

    private static byte[] resource(String name) throws DatasetException {
        String path = "/" + RESOURCE_FOLDER + "/" + name;
        try (InputStream in = FashionMnistSubset.class.getResourceAsStream(path)) {
            if (in == null) throw new DatasetException(path, "bundled file missing from the classpath (broken build?)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DatasetException(path, "cannot be read: " + e.getMessage(), e);
        }
    }
}
