package org.convas.app.inspect;

import javafx.scene.Scene;
import javafx.stage.Stage;
import org.convas.app.MainViewModel;
import org.convas.app.MainWindow;
import org.convas.app.cli.NetworkSource;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingViewModel.RunState;
import org.convas.app.training.TrainingWorkspace;
import org.convas.engine.inspect.Explainer;
import org.convas.engine.inspect.Heatmap;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspection tabs of the real Train tab, driven headless on the tiny Fashion-MNIST net: what they draw is checked
 * against the engine computing the same thing on the same weights (an untrained model is rebuilt from the seed).
 */
@ExtendWith(ApplicationExtension.class)
class InspectTabsTest {

    private MainViewModel main;
    private TrainingViewModel vm;
    private TrainingWorkspace workspace;
    private InspectTabs tabs;

    @Start
    void start(Stage stage) {
        Preset tiny = Presets.find("fmnist-tiny").orElseThrow();
        main = new MainViewModel(Presets.all(), new NetworkSource(tiny.spec(), tiny, null));
        MainWindow window = new MainWindow(main);
        vm = TrainingViewModel.forWindow(main.specProperty(), main::setSpec, null);
        workspace = new TrainingWorkspace(vm);
        tabs = workspace.inspectTabs();
        window.setTrainingView(workspace);
        window.showTraining();
        vm.settings().threadsProperty().set(1);
        vm.settings().epochsProperty().set(1);
        stage.setScene(new Scene(window, 1240, 780));
        stage.show();
    }

    @AfterEach
    void shutDown() {
        vm.shutdown();
    }

