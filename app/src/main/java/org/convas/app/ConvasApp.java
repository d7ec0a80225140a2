package org.convas.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
import org.convas.app.cli.NetworkSource;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
import org.convas.app.teach.Teaching;
import org.convas.app.cli.UsageException;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.train.Warmup;
import org.convas.samples.Presets;

import java.io.IOException;
import java.util.List;

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
        if (initial.file() != null) designer.viewModel().open(initial.file());
        else if (initial.preset() != null) designer.viewModel().newFrom(initial.preset());
        else designer.viewModel().newFrom(initial.spec());
        window.mountDesigner(designer);
        // The workspace trains the network on show; a network loaded with a checkpoint becomes a new document.
        TrainingViewModel training = TrainingViewModel.forWindow(model.specProperty(), spec -> designer.viewModel().newFrom(spec));
        TrainingWorkspace workspace = new TrainingWorkspace(training);
        window.setTrainingView(workspace);
        Teaching teaching = Teaching.install(window, designer, workspace.activationView(), training.snapshotProperty());
        // Closing the window cancels a run: its threads end at the next batch, nothing outlives the window.
        stage.setOnHidden(e -> training.shutdown());
        // Quit goes through the close request, so unsaved work is asked about exactly as when the window closes.
        window.setOnQuit(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        // The presentation zoom (View menu) wraps the whole window; WindowPlacement below sizes the stage.
        stage.setScene(new Scene(teaching.zoomable(stage)));
        designer.attachTo(stage);
        // Where it was last time (or 1440×900 centred), and kept so under window managers that shrink it.
        WindowPlacement.inHome(DocumentModel.defaultBaseDirectory()).apply(stage);
        stage.show();
        // While the user looks at the network, the JIT compiles the training kernels (first batch ~1 s, not ~3.5).
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
