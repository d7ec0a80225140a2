package org.convas.app.training;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.convas.app.MainViewModel;
import org.convas.app.MainWindow;
import org.convas.app.cli.NetworkSource;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.Preset;
import org.convas.samples.Presets;

import javax.imageio.ImageIO;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real window on the Train tab with the tiny Fashion-MNIST net, training the bundled subset. Two uses:
 * <ul>
 *   <li>{@code --screenshot FILE [--after SECONDS]}: trains, then writes a PNG of the window and exits
 *       (docs/screenshot-training.png is taken this way under {@code xvfb-run -a}).</li>
 *   <li>{@code --benchmark [--epochs N]}: prints the longest pause of the FX thread while training at full speed
 *       (an {@link AnimationTimer} records the largest gap between two frames) and the training throughput with
 *       the live views, next to the same run without any window or listener, measured in the same process.</li>
 * </ul>
 * Start it with {@link RunTrainingWorkspaceDemo}: {@code java -cp <test classpath> org.convas.app.training.RunTrainingWorkspaceDemo --benchmark}.
 */
public final class TrainingWorkspaceDemo extends Application {

    private static final int THREADS = 2;
    private static final int BATCH = 32;

    private MainWindow window;
    private TrainingWorkspace workspace;
    private TrainingViewModel vm;

    @Override
    public void start(Stage stage) {
        Preset tiny = Presets.find("fmnist-tiny").orElseThrow();
        MainViewModel main = new MainViewModel(Presets.all(), new NetworkSource(tiny.spec(), tiny, null));
        window = new MainWindow(main);
        vm = TrainingViewModel.forWindow(main.specProperty(), main::setSpec);
        workspace = new TrainingWorkspace(vm);
        window.setTrainingView(workspace);
        window.showTraining();
        stage.setScene(new Scene(window, 1600, 960));
        stage.titleProperty().bind(main.titleProperty());
        stage.setOnHidden(e -> vm.shutdown());
        stage.show();
        vm.threadsProperty().set(THREADS);
        vm.batchSizeProperty().set(BATCH);
        List<String> args = getParameters().getRaw();
        if (args.contains("--benchmark")) benchmark(stage, intArg(args, "--epochs", 2));
        else if (args.contains("--screenshot")) screenshot(stage, stringArg(args, "--screenshot", "screenshot-training.png"),
                intArg(args, "--after", 12));
    }

    private void screenshot(Stage stage, String file, int seconds) {
        vm.epochsProperty().set(20);
        vm.start();
        workspace.showTab("Activations");
        Thread waiter = new Thread(() -> {
            sleep(seconds * 1000L);
            Platform.runLater(() -> {
                vm.pause();
                vm.showValidationImage(0);
            });
            sleep(1500);
            Platform.runLater(() -> {
                workspace.activationView().selectMap(0, 3);
                workspace.charts().flushRedraws();
                workspace.gradientChart().flushRedraws();
            });
            sleep(800);
            Platform.runLater(() -> {
                try {
                    WritableImage image = stage.getScene().snapshot(null);
                    ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", new File(file));
                    System.out.println("wrote " + file);
                } catch (Exception e) {
                    e.printStackTrace();
                }
                vm.stop();
                Platform.exit();
            });
        }, "screenshot-timer");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void benchmark(Stage stage, int epochs) {
        vm.epochsProperty().set(epochs);
        workspace.showTab("Activations");
        long[] maxGap = {0};
        long[] last = {0};
        int[] longFrames = {0};
        boolean[] measuring = {false};
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (measuring[0] && last[0] != 0) {
                    long gap = now - last[0];
                    maxGap[0] = Math.max(maxGap[0], gap);
                    if (gap > 50_000_000L) longFrames[0]++;
                }
                last[0] = now;
            }
        };
        timer.start();
        AtomicReference<BatchStats> lastBatch = new AtomicReference<>();
        vm.stateProperty().addListener((obs, old, now) -> {
            if (now == TrainingViewModel.RunState.RUNNING && vm.run() != null && !measuring[0]) {
                measuring[0] = true;
                last[0] = 0;
                vm.run().addListener(new TrainingListener() {
                    @Override
                    public void onBatch(BatchStats s) {
                        lastBatch.set(s);
                    }
                });
            }
            if (now == TrainingViewModel.RunState.FINISHED) {
                measuring[0] = false;
                timer.stop();
                double withViews = lastBatch.get().imagesPerSecond();
                TrainingViewModel.PreparedData data = vm.preparedDataProperty().get();
                Thread bare = new Thread(() -> {
                    double without = bareRun(data, epochs);
                    double withoutAgain = bareRun(data, epochs);
                    System.out.printf(Locale.ROOT, "fmnist-tiny, bundled Fashion-MNIST subset (%d images), batch %d, %d threads, %d epochs%n",
                            data.train().size(), BATCH, THREADS, epochs);
                    System.out.printf(Locale.ROOT, "longest FX-thread pause while training: %.1f ms (frames longer than 50 ms: %d)%n",
                            maxGap[0] / 1e6, longFrames[0]);
                    System.out.printf(Locale.ROOT, "throughput with the live views (window, charts, filters, activations): %.0f images/s%n", withViews);
                    System.out.printf(Locale.ROOT, "throughput without any view (same settings, before/after): %.0f / %.0f images/s%n",
                            without, withoutAgain);
                    System.out.printf(Locale.ROOT, "cost of the live views: %.1f%%%n", 100 * (1 - withViews / ((without + withoutAgain) / 2)));
                    Platform.runLater(Platform::exit);
                });
                bare.start();
            }
        });
        vm.start();
    }

    /** The same run without window or listeners; returns the last epoch's training images/s. */
    private static double bareRun(TrainingViewModel.PreparedData data, int epochs) {
        Model model = Model.create(Presets.find("fmnist-tiny").orElseThrow().spec(), Initializer.HE, 1);
        TrainingSettings settings = TrainingSettings.builder().epochs(epochs).batchSize(BATCH).threads(THREADS).seed(1)
                .optimizer(org.convas.engine.train.OptimizerSettings.adam(0.003)).normsEvery(5).build();
        TrainingRun run = TrainingRun.create(model, DatasetBatchSource.training(data.train(), Augmentation.none()),
                DatasetBatchSource.evaluation(data.validation()), settings);
        AtomicReference<BatchStats> last = new AtomicReference<>();
        run.addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                last.set(s);
            }
        });
        run.runHere();
        return last.get().imagesPerSecond();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int intArg(List<String> args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }
}