    private static void waitFor(String what, Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** The untrained model the view-model shows before the first run: He initialisation with the run's seed. */
    private Model untrained() {
        return Model.create(main.getSpec(), Initializer.HE, vm.settings().seedProperty().get());
    }

    private void loadData(FxRobot robot) throws Exception {
        robot.interact(() -> vm.prepareData());
        waitFor("the data", () -> vm.data().preparedDataProperty().get() != null);
    }

    private Explanation.Result explained(Explanation.Method method) throws Exception {
        ExplainPane pane = tabs.explain();
        waitFor(method + " on show", () -> onFx(() -> pane.shown() != null && pane.shown().request().method() == method
                && pane.shown().snapshot() == vm.snapshotProperty().get()));
        return onFx(pane::shown);
    }

    @Test
    void explainDrawsTheEnginesSaliencyGradCamAndOcclusionOfTheImageShown(FxRobot robot) throws Exception {
        loadData(robot);
        robot.interact(() -> vm.imageIndexProperty().set(3));
        robot.interact(() -> workspace.showTab(InspectTabs.EXPLAIN));
        ExplainPane pane = tabs.explain();
        Explanation.Result saliency = explained(Explanation.Method.SALIENCY);
        Snapshot s = vm.snapshotProperty().get();
        float[] image = vm.data().preparedDataProperty().get().validation().inputs(3);
        assertEquals(List.of(), diff(image, s.image()), "the Activations tab's image");
        Explainer reference = new Explainer(untrained());
        Heatmap expected = reference.saliency(image, s.predicted()).map();
        assertEquals(s.predicted(), saliency.classIndex(), "the predicted class by default");
        for (int y = 0; y < 28; y += 3) {
            for (int x = 0; x < 28; x += 3) {
                int px = x, py = y;
                assertEquals(expected.value(x, y), onFx(() -> pane.overlay().valueAt(px, py)), 1e-6f, "saliency at " + x + ", " + y);
            }
        }
        assertTrue(onFx(() -> pane.overlay().captionText()).startsWith("Saliency of “"), onFx(() -> pane.overlay().captionText()));

        // Grad-CAM of another class at the default layer, the last convolution.
        robot.interact(() -> pane.methodBox().setValue(Explanation.Method.GRAD_CAM));
        robot.interact(() -> pane.classBox().setValue("Bag"));
        waitFor("Grad-CAM of Bag", () -> onFx(() -> pane.shown() != null && pane.shown().request().method() == Explanation.Method.GRAD_CAM
                && pane.shown().classIndex() == 8));
        Heatmap cam = reference.gradCam(image, 8, "conv2").map();
        assertEquals("conv2", onFx(() -> pane.layerBox().getValue()));
        assertEquals(List.of(), diff(cam.values(), onFx(() -> pane.shown().values())));
        assertTrue(onFx(() -> pane.overlay().captionText()).startsWith("Grad-CAM of “Bag” (p = "));

        // Occlusion with a 7×7 square every 7 pixels: 16 positions, each checked against the engine's probability.
        robot.interact(() -> pane.methodBox().setValue(Explanation.Method.OCCLUSION));
        robot.interact(() -> pane.patchSpinner().getValueFactory().setValue(7));
        waitFor("occlusion 7×7", () -> onFx(() -> pane.shown() != null && pane.shown().request().method() == Explanation.Method.OCCLUSION
                && pane.shown().patch() == 7));
        assertEquals(3, (int) onFx(() -> pane.shown().stride()), "half the square by default");
        float[] fill = Explanation.meanPerChannel(vm.data().preparedDataProperty().get().validation(), 1000);
        Heatmap occlusion = reference.occlusion(image, 8, 7, 3, fill, org.convas.engine.inspect.Progress.NONE).map();
        assertEquals(List.of(), diff(occlusion.values(), onFx(() -> pane.shown().values())));

        // A square larger than the image is refused with the rule, and the image stays.
        robot.interact(() -> pane.patchSpinner().getValueFactory().setValue(40));
        waitFor("the refusal", () -> onFx(() -> pane.overlay().captionText()).contains("the patch must be 1 to 28 pixels"));
        assertEquals("Cannot explain this image: occlusion: the patch must be 1 to 28 pixels (the image is 28×28), not 40",
                onFx(() -> pane.overlay().captionText()));
    }

    @Test
    void theViewsFollowTrainingAndTheHistogramsRecordEvenWhenHidden(FxRobot robot, @TempDir Path dir) throws Exception {
        loadData(robot);
        robot.interact(() -> workspace.showTab(InspectTabs.EXPLAIN));
        robot.interact(() -> tabs.explain().methodBox().setValue(Explanation.Method.GRAD_CAM));
        robot.interact(() -> vm.settings().epochsProperty().set(200));   // stopped below, once seen
        robot.interact(vm::start);
        waitFor("a Grad-CAM during the run", () -> onFx(() -> tabs.explain().shown() != null
                && tabs.explain().shown().snapshot().batch() > 0));
        var first = onFx(() -> tabs.explain().shown().snapshot());
        waitFor("a newer one", () -> onFx(() -> tabs.explain().shown().snapshot() != first
                && tabs.explain().shown().snapshot().batch() > 0));
        // Every 2 s at most (never more than a tenth of the time) while the run goes, though the tab is hidden.
        waitFor("two moments recorded", () -> onFx(() -> tabs.distributions().history().size()) >= 2);
        robot.interact(vm::stop);
        waitFor("the end of the run", () -> vm.getState() == RunState.FINISHED);
        List<DistributionsPane.Point> history = onFx(() -> tabs.distributions().history());
        for (int i = 1; i < history.size(); i++) {
            DistributionsPane.Point a = history.get(i - 1), b = history.get(i);
            assertTrue(a.epoch() != b.epoch() || a.batch() != b.batch(), "one point per moment");
        }

        PngExport.write(onFx(() -> tabs.explain().overlay().exportImage()), dir.resolve("cam.png"));
        BufferedImage png = ImageIO.read(dir.resolve("cam.png").toFile());
        assertTrue(png.getWidth() > 280 && png.getHeight() > 280, png.getWidth() + "×" + png.getHeight());
    }

    @Test
    void topImagesFeaturesAndDistributionsOfTheUntrainedNet(FxRobot robot) throws Exception {
        loadData(robot);
        robot.interact(() -> workspace.showTab(InspectTabs.TOP_IMAGES));
        TopImagesPane top = tabs.topImages();
        waitFor("the top images", () -> onFx(() -> top.found() != null));
        assertEquals("conv1", onFx(() -> top.found().result().nodeId()));
        assertEquals(9, onFx(() -> top.view().captions()).size());
        var direct = org.convas.engine.inspect.TopActivations.find(untrained(), vm.data().preparedDataProperty().get().validation()::inputs,
                vm.data().preparedDataProperty().get().validation().size(), "conv1", 9, org.convas.engine.inspect.Progress.NONE);
        robot.interact(() -> top.filterSpinner().getValueFactory().setValue(4));
        List<String> captions = onFx(() -> top.view().captions());
        for (int j = 0; j < 9; j++) {
            assertTrue(captions.get(j).startsWith("#" + direct.top(4).get(j).image() + " "), captions.get(j));
        }

        robot.interact(() -> workspace.showTab(InspectTabs.DISTRIBUTIONS));
        waitFor("the distributions", () -> onFx(() -> !tabs.distributions().history().isEmpty()));
        robot.interact(() -> tabs.distributions().layerBox().setValue("relu1"));
        assertTrue(onFx(() -> tabs.distributions().summaryText()).contains("Dead ReLUs: "), onFx(() -> tabs.distributions().summaryText()));

        robot.interact(() -> workspace.showTab(InspectTabs.FEATURES));
        FeaturesPane features = tabs.features();
        waitFor("the projection, drawn", () -> onFx(() -> features.shown() != null && features.plot().getWidth() > 100));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Math.min(1000, vm.data().preparedDataProperty().get().validation().size()),
                (int) onFx(() -> features.plot().pointCount()));
        double[] at = onFx(() -> features.plot().screenPosition(17));
        javafx.geometry.Point2D scene = onFx(() -> features.plot().localToScene(at[0], at[1]));
        robot.interact(() -> javafx.event.Event.fireEvent(features.plot(), new javafx.scene.input.MouseEvent(
                javafx.scene.input.MouseEvent.MOUSE_CLICKED, scene.getX(), scene.getY(), 0, 0, javafx.scene.input.MouseButton.PRIMARY, 1,
                false, false, false, false, true, false, false, true, false, false, null)));
        int clicked = vm.imageIndexProperty().get();
        assertTrue(clicked != 0, "a point was hit");
        double[] hit = onFx(() -> features.plot().screenPosition(clicked));
        assertTrue(Math.hypot(hit[0] - at[0], hit[1] - at[1]) < 8, "the nearest point, within 8 pixels");
        assertEquals("Activations", onFx(() -> workspace.lookup("#training-views") instanceof javafx.scene.control.TabPane t
                ? t.getSelectionModel().getSelectedItem().getText() : "?"));
    }

