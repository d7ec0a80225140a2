package org.convas.app.cli;

import org.convas.app.exchange.TrainScriptData;
import org.convas.app.training.DataSource;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.exchange.TrainingRecipe;

import java.util.List;

/**
 * The {@code --data} argument of {@code train}: whatever {@link DataSource#find} finds (the workspace's finder),
 * loaded. Gives the training and test sets as published; the caller holds out validation images.
 *
 * @param data        training and test sets
 * @param description one line on what was loaded, for the user
 * @param notes       things the user should know (a test set held out, files skipped)
 */
record DataArgument(DatasetPair data, String description, List<String> notes) {

    /** Share of an image folder without train/ and test/ sub-folders that is held out as the test set. */
    static final double IMAGE_FOLDER_TEST_FRACTION = DataSource.TEST_FRACTION;

    static String bundledIds() {
        return DataSource.bundledIds();
    }

    /**
     * @throws UsageException   when the argument is neither a bundled id nor an existing folder (names the path)
     * @throws DatasetException when the files are there but cannot be read (names the file and the problem)
     */
    static DataArgument load(String argument, long seed) throws UsageException, DatasetException {
        DataSource source;
        try {
            source = DataSource.find(argument);
        } catch (DataSource.NotFound e) {
            throw new UsageException(e.getMessage());
        }
        DataSource.Loaded loaded = source.load(seed);
        return new DataArgument(loaded.pair(), loaded.description(), loaded.notes());
    }

    /** True when a folder holds MNIST-style IDX files (what {@link DataSource#find} reads as an IDX folder). */
    static boolean hasIdx(java.nio.file.Path folder) {
        return java.nio.file.Files.isRegularFile(folder.resolve("train-images-idx3-ubyte.gz"))
                || java.nio.file.Files.isRegularFile(folder.resolve("train-images-idx3-ubyte"));
    }

    /**
     * Where train.py finds the same images (for {@code export}): what {@link DataSource#find} finds, checked by
     * loading it as {@code train} would (the same messages), then described for train.py ({@link TrainScriptData}).
     */
    static TrainingRecipe.Data reference(String argument, long seed) throws UsageException, DatasetException {
        DataSource source;
        try {
            source = DataSource.find(argument);
        } catch (DataSource.NotFound e) {
            throw new UsageException(e.getMessage());
        }
        if (!(source instanceof DataSource.Bundled)) source.load(seed); // the same checks and messages as train
        try {
            return TrainScriptData.of(source, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--data " + argument + ": " + e.getMessage());
        }
    }
}
