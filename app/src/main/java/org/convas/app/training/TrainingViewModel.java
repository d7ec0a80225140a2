package org.convas.app.training;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.calc.Problem;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Image;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.data.codec.DecodedImage;
import org.convas.engine.data.codec.ImageDecoders;
import org.convas.engine.data.codec.ImageFormatException;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.ModelException;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.Checkpoint;
import org.convas.engine.train.LearningRateSchedule;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingEvents.EpochStats;
import org.convas.engine.train.TrainingEvents.LayerNorms;
import org.convas.engine.train.TrainingEvents.ParameterNorm;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.engine.train.TrainingException;
import org.convas.engine.train.TrainingMemory;
import org.convas.engine.spec.ReadFiles;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.data.BundledDatasets;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;
import org.convas.visualizer.charts.LayerNorm;
import org.convas.visualizer.fx.FrameBatcher;
import org.convas.visualizer.fx.LatestValueSlot;
import org.convas.visualizer.inspect.GalleryImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * State and commands of the training workspace, as JavaFX properties; never touches a control, so it is tested
 * without a window (inject a direct executor for the background work and for FX delivery).
 *
 * <p>Threads. Properties are read and written on the FX thread only. Loading and preprocessing data, building
 * the model and the run, classifying the validation set after each epoch, decoding a loaded image and
 * snapshots of an idle model run on the {@code background} executor. The run itself trains on its own thread;
 * its events reach the FX thread coalesced, never one {@code runLater} per event: batch, epoch, norm and end
 * events queue in a {@link FrameBatcher} drained once per frame (start it with {@link #startDelivery()}, or
 * call {@link #flushEvents()} in tests), and snapshots and validation reports go through
 * {@link LatestValueSlot}s, which keep only the newest.
 *
 * <p>Snapshots: while a run is going, one is requested every {@value #SNAPSHOT_INTERVAL_MS} ms (checked when a
 * frame delivers batches) and whenever the image changes; the run serves it between two batches.
 */
public final class TrainingViewModel {

    /** Life cycle of the workspace (the run's, plus READY before the first run). */
    public enum RunState { READY, RUNNING, PAUSED, FINISHED }

    public enum Level { INFO, WARNING, ERROR }

    /** A line in the window's message bar. */
    public record Message(Level level, String text) {
        public static final Message NONE = new Message(Level.INFO, "");
    }

    /** Learning-rate schedules the form offers, with their settings fixed to values that suit short runs. */
    public enum ScheduleChoice {
        CONSTANT("constant"),
        STEP("step: ×γ every N epochs"),
        COSINE("cosine to 0 over the epochs"),
        PLATEAU("halve on plateau (patience 1)");

        private final String label;

        ScheduleChoice(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Data brought to one network input shape, with its training statistics. */
    public record PreparedData(DataKey key, FittedPreprocessing fitted, PreparedDataset train, PreparedDataset validation,
                               String note) {
    }

    /** What prepared data depends on: the source, the network input and the preprocessing options. */
    public record DataKey(DataSource source, Shape input, Normalisation normalisation, boolean allowEnlarging) {
    }

    /** Receives chart data on the FX thread, a frame's worth per call. */
    public interface Feed {
        /** A new run begins (or a checkpoint was loaded): forget the old points. */
        default void cleared() {
        }

        default void batches(List<BatchPoint> points) {
        }

        default void epochs(List<EpochPoint> points) {
        }

        default void gradientNorms(List<LayerNorm> points) {
        }
    }

    /** Interval between snapshot requests while training runs. */
    public static final long SNAPSHOT_INTERVAL_MS = 400;
    /** Interval between updates of the progress bar and line while training runs. */
    public static final long PROGRESS_INTERVAL_MS = 200;
    /** Seed of the validation holdout for sources without a test part: fixed, so changing the training seed keeps the split. */
    static final long SPLIT_SEED = 1;
    /** Images in the dataset preview grid: up to this many per class. */
    static final int PREVIEW_PER_CLASS = 4;
    static final int PREVIEW_MAX = 40;

    private final ReadOnlyObjectProperty<NetworkSpec> spec;
    private final Consumer<NetworkSpec> specSink;
    private final Executor background;
    private final Executor fx;
    private final LongSupplier nanoClock;
    private final Runnable onShutdown;

    // ---------------------------------------------------------------- settings (the form binds these)
    private final ObservableList<DataSource> dataSources = FXCollections.observableArrayList();
    private final ObjectProperty<DataSource> dataSource = new SimpleObjectProperty<>(this, "dataSource");
    private final ObjectProperty<Normalisation> normalisation = new SimpleObjectProperty<>(this, "normalisation", Normalisation.PER_CHANNEL);
    private final BooleanProperty allowEnlarging = new SimpleBooleanProperty(this, "allowEnlarging", true);
    private final IntegerProperty shift = new SimpleIntegerProperty(this, "shift", 0);
    private final BooleanProperty flip = new SimpleBooleanProperty(this, "flip", false);
    private final DoubleProperty rotation = new SimpleDoubleProperty(this, "rotation", 0);
    private final ObjectProperty<OptimizerSettings.Kind> optimizer = new SimpleObjectProperty<>(this, "optimizer", OptimizerSettings.Kind.ADAM);
    private final DoubleProperty learningRate = new SimpleDoubleProperty(this, "learningRate", 0.003);
    private final DoubleProperty momentum = new SimpleDoubleProperty(this, "momentum", 0.9);
    private final DoubleProperty weightDecay = new SimpleDoubleProperty(this, "weightDecay", 0);
    private final ObjectProperty<ScheduleChoice> schedule = new SimpleObjectProperty<>(this, "schedule", ScheduleChoice.CONSTANT);
    private final IntegerProperty scheduleEvery = new SimpleIntegerProperty(this, "scheduleEvery", 2);
    private final DoubleProperty scheduleGamma = new SimpleDoubleProperty(this, "scheduleGamma", 0.5);
    private final IntegerProperty batchSize = new SimpleIntegerProperty(this, "batchSize", 32);
    private final IntegerProperty epochs = new SimpleIntegerProperty(this, "epochs", 5);
    private final IntegerProperty threads = new SimpleIntegerProperty(this, "threads", defaultThreads());
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 1);

    // ---------------------------------------------------------------- what the views show
    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.READY);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyDoubleWrapper imagesPerSecond = new ReadOnlyDoubleWrapper(this, "imagesPerSecond", Double.NaN);
    private final ReadOnlyDoubleWrapper secondsLeft = new ReadOnlyDoubleWrapper(this, "secondsLeft", Double.NaN);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyStringWrapper memoryText = new ReadOnlyStringWrapper(this, "memoryText", "");
    private final ReadOnlyBooleanWrapper memoryTooLarge = new ReadOnlyBooleanWrapper(this, "memoryTooLarge");
    private final ReadOnlyStringWrapper conversionText = new ReadOnlyStringWrapper(this, "conversionText", "");
    private final ReadOnlyObjectWrapper<Message> message = new ReadOnlyObjectWrapper<>(this, "message", Message.NONE);
    private final ReadOnlyObjectWrapper<PreparedData> preparedData = new ReadOnlyObjectWrapper<>(this, "preparedData");
    private final ReadOnlyObjectWrapper<List<GalleryImage>> previewImages = new ReadOnlyObjectWrapper<>(this, "previewImages", List.of());
    private final ReadOnlyObjectWrapper<Snapshot> snapshot = new ReadOnlyObjectWrapper<>(this, "snapshot");
    private final ReadOnlyObjectWrapper<ValidationReport> validationReport = new ReadOnlyObjectWrapper<>(this, "validationReport");
    private final ObservableList<String> convLayers = FXCollections.observableArrayList();
    private final StringProperty selectedConvLayer = new SimpleStringProperty(this, "selectedConvLayer");
    private final IntegerProperty imageIndex = new SimpleIntegerProperty(this, "imageIndex", 0);
    private final ReadOnlyStringWrapper imageText = new ReadOnlyStringWrapper(this, "imageText", "");
    private final ReadOnlyObjectWrapper<RunEnd> lastEnd = new ReadOnlyObjectWrapper<>(this, "lastEnd");

    // ---------------------------------------------------------------- run state (FX thread)
    private final List<Feed> feeds = new CopyOnWriteArrayList<>();
    private final FrameBatcher<Object> events = new FrameBatcher<>(this::deliver);
    private final LatestValueSlot<Snapshot> snapshotSlot;
    private final LatestValueSlot<ValidationReport> reportSlot;
    private TrainingRun run;
    private volatile BiConsumer<Snapshot, Model> snapshotModels = (s, m) -> { };
    private boolean delivering;
    private Model model;
    private Checkpoint checkpoint;
    /** The folder the current run's checkpoint was loaded from: a save there continues it, elsewhere must not replace another run's. */
    private Path checkpointFolder;
    private float[] customImage;
    private long steps;
    private long lastSnapshotRequest = Long.MIN_VALUE / 2;
    private long lastProgressUpdate = Long.MIN_VALUE / 2;
    private double smoothedLoss = Double.NaN;
    private boolean warnedRisingLoss;
    private int batchesPerEpoch;
    private int runEpochs;
    private int runBatchSize;

    // ---------------------------------------------------------------- data cache (background thread only)
    private volatile DataSource loadedSource;
    private volatile DataSource.Loaded loaded;
    private volatile PreparedData cachedPrepared;

    /**
     * @param spec       the network to train (the main window's current spec)
     * @param specSink   receives the network of a loaded checkpoint, so the rest of the window shows it
     * @param background runs loading, preparation and analysis off the FX thread (a direct executor in tests)
     * @param fx         delivers results to the FX thread ({@code Platform::runLater}; direct in tests)
     * @param nanoClock  time for snapshot pacing ({@code System::nanoTime})
     * @param onShutdown called by {@link #shutdown()} after the run is cancelled (e.g. to stop the background executor)
     */
    public TrainingViewModel(ReadOnlyObjectProperty<NetworkSpec> spec, Consumer<NetworkSpec> specSink, Executor background,
                             Executor fx, LongSupplier nanoClock, Runnable onShutdown) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.specSink = Objects.requireNonNull(specSink, "specSink");
        this.background = Objects.requireNonNull(background, "background");
        this.fx = Objects.requireNonNull(fx, "fx");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
        snapshotSlot = new LatestValueSlot<>(this::showSnapshot, fx);
        reportSlot = new LatestValueSlot<>(validationReport::set, fx);

        for (BundledDatasets.Entry e : BundledDatasets.available()) dataSources.add(new DataSource.Bundled(e));
        if (!dataSources.isEmpty()) dataSource.set(dataSources.get(0));

        spec.addListener((obs, old, now) -> networkChanged());
        for (ObservableValue<?> v : List.of(batchSize, optimizer, momentum, threads)) v.addListener((obs, old, now) -> updateMemory());
        for (ObservableValue<?> v : List.of(dataSource, normalisation, allowEnlarging)) v.addListener((obs, old, now) -> dataOptionsChanged());
        for (ObservableValue<?> v : List.of(shift, flip, rotation)) v.addListener((obs, old, now) -> updatePreview());
        learningRate.addListener((obs, old, now) -> liveChange(() -> run.setLearningRate(now.doubleValue()), "learning rate", now));
        momentum.addListener((obs, old, now) -> liveChange(() -> run.setMomentum(now.doubleValue()), "momentum", now));
        imageIndex.addListener((obs, old, now) -> {
            customImage = null;
            requestSnapshot();
        });
        selectedConvLayer.addListener((obs, old, now) -> requestSnapshot());
        networkChanged();
    }

    /**
     * All cores but one: the window's FX and render threads need a core of their own. A step waits for its slowest
     * worker, so a worker that loses its core to the GUI holds up the whole batch. Measured on 2 cores with the
     * live views (TrainingWorkspaceDemo --benchmark): 2 threads trained no faster than 1 (1,100–1,400 images/s
     * each) but lost 37% to the views against 6% with 1 thread, and the longest FX pause fell from 132 to 91 ms.
     */
    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The window's view-model: a daemon background thread, delivery with {@code Platform.runLater}. */
    public static TrainingViewModel forWindow(ReadOnlyObjectProperty<NetworkSpec> spec, Consumer<NetworkSpec> specSink) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "convas-workspace");
            t.setDaemon(true);
            return t;
        });
        return new TrainingViewModel(spec, specSink, worker, Platform::runLater, System::nanoTime, worker::shutdownNow);
    }

    // ================================================================ commands

    /** Loads and preprocesses the chosen data for the network's input (background), then shows the preview. */
    public void prepareData() {
        DataKey key = dataKey(null);
        if (key == null) return;
        busy.set(true);
        progress.set(-1);
        progressText.set("Loading " + key.source().title() + "…");
        background.execute(() -> {
            try {
                PreparedData data = prepare(key);
                fx.execute(() -> {
                    busy.set(false);
                    progress.set(0);
                    progressText.set("");
                    dataReady(data);
                    info(data.note());
                });
            } catch (DatasetException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> failed("Cannot use " + key.source().title() + ": " + ReadFiles.message(e)));
            }
        });
    }

    /**
     * Starts a run (F5): checks the network and the settings, prepares the data, builds the model (or takes the
     * loaded checkpoint's, to continue it) and starts training on its own thread. Problems become a message.
     */
    public void start() {
        if (state.get() == RunState.RUNNING || state.get() == RunState.PAUSED) return;
        if (busy.get()) {
            warn("Wait until the data is loaded, then start again.");
            return;
        }
        NetworkSpec net = checkpoint != null ? checkpoint.model().spec() : spec.get();
        if (net == null) {
            error("There is no network to train.");
            return;
        }
        String invalid = invalidNetwork(net);
        if (invalid != null) {
            error(invalid);
            return;
        }
        TrainingSettings settings;
        Augmentation augmentation;
        try {
            settings = settings();
            augmentation = augmentation();
        } catch (IllegalArgumentException e) {
            error("Check the settings: " + e.getMessage() + ".");
            return;
        }
        DataKey key = dataKey(net);
        if (key == null) return;
        Checkpoint resumeFrom = checkpoint;
        busy.set(true);
        progress.set(-1);
        progressText.set("Preparing " + key.source().title() + "…");
        message.set(Message.NONE);
        background.execute(() -> {
            try {
                PreparedData data = prepare(key);
                DatasetBatchSource train = DatasetBatchSource.training(data.train(), augmentation);
                DatasetBatchSource validation = DatasetBatchSource.evaluation(data.validation());
                // A fresh run is checked against the heap before its weights are allocated (the Memory line's estimate).
                TrainingRun r = resumeFrom != null ? TrainingRun.resume(resumeFrom, train, validation, settings)
                        : TrainingRun.create(net, Initializer.of(net.weightInit()), settings.seed(), train, validation, settings);
                if (resumeFrom != null) {
                    // The fields show the checkpoint's values once it is loaded: what differs was changed on purpose.
                    if (settings.optimizer().learningRate() != resumeFrom.progress().baseLearningRate()) {
                        r.setLearningRate(settings.optimizer().learningRate());
                    }
                    if (settings.optimizer().momentum() != resumeFrom.progress().momentum()) r.setMomentum(settings.optimizer().momentum());
                }
                r.addListener(new Forwarder(r, data.validation()));
                fx.execute(() -> launch(r, data, resumeFrom));
            } catch (DatasetException | TrainingException | ModelException | IllegalArgumentException e) {
                fx.execute(() -> failed("Cannot start: " + e.getMessage()));
            } catch (RuntimeException e) {
                fx.execute(() -> failed("Cannot start: " + ReadFiles.message(e)));
            } catch (OutOfMemoryError e) {
                fx.execute(() -> failed("Cannot start: the data or the network does not fit in the Java heap ("
                        + Numbers.bytes(Runtime.getRuntime().maxMemory()) + "); choose a smaller dataset, input or batch, or give Java more memory (-Xmx)."));
            }
        });
    }

    /** Pauses before the next batch (F6); snapshots are still served. */
    public void pause() {
        if (state.get() != RunState.RUNNING) return;
        run.pause();
        state.set(RunState.PAUSED);
        progressText.set("Paused. " + progressText.get());
    }

    public void resume() {
        if (state.get() != RunState.PAUSED) return;
        run.resume();
        state.set(RunState.RUNNING);
    }

    /** F6: pause a running run, resume a paused one. */
    public void togglePause() {
        if (state.get() == RunState.RUNNING) pause();
        else if (state.get() == RunState.PAUSED) resume();
    }

    /** Stops the run before its next batch (Shift+F5); the weights are those of the last whole step. */
    public void stop() {
        if (run != null && (state.get() == RunState.RUNNING || state.get() == RunState.PAUSED)) {
            run.cancel();
            progressText.set("Stopping after this batch…");
        }
    }

    /** Saves the ended run (weights, optimizer state, progress) to a folder, on the background thread. */
    public void saveCheckpoint(Path folder) {
        if (run == null) {
            warn("Nothing to save yet: train first, then save a checkpoint.");
            return;
        }
        if (state.get() != RunState.FINISHED) {
            warn("Stop the run first (Shift+F5), then save: a checkpoint holds the weights between two steps, "
                    + "and the run keeps changing them while it goes.");
            return;
        }
        TrainingRun ended = run;
        Path from = checkpointFolder;
        background.execute(() -> {
            try {
                boolean same = from != null && from.toAbsolutePath().normalize().equals(folder.toAbsolutePath().normalize());
                java.util.Optional<String> existing = same ? java.util.Optional.empty() : Checkpoint.describeExisting(folder);
                if (existing.isPresent()) {
                    fx.execute(() -> error("Not saved: " + folder + " " + existing.get() + ", which this would replace. Choose an"
                            + " empty or new folder, or delete that one first."));
                    return;
                }
                ended.saveCheckpoint(folder);
                int done = ended.progress().epochsCompleted();
                int into = ended.progress().batchesIntoEpoch();
                fx.execute(() -> checkpointFolder = folder); // this run's own now: saving there again replaces it
                fx.execute(() -> info("Saved the checkpoint to " + folder + " (" + done + " whole epoch" + (done == 1 ? "" : "s")
                        + (into > 0 ? " and " + into + " batch" + (into == 1 ? "" : "es") + " of epoch " + (done + 1) : "")
                        + "). Load it to continue training" + (into > 0 ? " exactly where it stopped." : ".")));
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> error("Cannot save the checkpoint to " + folder + ": " + ReadFiles.message(e)));
            }
        });
    }

    /**
     * Loads a checkpoint folder (background); the window then shows its network, the charts its epochs, and the
     * next {@link #start()} continues it.
     */
    public void loadCheckpoint(Path folder) {
        if (state.get() == RunState.RUNNING || state.get() == RunState.PAUSED) {
            warn("Stop the run first (Shift+F5), then load a checkpoint.");
            return;
        }
        busy.set(true);
        progress.set(-1);
        progressText.set("Loading the checkpoint " + folder + "…");
        background.execute(() -> {
            try {
                Checkpoint loaded = Checkpoint.load(folder);
                fx.execute(() -> checkpointLoaded(folder, loaded));
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> failed("Cannot load the checkpoint " + folder + ": " + ReadFiles.message(e)));
            }
        });
    }

    /** Asks for a snapshot of the chosen image now (the run serves it between batches; an idle model at once). */
    public void requestSnapshot() {
        lastSnapshotRequest = nanoClock.getAsLong();
        PreparedData data = preparedData.get();
        if (run != null && (state.get() == RunState.RUNNING || state.get() == RunState.PAUSED)) {
            if (customImage != null) run.requestSnapshot(customImage);
            else if (data != null && data.validation().size() > 0) run.requestSnapshot(clampIndex(data));
            return;
        }
        if (data == null || data.validation().size() == 0) return;
        Model idle = model;
        NetworkSpec net = spec.get();
        if (idle == null && (net == null || invalidNetwork(net) != null)) return;
        float[] image = customImage != null ? customImage : data.validation().inputs(clampIndex(data));
        int label = customImage != null ? -1 : data.validation().label(clampIndex(data));
        long seedNow = seed.get();
        background.execute(() -> {
            try {
                // Before the first run: an untrained model with the run's seed shows the random filters it starts from.
                Model m = idle != null ? idle : Model.create(net, Initializer.of(net.weightInit()), seedNow);
                if (!m.inputShape().equals(data.key().input())) return;
                Snapshot s = ModelSnapshots.take(m, image, label, 0, 0);
                snapshotModels.accept(s, m);
                snapshotSlot.offer(s);
                if (idle == null) fx.execute(() -> {
                    if (model == null && spec.get() == net) model = m;
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> warn("No activations to show: " + ReadFiles.message(e)));
            }
        });
    }

    /** Shows the activations of validation image {@code index}. */
    public void showValidationImage(int index) {
        customImage = null;
        if (imageIndex.get() == index) requestSnapshot();
        else imageIndex.set(index);
    }

    /** Decodes an image file (PNG, JPEG, BMP, GIF), preprocesses it like the training images, and shows its activations. */
    public void loadImage(Path file) {
        PreparedData data = preparedData.get();
        if (data == null) {
            warn("Load a dataset first: an image is preprocessed with the training set's statistics.");
            return;
        }
        background.execute(() -> {
            try {
                DecodedImage decoded = ImageDecoders.decode(ReadFiles.bytes(file, 256L << 20, "an image file"));
                Image image = Image.interleaved(decoded.width(), decoded.height(), decoded.channels(), decoded.pixels());
                Dataset one = new Dataset(file.getFileName().toString(), data.train().classNames(), List.of(image), new int[] {0},
                        List.of(file.getFileName().toString()));
                float[] input = data.fitted().apply(one).inputs(0);
                fx.execute(() -> {
                    customImage = input;
                    imageText.set(file.getFileName() + " (" + decoded.width() + "×" + decoded.height() + "×" + decoded.channels()
                            + " → " + data.key().input() + ")");
                    requestSnapshot();
                });
            } catch (IOException | ImageFormatException | DatasetException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> error("Cannot use " + file.getFileName() + " as an input image: " + ReadFiles.message(e)));
            }
        });
    }

    /** Starts draining trainer events once per frame (the window calls this). */
    public void startDelivery() {
        delivering = true;
        events.start();
    }

    /** Delivers the trainer events queued so far on the calling thread (tests; the frame timer otherwise). */
    public int flushEvents() {
        return events.flush();
    }

    /** Closing the window: cancels the run, stops delivery and the background work. */
    public void shutdown() {
        if (run != null) run.cancel();
        if (delivering) events.stop();
        onShutdown.run();
    }

    /**
     * Hands every snapshot's model to {@code listener} too, on the thread that took the snapshot and while its weights
     * hold still (between two training steps): the listener copies what it needs ({@link Model#copy()}) before it
     * returns, and returns quickly. The inspection views (app.inspect) explain the image on such copies.
     */
    public void setSnapshotModelListener(BiConsumer<Snapshot, Model> listener) {
        snapshotModels = Objects.requireNonNull(listener);
    }

    public void addFeed(Feed feed) {
        feeds.add(Objects.requireNonNull(feed));
    }

    /** The run in progress or last ended, or null (tests and benchmarks). */
    public TrainingRun run() {
        return run;
    }

    // ================================================================ properties

    public ObservableList<DataSource> dataSources() { return dataSources; }
    public ObjectProperty<DataSource> dataSourceProperty() { return dataSource; }
    public ObjectProperty<Normalisation> normalisationProperty() { return normalisation; }
    public BooleanProperty allowEnlargingProperty() { return allowEnlarging; }
    /** Augmentation: random shift by up to ± this many pixels. */
    public IntegerProperty shiftProperty() { return shift; }
    public BooleanProperty flipProperty() { return flip; }
    /** Augmentation: random rotation within ± this many degrees. */
    public DoubleProperty rotationProperty() { return rotation; }
    public ObjectProperty<OptimizerSettings.Kind> optimizerProperty() { return optimizer; }
    /** The learning rate; a change while running reaches the run at the next step. */
    public DoubleProperty learningRateProperty() { return learningRate; }
    /** Momentum (SGD, Nesterov, RMSProp); a change while running reaches the run at the next step. */
    public DoubleProperty momentumProperty() { return momentum; }
    public DoubleProperty weightDecayProperty() { return weightDecay; }
    public ObjectProperty<ScheduleChoice> scheduleProperty() { return schedule; }
    public IntegerProperty scheduleEveryProperty() { return scheduleEvery; }
    public DoubleProperty scheduleGammaProperty() { return scheduleGamma; }
    public IntegerProperty batchSizeProperty() { return batchSize; }
    public IntegerProperty epochsProperty() { return epochs; }
    public IntegerProperty threadsProperty() { return threads; }
    public LongProperty seedProperty() { return seed; }

    public ReadOnlyObjectProperty<RunState> stateProperty() { return state.getReadOnlyProperty(); }
    public RunState getState() { return state.get(); }
    /** True while data is loaded or a run is being built. */
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }
    /** Fraction of the run's batches done, 0..1; −1 while loading (indeterminate). */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty imagesPerSecondProperty() { return imagesPerSecond.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty secondsLeftProperty() { return secondsLeft.getReadOnlyProperty(); }
    /** "Epoch 1/5 · batch 23/94 · 1,234 images/s · 0:42 left". */
    public ReadOnlyStringProperty progressTextProperty() { return progressText.getReadOnlyProperty(); }
    /** The estimated training memory for the batch size, before starting. */
    public ReadOnlyStringProperty memoryTextProperty() { return memoryText.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty memoryTooLargeProperty() { return memoryTooLarge.getReadOnlyProperty(); }
    /** What preprocessing does to the images for this network's input (crop, resize, colour). */
    public ReadOnlyStringProperty conversionTextProperty() { return conversionText.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Message> messageProperty() { return message.getReadOnlyProperty(); }
    public Message getMessage() { return message.get(); }
    public ReadOnlyObjectProperty<PreparedData> preparedDataProperty() { return preparedData.getReadOnlyProperty(); }
    /** Preprocessed (and, when on, augmented) training samples for the preview grid. */
    public ReadOnlyObjectProperty<List<GalleryImage>> previewImagesProperty() { return previewImages.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Snapshot> snapshotProperty() { return snapshot.getReadOnlyProperty(); }
    /** Confusion matrix and misclassified images after the last epoch. */
    public ReadOnlyObjectProperty<ValidationReport> validationReportProperty() { return validationReport.getReadOnlyProperty(); }
    /** The network's convolution layers, for the filter view's chooser. */
    public ObservableList<String> convLayers() { return convLayers; }
    public StringProperty selectedConvLayerProperty() { return selectedConvLayer; }
    /** Index of the validation image whose activations are shown. */
    public IntegerProperty imageIndexProperty() { return imageIndex; }
    /** Which image the activations show, e.g. "validation #12: Shirt". */
    public ReadOnlyStringProperty imageTextProperty() { return imageText.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RunEnd> lastEndProperty() { return lastEnd.getReadOnlyProperty(); }

    // ================================================================ settings

    /** The run's settings from the form; IllegalArgumentException with the engine's explanation when one is wrong. */
    public TrainingSettings settings() {
        OptimizerSettings base = switch (optimizer.get()) {
            case SGD -> OptimizerSettings.momentum(learningRate.get(), momentum.get());
            case NESTEROV -> OptimizerSettings.nesterov(learningRate.get(), momentum.get());
            case ADAM -> OptimizerSettings.adam(learningRate.get());
            case RMSPROP -> OptimizerSettings.rmsProp(learningRate.get()).withMomentum(momentum.get());
            case ADAGRAD -> OptimizerSettings.adaGrad(learningRate.get());
        };
        LearningRateSchedule s = switch (schedule.get()) {
            case CONSTANT -> new LearningRateSchedule.Constant();
            case STEP -> new LearningRateSchedule.Step(scheduleEvery.get(), scheduleGamma.get());
            case COSINE -> new LearningRateSchedule.Cosine(epochs.get(), 0);
            case PLATEAU -> new LearningRateSchedule.ReduceOnPlateau(0.5, 1, 0.01);
        };
        return TrainingSettings.builder().epochs(epochs.get()).batchSize(batchSize.get()).threads(threads.get())
                .seed(seed.get()).optimizer(base.withWeightDecay(weightDecay.get())).schedule(s).normsEvery(5).build();
    }

    /** The augmentation from the form (training batches only). */
    public Augmentation augmentation() {
        if (shift.get() == 0 && !flip.get() && rotation.get() == 0) return Augmentation.none();
        Augmentation.Builder b = Augmentation.builder().seed(seed.get()).horizontalFlip(flip.get());
        if (shift.get() != 0) b.shift(shift.get());
        if (rotation.get() != 0) b.rotation(rotation.get());
        return b.build();
    }

    /**
     * What preprocessing does to images of one shape for a network input, in a sentence. Example: 28×28×1 images
     * for a 32×32×1 input: "enlarged to 32×32 (bilinear: no new detail)".
     */
    public static String describeConversion(Shape images, Shape input, boolean allowEnlarging) {
        if (images == null) return "Images of different sizes are each centre-cropped to " + input.width() + ":" + input.height()
                + " and resized to the network's input " + input + ".";
        if (images.equals(input)) return "Images are " + images + " like the network's input: used as they are.";
        List<String> steps = new ArrayList<>();
        boolean sameAspect = (long) images.width() * input.height() == (long) images.height() * input.width();
        if (!sameAspect) steps.add("centre-cropped to the input's aspect ratio " + input.width() + ":" + input.height());
        if (images.depth() == 3 && input.depth() == 1) steps.add("converted to grey (luma 0.299 R + 0.587 G + 0.114 B)");
        if (images.depth() == 1 && input.depth() == 3) steps.add("copied into 3 equal channels (grey stays grey)");
        if (images.width() < input.width() || images.height() < input.height()) {
            if (!allowEnlarging) {
                return "Images are " + images + " but the network's input is " + input + ": they would have to be enlarged, "
                        + "which is switched off. Allow enlarging, or change the Input layer to " + images.width() + "×"
                        + images.height() + "×" + input.depth() + ".";
            }
            steps.add("enlarged to " + input.width() + "×" + input.height() + " (bilinear: no new detail, "
                    + String.format(Locale.ROOT, "%.2f", (double) input.width() / images.width()) + "× per side)");
        } else if (images.width() != input.width() || images.height() != input.height()) {
            steps.add("shrunk to " + input.width() + "×" + input.height() + " (area averaging)");
        }
        return "Images are " + images + ", the network's input is " + input + ": each image is " + String.join(", then ", steps) + ".";
    }

    // ================================================================ internals

    private DataKey dataKey(NetworkSpec net) {
        DataSource source = dataSource.get();
        if (source == null) {
            error("Choose a dataset first.");
            return null;
        }
        Shape input = inputShape(net != null ? net : spec.get());
        if (input == null) {
            error("The network has no Input layer, so there is no image size to prepare the data for.");
            return null;
        }
        if (input.depth() != 1 && input.depth() != 3) {
            error("The network's input " + input + " has depth " + input.depth() + "; images need depth 1 (grey) or 3 (RGB). "
                    + "Change the Input layer.");
            return null;
        }
        return new DataKey(source, input, normalisation.get(), allowEnlarging.get());
    }

    static Shape inputShape(NetworkSpec net) {
        if (net == null || net.inputs().isEmpty()) return null;
        return net.inputs().get(0).layer() instanceof LayerSpec.Input in ? in.shape() : null;
    }

    /** "The network is invalid: …" with the first error and its fix, or null when it can be trained. */
    static String invalidNetwork(NetworkSpec net) {
        NetworkReport report = Calculator.analyze(net);
        if (report.isValid()) return null;
        Problem p = report.errors().get(0);
        int more = report.errors().size() - 1;
        return "The network is invalid, so it cannot be trained: " + (p.nodeId() == null ? "" : p.nodeId() + ": ") + p.text()
                + (p.fix() == null || p.fix().isBlank() ? "" : " " + p.fix())
                + (more > 0 ? " (and " + more + " more error" + (more == 1 ? "" : "s") + " in the Design view)" : "") + ".";
    }

    /** Loads (cached per source) and preprocesses (cached per key). Background thread. */
    private PreparedData prepare(DataKey key) throws DatasetException {
        PreparedData cached = cachedPrepared;
        if (cached != null && cached.key().equals(key)) return cached;
        if (!key.source().equals(loadedSource)) {
            loaded = null;
            loadedSource = null;
            loaded = key.source().load(SPLIT_SEED);
            loadedSource = key.source();
        }
        Preprocessing pre = Preprocessing.builder(key.input()).normalisation(key.normalisation())
                .allowEnlarging(key.allowEnlarging()).build();
        FittedPreprocessing fitted = pre.fit(loaded.train());
        PreparedDataset validation = fitted.apply(loaded.validation());
        Shape own = loaded.train().commonShape().orElse(null);
        String note = loaded.note() + ". " + describeConversion(own, key.input(), key.allowEnlarging());
        PreparedData data = new PreparedData(key, fitted, fitted.train(), validation, note);
        cachedPrepared = data;
        return data;
    }

    private void dataReady(PreparedData data) {
        dataReady(data, true);
    }

    /** Shows prepared data; {@code idleSnapshot}: and the activations of the chosen image by a model not training. */
    private void dataReady(PreparedData data, boolean idleSnapshot) {
        preparedData.set(data);
        updatePreview();
        if (imageIndex.get() >= data.validation().size()) imageIndex.set(0);
        updateImageText();
        updateConversion();
        if (idleSnapshot && state.get() != RunState.RUNNING && state.get() != RunState.PAUSED) requestSnapshot();
    }

    private void launch(TrainingRun r, PreparedData data, Checkpoint resumed) {
        busy.set(false);
        if (preparedData.get() != data) dataReady(data, false);
        run = r;
        model = r.model();
        checkpoint = null;
        if (resumed == null) checkpointFolder = null; // a new run: no folder holds it yet
        TrainingSettings s = r.settings();
        runEpochs = s.epochs();
        runBatchSize = s.batchSize();
        batchesPerEpoch = (data.train().size() + s.batchSize() - 1) / s.batchSize();
        steps = resumed != null ? resumed.progress().steps() : 0;
        smoothedLoss = Double.NaN;
        warnedRisingLoss = false;
        lastProgressUpdate = Long.MIN_VALUE / 2;
        lastEnd.set(null);
        validationReport.set(null);
        for (Feed f : feeds) f.cleared();
        if (resumed != null) {
            List<EpochPoint> history = new ArrayList<>();
            for (EpochStats e : resumed.progress().history()) history.add(epochPoint(e));
            if (!history.isEmpty()) for (Feed f : feeds) f.epochs(history);
        }
        state.set(RunState.RUNNING);
        progress.set(0);
        progressText.set("Starting…");
        info((resumed != null ? "Continuing from epoch " + (resumed.progress().epochsCompleted() + 1) : "Training") + " "
                + r.model().spec().name() + " on " + data.key().source().title() + ". " + data.note());
        r.start();
        requestSnapshot();
    }

    private void checkpointLoaded(Path folder, Checkpoint loaded) {
        busy.set(false);
        progress.set(0);
        progressText.set("");
        specSink.accept(loaded.model().spec());
        OptimizerSettings saved = loaded.progress().optimizer();
        if (saved != null) {
            // The run continues with the checkpoint's optimizer: show it, so that what Start uses is what the form says.
            optimizer.set(saved.kind());
            learningRate.set(loaded.progress().baseLearningRate());
            momentum.set(loaded.progress().momentum());
            weightDecay.set(saved.weightDecay());
        }
        seed.set(loaded.progress().seed()); // the checkpoint's seed fixes its data order; the run keeps it
        batchSize.set(loaded.progress().partialEpoch() != null ? loaded.progress().partialEpoch().batchSize() : batchSize.get());
        checkpoint = loaded;
        checkpointFolder = folder;
        model = loaded.model();
        run = null;
        state.set(RunState.READY);
        int done = loaded.progress().epochsCompleted();
        if (epochs.get() <= done) epochs.set(done + 1);
        steps = loaded.progress().steps();
        for (Feed f : feeds) f.cleared();
        List<EpochPoint> history = new ArrayList<>();
        for (EpochStats e : loaded.progress().history()) history.add(epochPoint(e));
        if (!history.isEmpty()) for (Feed f : feeds) f.epochs(history);
        String accuracy = loaded.progress().history().isEmpty() ? ""
                : String.format(Locale.ROOT, ", validation accuracy %.1f%%",
                100 * loaded.progress().history().get(loaded.progress().history().size() - 1).validationAccuracy());
        info("Loaded the checkpoint " + folder.getFileName() + ": " + loaded.model().spec().name() + ", " + done + " epoch"
                + (done == 1 ? "" : "s") + " done" + (loaded.progress().batchesIntoEpoch() > 0 ? " and "
                + loaded.progress().batchesIntoEpoch() + " batches of the next" : "") + accuracy + ". Start (F5) continues with epoch "
                + (done + 1) + " of " + epochs.get() + ", with the checkpoint's optimizer settings (shown on the left).");
        requestSnapshot();
    }

    /** One frame's trainer events, in the order the run sent them. FX thread. */
    private void deliver(List<Object> items) {
        List<BatchPoint> batches = new ArrayList<>();
        List<EpochPoint> epochPoints = new ArrayList<>();
        List<LayerNorm> norms = new ArrayList<>();
        BatchStats last = null;
        RunEnd end = null;
        for (Object item : items) {
            if (item instanceof BatchStats b) {
                steps++;
                batches.add(new BatchPoint(steps, b.loss(), b.accuracy(), b.learningRate()));
                watchLoss(b.loss());
                last = b;
            } else if (item instanceof EpochStats e) {
                epochPoints.add(epochPoint(e));
            } else if (item instanceof LayerNorms n) {
                norms.addAll(layerNorms(n, steps));
            } else if (item instanceof RunEnd e) {
                end = e;
            }
        }
        if (!batches.isEmpty()) for (Feed f : feeds) f.batches(batches);
        if (!epochPoints.isEmpty()) for (Feed f : feeds) f.epochs(epochPoints);
        if (!norms.isEmpty()) for (Feed f : feeds) f.gradientNorms(norms);
        // The progress line and bar change at most 5 times a second: each change repaints part of the window, and
        // with software rendering (no GPU) that repaint competes with training for the same cores.
        long now = nanoClock.getAsLong();
        if (last != null && end == null && now - lastProgressUpdate >= PROGRESS_INTERVAL_MS * 1_000_000L) {
            lastProgressUpdate = now;
            showProgress(last);
        }
        if (end != null) ended(end);
        else if (state.get() == RunState.RUNNING && nanoClock.getAsLong() - lastSnapshotRequest >= SNAPSHOT_INTERVAL_MS * 1_000_000L) {
            requestSnapshot();
        }
    }

    private void showProgress(BatchStats b) {
        batchesPerEpoch = b.batchesPerEpoch();
        long total = (long) runEpochs * batchesPerEpoch;
        long done = (long) (b.epoch() - 1) * batchesPerEpoch + b.batch();
        progress.set(total == 0 ? 0 : Math.min(1, (double) done / total));
        imagesPerSecond.set(b.imagesPerSecond());
        double left = b.imagesPerSecond() > 0 ? (total - done) * (double) runBatchSize / b.imagesPerSecond() : Double.NaN;
        secondsLeft.set(left);
        progressText.set(String.format(Locale.ROOT, "%sEpoch %d/%d · batch %d/%d · loss %.3f · %,.0f images/s · %s left",
                state.get() == RunState.PAUSED ? "Paused. " : "", b.epoch(), runEpochs, b.batch(), b.batchesPerEpoch(), b.loss(),
                b.imagesPerSecond(), duration(left)));
    }

    /** Warns once when the smoothed loss climbs well above the loss of guessing: the run is heading for divergence. */
    private void watchLoss(double loss) {
        if (!Double.isFinite(loss)) return;
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : 0.9 * smoothedLoss + 0.1 * loss;
        int classes = model == null ? 10 : model.classes();
        double guessing = Math.log(classes);
        if (!warnedRisingLoss && steps > 20 && smoothedLoss > 2 * guessing) {
            warnedRisingLoss = true;
            warn(String.format(Locale.ROOT, "The loss is %.2f, above twice the %.2f of guessing among %d classes: training is "
                            + "diverging. Lower the learning rate (now %s) while it runs, or stop and restart with a lower one.",
                    smoothedLoss, guessing, classes, learningRate.get()));
        }
    }

    private void ended(RunEnd end) {
        state.set(RunState.FINISHED);
        lastEnd.set(end);
        switch (end.status()) {
            case COMPLETED -> {
                progress.set(1);
                progressText.set("Finished: " + end.message() + ".");
                info("Finished: " + end.message() + " (" + end.steps() + " steps). Save a checkpoint to keep the weights.");
            }
            case CANCELLED -> {
                progressText.set("Stopped: " + end.message() + ".");
                info("Stopped " + end.message() + " after " + end.steps() + " steps; the weights are those of the last whole step.");
            }
            case DIVERGED -> {
                progressText.set("Diverged.");
                error("Training diverged: " + end.message());
            }
            case FAILED -> {
                progressText.set("Failed.");
                error(end.message());
            }
        }
        requestSnapshot();
    }

    private void showSnapshot(Snapshot s) {
        snapshot.set(s);
        updateImageText();
    }

    private void updateImageText() {
        PreparedData data = preparedData.get();
        if (customImage != null || data == null || data.validation().size() == 0) return;
        int i = clampIndex(data);
        imageText.set("validation #" + i + ": " + data.validation().classNames().get(data.validation().label(i)));
    }

    private int clampIndex(PreparedData data) {
        return Math.max(0, Math.min(imageIndex.get(), data.validation().size() - 1));
    }

    private void liveChange(Runnable change, String what, Number value) {
        if (run == null || (state.get() != RunState.RUNNING && state.get() != RunState.PAUSED)) return;
        try {
            change.run();
            info("The " + what + " is now " + value + " from the next step on.");
        } catch (IllegalArgumentException e) {
            error("The " + what + " was not changed: " + e.getMessage() + ".");
        }
    }

    private void networkChanged() {
        NetworkSpec net = spec.get();
        List<String> convs = new ArrayList<>();
        if (net != null) for (Node n : net.nodes()) if (n.layer() instanceof LayerSpec.Conv2D) convs.add(n.id());
        convLayers.setAll(convs);
        if (selectedConvLayer.get() == null || !convs.contains(selectedConvLayer.get())) {
            selectedConvLayer.set(convs.isEmpty() ? null : convs.get(0));
        }
        if (state.get() != RunState.RUNNING && state.get() != RunState.PAUSED) {
            if (model != null && model.spec() != net) model = null;
            if (checkpoint != null && checkpoint.model().spec() != net) checkpoint = null;
        }
        updateMemory();
        updateConversion();
    }

    private void dataOptionsChanged() {
        updateConversion();
    }

    private void updateConversion() {
        DataSource source = dataSource.get();
        Shape input = inputShape(spec.get());
        if (source == null || input == null) {
            conversionText.set("");
            return;
        }
        Shape own = source instanceof DataSource.Bundled b ? b.entry().shape()
                : loaded != null && source.equals(loadedSource) ? loaded.train().commonShape().orElse(null) : null;
        if (own == null && !(source instanceof DataSource.Bundled)) {
            conversionText.set("The images are brought to the network's input " + input + " when the data is loaded.");
            return;
        }
        conversionText.set(describeConversion(own, input, allowEnlarging.get()));
    }

    private void updateMemory() {
        NetworkSpec net = spec.get();
        if (net == null) return;
        NetworkReport report = Calculator.analyze(net);
        if (!report.isValid()) {
            memoryText.set("Memory: unknown until the network's errors are fixed.");
            memoryTooLarge.set(false);
            return;
        }
        int batch = Math.max(1, batchSize.get());
        int copies;
        try {
            copies = settingsOptimizerCopies();
        } catch (IllegalArgumentException e) {
            copies = 1;
        }
        // The engine's one estimate: the figure Start refuses a batch by (TrainingRun, and convas train).
        TrainingMemory estimate = TrainingMemory.estimate(report, batch, Math.max(1, threads.get()), copies);
        long need = estimate.totalBytes();
        long available = TrainingMemory.freeHeap();
        memoryTooLarge.set(need > available);
        memoryText.set("Estimated memory at batch " + batch + ": " + estimate.describe() + " of " + Numbers.bytes(available)
                + " free" + (need > available ? ": too large, use a smaller batch" : ""));
    }

    private int settingsOptimizerCopies() {
        return switch (optimizer.get()) {
            case SGD -> momentum.get() > 0 ? 1 : 0;
            case NESTEROV, ADAGRAD -> 1;
            case ADAM -> 2;
            case RMSPROP -> momentum.get() > 0 ? 2 : 1;
        };
    }

    private void updatePreview() {
        PreparedData data = preparedData.get();
        if (data == null) {
            previewImages.set(List.of());
            return;
        }
        Augmentation aug;
        try {
            aug = augmentation();
        } catch (IllegalArgumentException e) {
            warn("Augmentation: " + e.getMessage() + ".");
            aug = Augmentation.none();
        }
        previewImages.set(preview(data.train(), aug));
    }

    /**
     * Up to {@value #PREVIEW_PER_CLASS} images per class (at most {@value #PREVIEW_MAX}) as the network sees them:
     * scaled, augmented as the first epoch would, normalised.
     */
    static List<GalleryImage> preview(PreparedDataset train, Augmentation aug) {
        Shape shape = train.shape();
        int size = Math.toIntExact(shape.size());
        int[] taken = new int[train.classCount()];
        List<GalleryImage> images = new ArrayList<>();
        for (int i = 0; i < train.size() && images.size() < PREVIEW_MAX; i++) {
            int label = train.label(i);
            if (taken[label] >= PREVIEW_PER_CLASS) continue;
            taken[label]++;
            float[] scaled = new float[size];
            train.scaled(i, scaled, 0);
            float[] x = scaled;
            if (!aug.isNone()) {
                x = new float[size];
                aug.apply(scaled, 0, shape, x, 0, 0, i);
            }
            train.normalise(x, 0);
            images.add(new GalleryImage(x, shape.depth(), shape.height(), shape.width(), train.classNames().get(label)));
        }
        return images;
    }

    static EpochPoint epochPoint(EpochStats e) {
        return new EpochPoint(e.epoch(), e.trainLoss(), e.trainAccuracy(), e.validationLoss(), e.validationAccuracy());
    }

    /** One gradient norm per layer: √(Σ over its parameters of ‖g‖²), so a layer's weight and bias count together. */
    static List<LayerNorm> layerNorms(LayerNorms n, long step) {
        Map<String, Double> squares = new LinkedHashMap<>();
        for (ParameterNorm p : n.norms()) squares.merge(p.nodeId(), p.gradientNorm() * p.gradientNorm(), Double::sum);
        List<LayerNorm> out = new ArrayList<>();
        squares.forEach((node, sq) -> out.add(new LayerNorm(step, node, Math.sqrt(sq))));
        return out;
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void failed(String text) {
        busy.set(false);
        progress.set(0);
        progressText.set("");
        error(text);
    }

    private void info(String text) {
        message.set(new Message(Level.INFO, text));
    }

    private void warn(String text) {
        message.set(new Message(Level.WARNING, text));
    }

    private void error(String text) {
        message.set(new Message(Level.ERROR, text));
    }

    /**
     * The run's listener, on the training thread: each handler only queues (events), swaps a slot (snapshots) or
     * copies the weights for the background validation pass, and returns.
     */
    private final class Forwarder implements TrainingListener {
        private final TrainingRun source;
        private final PreparedDataset validation;

        Forwarder(TrainingRun source, PreparedDataset validation) {
            this.source = source;
            this.validation = validation;
        }

        @Override
        public void onBatch(BatchStats stats) {
            events.offer(stats);
        }

        @Override
        public void onEpoch(EpochStats stats) {
            events.offer(stats);
            Model copy = ModelSnapshots.copy(source.model());
            try {
                background.execute(() -> reportSlot.offer(ValidationReport.compute(copy, validation, stats.epoch())));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The window closed while the epoch ended: nobody is left to see the report.
            }
        }

        @Override
        public void onNorms(LayerNorms norms) {
            events.offer(norms);
        }

        @Override
        public void onSnapshot(Snapshot s) {
            snapshotModels.accept(s, source.model());
            snapshotSlot.offer(s);
        }

        @Override
        public void onFinished(RunEnd end) {
            events.offer(end);
        }
    }
}
