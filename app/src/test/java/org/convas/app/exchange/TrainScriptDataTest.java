package org.convas.app.exchange;

import org.convas.app.training.DataSource;
import org.convas.engine.exchange.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What train.py is told about each kind of data source: a source with a test part keeps it; one without holds out
 * {@link DataSource#TEST_FRACTION} with the seed Convas loads it with (TrainScriptTest runs train.py on such a source
 * and finds Convas's test and validation images).
 */
class TrainScriptDataTest {

    @Test
    void sourcesWithoutATestPartHoldOutConvassTestShareWithItsSeed(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("images/cat"));
        TrainingRecipe.Data folder = TrainScriptData.of(new DataSource.Folder(classes.getParent()), 9);
        assertEquals("images", folder.kind());
        assertEquals(classes.getParent().toAbsolutePath().normalize().toString(), folder.path());
        assertEquals(DataSource.TEST_FRACTION, folder.testFraction());
        assertEquals(9, folder.seed());

        Path images = Files.writeString(dir.resolve("train-images-idx3-ubyte"), "");
        Files.writeString(dir.resolve("train-labels-idx1-ubyte"), "");
        TrainingRecipe.Data idx = TrainScriptData.of(new DataSource.IdxFile(images), 9);
        assertEquals("idx-file", idx.kind());
        assertTrue(idx.labels().endsWith("train-labels-idx1-ubyte"), idx.labels());
        assertEquals(DataSource.TEST_FRACTION, idx.testFraction());

        Path batch = Files.writeString(dir.resolve("data_batch_1.bin"), "");
        TrainingRecipe.Data cifar = TrainScriptData.of(new DataSource.CifarFiles(List.of(batch)), 9);
        assertEquals("cifar10", cifar.kind());
        assertNull(cifar.test());
        assertEquals(List.of("data_batch_1.bin"), cifar.files());
        assertEquals(DataSource.TEST_FRACTION, cifar.testFraction());
    }

    @Test
    void sourcesWithATestPartKeepIt(@TempDir Path dir) throws Exception {
        TrainingRecipe.Data cifar = TrainScriptData.of(new DataSource.CifarFolder(dir), 9);
        assertEquals("test_batch.bin", cifar.test());
        assertEquals(0, cifar.testFraction());
        TrainingRecipe.Data idx = TrainScriptData.of(new DataSource.IdxFolder(dir), 9);
        assertEquals("idx", idx.kind());
        assertEquals(0, idx.testFraction());
    }

    @Test
    void cifarBatchesInTwoFoldersAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("data_batch_1.bin"), "");
        Path b = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("data_batch_2.bin"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainScriptData.of(new DataSource.CifarFiles(List.of(a, b)), 9));
        assertEquals("the CIFAR batch files must be in one folder for train.py", e.getMessage());
    }
}
