package org.convas.app.training;

import org.convas.engine.data.Cifar;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Idx;
import org.convas.engine.data.ImageFolder;
import org.convas.engine.data.KnownClasses;
import org.convas.engine.data.Split;
import org.convas.samples.data.BundledDatasets;
import org.convas.samples.data.FashionMnistSubset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where training images come from, for the window and the command line alike: a dataset Convas offers (bundled
 * or installed), an IDX file pair, CIFAR-10/100 binary batches, or a folder of images with one sub-folder per
 * class. {@link #find} is the one dataset finder behind both the {@code --data} argument and the workspace.
 *
 * <p>{@link #load} gives the training and test sets as published; a source without a test part holds out
 * {@value #TEST_FRACTION} of each class as its test set (seeded). Validation images are then held out of the
 * training set by the caller (the workspace: {@link TrainingViewModel#VALIDATION_FRACTION}; the command line:
 * {@code --validation-fraction}), so the test set stays unseen until a run's final figure. Loading may take
 * seconds (the full Fashion-MNIST); the workspace calls it on its background thread.
 */
public sealed interface DataSource {

    /** Share of each class held out as the test set when a source has no test part. */
    double TEST_FRACTION = 0.2;

    /** What the chooser shows. */
    String title();

    /** The training and test images, with a description of what was loaded. */
    Loaded load(long seed) throws DatasetException;

    /**
     * Loaded images.
     *
     * @param description one line on what was loaded, for the user
     * @param notes       things the user should know (a test set held out, files skipped)
     */
    record Loaded(Dataset train, Dataset test, String description, List<String> notes) {
        public Loaded {
            notes = List.copyOf(notes);
        }

        public DatasetPair pair() {
            return new DatasetPair(train, test);
        }
    }

    /** Thrown by {@link #find} when an argument names no dataset: the message says what was looked for. */
    final class NotFound extends Exception {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The bundled ids, "fashion-mnist-subset, synthetic-bars, ...". */
    static String bundledIds() {
        return BundledDatasets.available().stream().map(BundledDatasets.Entry::id).collect(Collectors.joining(", "));
    }

    /**
     * The dataset an argument names: a bundled id, or a folder holding IDX files (MNIST's
     * {@code train-images-idx3-ubyte[.gz]} …), CIFAR-10/100 binary batches, {@code train/} and {@code test/} image
     * folders, or images in one sub-folder per class.
     *
     * @throws NotFound when the argument is neither a bundled id nor an existing folder (names the path)
     */
    static DataSource find(String argument) throws NotFound {
        Optional<BundledDatasets.Entry> bundled = BundledDatasets.find(argument);
        if (bundled.isPresent()) return new Bundled(bundled.get());
        if (argument.equals(BundledDatasets.FASHION_FULL)) {
            throw new NotFound("--data fashion-mnist: the full Fashion-MNIST is not installed (expected in "
                    + FashionMnistSubset.DEBIAN_FOLDER + "; apt-get install dataset-fashion-mnist);"
                    + " the bundled subset is \"" + BundledDatasets.FASHION_SUBSET + "\"");
        }
        Path folder = Path.of(argument);
        if (!Files.exists(folder)) {
            throw new NotFound("--data " + argument + ": no such folder, and no bundled dataset has that name (they are "
                    + bundledIds() + ")");
        }
        if (!Files.isDirectory(folder)) throw new NotFound("--data " + argument + ": is a file; give the folder that holds the dataset");
        if (Files.isRegularFile(folder.resolve("train-images-idx3-ubyte.gz")) || Files.isRegularFile(folder.resolve("train-images-idx3-ubyte"))) {
            return new IdxFolder(folder);
        }
        Path cifar = Files.isDirectory(folder.resolve("cifar-10-batches-bin")) ? folder.resolve("cifar-10-batches-bin") : folder;
        if (Files.isRegularFile(cifar.resolve("data_batch_1.bin"))) return new CifarFolder(cifar);
        Path c100 = Files.isDirectory(folder.resolve("cifar-100-binary")) ? folder.resolve("cifar-100-binary") : folder;
        if (Files.isRegularFile(c100.resolve("train.bin")) && Files.isRegularFile(c100.resolve("test.bin"))) return new Cifar100Folder(c100);
        return new Folder(folder);
    }

    /** A dataset from {@link BundledDatasets}, with its own test part. */
    record Bundled(BundledDatasets.Entry entry) implements DataSource {
        @Override
        public String title() {
            return entry.title();
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            DatasetPair pair = entry.load();
            return new Loaded(pair.train(), pair.test(), entry.title() + " (bundled \"" + entry.id() + "\"): " + entry.trainSize()
                    + " training and " + entry.testSize() + " test images, " + entry.shape() + ", " + entry.classNames().size()
                    + " classes", List.of());
        }
    }

    /**
     * An IDX images file ({@code …-images-idx3-ubyte[.gz]}) with the labels file beside it (the same name with
     * {@code labels-idx1} for {@code images-idx3}). Class names: Fashion-MNIST's when the path says "fashion",
     * else the digits 0–9.
     */
    record IdxFile(Path images) implements DataSource {
        @Override
        public String title() {
            return "IDX: " + images.getFileName();
        }

        /** The labels file that belongs to the images file. */
        public Path labels() throws DatasetException {
            String name = images.getFileName().toString();
            if (!name.contains("images-idx3")) {
                throw new DatasetException(name, "is not an IDX images file: its name should contain \"images-idx3\" "
                        + "(e.g. train-images-idx3-ubyte.gz), so that its labels file can be found beside it");
            }
            for (String candidate : List.of(name.replace("images-idx3", "labels-idx1"),
                    name.replace("images-idx3", "labels-idx1").replace(".gz", ""),
                    name.replace("images-idx3", "labels-idx1") + ".gz")) {
                Path p = images.resolveSibling(candidate);
                if (Files.isRegularFile(p)) return p;
            }
            throw new DatasetException(images.resolveSibling(name.replace("images-idx3", "labels-idx1")).toString(),
                    "labels file not found beside the images file");
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            Dataset all = Idx.load(images, labels(), classNamesFor(images), images.getFileName().toString());
            return holdOutTest(all, title() + ": " + all.describe(), seed, new ArrayList<>());
        }
    }

    /** A folder with MNIST-style IDX files: {@code train-…} and {@code t10k-…}. */
    record IdxFolder(Path folder) implements DataSource {
        @Override
        public String title() {
            return "IDX files in " + folder;
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            List<String> names = classNamesFor(folder);
            DatasetPair pair = new DatasetPair(Idx.loadStandard(folder, "train", names, folder + " (IDX training)"),
                    Idx.loadStandard(folder, "t10k", names, folder + " (IDX test)"));
            return new Loaded(pair.train(), pair.test(), "IDX files in " + folder + ": " + pair.train().describe() + "; test "
                    + pair.test().size() + " images", List.of());
        }
    }

    /** CIFAR-10 binary batch files ({@code data_batch_1.bin} …) chosen one by one, loaded into one set. */
    record CifarFiles(List<Path> files) implements DataSource {
        public CifarFiles {
            files = List.copyOf(files);
        }

        @Override
        public String title() {
            return "CIFAR-10: " + (files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files");
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            Dataset all = Cifar.load10(files, title());
            return holdOutTest(all, title() + ": " + all.describe(), seed, new ArrayList<>());
        }
    }

    /** A CIFAR-10 folder: {@code data_batch_1.bin} … {@code data_batch_5.bin} and {@code test_batch.bin}. */
    record CifarFolder(Path folder) implements DataSource {
        @Override
        public String title() {
            return "CIFAR-10 in " + folder;
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            List<Path> batches = new ArrayList<>();
            for (int i = 1; i <= 5; i++) if (Files.isRegularFile(folder.resolve("data_batch_" + i + ".bin"))) batches.add(folder.resolve("data_batch_" + i + ".bin"));
            Path test = folder.resolve("test_batch.bin");
            if (!Files.isRegularFile(test)) throw new DatasetException(test.toString(), "file not found (CIFAR-10's test batch)");
            DatasetPair pair = new DatasetPair(Cifar.load10(batches, folder + " (CIFAR-10 training)"),
                    Cifar.load10(List.of(test), folder + " (CIFAR-10 test)"));
            return new Loaded(pair.train(), pair.test(), "CIFAR-10 in " + folder + ": " + pair.train().size() + " training and "
                    + pair.test().size() + " test images, 32×32×3, 10 classes", List.of());
        }
    }

    /** A CIFAR-100 folder: {@code train.bin} and {@code test.bin} (fine labels). */
    record Cifar100Folder(Path folder) implements DataSource {
        @Override
        public String title() {
            return "CIFAR-100 in " + folder;
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            DatasetPair pair = new DatasetPair(Cifar.load100(List.of(folder.resolve("train.bin")), folder + " (CIFAR-100 training)"),
                    Cifar.load100(List.of(folder.resolve("test.bin")), folder + " (CIFAR-100 test)"));
            return new Loaded(pair.train(), pair.test(), "CIFAR-100 in " + folder + ": " + pair.train().size() + " training and "
                    + pair.test().size() + " test images, 32×32×3, 100 classes (fine labels)", List.of());
        }
    }

    /**
     * A folder of images (PNG, JPEG, BMP, GIF): either {@code train/} and {@code test/} each with one sub-folder per
     * class, or one sub-folder per class directly.
     */
    record Folder(Path root) implements DataSource {
        @Override
        public String title() {
            return "Folder: " + (root.getFileName() == null ? root.toString() : root.getFileName().toString());
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            List<String> notes = new ArrayList<>();
            if (Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("test"))) {
                ImageFolder.Result train = ImageFolder.load(root.resolve("train"));
                ImageFolder.Result test = ImageFolder.load(root.resolve("test"));
                if (!train.skipped().isEmpty()) notes.add("train: " + train.skippedSummary());
                if (!test.skipped().isEmpty()) notes.add("test: " + test.skippedSummary());
                DatasetPair pair = DatasetPair.matching(train.dataset(), test.dataset()); // says which classes differ
                return new Loaded(pair.train(), pair.test(), "image folders " + root.resolve("train") + " and "
                        + root.resolve("test") + ": " + pair.train().describe() + "; test " + pair.test().size() + " images", notes);
            }
            ImageFolder.Result all = ImageFolder.load(root);
            if (!all.skipped().isEmpty()) notes.add(all.skippedSummary());
            return holdOutTest(all.dataset(), "image folder " + root + ": " + all.dataset().describe(), seed, notes);
        }
    }

    private static List<String> classNamesFor(Path path) {
        return path.toString().toLowerCase(Locale.ROOT).contains("fashion") ? KnownClasses.FASHION_MNIST : KnownClasses.MNIST;
    }

    /** A source without a test part: {@value #TEST_FRACTION} of each class becomes the test set. */
    private static Loaded holdOutTest(Dataset all, String description, long seed, List<String> notes) throws DatasetException {
        if (all.size() < 3) {
            throw new DatasetException(all.source(), "has " + all.size() + " image(s); at least 3 are needed to train, validate and test");
        }
        Split split = Split.holdout(all, TEST_FRACTION, seed ^ 0x7E57L);
        notes.add(all.source() + " has no test part: " + Math.round(TEST_FRACTION * 100) + "% of each class ("
                + split.validation().size() + " images) is held out as the test set");
        return new Loaded(split.train(), split.validation(), description, notes);
    }
}
