package org.convas.app.exchange;

import org.convas.app.training.DataSource;
import org.convas.engine.data.DatasetException;
import org.convas.engine.exchange.TrainingRecipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an exported train.py finds the images a {@link DataSource} gives Convas, for {@code convas export} and
 * File ▸ Export Network alike: a bundled set is copied next to train.py as IDX files, anything else is referred to
 * by its absolute path (train.py's {@code --data} moves it). A source without a test part holds out
 * {@link DataSource#TEST_FRACTION} of each class as its test set in train.py too, with the same seed.
 */
public final class TrainScriptData {

    private TrainScriptData() {
    }

    /**
     * @param seed the seed {@link DataSource#load} is given (the command line's {@code --seed}; the Train tab's
     *             split seed)
     * @throws DatasetException         when a bundled set cannot be read for copying
     * @throws IllegalArgumentException when train.py cannot read the source as it is (CIFAR batches in several folders)
     */
    public static TrainingRecipe.Data of(DataSource source, long seed) throws DatasetException {
        double testFraction = DataSource.TEST_FRACTION;
        if (source instanceof DataSource.Bundled b) return TrainingRecipe.Data.copied(b.entry().load(), b.entry().title());
        if (source instanceof DataSource.IdxFolder f) {
            Path folder = f.folder().toAbsolutePath().normalize();
            return TrainingRecipe.Data.idxFolder(folder.toString(), "IDX files in " + folder);
        }
        if (source instanceof DataSource.IdxFile f) {
            Path images = f.images().toAbsolutePath().normalize();
            return new TrainingRecipe.Data("idx-file", images.toString(), f.labels().toAbsolutePath().normalize().toString(), List.of(),
                    null, seed, testFraction, "IDX " + images.getFileName(), null);
        }
        if (source instanceof DataSource.CifarFolder c) {
            Path folder = c.folder().toAbsolutePath().normalize();
            List<String> files = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                if (java.nio.file.Files.isRegularFile(folder.resolve("data_batch_" + i + ".bin"))) files.add("data_batch_" + i + ".bin");
            }
            return new TrainingRecipe.Data("cifar10", folder.toString(), null, files, "test_batch.bin", seed, 0, "CIFAR-10 in " + folder, null);
        }
        if (source instanceof DataSource.CifarFiles c) {
            Path folder = c.files().get(0).toAbsolutePath().normalize().getParent();
            List<String> names = new ArrayList<>();
            for (Path p : c.files()) {
                if (!p.toAbsolutePath().normalize().getParent().equals(folder)) {
                    throw new IllegalArgumentException("the CIFAR batch files must be in one folder for train.py");
                }
                names.add(p.getFileName().toString());
            }
            return new TrainingRecipe.Data("cifar10", folder.toString(), null, names, null, seed, testFraction, "CIFAR-10 in " + folder, null);
        }
        if (source instanceof DataSource.Cifar100Folder c) {
            Path folder = c.folder().toAbsolutePath().normalize();
            return new TrainingRecipe.Data("cifar100", folder.toString(), null, List.of(), null, seed, 0, "CIFAR-100 in " + folder, null);
        }
        if (source instanceof DataSource.Folder f) {
            Path root = f.root().toAbsolutePath().normalize();
            // train.py reads train/ and test/ sub-folders itself; without them it holds out the test set.
            return new TrainingRecipe.Data("images", root.toString(), null, List.of(), null, seed, testFraction, "image folder " + root, null);
        }
        throw new IllegalArgumentException("train.py cannot read " + source.title());
    }
}
