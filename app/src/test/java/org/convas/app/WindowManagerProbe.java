package org.convas.app;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import org.convas.app.designer.DesignerView;

import java.util.ArrayList;
import java.util.List;

/**
 * The real application on a real X display with a real window manager, for {@link WindowManagerTest}: opens
 * the main window as {@code ./convas} does and prints, one line each, where the window is once it settled,
 * then with a dialog open and where the dialog is, after the dialog closed, and after moving and resizing it;
 * then it closes the window and opens a new one, as the next start would, and reports where that opened.
 * Argument: the Convas home folder.
 */
public final class WindowManagerProbe {

    private WindowManagerProbe() {
    }

    /** A plain main class: one that extends Application cannot start with JavaFX on the class path. */
    public static void main(String[] args) {
        System.setProperty("convas.home", args[0]);
        Application.launch(App.class, args);
    }

    public static final class App extends Application {

    private final List<Runnable> steps = new ArrayList<>();

    @Override
    public void start(Stage stage) throws Exception {
        Platform.setImplicitExit(false); // closing the first window must not end the program before the second opens
        new ConvasApp().start(stage);
        DesignerView designer = (DesignerView) ((MainWindow) ((org.convas.app.teach.PresentationZoom) stage.getScene().getRoot()).content()).getCenterView();
        steps.add(() -> report("settled", stage));
        steps.add(designer::showShortcuts);
        steps.add(() -> {
            report("with-dialog", stage);
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w != stage && w instanceof Stage s && s.getOwner() == stage) {
                    report("dialog", s);
                    s.close();
                }
            }
        });
        steps.add(() -> {
            report("after-dialog", stage);
            stage.setX(100);
            stage.setY(80);
            stage.setWidth(1200);
            stage.setHeight(800);
        });
        steps.add(() -> {
            report("moved", stage);
            stage.close(); // saves where it is
        });
        // The next start (a new window, as after a restart) opens where this one was closed.
        Stage again = new Stage();
        steps.add(() -> {
            try {
                new ConvasApp().start(again);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        steps.add(() -> report("settled", again));
        steps.add(() -> {
            again.close();
            Platform.exit();
        });
        next(2000);
    }

    private void next(double millis) {
        if (steps.isEmpty()) return;
        PauseTransition p = new PauseTransition(Duration.millis(millis));
        p.setOnFinished(e -> {
            steps.remove(0).run();
            next(steps.size() == 1 ? 0 : steps.size() == 2 ? 2000 : 1600);
        });
        p.play();
    }

    private static void report(String what, Window w) {
        System.out.printf("PROBE %s %.0f %.0f %.0f %.0f%n", what, w.getX(), w.getY(), w.getWidth(), w.getHeight());
    }
    }
}
