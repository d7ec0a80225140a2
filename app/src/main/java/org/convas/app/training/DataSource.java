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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where the training workspace takes its images from: a dataset Convas offers (bundled or installed), an IDX
 * file pair, CIFAR binary batches, or a folder of images with one sub-folder per class. Loading may take
 * seconds (the full Fashion-MNIST); the view-model calls {@link #load} on its background thread.
 */
public sealed interface DataSource {

    /** Fraction of each class held out for validation when a source has no test part (stratified). */
    double HOLDOUT = 0.1;

    /** What the chooser shows. */
    String title();

    /** The training images and the validation images, with a note on where the validation images come from. */
    Loaded load(long seed) throws DatasetException;

    /** Loaded images: train and validation, and one line saying how they were split. */
    record Loaded(Dataset train, Dataset validation, String note) {
    }

    /** A dataset from {@link BundledDatasets}; its test part serves as the validation set. */
    record Bundled(BundledDatasets.Entry entry) implements DataSource {
        @Override
        public String title() {
            return entry.title();
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            DatasetPair pair = entry.load();
            return new Loaded(pair.train(), pair.test(), String.format(Locale.ROOT,
                    "%,d training images; validation: the %,d images of the test part", pair.train().size(), pair.test().size()));
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
            List<String> classes = images.toString().toLowerCase(Locale.ROOT).contains("fashion")
                    ? KnownClasses.FASHION_MNIST : KnownClasses.MNIST;
            Dataset all = Idx.load(images, labels(), classes, images.getFileName().toString());
            return holdout(all, seed);
        }
    }

    /** CIFAR-10 binary batch files ({@code data_batch_1.bin} …), loaded into one set. */
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
            return holdout(Cifar.load10(files, title()), seed);
        }
    }

    /** A folder with one sub-folder of images per class (PNG, JPEG, BMP, GIF). */
    record Folder(Path root) implements DataSource {
        @Override
        public String title() {
            return "Folder: " + (root.getFileName() == null ? root.toString() : root.getFileName().toString());
        }

        @Override
        public Loaded load(long seed) throws DatasetException {
            ImageFolder.Result result = ImageFolder.load(root);
            Loaded loaded = holdout(result.dataset(), seed);
            if (result.skipped().isEmpty()) return loaded;
            return new Loaded(loaded.train(), loaded.validation(), loaded.note() + "; skipped " + result.skippedSummary());
        }
    }

    private static Loaded holdout(Dataset all, long seed) throws DatasetException {
        if (all.size() < 2) throw new DatasetException(all.source(), "has " + all.size() + " image(s); at least 2 are needed to train and validate");
        Split split = Split.holdout(all, HOLDOUT, seed);
        return new Loaded(split.train(), split.validation(), String.format(Locale.ROOT,
                "%,d training images; validation: %,d held out (%d%% of each class, seed %d)",
                split.train().size(), split.validation().size(), Math.round(HOLDOUT * 100), seed));
    }
}
