package org.convas.app;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.ComboBox;
import javafx.scene.input.KeyCode;
import javafx.scene.robot.Robot;
import javafx.stage.Stage;
import org.convas.app.training.DataSource;
import org.convas.app.training.TrainingViewModel;
import org.convas.app.training.TrainingViewModel.LeaveAnswer;
import org.convas.app.training.TrainingWorkspace;
import org.convas.samples.Preset;
import org.convas.samples.Presets;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scripted session of the real application for a given time (default 10 minutes), as a user would spend it:
 * switch networks, load data and images, train, pause, stop, answer the dialogs, compare runs, and finally quit
 * with Ctrl+Q while a run goes. Keys go through the JavaFX robot (real key events to the focused window); the
 * dialogs of the Train tab are the real ones (Start's question is answered with Escape), except the folder
 * chooser, which the script replaces. Run it on a desktop or under {@code xvfb-run} with a window manager, and
 * read the application's log afterwards: every exception in it is a bug.
 *
 * <pre>
 *   xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'openbox & java ... org.convas.app.ScriptedSession 600 &gt; session.log 2&gt;&amp;1'
 * </pre>
 */
public final class ScriptedSession {

    private ScriptedSession() { }

    /** Started from {@link #main}: a class that is not an Application, so JavaFX runs from the class path (STACK.md pitfall 1). */
    public static void main(String[] args) {
        if (args.length > 0) Session.seconds = Long.parseLong(args[0]);
        Application.launch(Session.class, args);
    }

    /** The session itself. */
    public static final class Session extends Application {

    private static long seconds = 600;
    private Stage stage;
    private MainWindow window;
    private TrainingWorkspace workspace;
    private TrainingViewModel vm;
    private Robot robot;
    private Path dir;

    @Override
    public void start(Stage stage) throws Exception {
        this.stage = stage;
        Platform.setImplicitExit(false); // the script reports after Ctrl+Q closed the window, then exits
        ConvasApp app = new ConvasApp();
        app.start(stage);
        window = (MainWindow) ((org.convas.app.teach.PresentationZoom) stage.getScene().getRoot()).content();
        workspace = (TrainingWorkspace) window.getTrainingView();
        vm = workspace.viewModel();
        robot = new Robot();
        dir = Files.createTempDirectory("convas-session");
        workspace.setFolderChooser(title -> java.util.Optional.of(dir.resolve("checkpoint-" + System.nanoTime())));
        Thread script = new Thread(() -> {
            try {
                run();
            } catch (Throwable t) {
                System.err.println("SCRIPT FAILED: " + t);
                t.printStackTrace();
                Platform.exit();
            }
        }, "session-script");
        script.setDaemon(true);
        script.start();
    }

    private void log(String what) {
        System.out.println(Instant.now() + " script: " + what);
    }

    private <T> T fx(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private void fxDo(Runnable r) throws Exception {
        fx(() -> {
            r.run();
            return null;
        });
    }

    /** Schedules without waiting: the action may open a modal dialog. */
    private void later(Runnable r) {
        Platform.runLater(r);
    }

    private void key(KeyCode... keys) throws Exception {
        fxDo(() -> {
            for (KeyCode k : keys) robot.keyPress(k);
            for (int i = keys.length - 1; i >= 0; i--) robot.keyRelease(keys[i]);
        });
        Thread.sleep(300);
    }

    private void waitUntil(String what, Callable<Boolean> condition, long maxSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (!fx(condition)) {
            if (System.nanoTime() > deadline) {
                log("gave up waiting for " + what);
                return;
            }
            Thread.sleep(200);
        }
    }

    private void choose(String presetKey) throws Exception {
        Preset p = Presets.find(presetKey).orElseThrow();
        log("choose network " + p.title());
        later(() -> {
            @SuppressWarnings("unchecked")
            ComboBox<Preset> chooser = (ComboBox<Preset>) stage.getScene().lookup("#preset-chooser");
            chooser.setValue(p);
        });
        Thread.sleep(1500);
    }

    private void chooseData(String id) throws Exception {
        fxDo(() -> vm.data().dataSources().stream().filter(s -> s instanceof DataSource.Bundled b && b.entry().id().equals(id))
                .findFirst().ifPresent(s -> vm.data().dataSourceProperty().set(s)));
    }

    private Path image(int n) throws Exception {
        BufferedImage img = new BufferedImage(64 + n, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30 * n % 255, 200, 90));
        g.fillOval(8, 8, 40, 30);
        g.dispose();
        Path p = dir.resolve("image-" + n + ".png");
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    private void train(String what, long forSeconds) throws Exception {
        log("train " + what + " for " + forSeconds + " s (F5)");
        fxDo(() -> window.showTraining());
        key(KeyCode.F5);
        waitUntil("the run to start", () -> vm.isActive(), 60);
        Thread.sleep(forSeconds * 1000 / 2);
        log("pause (F6), look at a validation image, resume");
        key(KeyCode.F6);
        fxDo(() -> vm.imageIndexProperty().set(vm.imageIndexProperty().get() + 3));
        Thread.sleep(1500);
        key(KeyCode.F6);
        Thread.sleep(forSeconds * 1000 / 2);
        log("stop (Shift+F5)");
        key(KeyCode.SHIFT, KeyCode.F5);
        waitUntil("the run to stop", () -> !vm.isActive(), 60);
    }

    private void run() throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(seconds));
        Thread.sleep(3000);
        vm.settings().epochsProperty().set(20);
        int cycle = 0;
        while (Instant.now().isBefore(end.minusSeconds(20))) { // a cycle takes about 90 s: the session runs its full time or more
            cycle++;
            log("cycle " + cycle);
            fxDo(() -> window.showTraining());
            chooseData("fashion-mnist-subset");
            fxDo(vm::prepareData);
            waitUntil("the data", () -> vm.data().preparedDataProperty().get() != null && !vm.busyProperty().get(), 60);
            Path img = image(cycle);
            log("load image " + img.getFileName());
            fxDo(() -> vm.loadImage(img));
            Thread.sleep(1000);
            train("LeNet-5 on Fashion-MNIST", 30);

            log("F5 with trained weights: the real question; Escape cancels it");
            key(KeyCode.F5);
            Thread.sleep(1000);
            key(KeyCode.ESCAPE);

            // Another network while the weights are unsaved: alternately discard and save (the folder chooser is scripted).
            boolean save = cycle % 2 == 0;
            workspace.setLeavePrompt(q -> save ? LeaveAnswer.saveTo(dir.resolve("switch-" + System.nanoTime())) : LeaveAnswer.DISCARD);
            choose("fmnist-tiny");
            chooseData("synthetic-bars");
            fxDo(vm::applyRecommendedSettings);
            fxDo(() -> vm.settings().epochsProperty().set(20));
            fxDo(vm::prepareData);
            waitUntil("the bars", () -> vm.data().preparedDataProperty().get() != null && !vm.busyProperty().get(), 60);
            fxDo(() -> vm.loadImage(img));
            Thread.sleep(500);
            train("the tiny net on the bars", 40);
            fxDo(() -> workspace.showTab("Runs"));
            fxDo(() -> vm.runs().forEach(r -> r.overlaidProperty().set(r.number() % 2 == 1)));
            Thread.sleep(1000);
            fxDo(() -> workspace.showTab("Confusion matrix"));
            Thread.sleep(1000);
            fxDo(() -> workspace.showTab("Activations"));

            log("switch to VGG-lite mid-run (the run is stopped and discarded when asked)");
            chooseData("synthetic-shapes");
            key(KeyCode.F5); // trained weights: the question, answered Escape
            Thread.sleep(1000);
            key(KeyCode.ESCAPE);
            vm.setStartPrompt(q -> TrainingViewModel.StartChoice.START_OVER);
            key(KeyCode.F5);
            waitUntil("the run to start", () -> vm.isActive(), 60);
            Thread.sleep(5000);
            workspace.setLeavePrompt(q -> LeaveAnswer.DISCARD);
            choose("vgglite");
            waitUntil("the run to end", () -> !vm.isActive(), 60);
            fxDo(() -> vm.imageIndexProperty().set(1));
            Thread.sleep(3000);
            fxDo(() -> window.getScene().lookup("#tab-design"));
            choose("lenet5");
            vm.setStartPrompt(q -> TrainingViewModel.StartChoice.CONTINUE);
        }
        log("last: start a run and quit with Ctrl+Q while it goes, saving the checkpoint");
        choose("lenet5");
        chooseData("fashion-mnist-subset");
        fxDo(() -> window.showTraining());
        key(KeyCode.F5);
        waitUntil("the run to start", () -> vm.isActive(), 60);
        Thread.sleep(5000);
        Path quitFolder = dir.resolve("at-quit");
        workspace.setLeavePrompt(q -> LeaveAnswer.saveTo(quitFolder));
        key(KeyCode.CONTROL, KeyCode.Q);
        Thread.sleep(3000);
        log("window showing after Ctrl+Q: " + fx(stage::isShowing) + "; checkpoint written: "
                + Files.exists(quitFolder.resolve("training.json")));
        log("runs: " + vm.runs().size());
        Platform.exit();
    }
    }
}
