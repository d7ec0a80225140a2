package org.convas.app.teach;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.convas.app.MainViewModel;
import org.convas.app.MainWindow;
import org.convas.app.cli.NetworkSource;
import org.convas.app.designer.DesignerApp;
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
import org.convas.samples.Presets;
import org.convas.samples.teach.LectureComparisons;

import javax.imageio.ImageIO;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes the README's Teach-mode screenshots: the real main window, put together as {@code ConvasApp} does, driven
 * through Teach mode's own commands and snapshotted to PNG. Run under {@code xvfb-run -a} with the test class path:
 * {@code java -cp … org.convas.app.teach.TeachScreenshots docs}.
 */
public final class TeachScreenshots {

    private static String outDir = "docs";

    public static void main(String[] args) {
        if (args.length > 0) outDir = args[0];
        Application.launch(App.class, args);
    }

    /** The application itself; the launcher above is not an Application, so JavaFX may sit on the class path. */
    public static final class App extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            shoot(stage);
        }
    }

    static void shoot(Stage stage) throws Exception {
        Path home = Files.createTempDirectory("convas-shots");
        MainViewModel model = new MainViewModel(Presets.all(), new NetworkSource(Presets.lenet5(), Presets.find("lenet5").orElseThrow(), null));
        MainWindow window = new MainWindow(model);
        DesignerView designer = DesignerApp.create(new DocumentModel(home));
        designer.viewModel().newFrom(Presets.lenet5());
        window.mountDesigner(designer);
        TrainingViewModel training = TrainingViewModel.forWindow(model.specProperty(), spec -> designer.viewModel().newFrom(spec));
        TrainingWorkspace workspace = new TrainingWorkspace(training);
        window.setTrainingView(workspace);
        Teaching teaching = Teaching.install(window, designer, workspace.activationView(), training.snapshotProperty());
        PresentationZoom zoom = teaching.zoomable(stage);
        stage.setScene(new Scene(zoom, 1440, 880));
        stage.show();

        List<Consumer<Runnable>> steps = new ArrayList<>();
        steps.add(next -> {
            teaching.showExample("stride3");
            teaching.explorer().goTo(2);
            later(() -> shot(stage, "screenshot-teach-stride3.png", next));
        });
        steps.add(next -> {
            teaching.showExample("demo");
            teaching.explorer().goTo(4);
            later(() -> shot(stage, "screenshot-teach-demo.png", next));
        });
        steps.add(next -> {
            teaching.showComparison(LectureComparisons.inceptionModules());
            later(() -> shot(stage, "screenshot-teach-compare.png", next));
        });
        steps.add(next -> {
            window.showDesign();
            designer.selectedNodeIdProperty().set("conv1");
            designer.viewModel().select("conv1");
            later(() -> shot(stage, "screenshot-teach-inspector.png", next));
        });
        steps.add(next -> {
            zoom.setZoom(1.5);
            teaching.showExample("maxpool");
            teaching.explorer().goTo(1);
            later(() -> shot(stage, "screenshot-teach-zoom.png", next));
        });
        // The Train tab: the tiny Fashion-MNIST net trained for one epoch, a receptive field, then conv2 stepped through.
        steps.add(next -> {
            zoom.reset();
            designer.newFrom(Presets.find("fmnist-tiny").orElseThrow());
            training.epochsProperty().set(1);
            training.threadsProperty().set(2);
            training.prepareData();
            waitUntil(() -> training.preparedDataProperty().get() != null, () -> {
                training.start();
                waitUntil(() -> training.getState() == TrainingViewModel.RunState.FINISHED, () -> {
                    training.requestSnapshot();
                    waitUntil(() -> training.snapshotProperty().get() != null
                            && workspace.activationView().layerCount() > 3, () -> {
                        window.showTraining();
                        later(() -> {
                            int conv2 = indexOf(workspace.activationView(), "conv2");
                            workspace.activationView().selectActivation(conv2, 3, 6, 9);
                            later(() -> shot(stage, "screenshot-teach-receptive-field.png", next));
                        });
                    });
                });
            });
        });
        steps.add(next -> {
            designer.selectedNodeIdProperty().set("conv2");
            teaching.stepThroughSelection();
            teaching.explorer().goTo(teaching.explorer().walk().stepOf(3, 6, 9));
            later(() -> shot(stage, "screenshot-teach-network.png", next));
        });
        run(steps, 0, () -> {
            designer.viewModel().close(false);
            training.shutdown();
            Platform.exit();
        });
    }

    private static int indexOf(org.convas.visualizer.inspect.ActivationView view, String name) {
        for (int i = 0; i < view.layerCount(); i++) if (view.layerTitle(i).startsWith(name + " ")) return i;
        throw new IllegalStateException("no layer " + name);
    }

    /** Polls on the FX thread every 200 ms until the condition holds (at most 3 minutes). */
    private static void waitUntil(java.util.function.BooleanSupplier condition, Runnable then) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        javafx.animation.Timeline poll = new javafx.animation.Timeline();
        poll.getKeyFrames().add(new javafx.animation.KeyFrame(javafx.util.Duration.millis(200), e -> {
            if (condition.getAsBoolean()) {
                poll.stop();
                then.run();
            } else if (System.nanoTime() > deadline) {
                poll.stop();
                throw new IllegalStateException("timed out");
            }
        }));
        poll.setCycleCount(javafx.animation.Animation.INDEFINITE);
        poll.play();
    }

    private static void run(List<Consumer<Runnable>> steps, int i, Runnable done) {
        if (i == steps.size()) {
            done.run();
            return;
        }
        steps.get(i).accept(() -> run(steps, i + 1, done));
    }

    /** After a few pulses, so layout and CSS have settled. */
    private static void later(Runnable r) {
        new Thread(() -> {
            try {
                Thread.sleep(900);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Platform.runLater(r);
        }).start();
    }

    private static void shot(Stage stage, String name, Runnable next) {
        WritableImage image = stage.getScene().snapshot(null);
        try {
            File f = new File(outDir, name);
            ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", f);
            System.out.println("wrote " + f);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        next.run();
    }
}
