package org.convas.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
import org.convas.app.cli.NetworkSource;
import org.convas.app.exchange.ExchangeMenu;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
import org.convas.app.teach.Teaching;
import org.convas.app.cli.UsageException;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.train.Warmup;
import org.convas.samples.Presets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The JavaFX application: one main window on the network given on the command line ({@code gui [preset|file.json]}),
 * or on the default preset. Started through {@link Main}, which is not an {@code Application} so the shaded
 * jar runs with JavaFX on the class path.
 */
public final class ConvasApp extends Application {

    private DesignerView designer;

    @Override
    public void start(Stage stage) throws UsageException, SpecFormatException, IOException {
        NetworkSource initial = initialNetwork();
        MainViewModel model = new MainViewModel(Presets.all(), initial);
        MainWindow window = new MainWindow(model);
        designer = DesignerView.create(new DocumentModel(DocumentModel.defaultBaseDirectory()));
        // "convas gui model.onnx": the designer opens its network and the Train tab its weights (imported below).
        boolean onnx = initial.file() != null && initial.file().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        if (initial.file() != null && !onnx) designer.viewModel().open(initial.file());
        else if (initial.preset() != null) designer.viewModel().newFrom(initial.preset());
        else designer.viewModel().newFrom(initial.spec());
        window.mountDesigner(designer);
        // The workspace trains the network on show; a network loaded with a checkpoint becomes a new document. Every
        // other document starts the workspace's views again, and before one replaces this network (or the window
        // closes) the workspace asks about a run still going or trained weights not saved.
        Path home = DocumentModel.defaultBaseDirectory();
        TrainingViewModel training = TrainingViewModel.forWindow(model.specProperty(), spec -> designer.viewModel().newFrom(spec),
                home.resolve("autosave-training"));
        TrainingWorkspace workspace = new TrainingWorkspace(training);
        window.setTrainingView(workspace);
        designer.viewModel().documentsLoadedProperty().addListener((obs, old, now) -> training.documentReplaced());
        designer.setDocumentGuard(workspace::confirmLeave);
        // File ▸ Export Network / Import Model (PyTorch, ONNX). An imported model replaces the document, so it asks
        // first, as opening a file does (a run going, trained weights or designer edits not saved).
        ExchangeMenu exchange = ExchangeMenu.forWindow(() -> designer.viewModel().spec(), training, () -> stage,
                action -> designer.confirmClose(action));
        designer.addFileItems(exchange.items());
        if (onnx) exchange.importOnnx(initial.file());
        Teaching teaching = Teaching.install(window, designer, workspace.activationView(), training.snapshotProperty());
        // Closing the window cancels a run: its threads end at the next batch, nothing outlives the window.
        stage.setOnHidden(e -> training.shutdown());
        // Quit goes through the close request, so unsaved work is asked about exactly as when the window closes.
        window.setOnQuit(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        // The presentation zoom (View menu) wraps the whole window. Where it was last time (or 1440×900 centred), and
        // kept so under window managers that shrink it; the scene starts at that size (see initialBounds).
        WindowPlacement placement = WindowPlacement.inHome(home);
        WindowPlacement.Bounds bounds = placement.initialBounds();
        stage.setScene(new Scene(teaching.zoomable(stage), bounds.width(), bounds.height()));
        designer.attachTo(stage);
        placement.apply(stage);
        stage.show();
        // As the designer's recovery prompt: once the window has its size (a dialog at once can catch it shrunk).
        javafx.animation.PauseTransition settled = new javafx.animation.PauseTransition(javafx.util.Duration.millis(400));
        settled.setOnFinished(e -> javafx.application.Platform.runLater(workspace::offerRecovery)); // showAndWait: not in an animation
        settled.play();
        // While the user looks at the network, the JIT compiles the training kernels, so the first batch is not slowed
        // by interpreted kernels (docs/performance.md, "Figures behind choices in the code").
        Warmup.startInBackground();
    }

    @Override
    public void stop() {
        if (designer != null) designer.viewModel().close(designer.viewModel().isDirty());
    }

    /** The first raw parameter (GuiCommand has checked it already), else the default preset. */
    private NetworkSource initialNetwork() throws UsageException, SpecFormatException, IOException {
        List<String> raw = getParameters() == null ? List.of() : getParameters().getRaw();
        return NetworkSource.resolve(raw.isEmpty() ? Presets.DEFAULT : raw.get(0));
    }
}
