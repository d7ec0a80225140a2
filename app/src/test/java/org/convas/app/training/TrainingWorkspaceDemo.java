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
import org.convas.app.designer.DesignerView;
import org.convas.app.designer.DocumentModel;
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

    private static final int THREADS = Integer.getInteger("threads", TrainingSettingsForm.defaultThreads());
    private static final int BATCH = 32;

    private MainWindow window;
    private TrainingWorkspace workspace;
    private TrainingViewModel vm;

    @Override
    public void start(Stage stage) {
        Preset tiny = Presets.find("fmnist-tiny").orElseThrow();
        MainViewModel main = new MainViewModel(Presets.all(), new NetworkSource(tiny.spec(), tiny, null));
        window = new MainWindow(main);
        // The window as ConvasApp builds it: the designer owns the document (in a throw-away home folder).
        DesignerView designer;
        try {
            designer = DesignerView.create(new DocumentModel(java.nio.file.Files.createTempDirectory("convas-demo")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        designer.viewModel().newFrom(tiny.spec());
        window.mountDesigner(designer);
        vm = TrainingViewModel.forWindow(main.specProperty(), spec -> designer.viewModel().newFrom(spec), null);
        workspace = new TrainingWorkspace(vm);
        window.setTrainingView(workspace);
        window.showTraining();
        stage.setScene(new Scene(window, 1600, 960));
        stage.titleProperty().bind(main.titleProperty());
        stage.setOnHidden(e -> vm.shutdown());
        stage.show();
        vm.settings().threadsProperty().set(THREADS);
        vm.settings().batchSizeProperty().set(BATCH);
        List<String> args = getParameters().getRaw();
        if (args.contains("--benchmark")) benchmark(stage, intArg(args, "--epochs", 2));
        else if (args.contains("--screenshot")) screenshot(stage, stringArg(args, "--screenshot", "screenshot-training.png"),
                intArg(args, "--epochs", 3), intArg(args, "--max-seconds", 120));
    }

    /** Trains until {@code epochs} epochs are done (or {@code maxSeconds} passed), pauses, and writes the PNG. */
    private void screenshot(Stage stage, String file, int epochs, int maxSeconds) {
        vm.settings().epochsProperty().set(20);
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
        int rounds = Integer.getInteger("rounds", 2);
        vm.settings().epochsProperty().set(epochs);
        workspace.showTab(System.getProperty("tab", "Activations"));
        // -Dhide=charts,filters takes those views out of the window, -DchartMs=N changes the charts' redraw interval:
        // to see what each costs.
        String hide = System.getProperty("hide", "");
        if (hide.contains("charts")) workspace.charts().setVisible(false);
        if (hide.contains("filters")) workspace.filterGrid().setVisible(false);
        Integer chartMs = Integer.getInteger("chartMs");
        if (chartMs != null) {
            workspace.charts().setMinRedrawInterval(javafx.util.Duration.millis(chartMs));
            workspace.gradientChart().setMinRedrawInterval(javafx.util.Duration.millis(chartMs));
        }
        long[] last = {0};
        long[] startedAt = {0};
        long[] measuredNanos = {0};
        long[] fxCpu = {0};
        long[] renderCpu = {0};
        boolean[] measuring = {false};
        List<Long> firstSecond = new java.util.ArrayList<>();
        List<Long> gaps = new java.util.ArrayList<>();
        List<Double> withViews = new java.util.ArrayList<>();
        List<Double> without = new java.util.ArrayList<>();
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (measuring[0] && last[0] != 0) {
                    // The first second builds the views (tiles, first chart draws): reported apart from the steady state.
                    (now - startedAt[0] < 1_000_000_000L ? firstSecond : gaps).add(now - last[0]);
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
                fxCpu[0] -= threadCpu("JavaFX Application Thread");
                renderCpu[0] -= threadCpu("QuantumRenderer");
                vm.run().addListener(new TrainingListener() {
                    @Override
                    public void onBatch(BatchStats s) {
                        lastBatch.set(s);
                    }
                });
            }
            if (now == TrainingViewModel.RunState.FINISHED && measuring[0]) {
                measuring[0] = false;
                measuredNanos[0] += System.nanoTime() - startedAt[0];
                fxCpu[0] += threadCpu("JavaFX Application Thread");
                renderCpu[0] += threadCpu("QuantumRenderer");
                withViews.add(lastBatch.get().imagesPerSecond());
                DataPreparation.PreparedData data = vm.data().preparedDataProperty().get();
                Thread bare = new Thread(() -> {
                    without.add(bareRun(data, epochs));
                    if (withViews.size() < rounds) {
                        Platform.runLater(vm::start);
                        return;
                    }
                    System.out.printf(Locale.ROOT, "fmnist-tiny, bundled Fashion-MNIST subset (%d images), batch %d, %d threads, "
                            + "%d epochs per run, %d rounds (run with views, then without)%n", data.train().size(), BATCH, THREADS, epochs, rounds);
                    List<Long> sorted = gaps.stream().sorted().toList();
                    System.out.printf(Locale.ROOT, "FX frames while training: %d; gap between frames median %.1f ms, 99th percentile %.1f ms, "
                                    + "longest %.1f ms; frames longer than 50 ms: %d, than 100 ms: %d%n",
                            sorted.size(), pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 1.0),
                            sorted.stream().filter(g -> g > 50_000_000L).count(), sorted.stream().filter(g -> g > 100_000_000L).count());
                    System.out.printf(Locale.ROOT, "first second of each run (views built, first draws): longest gap %.1f ms%n",
                            firstSecond.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
                    System.out.printf(Locale.ROOT, "CPU time while training with views: FX thread %.1f%%, render thread %.1f%% of one core%n",
                            100.0 * fxCpu[0] / measuredNanos[0], 100.0 * renderCpu[0] / measuredNanos[0]);
                    System.out.printf(Locale.ROOT, "throughput (last epoch of each run), with the live views: %s images/s%n", list(withViews));
                    System.out.printf(Locale.ROOT, "throughput (last epoch of each run), without any view:   %s images/s%n", list(without));
                    double w = withViews.stream().mapToDouble(Double::doubleValue).sum(), o = without.stream().mapToDouble(Double::doubleValue).sum();
                    System.out.printf(Locale.ROOT, "cost of the live views: %.1f%%%n", 100 * (1 - w / o));
                    Platform.runLater(() -> {
                        timer.stop();
                        Platform.exit();
                    });
                });
                bare.start();
            }
        });
        // Warm-up: a bare run of 3 epochs first, so the JIT has compiled the kernels before any measured run.
        vm.data().preparedDataProperty().addListener((obs, old, data) -> {
            if (data == null || warmedUp[0]) return;
            warmedUp[0] = true;
            Thread warm = new Thread(() -> {
                double w = bareRun(data, 3);
                System.out.printf(Locale.ROOT, "warm-up run without views: %.0f images/s%n", w);
                Platform.runLater(vm::start);
            });
            warm.start();
        });
        vm.prepareData();
    }

    private static String list(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
    }

    private final boolean[] warmedUp = {false};

    /** CPU time in ns of the first live thread whose name starts with {@code prefix}. */
    private static long threadCpu(String prefix) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) return bean.getThreadCpuTime(t.getId());
        }
        return 0;
    }

    /** The same run without window or listeners; returns the last epoch's training images/s. */
    private static double bareRun(DataPreparation.PreparedData data, int epochs) {
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
