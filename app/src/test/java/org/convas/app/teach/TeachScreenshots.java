package org.convas.app.teach;

import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.TabPane;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.convas.app.ConvasApp;
import org.convas.app.MainWindow;
import org.convas.app.designer.DesignerView;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
import org.convas.samples.Presets;
import org.convas.visualizer.inspect.ActivationView;

import javax.imageio.ImageIO;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes the README's Teach-mode screenshots from the real application ({@link ConvasApp}), driven through its
 * menus and controls as a user would, snapshotted to PNG. Run under {@code xvfb-run -a} with the test class path:
 * {@code java --add-modules jdk.incubator.vector -cp app/target/convas.jar:app/target/test-classes
 * org.convas.app.teach.TeachScreenshots docs}. It trains the tiny Fashion-MNIST net for one epoch on the way.
 */
public final class TeachScreenshots {

    private static String outDir = "docs";

    private TeachScreenshots() { }

    public static void main(String[] args) {
        if (args.length > 0) outDir = args[0];
        Application.launch(App.class, args);
    }

    /** The application itself; the launcher above is not an Application, so JavaFX may sit on the class path. */
    public static final class App extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            new ConvasApp().start(stage);
            stage.setWidth(1440);
            stage.setHeight(880);
            shoot(stage);
        }
    }

    static void shoot(Stage stage) {
        PresentationZoom zoom = (PresentationZoom) stage.getScene().getRoot();
        MainWindow window = (MainWindow) zoom.content();
        DesignerView designer = (DesignerView) window.getCenterView();
        ExplorerView explorer = find(window, ExplorerView.class);
        TrainingWorkspace workspace = find(window, TrainingWorkspace.class);
        TrainingViewModel training = workspace.viewModel();
        TabPane modes = find(window, TabPane.class, "mode-tabs");

        List<Consumer<Runnable>> steps = new ArrayList<>();
        steps.add(next -> {
            fire(window, "menu-teach-stride3");
            explorer.viewModel().goTo(2);
            later(() -> shot(stage, "screenshot-teach-stride3.png", next));
        });
        steps.add(next -> {
            fire(window, "menu-teach-example-demo");
            explorer.viewModel().goTo(4);
            later(() -> shot(stage, "screenshot-teach-demo.png", next));
        });
        steps.add(next -> {
            fire(window, "menu-compare-inception");
            later(() -> shot(stage, "screenshot-teach-compare.png", next));
        });
        steps.add(next -> {
            modes.getSelectionModel().select(0);
            designer.viewModel().select("conv1");
            later(() -> shot(stage, "screenshot-teach-inspector.png", next));
        });
        steps.add(next -> {
            zoom.setZoom(1.5);
            fire(window, "menu-teach-example-maxpool");
            explorer.viewModel().goTo(1);
            later(() -> shot(stage, "screenshot-teach-zoom.png", next));
        });
        // The Train tab: the tiny Fashion-MNIST net trained for one epoch, a receptive field, then conv2 stepped through.
        steps.add(next -> {
            zoom.reset();
            designer.newFrom(Presets.find("fmnist-tiny").orElseThrow());
            training.settings().epochsProperty().set(1);
            training.prepareData();
            waitUntil(() -> training.data().preparedDataProperty().get() != null, () -> {
                training.start();
                waitUntil(() -> training.getState() == TrainingViewModel.RunState.FINISHED, () -> {
                    training.requestSnapshot();
                    waitUntil(() -> training.snapshotProperty().get() != null && workspace.activationView().layerCount() > 3, () -> {
                        window.showTraining();
                        later(() -> {
                            ActivationView view = workspace.activationView();
                            view.selectActivation(indexOf(view, "conv2"), 3, 6, 9);
                            later(() -> shot(stage, "screenshot-teach-receptive-field.png", next));
                        });
                    });
                });
            });
        });
        steps.add(next -> {
            designer.viewModel().select("conv2");
            fire(window, "menu-teach-selected");
            explorer.viewModel().goTo(explorer.viewModel().walk().stepOf(3, 6, 9));
            later(() -> shot(stage, "screenshot-teach-network.png", next));
        });
        run(steps, 0, () -> {
            designer.viewModel().close(false);
            training.shutdown();
            Platform.exit();
        });
    }

    private static void fire(MainWindow window, String id) {
        window.menus().getMenus().stream().flatMap(m -> m.getItems().stream())
                .flatMap(i -> i instanceof Menu sub ? Stream.concat(Stream.of(i), sub.getItems().stream()) : Stream.of(i))
                .filter(i -> id.equals(i.getId())).findFirst().map(i -> {
                    i.fire();
                    return i;
                }).orElseThrow(() -> new IllegalStateException("no menu item " + id));
    }

    private static <T extends Node> T find(Node root, Class<T> type) {
        return find(root, type, null);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Node> T find(Node root, Class<T> type, String id) {
        if (type.isInstance(root) && (id == null || id.equals(root.getId()))) return (T) root;
        List<Node> children = new ArrayList<>();
        if (root instanceof javafx.scene.Parent p) children.addAll(p.getChildrenUnmodifiable());
        if (root instanceof TabPane tabs) tabs.getTabs().forEach(t -> {
            if (t.getContent() != null) children.add(t.getContent());
        });
        if (root instanceof javafx.scene.control.SplitPane split) children.addAll(split.getItems());
        if (root instanceof javafx.scene.control.ScrollPane scroll && scroll.getContent() != null) children.add(scroll.getContent());
        for (Node c : children) {
            T found = find(c, type, id);
            if (found != null) return found;
        }
        return null;
    }

    private static int indexOf(ActivationView view, String name) {
        for (int i = 0; i < view.layerCount(); i++) if (view.layerTitle(i).startsWith(name + " ")) return i;
        throw new IllegalStateException("no layer " + name);
    }

    /** Polls on the FX thread every 200 ms until the condition holds (at most 3 minutes). */
    private static void waitUntil(BooleanSupplier condition, Runnable then) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        Timeline poll = new Timeline();
        poll.getKeyFrames().add(new KeyFrame(Duration.millis(200), e -> {
            if (condition.getAsBoolean()) {
                poll.stop();
                then.run();
            } else if (System.nanoTime() > deadline) {
                poll.stop();
                throw new IllegalStateException("timed out");
            }
        }));
        poll.setCycleCount(Animation.INDEFINITE);
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
        Timeline t = new Timeline(new KeyFrame(Duration.millis(900), e -> r.run()));
        t.play();
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
