package org.convas.app;

import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.convas.app.designer.DesignerView;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingViewModel.LeaveAnswer;
import org.convas.app.training.TrainingViewModel.LeaveQuestion;
import org.convas.app.training.TrainingViewModel.RunState;
import org.convas.app.training.TrainingWorkspace;
import org.convas.engine.train.Checkpoint;
import org.convas.engine.train.TrainingEvents.Status;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.convas.visualizer.charts.TrainingCharts;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole application, driven headless as a user would across tabs: switching networks mid-session (every
 * Train view follows), quitting with Ctrl+Q while a run goes, and comparing two runs in the charts.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingSessionFxTest {

    private Stage stage;
    private MainWindow window;
    private DesignerView designer;
    private TrainingWorkspace workspace;
    private TrainingViewModel vm;

    private String previousHome;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        // A home of its own: an earlier test's autosaved weights would be offered back in a modal dialog.
        previousHome = System.getProperty("convas.home");
        System.setProperty("convas.home", java.nio.file.Files.createTempDirectory("convas-home").toString());
        new ConvasApp().start(stage);
        window = (MainWindow) ((org.convas.app.teach.PresentationZoom) stage.getScene().getRoot()).content();
        designer = (DesignerView) window.getCenterView();
        workspace = (TrainingWorkspace) window.getTrainingView();
        vm = workspace.viewModel();
        vm.settings().threadsProperty().set(1);
        vm.settings().epochsProperty().set(1);
        window.showTraining();
    }

    @AfterEach
    void shutDown() {
        vm.shutdown();
        if (previousHome == null) System.clearProperty("convas.home");
        else System.setProperty("convas.home", previousHome);
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

    @SuppressWarnings("unchecked")
    private ComboBox<Preset> chooser(FxRobot robot) {
        return robot.lookup("#preset-chooser").queryAs(ComboBox.class);
    }

    @Test
    void switchingNetworksMidSessionRebindsEveryTrainView(FxRobot robot, @TempDir Path dir) throws Exception {
        Path png = dir.resolve("mine.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        robot.interact(vm::prepareData);
        waitFor("the data", () -> vm.data().preparedDataProperty().get() != null);
        robot.interact(() -> vm.loadImage(png));
        waitFor("the loaded image", () -> vm.imageTextProperty().get().startsWith("mine.png"));
        robot.interact(vm::start);
        waitFor("batches on the chart", () -> onFx(() -> workspace.charts().pointCount(TrainingCharts.Series.BATCH_LOSS)) > 2);
        robot.interact(vm::stop);
        waitFor("the run to stop", () -> vm.getState() == RunState.FINISHED);
        assertEquals(6, (int) onFx(() -> workspace.filterGrid().tileCount()), "LeNet-5's conv1: 6 filters");

        List<LeaveQuestion> asked = new ArrayList<>();
        workspace.setLeavePrompt(q -> {
            asked.add(q);
            return LeaveAnswer.DISCARD;
        });
        Preset tiny = Presets.find("fmnist-tiny").orElseThrow();
        robot.interact(() -> chooser(robot).setValue(tiny));
        assertEquals(1, asked.size(), "asked about the unsaved weights first");
        assertEquals("LeNet-5", asked.get(0).network());
        assertEquals("Tiny Fashion-MNIST net", designer.viewModel().spec().name());
        assertEquals(tiny, chooser(robot).getValue());

        // Every Train view now belongs to the tiny net (28×28 input, conv1 of 8 filters, 9 layers after the input).
        waitFor("the tiny net's filters", () -> onFx(() -> workspace.filterGrid().tileCount()) == 8);
        waitFor("the tiny net's maps", () -> onFx(() -> workspace.activationView().layerCount()) == 9);
        assertEquals(0, (int) onFx(() -> workspace.charts().pointCount(TrainingCharts.Series.BATCH_LOSS)), "charts cleared");
        assertTrue(robot.lookup("#train-save").queryAs(Button.class).isDisabled(), "no trained weights to save");
        assertTrue(vm.imageTextProperty().get().startsWith("validation #"), vm.imageTextProperty().get());
        assertEquals(5, (int) onFx(() -> workspace.activationView().probabilityTexts().size()));
        assertTrue(onFx(() -> robot.lookup("#train-filter-caption").queryLabeled().getText()).startsWith("random start"));
        assertTrue(onFx(() -> robot.lookup("#train-network").queryLabeled().getText()).startsWith("Tiny Fashion-MNIST net: not trained yet"));

        // Back to LeNet-5 from the chooser: it loads (the chooser had kept showing LeNet-5 before the fix).
        long loads = designer.viewModel().documentsLoadedProperty().get();
        robot.interact(() -> chooser(robot).setValue(Presets.find("lenet5").orElseThrow()));
        assertEquals(loads + 1, designer.viewModel().documentsLoadedProperty().get());
        assertEquals("LeNet-5", designer.viewModel().spec().name());
        assertEquals(1, asked.size(), "nothing trained on the tiny net: nothing to ask");
        waitFor("LeNet-5's filters", () -> onFx(() -> workspace.filterGrid().tileCount()) == 6);
        assertEquals(1, vm.runs().size(), "the run history stays");
    }

    @Test
    void quittingMidRunAsksAndCancelKeepsTrainingWhileSaveStopsAndWritesTheCheckpoint(FxRobot robot, @TempDir Path dir) throws Exception {
        vm.settings().epochsProperty().set(50);
        robot.interact(vm::start);
        waitFor("a few batches", () -> onFx(() -> workspace.charts().pointCount(TrainingCharts.Series.BATCH_LOSS)) > 2);

        List<LeaveQuestion> cancelled = new ArrayList<>();
        workspace.setLeavePrompt(q -> {
            cancelled.add(q);
            return LeaveAnswer.CANCEL;
        });
        robot.press(KeyCode.CONTROL).type(KeyCode.Q).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, cancelled.size(), "Ctrl+Q asked");
        assertTrue(stage.isShowing(), "cancelled: the window stays");
        assertEquals(RunState.RUNNING, vm.getState(), "and the run goes on");

        Path folder = dir.resolve("quit");
        List<LeaveQuestion> asked = new ArrayList<>();
        workspace.setLeavePrompt(q -> {
            asked.add(q);
            return LeaveAnswer.saveTo(folder);
        });
        robot.press(KeyCode.CONTROL).type(KeyCode.Q).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(asked.get(0).running());
        assertFalse(stage.isShowing(), "saved: the window closed");
        assertEquals(Status.CANCELLED, vm.run().result().status());
        Checkpoint saved = Checkpoint.load(folder);
        assertEquals("LeNet-5", saved.model().spec().name());
        assertEquals(vm.run().result().steps(), saved.progress().steps());
    }

    @Test
    void twoRunsAreKeptAndTheFirstIsOverlaidOnTheSecondsCharts(FxRobot robot) throws Exception {
        robot.interact(() -> chooser(robot).setValue(Presets.find("fmnist-tiny").orElseThrow()));
        robot.interact(vm::start);
        waitFor("run 1 to end", () -> vm.getState() == RunState.FINISHED);
        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.START_OVER);
        robot.interact(() -> vm.settings().learningRateProperty().set(0.01));
        robot.interact(vm::start);
        waitFor("run 2 to start", () -> vm.runs().size() == 2);
        waitFor("run 2 to end", () -> vm.getState() == RunState.FINISHED);
        waitFor("both test accuracies", () -> vm.runs().stream().noneMatch(r -> Double.isNaN(r.testAccuracyProperty().get())));

        robot.interact(() -> workspace.showTab("Runs"));
        assertEquals(2, (int) onFx(() -> workspace.runsTable().getItems().size()));
        String results = onFx(workspace::resultsText);
        assertTrue(results.startsWith("Run 2 · Tiny Fashion-MNIST net · 1 epoch in "), results);
        assertTrue(results.contains(" · test "), results);
        assertTrue(results.contains("ADAM η 0.01"), results);

        robot.interact(() -> vm.runs().get(0).overlaidProperty().set(true));
        assertEquals(1, (int) onFx(() -> workspace.charts().overlays().size()));
        assertTrue(onFx(() -> workspace.charts().overlays().get(0).label()).startsWith("run 1: Tiny Fashion-MNIST net, ADAM η 0.003"));
        assertEquals(vm.runs().get(0).epochs(), onFx(() -> workspace.charts().overlays().get(0).epochs()));
        robot.interact(() -> vm.runs().get(0).overlaidProperty().set(false));
        assertEquals(0, (int) onFx(() -> workspace.charts().overlays().size()));
    }
}
