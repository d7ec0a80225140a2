package org.convas.app.cli;

import org.convas.engine.data.Cifar;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Idx;
import org.convas.engine.data.ImageFolder;
import org.convas.engine.data.KnownClasses;
import org.convas.engine.data.Split;
import org.convas.samples.data.BundledDatasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code --data} argument of {@code train}: a bundled dataset id, or a folder holding IDX files
 * (MNIST's {@code train-images-idx3-ubyte[.gz]} …), CIFAR-10/100 binary batches, or images in one sub-folder
 * per class. Gives the training and test sets as published; the caller holds out validation images.
 *
 * @param data        training and test sets
 * @param description one line on what was loaded, for the user
 * @param notes       things the user should know (a test set held out, files skipped)
 */
record DataArgument(DatasetPair data, String description, List<String> notes) {

    /** Share of an image folder without train/ and test/ sub-folders that is held out as the test set. */
    static final double IMAGE_FOLDER_TEST_FRACTION = 0.2;

    static String bundledIds() {
        return BundledDatasets.available().stream().map(BundledDatasets.Entry::id).collect(Collectors.joining(", "));
    }

    /**
     * @throws UsageException   when the argument is neither a bundled id nor an existing folder (names the path)
     * @throws DatasetException when the files are there but cannot be read (names the file and the problem)
     */
    static DataArgument load(String argument, long seed) throws UsageException, DatasetException {
        Optional<BundledDatasets.Entry> bundled = BundledDatasets.find(argument);
        if (bundled.isPresent()) {
            BundledDatasets.Entry e = bundled.get();
            return new DataArgument(e.load(), e.title() + " (bundled \"" + e.id() + "\"): " + e.trainSize() + " training and "
                    + e.testSize() + " test images, " + e.shape() + ", " + e.classNames().size() + " classes", List.of());
        }
        if (argument.equals(BundledDatasets.FASHION_FULL)) {
            throw new UsageException("--data fashion-mnist: the full Fashion-MNIST is not installed (expected in "
                    + org.convas.samples.data.FashionMnistSubset.DEBIAN_FOLDER + "; apt-get install dataset-fashion-mnist);"
                    + " the bundled subset is \"" + BundledDatasets.FASHION_SUBSET + "\"");
        }
        Path folder = Path.of(argument);
        if (!Files.exists(folder)) {
            throw new UsageException("--data " + argument + ": no such folder, and no bundled dataset has that name (they are "
                    + bundledIds() + ")");
        }
        if (!Files.isDirectory(folder)) {
            throw new UsageException("--data " + argument + ": is a file; give the folder that holds the dataset");
        }
        if (hasIdx(folder)) {
            List<String> names = folder.toString().toLowerCase(Locale.ROOT).contains("fashion")
                    ? KnownClasses.FASHION_MNIST : KnownClasses.MNIST;
            DatasetPair pair = new DatasetPair(Idx.loadStandard(folder, "train", names, folder + " (IDX training)"),
                    Idx.loadStandard(folder, "t10k", names, folder + " (IDX test)"));
            return new DataArgument(pair, "IDX files in " + folder + ": " + pair.train().describe() + "; test " + pair.test().size()
                    + " images", List.of());
        }
        Path cifar = Files.isDirectory(folder.resolve("cifar-10-batches-bin")) ? folder.resolve("cifar-10-batches-bin") : folder;
        if (Files.isRegularFile(cifar.resolve("data_batch_1.bin"))) {
            List<Path> batches = new ArrayList<>();
            for (int i = 1; i <= 5; i++) if (Files.isRegularFile(cifar.resolve("data_batch_" + i + ".bin"))) batches.add(cifar.resolve("data_batch_" + i + ".bin"));
            Path test = cifar.resolve("test_batch.bin");
            if (!Files.isRegularFile(test)) throw new DatasetException(test.toString(), "file not found (CIFAR-10's test batch)");
            DatasetPair pair = new DatasetPair(Cifar.load10(batches, cifar + " (CIFAR-10 training)"), Cifar.load10(List.of(test), cifar + " (CIFAR-10 test)"));
            return new DataArgument(pair, "CIFAR-10 in " + cifar + ": " + pair.train().size() + " training and " + pair.test().size()
                    + " test images, 32×32×3, 10 classes", List.of());
        }
        Path c100 = Files.isDirectory(folder.resolve("cifar-100-binary")) ? folder.resolve("cifar-100-binary") : folder;
        if (Files.isRegularFile(c100.resolve("train.bin")) && Files.isRegularFile(c100.resolve("test.bin"))) {
            DatasetPair pair = new DatasetPair(Cifar.load100(List.of(c100.resolve("train.bin")), c100 + " (CIFAR-100 training)"),
                    Cifar.load100(List.of(c100.resolve("test.bin")), c100 + " (CIFAR-100 test)"));
            return new DataArgument(pair, "CIFAR-100 in " + c100 + ": " + pair.train().size() + " training and " + pair.test().size()
                    + " test images, 32×32×3, 100 classes (fine labels)", List.of());
        }
        List<String> notes = new ArrayList<>();
        if (Files.isDirectory(folder.resolve("train")) && Files.isDirectory(folder.resolve("test"))) {
            ImageFolder.Result train = ImageFolder.load(folder.resolve("train"));
            ImageFolder.Result test = ImageFolder.load(folder.resolve("test"));
            if (!train.skipped().isEmpty()) notes.add("train: " + train.skippedSummary());
            if (!test.skipped().isEmpty()) notes.add("test: " + test.skippedSummary());
            DatasetPair pair = DatasetPair.matching(train.dataset(), test.dataset());
            return new DataArgument(pair, "image folders " + folder.resolve("train") + " and " + folder.resolve("test") + ": "
                    + pair.train().describe() + "; test " + pair.test().size() + " images", notes);
        }
        ImageFolder.Result all = ImageFolder.load(folder);
        if (!all.skipped().isEmpty()) notes.add(all.skippedSummary());
        Split split = Split.holdout(all.dataset(), IMAGE_FOLDER_TEST_FRACTION, seed ^ 0x7E57L);
        notes.add(folder + " has no train/ and test/ sub-folders: " + Math.round(IMAGE_FOLDER_TEST_FRACTION * 100)
                + "% of each class (" + split.validation().size() + " images) is held out as the test set");
        return new DataArgument(new DatasetPair(split.train(), split.validation()), "image folder " + folder + ": "
                + all.dataset().describe(), notes);
    }

    private static boolean hasIdx(Path folder) {
        return Files.isRegularFile(folder.resolve("train-images-idx3-ubyte.gz")) || Files.isRegularFile(folder.resolve("train-images-idx3-ubyte"));
    }
}