    @Test
    void gradCamThroughSqueezeAndExcitationBranchesOnEnlargedImages(FxRobot robot) throws Exception {
        robot.interact(() -> main.setSpec(Presets.find("se-resnet-cifar").orElseThrow().spec()));
        loadData(robot);
        robot.interact(() -> workspace.showTab(InspectTabs.EXPLAIN));
        robot.interact(() -> tabs.explain().methodBox().setValue(Explanation.Method.GRAD_CAM));
        waitFor("Grad-CAM of the SE network", () -> onFx(() -> tabs.explain().shown() != null
                && tabs.explain().shown().request().method() == Explanation.Method.GRAD_CAM
                && tabs.explain().shown().width() == 32));
        Explanation.Result r = onFx(() -> tabs.explain().shown());
        Snapshot s = r.snapshot();
        // The default layer is the last convolution; the engine on the same (untrained, seeded) weights agrees.
        Heatmap expected = new Explainer(untrained()).gradCam(s.image(), r.classIndex(), r.layer()).map();
        assertEquals(List.of(), diff(expected.values(), r.values()));
        assertTrue(r.caption().startsWith("Grad-CAM of “"), r.caption());
    }

    private static List<Integer> diff(float[] a, float[] b) {
        java.util.ArrayList<Integer> bad = new java.util.ArrayList<>();
        if (a.length != b.length) return List.of(-1);
        for (int i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-6f * Math.max(1, Math.abs(a[i]))) bad.add(i);
        return bad;
    }
}
