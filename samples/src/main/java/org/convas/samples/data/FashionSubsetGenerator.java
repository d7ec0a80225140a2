package org.convas.samples.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.Idx;
import org.convas.engine.data.KnownClasses;

/**
 * Reproduces the bundled Fashion-MNIST subset from the full dataset. The rule is simple enough to
 * check by hand: the first {@value FashionMnistSubset#TRAIN_PER_CLASS} images of each class in the
 * official training file, and the first {@value FashionMnistSubset#TEST_PER_CLASS} of each class in the
 * test file, in their original order. Output is gzipped IDX and byte-for-byte reproducible.
 *
 * <pre>
 *   apt-get install dataset-fashion-mnist        # puts the files in /usr/share/datasets/fashion-mnist
 *   mvn -q -o -pl engine,samples -am compile
 *   java -cp engine/target/classes:samples/target/classes org.convas.samples.data.FashionSubsetGenerator \
 *        [source folder] [output folder]
 * </pre>
 * Defaults: /usr/share/datasets/fashion-mnist and
 * samples/src/main/resources/org/convas/samples/data/fashion-mnist-subset.
 */
public final class FashionSubsetGenerator {

    private FashionSubsetGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args.length > 0 ? args[0] : FashionMnistSubset.DEBIAN_FOLDER);
        Path out = Path.of(args.length > 1 ? args[1]
                : "samples/src/main/resources/" + FashionMnistSubset.RESOURCE_FOLDER);
        generate(source, out);
        System.out.println("wrote the Fashion-MNIST subset to " + out.toAbsolutePath());
    }

    /** Writes the four subset files into {@code out}. */
    public static void generate(Path source, Path out) throws Exception {
        Dataset train = Idx.loadStandard(source, "train", KnownClasses.FASHION_MNIST, "fashion-mnist train");
        Dataset test = Idx.loadStandard(source, "t10k", KnownClasses.FASHION_MNIST, "fashion-mnist test");
        Idx.write(firstPerClass(train, FashionMnistSubset.TRAIN_PER_CLASS), out.resolve("train-images-idx3-ubyte.gz"),
                out.resolve("train-labels-idx1-ubyte.gz"), true);
        Idx.write(firstPerClass(test, FashionMnistSubset.TEST_PER_CLASS), out.resolve("t10k-images-idx3-ubyte.gz"),
                out.resolve("t10k-labels-idx1-ubyte.gz"), true);
    }

    /** The first {@code perClass} images of every class, keeping the file order. */
    static Dataset firstPerClass(Dataset all, int perClass) throws DatasetException {
        int[] taken = new int[all.classCount()];
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (taken[all.label(i)] < perClass) {
                taken[all.label(i)]++;
                picked.add(i);
            }
        }
        for (int c = 0; c < taken.length; c++) {
            if (taken[c] < perClass) {
                throw new DatasetException(all.source(), "class \"" + all.classNames().get(c) + "\" has only "
                        + taken[c] + " images, fewer than the " + perClass + " the subset needs");
            }
        }
        return all.subset(picked.stream().mapToInt(Integer::intValue).toArray(), all.source() + " subset");
    }
}
