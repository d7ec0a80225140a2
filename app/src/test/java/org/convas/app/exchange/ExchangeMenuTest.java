package org.convas.app.exchange;

import javafx.beans.property.ReadOnlyObjectWrapper;
import org.convas.app.training.TrainingViewModel;
import org.convas.engine.exchange.OnnxImport;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.OptimizerSettings;
import org.convas.samples.SmallNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File ▸ Export Network and Import Model without a window: work and deliveries run on the test thread, the dialogs
 * are recorded. The designer's network is a property the Train tab's sink sets, as in the window.
 */
class ExchangeMenuTest {

    private final ReadOnlyObjectWrapper<NetworkSpec> spec = new ReadOnlyObjectWrapper<>(SmallNetworks.fashionTiny());
    private final List<String> dialogs = new ArrayList<>();
    private final TrainingViewModel training = new TrainingViewModel(spec.getReadOnlyProperty(), spec::set, Runnable::run, Runnable::run,
            System::nanoTime, () -> { });
    private final ExchangeMenu menu = new ExchangeMenu(spec::get, training, () -> null, Runnable::run, Runnable::run,
            new ExchangeMenu.Dialogs() {
                @Override
                public void info(String title, String text) {
                    dialogs.add("info: " + title + ": " + text);
                }

                @Override
                public void error(String title, String text) {
                    dialogs.add("error: " + title + ": " + text);
                }

                @Override
                public boolean confirm(String question) {
                    dialogs.add("confirm: " + question);
                    return true;
                }
            });

    @Test
    void exportsThePyTorchProjectWithTheTrainTabsSettings(@TempDir Path dir) throws Exception {
        training.settings().optimizerProperty().set(OptimizerSettings.Kind.ADAM);
        training.settings().learningRateProperty().set(0.004);
        training.settings().batchSizeProperty().set(16);
        training.settings().epochsProperty().set(2);
        training.settings().shiftProperty().set(1);
        menu.exportPyTorch(dir);
        assertEquals(1, dialogs.size(), dialogs.toString());
        assertTrue(dialogs.get(0).startsWith("info: Exported Tiny Fashion-MNIST net to PyTorch"), dialogs.get(0));
        assertTrue(dialogs.get(0).contains("No weights.pt"), dialogs.get(0));
        String train = Files.readString(dir.resolve("train.py"));
        // As the Train tab: validation images held out of the training images (10 % of each class, the fixed split
        // seed); the bundled set's test part stays the test set.
        for (String s : new String[] {"\"kind\": \"adam\"", "\"lr\": 0.004", "\"batch\": 16", "\"epochs\": 2", "\"shift\": 1",
                "\"validation\": \"holdout\"", "\"validation_fraction\": 0.1", "\"split_seed\": 1"}) {
            assertTrue(train.contains(s), s);
        }
        assertTrue(Files.isRegularFile(dir.resolve("data/t10k-images-idx3-ubyte.gz")));
        assertFalse(Files.exists(dir.resolve("weights.pt")));
        menu.exportPyTorch(dir);
        assertTrue(dialogs.get(1).startsWith("confirm: Replace the model.py"), dialogs.toString());
    }

    @Test
    void anImportedOnnxModelOpensInTheDesignerAndTheTrainTabAndGoesOutAgainWithItsWeights(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("tiny.onnx");
        menu.exportOnnx(onnx);
        assertTrue(dialogs.get(0).contains("freshly initialised"), dialogs.toString());
        float[] exported = OnnxImport.read(onnx).toModel().tensor("conv1.weight");

        spec.set(SmallNetworks.lenetFashion()); // the user has moved on to another network
        training.prepareData();
        menu.importOnnx(onnx);
        assertEquals("Tiny Fashion-MNIST net", spec.get().name(), "the designer shows the imported network");
        Model shown = training.currentModel();
        assertNotNull(shown);
        assertArrayEquals(exported, shown.tensor("conv1.weight"));
        assertTrue(training.getMessage().text().startsWith("Imported tiny.onnx"), training.getMessage().text());
        assertNotNull(training.validationReportProperty().get(), "the confusion matrix of the imported weights");

        Path py = dir.resolve("py");
        menu.exportPyTorch(py);
        assertTrue(Files.isRegularFile(py.resolve("weights.pt")), dialogs.toString());
    }

    @Test
    void anImportAsksTheWindowFirstAndARefusalKeepsTheDocument(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("tiny.onnx");
        menu.exportOnnx(onnx);
        spec.set(SmallNetworks.lenetFashion());
        List<String> asked = new ArrayList<>();
        ExchangeMenu guarded = new ExchangeMenu(spec::get, training, () -> null, Runnable::run, Runnable::run, new ExchangeMenu.Dialogs() {
            @Override
            public void info(String title, String text) {
                dialogs.add("info: " + title);
            }

            @Override
            public void error(String title, String text) {
                dialogs.add("error: " + title + ": " + text);
            }

            @Override
            public boolean confirm(String question) {
                return true;
            }
        }, action -> {
            asked.add(action);
            return false; // the person chose Cancel (unsaved edits or trained weights)
        });
        guarded.importOnnx(onnx);
        assertEquals(List.of("import tiny.onnx"), asked, "the designer's confirmClose is asked, with what is about to happen");
        assertEquals(SmallNetworks.lenetFashion(), spec.get(), "the document stays");
        assertNull(training.currentModel());

        // A file that cannot be read asks nothing: nothing would be replaced.
        guarded.importPyTorch(Files.writeString(dir.resolve("trained.pt"), "not a zip"));
        assertEquals(1, asked.size());
        assertTrue(dialogs.get(dialogs.size() - 1).startsWith("error: Cannot import trained.pt"), dialogs.toString());
    }

    @Test
    void aFileThatCannotBeReadGivesAnErrorThatNamesIt(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("trained.pt"), "not a zip");
        menu.importPyTorch(junk);
        assertEquals(1, dialogs.size());
        assertTrue(dialogs.get(0).startsWith("error: Cannot import trained.pt: ") && dialogs.get(0).contains("not a PyTorch weights file"),
                dialogs.get(0));
        assertNull(training.currentModel());
    }
}
