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
 *   <li>{@code --screenshot FILE [--epochs N] [--max-seconds S]}: trains N epochs (default 3), then writes a PNG of the window and exits
 *       (docs/screenshot-training.png is taken this way under {@code xvfb-run -a}).</li>
 *   <li>{@code --benchmark [--epochs N]}: prints the longest pause of the FX thread while training at full speed
 *       (an {@link AnimationTimer} records the largest gap between two frames) and the training throughput with
 *       the live views, next to the same run without any window or listener, measured in the same process.</li>
 * </ul>
 * Start it with {@link RunTrainingWorkspaceDemo}: {@code java -cp <test classpath> org.convas.app.training.RunTrainingWorkspaceDemo --benchmark}.
 */
public final class TrainingWorkspaceDemo extends Application {

    private static final int THREADS = Integer.getInteger("threads", 2);
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
                intArg(args, "--epochs", 3), intArg(args, "--max-seconds", 120));
    }

    /** Trains until {@code epochs} epochs are done (or {@code maxSeconds} passed), pauses, and writes the PNG. */
    private void screenshot(Stage stage, String file, int epochs, int maxSeconds) {
        vm.epochsProperty().set(20);
        vm.start();
        workspace.showTab("Activations");
        Thread waiter = new Thread(() -> {
            long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline && (vm.validationReportProperty().get() == null
                    || vm.validationReportProperty().get().epoch() < epochs)) {
                sleep(100);
            }
            sleep(1500);
            Platform.runLater(() -> {
                vm.pause();
                vm.showValidationImage(0);
            });
            sleep(1500);
            Platform.runLater(() -> {
                String tab = System.getProperty("tab", "Activations");
                workspace.showTab(tab.equals("Confusion") ? "Confusion matrix" : tab);
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
        workspace.showTab(System.getProperty("tab", "Activations"));
        long[] last = {0};
        long[] startedAt = {0};
        boolean[] measuring = {false};
        List<Long> warmUp = new java.util.ArrayList<>();
        List<Long> gaps = new java.util.ArrayList<>();
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (measuring[0] && last[0] != 0) {
                    // The first second builds the views (tiles, first chart draws): reported apart from the steady state.
                    (now - startedAt[0] < 1_000_000_000L ? warmUp : gaps).add(now - last[0]);
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
                startedAt[0] = System.nanoTime();
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
                    List<Long> sorted = gaps.stream().sorted().toList();
                    System.out.printf(Locale.ROOT, "FX frames while training: %d; gap between frames median %.1f ms, 99th percentile %.1f ms, "
                                    + "longest %.1f ms; frames longer than 50 ms: %d, than 100 ms: %d%n",
                            sorted.size(), pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 1.0),
                            sorted.stream().filter(g -> g > 50_000_000L).count(), sorted.stream().filter(g -> g > 100_000_000L).count());
                    System.out.printf(Locale.ROOT, "first second (views built, first draws): longest gap %.1f ms%n",
                            warmUp.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
                    System.out.printf(Locale.ROOT, "throughput with the live views (window, charts, filters, activations): %.0f images/s%n", withViews);
                    System.out.printf(Locale.ROOT, "throughput without any view (same settings, before/after): %.0f / %.0f images/s%n",
                            without, withoutAgain);
                    System.out.printf(Locale.ROOT, "cost of the live views: %.1f%%%n", 100 * (1 - withViews / ((without + withoutAgain) / 2)));
                    Platform.runLater(Platform::exit);
                });
                bare.start();
            }
        });
        // Warm-up: one bare run first, so the JIT has compiled the kernels before either measured run.
        vm.preparedDataProperty().addListener((obs, old, data) -> {
            if (data == null || warmedUp[0]) return;
            warmedUp[0] = true;
            Thread warm = new Thread(() -> {
                double w = bareRun(data, 1);
                System.out.printf(Locale.ROOT, "warm-up run without views: %.0f images/s%n", w);
                Platform.runLater(vm::start);
            });
            warm.start();
        });
        vm.prepareData();
    }

    private final boolean[] warmedUp = {false};

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

    private static double pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return Double.NaN;
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * (sorted.size() - 1) + 0.5))) / 1e6;
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
