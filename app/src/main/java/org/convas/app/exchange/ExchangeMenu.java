package org.convas.app.exchange;

import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.convas.app.ErrorDialog;
import org.convas.app.training.DataPreparation;
import org.convas.app.training.DataSource;
import org.convas.app.training.TrainingViewModel;
import org.convas.engine.data.DatasetException;
import org.convas.engine.exchange.ExchangeException;
import org.convas.engine.exchange.ImportedNetwork;
import org.convas.engine.exchange.OnnxExport;
import org.convas.engine.exchange.OnnxImport;
import org.convas.engine.exchange.PyTorchExport;
import org.convas.engine.exchange.PyTorchImport;
import org.convas.engine.exchange.TrainingRecipe;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.ReadFiles;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * File ▸ Export Network ▸ PyTorch… / ONNX… and File ▸ Import Model ▸ ONNX Model… / PyTorch Weights…: the designer's
 * network, with the Train tab's weights and data settings, out to PyTorch or ONNX; a model trained elsewhere into the
 * designer and the Train tab. The work runs on a background thread (a VGG's weights are half a gigabyte); the result
 * or the reason it failed comes back in a dialog. An import replaces the document, so once the file is read it asks
 * the window's guard first ({@code DesignerView.confirmClose}: a run going, trained weights or edits not saved); a
 * file that cannot be read changes nothing and asks nothing.
 */
public final class ExchangeMenu {

    private final Supplier<NetworkSpec> spec;
    private final TrainingViewModel training;
    private final Supplier<Window> window;
    private final Executor background;
    private final Executor fx;
    private final Dialogs dialogs;
    private final Predicate<String> replaceGuard;

    /** How results and questions reach the user: alerts in the window, a recorder in tests. */
    public interface Dialogs {
        void info(String title, String text);

        void error(String title, String text);

        boolean confirm(String question);
    }

    /**
     * @param spec     the designer's current network
     * @param training the Train tab: its weights and settings go out, imported models come in
     */
    public ExchangeMenu(Supplier<NetworkSpec> spec, TrainingViewModel training, Supplier<Window> window, Executor background, Executor fx,
                        Dialogs dialogs) {
        this(spec, training, window, background, fx, dialogs, action -> true);
    }

    /**
     * @param replaceGuard asked (with what is about to happen, "import model.onnx") before an imported model replaces
     *                     the document; false keeps everything as it is
     */
    public ExchangeMenu(Supplier<NetworkSpec> spec, TrainingViewModel training, Supplier<Window> window, Executor background, Executor fx,
                        Dialogs dialogs, Predicate<String> replaceGuard) {
        this.spec = spec;
        this.training = training;
        this.window = window;
        this.background = background;
        this.fx = fx;
        this.dialogs = dialogs;
        this.replaceGuard = java.util.Objects.requireNonNull(replaceGuard);
    }

    /**
     * For the window: a daemon thread, results on the FX thread, the designer's {@code confirmClose} as the guard
     * before an import replaces the document.
     */
    public static ExchangeMenu forWindow(Supplier<NetworkSpec> spec, TrainingViewModel training, Supplier<Window> window,
                                         Predicate<String> replaceGuard) {
        Executor worker = r -> {
            Thread t = new Thread(r, "convas-exchange");
            t.setDaemon(true);
            t.start();
        };
        return new ExchangeMenu(spec, training, window, worker, Platform::runLater, new Alerts(window), replaceGuard);
    }

    /** The Export and Import submenus, for the File menu. */
    public List<MenuItem> items() {
        Menu export = new Menu("Export Network");
        export.setId("menu-export");
        export.getItems().addAll(item("PyTorch (model.py, train.py)…", "menu-export-pytorch", this::chooseAndExportPyTorch),
                item("ONNX…", "menu-export-onnx", this::chooseAndExportOnnx));
        Menu imports = new Menu("Import Model");
        imports.setId("menu-import");
        imports.getItems().addAll(item("ONNX Model…", "menu-import-onnx", this::chooseAndImportOnnx),
                item("PyTorch Weights (.pt)…", "menu-import-pytorch", this::chooseAndImportPyTorch));
        return List.of(export, imports);
    }

    private static MenuItem item(String text, String id, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setId(id);
        m.setOnAction(e -> action.run());
        return m;
    }

    // ---------------------------------------------------------------- export

    private void chooseAndExportPyTorch() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export to PyTorch: choose a folder for model.py and train.py");
        File dir = chooser.showDialog(window.get());
        if (dir != null) exportPyTorch(dir.toPath());
    }

    /**
     * Writes model.py, train.py, network.json (and weights.pt when the Train tab holds weights of this network) into a
     * folder, with the Train tab's data and settings; asks before replacing an earlier export there.
     */
    public void exportPyTorch(Path dir) {
        NetworkSpec net = spec.get();
        if (Files.exists(dir.resolve(PyTorchExport.MODEL)) && !confirm("Replace the model.py and train.py in " + dir + "?")) return;
        TrainingRecipe.Validation validation;
        TrainingRecipe recipe;
        try {
            DataSource source = training.data().dataSourceProperty().get();
            if (source == null) throw new IllegalArgumentException("choose the data in the Train tab first");
            // As the Train tab: the source's test part (or a held-out test set), and validation images held out of the
            // training images, stratified with the fixed split seed.
            validation = TrainingRecipe.Validation.HOLDOUT;
            recipe = new TrainingRecipe(TrainScriptData.of(source, TrainingViewModel.SPLIT_SEED), validation, DataPreparation.VALIDATION_FRACTION,
                    TrainingViewModel.SPLIT_SEED, 0, training.data().normalisationProperty().get(), training.settings().augmentation(),
                    training.settings().settings());
        } catch (IllegalArgumentException | DatasetException e) {
            error("Cannot export to PyTorch", "Check the Train tab's settings: " + e.getMessage());
            return;
        }
        Model weights = weightsFor(net);
        background.execute(() -> {
            try {
                List<Path> files = PyTorchExport.write(dir, net, net.name(), recipe, weights);
                List<String> names = new ArrayList<>();
                for (Path f : files) names.add(f.getFileName().toString());
                fx.execute(() -> info("Exported " + net.name() + " to PyTorch", "Wrote " + String.join(", ", names) + " in " + dir + "."
                        + (weights == null ? "\nNo weights.pt: the Train tab holds no weights of this network yet." : "")
                        + "\n\nTrain it on one CPU or GPU:  python3 train.py\nor on N processes:  torchrun --nproc_per_node=N train.py"
                        + "\n(README.md in the folder lists the options.)"));
            } catch (ExchangeException | IOException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> error("Cannot export " + net.name() + " to PyTorch", ReadFiles.message(e)));
            }
        });
    }

    private void chooseAndExportOnnx() {
        NetworkSpec net = spec.get();
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export to ONNX");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX model (*.onnx)", "*.onnx"));
        chooser.setInitialFileName((net.name().isBlank() ? "network" : net.name().replaceAll("[^A-Za-z0-9._-]+", "-")) + ".onnx");
        File file = chooser.showSaveDialog(window.get());
        if (file != null) exportOnnx(file.toPath().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")
                ? file.toPath() : file.toPath().resolveSibling(file.getName() + ".onnx"));
    }

    /** Writes the network with the Train tab's weights (or freshly initialised ones, said so) as an ONNX file. */
    public void exportOnnx(Path file) {
        NetworkSpec net = spec.get();
        Model trained = weightsFor(net);
        background.execute(() -> {
            try {
                Model m = trained != null ? trained : Model.create(net, Initializer.of(net.weightInit()), 1);
                OnnxExport.write(file, m);
                long kib = Files.size(file) / 1024;
                fx.execute(() -> info("Exported " + net.name() + " to ONNX", "Wrote " + file + " (opset " + OnnxExport.OPSET + ", "
                        + String.format(Locale.ROOT, "%,d", kib) + " KiB)" + (trained != null ? " with the Train tab's weights."
                        : " with freshly initialised weights: the Train tab holds no weights of this network yet.")));
            } catch (ExchangeException | IOException | RuntimeException | OutOfMemoryError e) { // a ModelException is a RuntimeException
                fx.execute(() -> error("Cannot export " + net.name() + " to ONNX", ReadFiles.message(e)));
            }
        });
    }

    /**
     * The Train tab's weights if they fit this network (not while a run changes them): a copy on the designer's network
     * when its name, layout or frozen blocks differ, so the export says what the designer shows.
     */
    private Model weightsFor(NetworkSpec net) {
        Model m = training.currentModel();
        return m != null && m.spec().sameWeightsAs(net) ? (m.spec().equals(net) ? m : copyOnto(m, net)) : null;
    }

    private static Model copyOnto(Model m, NetworkSpec net) {
        Model copy = Model.create(net, Initializer.HE, 0);
        m.tensors().forEach(copy::setTensor);
        return copy;
    }

    // ---------------------------------------------------------------- import

    private void chooseAndImportOnnx() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import an ONNX model");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX model (*.onnx)", "*.onnx"));
        File file = chooser.showOpenDialog(window.get());
        if (file != null) importOnnx(file.toPath());
    }

    /** Opens an ONNX model: its network in the designer, its weights in the Train tab. */
    public void importOnnx(Path file) {
        background.execute(() -> {
            try {
                ImportedNetwork imported = OnnxImport.read(file);
                Model model = imported.toModel();
                fx.execute(() -> {
                    if (!use(model, file)) return;
                    if (!imported.notes().isEmpty()) info("Imported " + file.getFileName(), String.join("\n", imported.notes()));
                });
            } catch (ExchangeException | IOException | RuntimeException | OutOfMemoryError e) { // a ModelException is a RuntimeException
                fx.execute(() -> error("Cannot import " + file.getFileName(), ReadFiles.message(e)));
            }
        });
    }

    private void chooseAndImportPyTorch() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import PyTorch weights (a state_dict of an exported model.py)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PyTorch weights (*.pt, *.pth)", "*.pt", "*.pth"));
        File file = chooser.showOpenDialog(window.get());
        if (file != null) importPyTorch(file.toPath());
    }

    /**
     * Reads a state_dict written by an exported model.py (trained.pt, weights.pt, checkpoint/last.pt) into the network
     * of the network.json beside it, or, when there is none, into the designer's network.
     */
    public void importPyTorch(Path file) {
        NetworkSpec current = spec.get();
        background.execute(() -> {
            try {
                NetworkSpec net;
                try {
                    net = PyTorchImport.networkBeside(file);
                } catch (ExchangeException noJson) {
                    net = current;
                }
                Model model = PyTorchImport.read(file, net);
                fx.execute(() -> use(model, file));
            } catch (ExchangeException | IOException | RuntimeException | OutOfMemoryError e) { // a ModelException is a RuntimeException
                fx.execute(() -> error("Cannot import " + file.getFileName(), ReadFiles.message(e)));
            }
        });
    }

    /** The read model replaces the document once the guard agrees; false when the person kept the document. */
    private boolean use(Model model, Path file) {
        if (!replaceGuard.test("import " + file.getFileName())) return false;
        training.useImportedModel(model, file.getFileName().toString());
        return true;
    }

    // ---------------------------------------------------------------- dialogs

    private boolean confirm(String question) {
        return dialogs.confirm(question);
    }

    private void info(String title, String text) {
        dialogs.info(title, text);
    }

    private void error(String title, String text) {
        dialogs.error(title, text);
    }

    /**
     * Alerts owned by the window and centred on it ({@link org.convas.app.designer.Dialogs#ownedBy}); errors in the
     * window's {@link ErrorDialog}. The result dialogs do not block, the question does.
     */
    private record Alerts(Supplier<Window> window) implements Dialogs {
        @Override
        public boolean confirm(String question) {
            Alert a = org.convas.app.designer.Dialogs.ownedBy(new Alert(Alert.AlertType.CONFIRMATION, question, ButtonType.OK,
                    ButtonType.CANCEL), window.get());
            return a.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
        }

        @Override
        public void info(String title, String text) {
            Alert a = org.convas.app.designer.Dialogs.ownedBy(new Alert(Alert.AlertType.INFORMATION, text, ButtonType.OK), window.get());
            a.setHeaderText(title);
            a.setTitle(title);
            a.getDialogPane().setMinWidth(520);
            a.getDialogPane().setId("exchange-info");
            a.show();
        }

        @Override
        public void error(String title, String text) {
            ErrorDialog.show(window.get(), title, title, text);
        }
    }
}
