package org.convas.app;

import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.convas.app.designer.DesignerApp;
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
import org.convas.app.cli.NetworkSource;
import org.convas.app.exchange.ExchangeMenu;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
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
        designer = DesignerApp.create(new DocumentModel(DocumentModel.defaultBaseDirectory()));
        boolean onnx = initial.file() != null && initial.file().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
        if (initial.file() != null && !onnx) designer.viewModel().open(initial.file());
        else designer.viewModel().newFrom(initial.spec());
        window.mountDesigner(designer);
        // The workspace trains the network on show; a network loaded with a checkpoint becomes a new document.
        TrainingViewModel training = TrainingViewModel.forWindow(model.specProperty(), spec -> designer.viewModel().newFrom(spec));
        window.setTrainingView(new TrainingWorkspace(training));
        // File ▸ Export Network / Import Model (PyTorch, ONNX), before the window's Quit.
        ExchangeMenu exchange = ExchangeMenu.forWindow(() -> designer.viewModel().spec(), training, () -> stage);
        javafx.scene.control.Menu file = window.fileMenu();
        int at = file.getItems().size();
        for (int i = 0; i < file.getItems().size(); i++) if ("menu-quit".equals(file.getItems().get(i).getId())) at = i - 1;
        List<javafx.scene.control.MenuItem> items = new java.util.ArrayList<>(List.of(new javafx.scene.control.SeparatorMenuItem()));
        items.addAll(exchange.items());
        file.getItems().addAll(Math.max(0, at), items);
        // "convas gui model.onnx": the network opened above, and its weights in the Train tab.
        if (onnx) exchange.importOnnx(initial.file());
        // Closing the window cancels a run: its threads end at the next batch, nothing outlives the window.
        stage.setOnHidden(e -> training.shutdown());
        // Quit goes through the close request, so unsaved work is asked about exactly as when the window closes.
        window.setOnQuit(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        // As large as the work wants (1440×900), but never larger than the screen it opens on.
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        stage.setScene(new Scene(window, Math.min(1440, screen.getWidth()), Math.min(900, screen.getHeight())));
        designer.attachTo(stage);
        stage.setMinWidth(720);
        stage.setMinHeight(420);
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
