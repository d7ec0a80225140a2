package org.convas.app.inspect;

import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.control.TabPane;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.convas.app.ConvasApp;
import org.convas.app.MainWindow;
import org.convas.app.designer.DesignerView;
import org.convas.app.teach.PresentationZoom;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingWorkspace;
import org.convas.samples.Presets;

import javax.imageio.ImageIO;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Writes the README's screenshots of the inspection tabs from the real application: it trains the tiny Fashion-MNIST net
 * for three epochs (one shot while it trains), then shows each tab. Run under {@code xvfb-run -a}:
 * {@code java --add-modules jdk.incubator.vector -cp app/target/convas.jar:app/target/test-classes
 * org.convas.app.inspect.InspectScreenshots docs}.
 */
public final class InspectScreenshots {

    private static String outDir = "docs";

    private InspectScreenshots() { }

    public static void main(String[] args) {
        if (args.length > 0) outDir = args[0];
        Application.launch(App.class, args);
    }

    public static final class App extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            new ConvasApp().start(stage);
            stage.setWidth(1440);
            stage.setHeight(900);
            shoot(stage);
        }
    }

    static void shoot(Stage stage) {
        PresentationZoom zoom = (PresentationZoom) stage.getScene().getRoot();
        MainWindow window = (MainWindow) zoom.content();
        DesignerView designer = (DesignerView) window.getCenterView();
        TrainingWorkspace workspace = find(window, TrainingWorkspace.class);
        TrainingViewModel training = workspace.viewModel();
        InspectTabs tabs = workspace.inspectTabs();
        ExplainPane explain = tabs.explain();

        List<Consumer<Runnable>> steps = new ArrayList<>();
        // The small SE-ResNet as the designer draws it (its canvas exported as File ▸ Export does): Scale blocks join
        // each block's maps and its Squeeze-and-Excitation branch.
        steps.add(next -> {
            designer.newFrom(Presets.find("se-resnet-cifar").orElseThrow());
            later(() -> {
                // The first block, from its ReLU to the Add (the whole network is 4,400 pixels tall).
                WritableImage all = designer.canvas().snapshotNetwork();
                int top = Math.min(578, (int) all.getHeight() - 1);
                save(new WritableImage(all.getPixelReader(), 0, top, (int) Math.min(500, all.getWidth()),
                        (int) Math.min(1000, all.getHeight() - top)), "screenshot-se-block.png");
                next.run();
            });
        });
        steps.add(next -> {
            designer.newFrom(Presets.find("fmnist-tiny").orElseThrow());
            training.settings().epochsProperty().set(3);
            training.imageIndexProperty().set(7);
            window.showTraining();
            training.prepareData();
            waitUntil(() -> training.data().preparedDataProperty().get() != null, () -> {
                workspace.showTab(InspectTabs.EXPLAIN);
                explain.methodBox().setValue(Explanation.Method.GRAD_CAM);
                training.start();
                waitUntil(() -> training.snapshotProperty().get() != null && training.snapshotProperty().get().epoch() == 2
                        && explain.shown() != null && explain.shown().snapshot().epoch() == 2, () -> shot(stage, "screenshot-inspect-training.png", next));
            });
        });
        steps.add(next -> waitUntil(() -> training.getState() == TrainingViewModel.RunState.FINISHED, () -> {
            training.requestSnapshot();
            explain.methodBox().setValue(Explanation.Method.SALIENCY);
            waitUntil(() -> explain.shown() != null && explain.shown().request().method() == Explanation.Method.SALIENCY,
                    () -> later(() -> shot(stage, "screenshot-inspect-saliency.png", next)));
        }));
        steps.add(next -> {
            explain.methodBox().setValue(Explanation.Method.OCCLUSION);
            waitUntil(() -> explain.shown() != null && explain.shown().request().method() == Explanation.Method.OCCLUSION,
                    () -> later(() -> shot(stage, "screenshot-inspect-occlusion.png", next)));
        });
        steps.add(next -> {
            explain.methodBox().setValue(Explanation.Method.GRAD_CAM);
            waitUntil(() -> explain.shown() != null && explain.shown().request().method() == Explanation.Method.GRAD_CAM,
                    () -> later(() -> shot(stage, "screenshot-inspect-gradcam.png", next)));
        });
        steps.add(next -> {
            workspace.showTab(InspectTabs.TOP_IMAGES);
            tabs.topImages().layerBox().setValue("conv2");
            tabs.topImages().filterSpinner().getValueFactory().setValue(5);
            waitUntil(() -> tabs.topImages().found() != null && tabs.topImages().found().result().nodeId().equals("conv2"),
                    () -> later(() -> shot(stage, "screenshot-inspect-top-images.png", next)));
        });
        steps.add(next -> {
            workspace.showTab(InspectTabs.DISTRIBUTIONS);
            tabs.distributions().layerBox().setValue("conv2");
            later(() -> shot(stage, "screenshot-inspect-distributions.png", next));
        });
        steps.add(next -> {
            workspace.showTab(InspectTabs.FEATURES);
            waitUntil(() -> tabs.features().shown() != null, () -> later(() -> shot(stage, "screenshot-inspect-features.png", next)));
        });
        run(steps, 0, () -> {
            designer.viewModel().close(false);
            training.shutdown();
            Platform.exit();
        });
    }

    @SuppressWarnings("unchecked")
    private static <T extends Node> T find(Node root, Class<T> type) {
        if (type.isInstance(root)) return (T) root;
        List<Node> children = new ArrayList<>();
        if (root instanceof javafx.scene.Parent p) children.addAll(p.getChildrenUnmodifiable());
        if (root instanceof TabPane tabs) tabs.getTabs().forEach(t -> {
            if (t.getContent() != null) children.add(t.getContent());
        });
        if (root instanceof javafx.scene.control.SplitPane split) children.addAll(split.getItems());
        if (root instanceof javafx.scene.control.ScrollPane scroll && scroll.getContent() != null) children.add(scroll.getContent());
        for (Node c : children) {
            T found = find(c, type);
            if (found != null) return found;
        }
        return null;
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

    private static void later(Runnable r) {
        new Timeline(new KeyFrame(Duration.millis(900), e -> r.run())).play();
    }

    private static void save(WritableImage image, String name) {
        try {
            File f = new File(outDir, name);
            ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", f);
            System.out.println("wrote " + f);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
