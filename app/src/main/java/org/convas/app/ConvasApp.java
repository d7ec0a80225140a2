package org.convas.app;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.convas.app.cli.NetworkSource;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
import org.convas.app.cli.UsageException;
import org.convas.engine.spec.SpecFormatException;
import org.convas.samples.Presets;

import java.io.IOException;
import java.util.List;

/**
 * The JavaFX application: one main window on the network given on the command line ({@code gui [preset|file.json]}),
 * or on the default preset. Started through {@link Main}, which is not an {@code Application} so the shaded
 * jar runs with JavaFX on the class path.
 */
public final class ConvasApp extends Application {

    @Override
    public void start(Stage stage) throws UsageException, SpecFormatException, IOException {
        MainViewModel model = new MainViewModel(Presets.all(), initialNetwork());
        MainWindow window = new MainWindow(model);
        TrainingViewModel training = TrainingViewModel.forWindow(model.specProperty(), model::setSpec);
        window.setTrainingView(new TrainingWorkspace(training));
        // Closing the window cancels a run: its threads end at the next batch, nothing outlives the window.
        stage.setOnHidden(e -> training.shutdown());
        window.setOnQuit(Platform::exit);
        stage.setScene(new Scene(window, 1280, 760));
        stage.titleProperty().bind(model.titleProperty());
        stage.setMinWidth(720);
        stage.setMinHeight(420);
        stage.show();
    }

    /** The first raw parameter (GuiCommand has checked it already), else the default preset. */
    private NetworkSource initialNetwork() throws UsageException, SpecFormatException, IOException {
        List<String> raw = getParameters() == null ? List.of() : getParameters().getRaw();
        return NetworkSource.resolve(raw.isEmpty() ? Presets.DEFAULT : raw.get(0));
    }
}
