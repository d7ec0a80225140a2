package org.convas.app.training;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.convas.app.MainViewModel;
import org.convas.app.MainWindow;
import org.convas.app.cli.NetworkSource;
import org.convas.app.training.TrainingViewModel.RunState;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.train.TrainingEvents.ActivationMap;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Train tab of the real window, driven headless: a user trains the tiny Fashion-MNIST net for a few batches
 * and watches the charts, the filters and the activation maps.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingWorkspaceTest {

    private MainViewModel main;
    private TrainingViewModel vm;
    private TrainingWorkspace workspace;

    @Start
    void start(Stage stage) {
        Preset tiny = Presets.find("fmnist-tiny").orElseThrow();
        main = new MainViewModel(Presets.all(), new NetworkSource(tiny.spec(), tiny, null));
        MainWindow window = new MainWindow(main);
        vm = TrainingViewModel.forWindow(main.specProperty(), main::setSpec, null);
        workspace = new TrainingWorkspace(vm);
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
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    @Test
    void trainingFromTheWindowAddsLossPointsAndPausesAndResumes(FxRobot robot) throws Exception {
        robot.clickOn("#train-start");
        waitFor("the run to start", () -> vm.getState() == RunState.RUNNING);
        waitFor("loss points in the chart", () -> onFx(() -> workspace.charts().pointCount(
                org.convas.visualizer.charts.TrainingCharts.Series.BATCH_LOSS)) >= 3);

        robot.type(KeyCode.F6);
        waitFor("the pause", () -> vm.getState() == RunState.PAUSED
                && vm.run().state() == org.convas.engine.train.TrainingRun.State.PAUSED);
        assertEquals("Resume", robot.lookup("#train-pause").queryAs(Button.class).getText());
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(150); // a frame for anything still queued
        WaitForAsyncUtils.waitForFxEvents();
        int paused = onFx(() -> workspace.charts().pointCount(org.convas.visualizer.charts.TrainingCharts.Series.BATCH_LOSS));
        Thread.sleep(300);
        assertEquals(paused, (int) onFx(() -> workspace.charts().pointCount(org.convas.visualizer.charts.TrainingCharts.Series.BATCH_LOSS)),
                "no points are added while paused");

        robot.clickOn("#train-pause");
        waitFor("more points after resuming", () -> onFx(() -> workspace.charts().pointCount(
                org.convas.visualizer.charts.TrainingCharts.Series.BATCH_LOSS)) > paused + 2);

        robot.press(KeyCode.SHIFT).type(KeyCode.F5).release(KeyCode.SHIFT);
        waitFor("the run to stop", () -> vm.getState() == RunState.FINISHED);
        // The view-model sets the state first and the message after it, in the same FX event: wait for the message
        // (read on the FX thread), or a loaded machine reads it in between.
        waitFor("the Stopped message", () -> onFx(() -> robot.lookup("#train-message").queryAs(Label.class).getText())
                .startsWith("Stopped"));
    }

    @Test
    void theFilterGridShowsOneTilePerFilterAndTheActivationViewEveryMapOfEveryLayer(FxRobot robot) throws Exception {
        robot.type(KeyCode.F5);
        waitFor("a snapshot from the run", () -> vm.getState() == RunState.RUNNING && vm.snapshotProperty().get() != null
                && vm.snapshotProperty().get().epoch() > 0);
        robot.type(KeyCode.F6);
        waitFor("the pause", () -> vm.getState() == RunState.PAUSED);

        // conv1 of the tiny net has 8 filters, conv2 16.
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(8, (int) onFx(() -> workspace.filterGrid().tileCount()));
        robot.interact(() -> vm.selectedConvLayerProperty().set("conv2"));
        waitFor("conv2's filters", () -> onFx(() -> workspace.filterGrid().tileCount()) == 16);
        assertEquals("16 filters 3×3×8", onFx(() -> workspace.filterGrid().countText()));

        robot.interact(() -> vm.imageIndexProperty().set(5));
        waitFor("the activations of image 5", () -> vm.snapshotProperty().get() != null
                && vm.imageTextProperty().get().startsWith("validation #5: "));
        WaitForAsyncUtils.waitForFxEvents();
        Snapshot s = vm.snapshotProperty().get();
        int layers = onFx(() -> workspace.activationView().layerCount());
        assertEquals(s.activations().size() - 1, layers, "every node but the input has a row");
        for (int i = 0; i < layers; i++) {
            ActivationMap m = s.activations().get(i + 1);
            int expected = m.shape().width() == 1 && m.shape().height() == 1 ? 1 : m.shape().depth();
            int layer = i;
            assertEquals(expected, (int) onFx(() -> workspace.activationView().shownMapCount(layer)), m.nodeId());
            assertTrue(onFx(() -> workspace.activationView().layerTitle(layer)).startsWith(m.nodeId()));
        }
        // conv1: 28×28×8 → 8 maps; pool2: 7×7×16 → 16 maps.
        assertEquals(8, (int) onFx(() -> workspace.activationView().shownMapCount(0)));
        assertTrue(main.getSpec().node("conv1").layer() instanceof LayerSpec.Conv2D);
        robot.type(KeyCode.F6);
        waitFor("running again", () -> vm.getState() == RunState.RUNNING);
    }

    @Test
    void anInvalidNetworkAndAnEnlargedInputAreExplainedInTheWindow(FxRobot robot) {
        robot.interact(() -> main.setSpec(Presets.lenet5()));
        assertTrue(robot.lookup("#train-conversion").queryAs(Label.class).getText()
                .contains("the network's input is 32×32×1: each image is enlarged to 32×32"));

        robot.interact(() -> main.setSpec(org.convas.engine.spec.NetworkSpec.builder("too small").input(4, 4, 1)
                .add("conv", LayerSpec.Conv2D.of(8, 5, 1, 0)).add("flatten", new LayerSpec.Flatten())
                .add("fc", LayerSpec.FullyConnected.of(10)).build()));
        robot.type(KeyCode.F5);
        Label message = robot.lookup("#train-message").queryAs(Label.class);
        assertTrue(message.isVisible());
        assertTrue(message.getText().startsWith("The network is invalid, so it cannot be trained: conv: "), message.getText());
        assertTrue(message.getParent().getStyleClass().contains("error"));
        assertEquals(RunState.READY, vm.getState());
        // The same text waits in a dialog, never a stack trace.
        javafx.scene.control.DialogPane dialog = robot.lookup("#" + org.convas.app.ErrorDialog.ID).queryAs(javafx.scene.control.DialogPane.class);
        String shown = dialog.getContent() instanceof javafx.scene.control.TextArea t ? t.getText() : dialog.getContentText();
        assertEquals(message.getText(), shown);
        robot.interact(() -> dialog.getScene().getWindow().hide());
    }
}
