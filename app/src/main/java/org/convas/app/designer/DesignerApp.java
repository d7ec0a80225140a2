package org.convas.app.designer;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.convas.samples.Preset;
import org.convas.samples.Presets;

import java.nio.file.Path;
import java.util.List;

/**
 * The designer on its own window. Arguments: a network file to open, or {@code --preset=<key>} (e.g.
 * {@code --preset=lenet5}); {@code --home=<dir>} overrides {@code ~/.convas} (recent files, autosave);
 * {@code --select=<node id>} starts with that block selected (for screenshots and demos).
 * Launch through {@link #main} of a launcher class, not as a shaded jar's main class (JavaFX needs that).
 */
public final class DesignerApp extends Application {

    private DesignerView view;

    @Override
    public void start(Stage stage) {
        List<String> args = getParameters().getRaw();
        Path home = DocumentModel.defaultBaseDirectory();
        String preset = null;
        String select = null;
        Path file = null;
        for (String a : args) {
            if (a.startsWith("--home=")) home = Path.of(a.substring("--home=".length()));
            else if (a.startsWith("--preset=")) preset = a.substring("--preset=".length());
            else if (a.startsWith("--select=")) select = a.substring("--select=".length());
            else if (!a.startsWith("--")) file = Path.of(a);
        }
        view = create(new DocumentModel(home));
        DesignerViewModel vm = view.viewModel();
        if (file != null) {
            vm.open(file);
        } else {
            String key = preset == null ? Presets.DEFAULT : preset;
            Presets.find(key).map(Preset::spec).ifPresentOrElse(vm::newFrom,
                    () -> vm.newBlank());
        }
        if (select != null) vm.select(select);
        stage.setScene(new Scene(view, 1440, 900));
        view.attachTo(stage);
        stage.show();
    }

    /** A designer view with its view-model on a document store: what a main window mounts. */
    public static DesignerView create(DocumentModel documents) {
        return new DesignerView(new DesignerViewModel(documents));
    }

    @Override
    public void stop() {
        if (view != null) view.viewModel().close(view.viewModel().isDirty());
    }

    public static void main(String[] args) {
        launch(args);
    }
}
