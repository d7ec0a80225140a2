package org.convas.app.training;

import javafx.application.Platform;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.convas.app.training.DataPreparation.DataKey;
import org.convas.app.training.DataPreparation.PreparedData;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.calc.Problem;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.Image;
import org.convas.engine.data.codec.DecodedImage;
import org.convas.engine.data.codec.ImageDecoders;
import org.convas.engine.data.codec.ImageFormatException;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.ModelException;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.ReadFiles;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.Checkpoint;
import org.convas.engine.train.Evaluation;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingEvents.EpochStats;
import org.convas.engine.train.TrainingEvents.LayerNorms;
import org.convas.engine.train.TrainingEvents.ParameterNorm;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.engine.train.TrainingException;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingMemory;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingProgress;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.data.BundledDatasets;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;
import org.convas.visualizer.charts.LayerGradientNorm;
import org.convas.visualizer.fx.FrameBatcher;
import org.convas.visualizer.fx.LatestValueSlot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The training workspace's run session, and the one source of truth for "the network of this document and its
 * trained state": the document's network (given), the trained model that belongs to it (from a run or a loaded
 * checkpoint) and whether its weights are saved. Every view follows it: the filters, the activation maps and the
 * top-5 come from snapshots of the trained model, or of the document's network at its random start when nothing
 * is trained, or of weights imported from ONNX or PyTorch ({@link #useImportedModel}, which the next run fine-tunes);
 * when another document is loaded ({@link #documentReplaced()}) every view starts again from that
 * network. The settings live in {@link #settings()}, the data in {@link #data()}; the history of runs in
 * {@link #runs()}.
 *
 * <p>Trained weights are treated like unsaved edits: they are autosaved (after every epoch and when a run ends,
 * into the autosave directory, offered back after a crash), and loading another network, quitting, or starting
 * over from random weights asks first ({@link #confirmLeave}, {@link #start()} through the prompts the window
 * sets). Properties are read and written on the FX thread only; never touches a control, so it is tested without
 * a window (inject a direct executor for the background work and for FX delivery).
 *
 * <p>Threads. Loading and preprocessing data, building the model and the run, classifying the validation set
 * after each epoch and the test set after a run, decoding a loaded image, autosaving and snapshots of an idle
 * model run on the {@code background} executor. The run itself trains on its own thread; its events reach the FX
 * thread coalesced: batch, epoch, norm and end events queue in a {@link FrameBatcher} drained once per frame
 * (start it with {@link #startDelivery()}, or call {@link #flushEvents()} in tests), and snapshots and validation
 * reports go through {@link LatestValueSlot}s, which keep only the newest.
 */
public final class TrainingViewModel {

    /** Life cycle of the workspace (the run's, plus READY before the first run). */
    public enum RunState { READY, RUNNING, PAUSED, FINISHED }

    public enum Level { INFO, WARNING, ERROR }

    /** A line in the window's message bar, with an optional action the bar offers as a link. */
    public record Message(Level level, String text, String actionText, Runnable action) {
        public static final Message NONE = new Message(Level.INFO, "");

        public Message(Level level, String text) {
            this(level, text, null, null);
        }
    }

    /** What Start does when the network already has trained weights. */
    public enum StartChoice { CONTINUE, START_OVER, CANCEL }

    /**
     * The question Start asks when there are trained weights: {@code canContinue} is false when the network was
     * edited since (the weights no longer fit it); {@code unsaved} when starting over would lose them.
     */
    public record StartQuestion(String network, String trained, boolean canContinue, boolean unsaved, int moreEpochs) {
    }

    /** Answers to {@link LeaveQuestion}: save into a folder first, discard, or stay. */
    public enum LeaveChoice { SAVE, DISCARD, CANCEL }

    /** The answer, with the folder when saving. */
    public record LeaveAnswer(LeaveChoice choice, Path folder) {
        public static final LeaveAnswer CANCEL = new LeaveAnswer(LeaveChoice.CANCEL, null);
        public static final LeaveAnswer DISCARD = new LeaveAnswer(LeaveChoice.DISCARD, null);

        public static LeaveAnswer saveTo(Path folder) {
            return new LeaveAnswer(LeaveChoice.SAVE, Objects.requireNonNull(folder));
        }
    }

    /**
     * Asked before the trained state is given up ({@code action}: "quit", "open another network"): {@code running}
     * when a run is still going.
     */
    public record LeaveQuestion(String action, String network, String trained, boolean running) {
    }

    /** Receives chart data on the FX thread, a frame's worth per call. */
    public interface Feed {
        /** A new run begins, another network is shown, or a checkpoint was loaded: forget the old points. */
        default void cleared() {
        }

        default void batches(List<BatchPoint> points) {
        }

        default void epochs(List<EpochPoint> points) {
        }

        default void gradientNorms(List<LayerGradientNorm> points) {
        }
    }

    /** Interval between snapshot requests while training runs. */
    public static final long SNAPSHOT_INTERVAL_MS = 400;
    /** Interval between updates of the progress bar and line while training runs. */
    public static final long PROGRESS_INTERVAL_MS = 200;
    /** Networks up to this many parameters show their random start before training (built on the background thread). */
    static final long IDLE_MODEL_MAX_PARAMETERS = 30_000_000;
    /** Seed of the validation holdout (see {@link DataPreparation#SPLIT_SEED}). */
    public static final long SPLIT_SEED = DataPreparation.SPLIT_SEED;
    /** The longest a quit or a switch waits for a running batch to end before saving. */
    static final long STOP_WAIT_SECONDS = 60;

    private final ReadOnlyObjectProperty<NetworkSpec> spec;
    private final Consumer<NetworkSpec> specSink;
    private final Executor background;
    private final Executor fx;
    private final LongSupplier nanoClock;
    private final Runnable onShutdown;
    private final TrainingSettingsForm settings = new TrainingSettingsForm();
    private final DataPreparation data = new DataPreparation();
    private WeightsAutosave autosave;
    private Function<StartQuestion, StartChoice> startPrompt = q -> q.canContinue() ? StartChoice.CONTINUE : StartChoice.START_OVER;

    // ---------------------------------------------------------------- what the views show
    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.READY);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyDoubleWrapper imagesPerSecond = new ReadOnlyDoubleWrapper(this, "imagesPerSecond", Double.NaN);
    private final ReadOnlyDoubleWrapper secondsLeft = new ReadOnlyDoubleWrapper(this, "secondsLeft", Double.NaN);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyStringWrapper memoryText = new ReadOnlyStringWrapper(this, "memoryText", "");
    private final ReadOnlyBooleanWrapper memoryTooLarge = new ReadOnlyBooleanWrapper(this, "memoryTooLarge");
    private final ReadOnlyObjectWrapper<Message> message = new ReadOnlyObjectWrapper<>(this, "message", Message.NONE);
    private final ReadOnlyObjectWrapper<Snapshot> snapshot = new ReadOnlyObjectWrapper<>(this, "snapshot");
    private final ReadOnlyObjectWrapper<List<String>> classNames = new ReadOnlyObjectWrapper<>(this, "classNames", List.of());
    private final ReadOnlyStringWrapper filterCaption = new ReadOnlyStringWrapper(this, "filterCaption", "");
    private final ReadOnlyObjectWrapper<ValidationReport> validationReport = new ReadOnlyObjectWrapper<>(this, "validationReport");
    private final ObservableList<String> convLayers = FXCollections.observableArrayList();
    private final StringProperty selectedConvLayer = new SimpleStringProperty(this, "selectedConvLayer");
    private final IntegerProperty imageIndex = new SimpleIntegerProperty(this, "imageIndex", 0);
    private final ReadOnlyStringWrapper imageText = new ReadOnlyStringWrapper(this, "imageText", "");
    private final ReadOnlyObjectWrapper<RunEnd> lastEnd = new ReadOnlyObjectWrapper<>(this, "lastEnd");
    private final ReadOnlyObjectWrapper<NetworkSpec> trainedNetwork = new ReadOnlyObjectWrapper<>(this, "trainedNetwork");
    private final ReadOnlyBooleanWrapper unsavedTraining = new ReadOnlyBooleanWrapper(this, "unsavedTraining");
    private final ReadOnlyStringWrapper networkText = new ReadOnlyStringWrapper(this, "networkText", "");
    private final ObservableList<RunRecord> runs = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<RunRecord> currentRun = new ReadOnlyObjectWrapper<>(this, "currentRun");

    // ---------------------------------------------------------------- run state (FX thread)
    private final List<Feed> feeds = new CopyOnWriteArrayList<>();
    private final FrameBatcher<Object> events = new FrameBatcher<>(this::deliver);
    private final LatestValueSlot<Snapshot> snapshotSlot;
    private final LatestValueSlot<ValidationReport> reportSlot;
    private TrainingRun run;
    private volatile BiConsumer<Snapshot, Model> snapshotModels = (s, m) -> { };
    /** The run going or last ended, with its bookkeeping; null before the first and after another network was shown. */
    private RunSession session;
    /** The data the trained model was trained on (its class names label the top-5). */
    private PreparedData runData;
    /** What a loaded checkpoint was trained on, from its note; null without one. */
    private TrainedDataNote loadedNote;
    private boolean delivering;
    /** The trained model (from a run or a checkpoint), or null: the views then show the document's network untrained. */
    private Model model;
    /** An untrained model of the document's network at the seed's random start, for the views before training. */
    private Model idleModel;
    /** What Start continues: a loaded checkpoint, or the last run ended (in memory). */
    private Checkpoint resumable;
    /** Weights imported from ONNX or PyTorch and not trained here yet (then also {@link #model}): the next run starts from them. */
    private Model imported;
    /** The file {@link #imported} came from ("model.onnx"). */
    private String importedFrom;
    /** The folder the trained state was loaded from or last saved to: a save there replaces it, elsewhere must not replace another run's. */
    private Path checkpointFolder;
    private long trainedSteps;
    private float[] customImage;
    private long lastSnapshotRequest = Long.MIN_VALUE / 2;
    /** Goes up whenever another network is shown: work started for an older one is dropped when it arrives. */
    private long generation;

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
        autosave = new WeightsAutosave(null, background, fx, this::warn);
        reportSlot = new LatestValueSlot<>(validationReport::set, fx);

        spec.addListener((obs, old, now) -> networkEdited(old, now));
        for (ObservableValue<?> v : List.of(settings.batchSizeProperty(), settings.optimizerProperty(), settings.momentumProperty(),
                settings.threadsProperty())) v.addListener((obs, old, now) -> updateMemory());
        for (ObservableValue<?> v : List.of(data.dataSourceProperty(), data.normalisationProperty(), data.allowEnlargingProperty())) {
            v.addListener((obs, old, now) -> data.updateConversion(inputShape(spec.get())));
        }
        data.dataSourceProperty().addListener((obs, old, now) -> offerRecommended(now));
        for (ObservableValue<?> v : List.of(settings.shiftProperty(), settings.flipProperty(), settings.rotationProperty())) {
            v.addListener((obs, old, now) -> updatePreview());
        }
        settings.learningRateProperty().addListener((obs, old, now) -> liveChange(() -> run.setLearningRate(now.doubleValue()), "learning rate", now));
        settings.momentumProperty().addListener((obs, old, now) -> liveChange(() -> run.setMomentum(now.doubleValue()), "momentum", now));
        settings.seedProperty().addListener((obs, old, now) -> {
            if (model == null) {
                idleModel = null; // the random start depends on the seed
                requestSnapshot();
            }
        });
        imageIndex.addListener((obs, old, now) -> {
            customImage = null;
            requestSnapshot();
        });
        selectedConvLayer.addListener((obs, old, now) -> requestSnapshot());
        showNetwork();
    }

    /** The window's view-model: a daemon background thread, delivery with {@code Platform.runLater}, autosave into a folder. */
    public static TrainingViewModel forWindow(ReadOnlyObjectProperty<NetworkSpec> spec, Consumer<NetworkSpec> specSink, Path autosave) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "convas-workspace");
            t.setDaemon(true);
            return t;
        });
        TrainingViewModel vm = new TrainingViewModel(spec, specSink, worker, Platform::runLater, System::nanoTime, worker::shutdownNow);
        vm.setAutosaveDirectory(autosave);
        return vm;
    }

    // ================================================================ the network and its trained state

    /**
     * Another document was loaded (new, opened, a preset, a checkpoint's network): the trained state belongs to the
     * old one and is dropped (the window asked first, see {@link #confirmLeave}), and every view starts again from
     * the new network. The run history stays, to compare runs across networks.
     */
    public void documentReplaced() {
        if (run != null && isActive()) run.cancel(); // the window stops it first; a test or a crash path may not
        run = null;
        session = null;
        model = null;
        idleModel = null;
        resumable = null;
        imported = null;
        importedFrom = null;
        checkpointFolder = null;
        runData = null;
        loadedNote = null;
        trainedSteps = 0;
        trainedNetwork.set(null);
        setUnsaved(false);
        autosave.discard(false);
        state.set(RunState.READY);
        lastEnd.set(null);
        currentRun.set(null);
        busy.set(false);
        progress.set(0);
        progressText.set("");
        imagesPerSecond.set(Double.NaN);
        secondsLeft.set(Double.NaN);
        message.set(Message.NONE);
        showNetwork();
    }

    /** The designer changed the network: a new architecture means other weights, a moved block does not. */
    private void networkEdited(NetworkSpec old, NetworkSpec now) {
        if (sameArchitecture(old, now)) {
            updateNetworkText();
            return;
        }
        idleModel = null;
        if (model == null && !isActive()) {
            showNetwork();
        } else {
            updateNetworkText();
            updateMemory();
        }
    }

    /**
     * Resets every view to the network on show: the trained model's, or the document's at its random start. The
     * charts, snapshot, reports and the loaded image go; the data is prepared again for a new input size.
     */
    private void showNetwork() {
        generation++;
        customImage = null;
        snapshot.set(null);
        validationReport.set(null);
        imageText.set("");
        filterCaption.set("");
        for (Feed f : feeds) f.cleared();
        NetworkSpec shown = shownNetwork();
        List<String> convs = new ArrayList<>();
        if (shown != null) for (Node n : shown.nodes()) if (n.layer() instanceof LayerSpec.Conv2D) convs.add(n.id());
        convLayers.setAll(convs);
        if (selectedConvLayer.get() == null || !convs.contains(selectedConvLayer.get())) {
            selectedConvLayer.set(convs.isEmpty() ? null : convs.get(0));
        }
        updateNetworkText();
        updateMemory();
        data.updateConversion(inputShape(spec.get()));
        PreparedData prepared = data.preparedDataProperty().get();
        Shape input = inputShape(shown);
        if (prepared != null && input != null && !prepared.key().input().equals(input)) {
            prepareData(false); // the views need the images at the new input size; quietly, the data was loaded before
        } else {
            requestSnapshot();
        }
    }

    /** The network the views show: the trained model's while there is one, else the document's. */
    public NetworkSpec shownNetwork() {
        return model != null ? model.spec() : spec.get();
    }

    private void updateNetworkText() {
        NetworkSpec doc = spec.get();
        if (isActive() && model != null) {
            networkText.set("Training " + name(model.spec()) + ": the weights change with every step; Save checkpoint keeps "
                    + "them as they are.");
            return;
        }
        if (model == null) {
            networkText.set(doc == null ? "" : name(doc) + ": not trained yet; the filters are its random start (seed "
                    + settings.seedProperty().get() + ").");
            return;
        }
        if (model == imported) {
            networkText.set(name(model.spec()) + " with the weights imported from " + importedFrom + (model.spec().sameWeightsAs(doc)
                    ? ": Start (F5) fine-tunes them" + (doc.nodes().stream().anyMatch(n -> !n.trainable()) ? ", the frozen blocks kept as they are." : ".")
                    : ". The Design tab has changed the network since: the imported weights do not fit it; Start trains the edited"
                    + " network from its random start."));
            return;
        }
        String trained = name(model.spec()) + " trained " + trainedDescription();
        if (!sameArchitecture(model.spec(), doc)) {
            networkText.set(trained + ". The Design tab has changed the network since: these weights belong to the version "
                    + "trained; Start trains the edited network from its random start.");
        } else {
            networkText.set(trained + (unsavedTraining.get() ? ", not saved (Save checkpoint keeps them)" : "") + ".");
        }
    }

    /** "3 whole epochs (1,500 steps), validation accuracy 88.1%". */
    private String trainedDescription() {
        Checkpoint c = resumable;
        List<EpochStats> history = c != null ? c.progress().history() : run != null ? run.progress().history() : List.of();
        int epochsDone = c != null ? c.progress().epochsCompleted() : run != null ? run.progress().epochsCompleted() : 0;
        String accuracy = history.isEmpty() || Double.isNaN(history.get(history.size() - 1).validationAccuracy()) ? ""
                : String.format(Locale.ROOT, ", validation accuracy %.1f%%", 100 * history.get(history.size() - 1).validationAccuracy());
        return RunRecord.plural(epochsDone, "whole epoch") + " (" + String.format(Locale.ROOT, "%,d", trainedSteps)
                + (trainedSteps == 1 ? " step)" : " steps)") + accuracy;
    }

    /** Same layers and wiring (positions and the name do not count). */
    static boolean sameArchitecture(NetworkSpec a, NetworkSpec b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        return a.nodes().equals(b.nodes()) && a.floorMode() == b.floorMode();
    }

    // ================================================================ guarding the trained state

    /** True when leaving the network now would lose something: a run going, or trained weights not saved. */
    public boolean hasWorkToLose() {
        return isActive() || unsavedTraining.get();
    }

    /** The question to ask before leaving, or empty when nothing would be lost. */
    public Optional<LeaveQuestion> leaveQuestion(String action) {
        if (!hasWorkToLose()) return Optional.empty();
        NetworkSpec trained = model != null ? model.spec() : spec.get();
        String what = isActive() ? "training is running (" + progressSummary() + ")" : "trained " + trainedDescription() + ", not saved";
        return Optional.of(new LeaveQuestion(action, name(trained), what, isActive()));
    }

    /**
     * Before another network is loaded or the window closes: asks through {@code prompt} when a run is going or
     * trained weights are unsaved, then stops the run (waiting for its current batch), saves the checkpoint when
     * asked, or discards. True when it is fine to go on; false when the person cancelled or the save failed (then
     * nothing is lost and the message says why).
     */
    public boolean confirmLeave(String action, Function<LeaveQuestion, LeaveAnswer> prompt) {
        Optional<LeaveQuestion> q = leaveQuestion(action);
        if (q.isEmpty()) return true;
        LeaveAnswer answer = prompt.apply(q.get());
        if (answer == null || answer.choice() == LeaveChoice.CANCEL) return false;
        if (!stopAndWait()) {
            error("The run did not stop within " + STOP_WAIT_SECONDS + " s; nothing was " + (answer.choice() == LeaveChoice.SAVE ? "saved" : "discarded") + ".");
            return false;
        }
        if (answer.choice() == LeaveChoice.SAVE) {
            try {
                saveNow(answer.folder());
            } catch (IOException | RuntimeException e) {
                error("Cannot save the checkpoint to " + answer.folder() + ": " + ReadFiles.message(e) + ". Nothing was lost; choose another folder.");
                return false;
            }
        } else {
            setUnsaved(false);
            autosave.discard(true);
        }
        return true;
    }

    /** Cancels a run and waits (on this thread) until its current batch ends; true when no run is going any more. */
    private boolean stopAndWait() {
        if (run == null || !isActive()) return true;
        TrainingRun r = run;
        r.cancel();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
            while (r.state() != TrainingRun.State.FINISHED && System.nanoTime() < deadline) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (r.state() != TrainingRun.State.FINISHED) return false;
        events.flush();
        if (isActive()) { // the end event was not delivered yet: take it now
            RunEnd end = r.result();
            if (end != null) ended(end);
        }
        return true;
    }

    /** Saves the trained state to a folder on this thread (quit, switch). */
    private void saveNow(Path folder) throws IOException {
        Optional<String> refused = refusal(folder, checkpointFolder);
        if (refused.isPresent()) throw new IOException(refused.get());
        if (run != null && run.state() == TrainingRun.State.FINISHED) {
            run.saveCheckpoint(folder);
        } else if (resumable != null) {
            Checkpoint.save(folder, resumable.model(), resumable.optimizerState(), resumable.progress());
        } else {
            throw new IOException("there are no trained weights to save");
        }
        TrainedDataNote note = trainedDataNote();
        if (note != null) note.writeTo(folder);
        saved(folder);
    }

    /**
     * Why a save must not go into {@code folder}: it holds another run's checkpoint (or other files), which the save
     * would replace; empty when it is new, empty, or {@code own} (the folder this trained state came from or was
     * saved to, which a save continues). Background thread: it reads the folder.
     */
    private static Optional<String> refusal(Path folder, Path own) {
        if (own != null && own.toAbsolutePath().normalize().equals(folder.toAbsolutePath().normalize())) return Optional.empty();
        return Checkpoint.describeExisting(folder).map(existing -> folder + " " + existing + ", which this would replace. Choose an"
                + " empty or new folder, or delete that one first.");
    }

    /** "2 whole epochs and 40 batches of epoch 3": where a saved checkpoint continues. */
    private static String savedAt(TrainingProgress p) {
        int done = p.epochsCompleted();
        int into = p.batchesIntoEpoch();
        return RunRecord.plural(done, "whole epoch") + (into > 0 ? " and " + into + " batch" + (into == 1 ? "" : "es")
                + " of epoch " + (done + 1) : "");
    }

    /** What the trained weights were trained on, for a note beside their checkpoint; null when unknown. */
    private TrainedDataNote trainedDataNote() {
        if (runData != null) return TrainedDataNote.of(runData.key().source(), runData.train().classNames());
        return loadedNote;
    }

    private void saved(Path folder) {
        checkpointFolder = folder;
        setUnsaved(false);
        autosave.discard(true);
        info("Saved the checkpoint to " + folder + ". Load it to continue training.");
    }

    // ================================================================ commands

    /** Loads and preprocesses the chosen data for the network's input (background), then shows the preview. */
    public void prepareData() {
        prepareData(true);
    }

    /** {@code announce}: say what was loaded in the message bar (not when the workspace loads it by itself). */
    private void prepareData(boolean announce) {
        DataKey key = dataKey(shownNetwork());
        if (key == null) return;
        busy.set(true);
        progress.set(-1);
        progressText.set("Loading " + key.source().title() + "…");
        long asked = generation;
        background.execute(() -> {
            try {
                PreparedData prepared = data.prepare(key);
                fx.execute(() -> {
                    busy.set(false);
                    progress.set(0);
                    progressText.set("");
                    if (asked != generation && !Objects.equals(inputShape(shownNetwork()), key.input())) return;
                    dataReady(prepared, true);
                    if (announce) info(prepared.note());
                });
            } catch (DatasetException | RuntimeException e) {
                fx.execute(() -> failed("Cannot use " + key.source().title() + ": " + ReadFiles.message(e)));
            } catch (OutOfMemoryError e) {
                fx.execute(() -> failed("Cannot use " + key.source().title() + ": it does not fit in the Java heap ("
                        + Numbers.bytes(Runtime.getRuntime().maxMemory()) + ") at the input " + key.input() + "."));
            }
        });
    }

    /** The prompt Start uses when there are trained weights (the window shows a dialog; tests answer directly). */
    public void setStartPrompt(Function<StartQuestion, StartChoice> prompt) {
        startPrompt = Objects.requireNonNull(prompt);
    }

    /**
     * Starts a run (F5). With trained weights on show it asks first (through the start prompt): continue them for
     * the epochs set, or start over from the random start (which would lose unsaved weights). Then checks the
     * network and the settings, prepares the data, builds the model and starts training on its own thread.
     * Problems become a message.
     */
    public void start() {
        if (isActive()) return;
        if (busy.get()) {
            warn("Wait until the data is loaded, then start again.");
            return;
        }
        StartChoice choice = StartChoice.START_OVER;
        if (model != null && trainedSteps > 0) {
            boolean canContinue = resumable != null && sameArchitecture(resumable.model().spec(), spec.get());
            choice = startPrompt.apply(new StartQuestion(name(model.spec()), trainedDescription(), canContinue, unsavedTraining.get(),
                    settings.epochsProperty().get()));
            if (choice == null || choice == StartChoice.CANCEL) return;
            if (choice == StartChoice.CONTINUE && !canContinue) choice = StartChoice.START_OVER;
        }
        Checkpoint resumeFrom = choice == StartChoice.CONTINUE ? resumable : null;
        // Imported weights not trained here yet: the run fine-tunes them (with the blocks frozen as the network says now).
        Model importedStart = resumeFrom == null && imported != null && model == imported && spec.get() != null
                && imported.spec().sameWeightsAs(spec.get()) ? imported : null;
        NetworkSpec net = resumeFrom != null ? resumeFrom.model().spec() : spec.get();
        if (net == null) {
            error("There is no network to train.");
            return;
        }
        String invalid = invalidNetwork(net);
        if (invalid != null) {
            error(invalid);
            return;
        }
        TrainingSettings runSettings;
        org.convas.engine.data.Augmentation augmentation;
        try {
            runSettings = settings.settings();
            if (resumeFrom != null) {
                runSettings = runSettings.toBuilder().epochs(resumeFrom.progress().epochsCompleted() + runSettings.epochs()).build();
            }
            Path autosaveFolder = autosave.forRun(Calculator.analyze(net).totalParameters());
            if (autosaveFolder != null) runSettings = runSettings.toBuilder().checkpointDirectory(autosaveFolder).build();
            augmentation = settings.augmentation();
        } catch (IllegalArgumentException e) {
            error("Check the settings: " + e.getMessage() + ".");
            return;
        }
        DataKey key = dataKey(net);
        if (key == null) return;
        TrainingSettings chosen = runSettings;
        String settingsText = settings.describe();
        String fineTuned = importedStart != null ? importedFrom : null;
        busy.set(true);
        progress.set(-1);
        progressText.set("Preparing " + key.source().title() + "…");
        message.set(Message.NONE);
        long asked = generation;
        background.execute(() -> {
            try {
                PreparedData prepared = data.prepare(key);
                DatasetBatchSource train = DatasetBatchSource.training(prepared.train(), augmentation);
                DatasetBatchSource validation = DatasetBatchSource.evaluation(prepared.validation());
                // A fresh run is checked against the heap before its weights are allocated (the Memory line's estimate).
                TrainingRun r = resumeFrom != null ? TrainingRun.resume(resumeFrom, train, validation, chosen)
                        : importedStart != null ? TrainingRun.create(importedFor(importedStart, net), train, validation, chosen)
                        : TrainingRun.create(net, Initializer.of(net.weightInit()), chosen.seed(), train, validation, chosen);
                if (resumeFrom != null) {
                    // The form shows the checkpoint's values once it is loaded: what differs was changed on purpose.
                    if (chosen.optimizer().learningRate() != resumeFrom.progress().baseLearningRate()) {
                        r.setLearningRate(chosen.optimizer().learningRate());
                    }
                    if (chosen.optimizer().momentum() != resumeFrom.progress().momentum()) r.setMomentum(chosen.optimizer().momentum());
                }
                r.addListener(new Forwarder(r, prepared.validation()));
                fx.execute(() -> {
                    if (asked != generation) { // another network was loaded meanwhile: this run belongs to the old one
                        busy.set(false);
                        progress.set(0);
                        progressText.set("");
                        return;
                    }
                    launch(r, prepared, resumeFrom, settingsText, fineTuned);
                });
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

    /** Pauses before the next batch (F6); snapshots are still served and a checkpoint can be saved. */
    public void pause() {
        if (state.get() != RunState.RUNNING) return;
        run.pause();
        state.set(RunState.PAUSED);
        session.stopClock();
        progressText.set("Paused. " + progressText.get());
    }

    public void resume() {
        if (state.get() != RunState.PAUSED) return;
        run.resume();
        session.startClock();
        state.set(RunState.RUNNING);
    }

    /** F6: pause a running run, resume a paused one. */
    public void togglePause() {
        if (state.get() == RunState.RUNNING) pause();
        else if (state.get() == RunState.PAUSED) resume();
    }

    /** Stops the run before its next batch (Shift+F5); the weights are those of the last whole step. */
    public void stop() {
        if (run != null && isActive()) {
            run.cancel();
            progressText.set("Stopping after this batch…");
        }
    }

    /**
     * Saves the trained state (weights, optimizer state, progress) to a folder on the background thread: a run
     * that ended, a paused run (at once), a running one (between two batches), or a loaded checkpoint.
     */
    public void saveCheckpoint(Path folder) {
        if (run == null && resumable == null) {
            warn("Nothing to save yet: train first, then save a checkpoint.");
            return;
        }
        TrainingRun source = run;
        Checkpoint loaded = resumable;
        TrainedDataNote note = trainedDataNote();
        Path own = checkpointFolder;
        long asked = generation;
        background.execute(() -> {
            try {
                Optional<String> refused = refusal(folder, own);
                if (refused.isPresent()) {
                    fx.execute(() -> error("Not saved: " + refused.get()));
                    return;
                }
                TrainingProgress saved;
                if (source != null) {
                    saved = source.requestCheckpoint(folder).get();
                } else {
                    Checkpoint.save(folder, loaded.model(), loaded.optimizerState(), loaded.progress());
                    saved = loaded.progress();
                }
                if (note != null) note.writeTo(folder);
                fx.execute(() -> {
                    if (asked != generation) return;
                    checkpointFolder = folder; // this trained state's own now: saving there again replaces it
                    // While running, training goes on after the save: the weights are unsaved again at the next step.
                    if (!isActive()) setUnsaved(false);
                    if (!isActive()) autosave.discard(false);
                    updateNetworkText();
                    info("Saved the checkpoint to " + folder + " (" + savedAt(saved) + "). Load it to continue training"
                            + (saved.batchesIntoEpoch() == 0 ? "." : isActive() ? " from that batch on." : " exactly where it stopped."));
                });
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                fx.execute(() -> error("Cannot save the checkpoint to " + folder + ": " + ReadFiles.message(cause)));
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> error("Cannot save the checkpoint to " + folder + ": " + ReadFiles.message(e)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Loads a checkpoint folder (background); the window then shows its network (a new document), the charts its
     * epochs, and the next {@link #start()} can continue it. The window asks about unsaved weights first.
     */
    public void loadCheckpoint(Path folder) {
        loadCheckpoint(folder, false);
    }

    private void loadCheckpoint(Path folder, boolean recovered) {
        if (isActive()) {
            warn("Stop the run first (Shift+F5), then load a checkpoint.");
            return;
        }
        busy.set(true);
        progress.set(-1);
        progressText.set("Loading the checkpoint " + folder + "…");
        background.execute(() -> {
            try {
                Checkpoint loaded = Checkpoint.load(folder);
                Optional<TrainedDataNote> note = TrainedDataNote.readFrom(folder);
                fx.execute(() -> {
                    checkpointLoaded(folder, loaded, recovered, note.orElse(null));
                });
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> failed("Cannot load the checkpoint " + folder + ": " + ReadFiles.message(e)));
            }
        });
    }

    /** Trained weights autosaved by a session that ended without saving them, if any. */
    public Optional<LeaveQuestion> recoverableTraining() {
        return autosave.left().map(l -> new LeaveQuestion("recover", l.network(), "autosaved " + l.savedAt(), false));
    }

    /** Loads the autosaved trained state as unsaved work (it is still only in the autosave). */
    public void recoverTraining() {
        if (autosave.folder() != null) loadCheckpoint(autosave.folder(), true);
    }

    /** Deletes the autosaved trained state of an earlier session (the person chose to discard it). */
    public void discardRecoverableTraining() {
        autosave.discardEarlierSession();
    }

    /** Applies the chosen dataset's recommended settings (the teaching sets have some). */
    public void applyRecommendedSettings() {
        recommended().ifPresent(r -> {
            settings.apply(r);
            info("Recommended settings applied: " + r.why());
        });
    }

    /** The chosen dataset's recommended settings, if it has any. */
    public Optional<BundledDatasets.Recommended> recommended() {
        return data.dataSourceProperty().get() instanceof DataSource.Bundled b ? BundledDatasets.recommended(b.entry().id()) : Optional.empty();
    }

    private void offerRecommended(DataSource source) {
        recommended().ifPresent(r -> message.set(new Message(Level.INFO, source.title() + " has recommended settings: " + r.why(),
                "Use them", this::applyRecommendedSettings)));
    }

    /** Asks for a snapshot of the chosen image now (the run serves it between batches; an idle model at once). */
    public void requestSnapshot() {
        lastSnapshotRequest = nanoClock.getAsLong();
        PreparedData prepared = data.preparedDataProperty().get();
        if (run != null && isActive()) {
            try {
                if (customImage != null) run.requestSnapshot(customImage);
                else if (prepared != null && prepared.validation().size() > 0) run.requestSnapshot(clampIndex(prepared));
            } catch (IllegalArgumentException e) {
                customImage = null; // an image prepared for another input size
                warn("No activations to show: " + e.getMessage() + ".");
            }
            return;
        }
        if (prepared == null || prepared.validation().size() == 0) return;
        Model trained = model;
        Model idle = idleModel;
        NetworkSpec net = shownNetwork();
        if (trained == null && idle == null && (net == null || invalidNetwork(net) != null)) return;
        if (trained == null && idle == null && Calculator.analyze(net).totalParameters() > IDLE_MODEL_MAX_PARAMETERS) {
            filterCaption.set("Start (F5) to see the filters: a random start of "
                    + Numbers.compact(Calculator.analyze(net).totalParameters()) + " parameters is not built just to look at it.");
            return; // every edit of a large network in the Design tab would allocate its weights again
        }
        if (!Objects.equals(inputShape(net), prepared.key().input())) return; // the data is being prepared for this network
        float[] image = customImage != null ? customImage : prepared.validation().inputs(clampIndex(prepared));
        int label = customImage != null ? -1 : prepared.validation().label(clampIndex(prepared));
        long seedNow = settings.seedProperty().get();
        long asked = generation;
        int epochsDone = trained == null ? 0 : Math.max(1, epochsCompleted());
        background.execute(() -> {
            try {
                // Before the first run: an untrained model with the run's seed shows the random filters it starts from.
                Model m = trained != null ? trained : idle != null ? idle : Model.create(net, Initializer.of(net.weightInit()), seedNow);
                if (!m.inputShape().equals(prepared.key().input())) return;
                Snapshot s = ModelSnapshots.take(m, image, label, trained == null ? 0 : epochsDone, trained == null ? 0 : -1);
                snapshotModels.accept(s, m);
                fx.execute(() -> {
                    if (asked != generation) return;
                    if (trained == null && model == null && idleModel == null) idleModel = m;
                    snapshotSlot.offer(s);
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> {
                    if (asked == generation) warn("No activations to show: " + ReadFiles.message(e));
                });
            }
        });
    }

    private int epochsCompleted() {
        if (resumable != null) return resumable.progress().epochsCompleted();
        return run != null ? run.progress().epochsCompleted() : 0;
    }

    /** Shows the activations of validation image {@code index}. */
    public void showValidationImage(int index) {
        customImage = null;
        if (imageIndex.get() == index) requestSnapshot();
        else imageIndex.set(index);
    }

    /** Decodes an image file (PNG, JPEG, BMP, GIF), preprocesses it like the training images, and shows its activations. */
    public void loadImage(Path file) {
        PreparedData prepared = data.preparedDataProperty().get();
        if (prepared == null) {
            warn("Load a dataset first: an image is preprocessed with the training set's statistics.");
            return;
        }
        long asked = generation;
        background.execute(() -> {
            try {
                DecodedImage decoded = ImageDecoders.decode(ReadFiles.bytes(file, 256L << 20, "an image file"));
                Image image = Image.interleaved(decoded.width(), decoded.height(), decoded.channels(), decoded.pixels());
                Dataset one = new Dataset(file.getFileName().toString(), prepared.train().classNames(), List.of(image), new int[] {0},
                        List.of(file.getFileName().toString()));
                float[] input = prepared.fitted().apply(one).inputs(0);
                fx.execute(() -> {
                    if (asked != generation || data.preparedDataProperty().get() != prepared) return; // another network since
                    customImage = input;
                    imageText.set(file.getFileName() + " (" + decoded.width() + "×" + decoded.height() + "×" + decoded.channels()
                            + " → " + prepared.key().input() + ")");
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

    /** Where trained weights are autosaved (null: not autosaved). */
    public void setAutosaveDirectory(Path folder) {
        autosave = new WeightsAutosave(folder, background, fx, this::warn);
    }

    public Path autosaveDirectory() {
        return autosave.folder();
    }

    // ================================================================ properties

    public TrainingSettingsForm settings() { return settings; }
    public DataPreparation data() { return data; }

    public ReadOnlyObjectProperty<RunState> stateProperty() { return state.getReadOnlyProperty(); }
    public RunState getState() { return state.get(); }
    /** True while a run is going (running or paused). */
    public boolean isActive() { return state.get() == RunState.RUNNING || state.get() == RunState.PAUSED; }
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
    public ReadOnlyObjectProperty<Message> messageProperty() { return message.getReadOnlyProperty(); }
    public Message getMessage() { return message.get(); }
    public ReadOnlyObjectProperty<Snapshot> snapshotProperty() { return snapshot.getReadOnlyProperty(); }
    /** The class names of the model that made the snapshot (the top-5's labels); set before each snapshot. */
    public ReadOnlyObjectProperty<List<String>> classNamesProperty() { return classNames.getReadOnlyProperty(); }
    /** What the filters show: "random start (seed 1), before training", "epoch 2, batch 40", "trained weights, 5 whole epochs". */
    public ReadOnlyStringProperty filterCaptionProperty() { return filterCaption.getReadOnlyProperty(); }
    /** Confusion matrix and misclassified images after the last epoch. */
    public ReadOnlyObjectProperty<ValidationReport> validationReportProperty() { return validationReport.getReadOnlyProperty(); }
    /** The convolution layers of the network on show, for the filter view's chooser. */
    public ObservableList<String> convLayers() { return convLayers; }
    public StringProperty selectedConvLayerProperty() { return selectedConvLayer; }
    /** Index of the validation image whose activations are shown. */
    public IntegerProperty imageIndexProperty() { return imageIndex; }
    /** Which image the activations show, e.g. "validation #12: Shirt". */
    public ReadOnlyStringProperty imageTextProperty() { return imageText.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RunEnd> lastEndProperty() { return lastEnd.getReadOnlyProperty(); }
    /** The network of the trained weights, null while nothing is trained. */
    public ReadOnlyObjectProperty<NetworkSpec> trainedNetworkProperty() { return trainedNetwork.getReadOnlyProperty(); }
    /** True while trained weights exist that are in no saved checkpoint (autosave aside). */
    public ReadOnlyBooleanProperty unsavedTrainingProperty() { return unsavedTraining.getReadOnlyProperty(); }
    /** One line on the network on show and its trained state. */
    public ReadOnlyStringProperty networkTextProperty() { return networkText.getReadOnlyProperty(); }
    /** Every run of the session, oldest first. */
    public ObservableList<RunRecord> runs() { return runs; }
    /** The run going or last ended, null before the first or after another network was loaded. */
    public ReadOnlyObjectProperty<RunRecord> currentRunProperty() { return currentRun.getReadOnlyProperty(); }

    // ================================================================ internals

    private DataKey dataKey(NetworkSpec net) {
        if (data.dataSourceProperty().get() == null) {
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
        return data.key(input);
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

    /** Shows prepared data; {@code idleSnapshot}: and the activations of the chosen image by a model not training. */
    private void dataReady(PreparedData prepared, boolean idleSnapshot) {
        data.show(prepared, safeAugmentation());
        if (imageIndex.get() >= prepared.validation().size()) imageIndex.set(0);
        updateImageText();
        data.updateConversion(inputShape(spec.get()));
        if (idleSnapshot && !isActive()) {
            requestSnapshot();
            reportImported();
        }
    }

    private void updatePreview() {
        data.updatePreview(safeAugmentation());
    }

    private org.convas.engine.data.Augmentation safeAugmentation() {
        try {
            return settings.augmentation();
        } catch (IllegalArgumentException e) {
            warn("Augmentation: " + e.getMessage() + ".");
            return org.convas.engine.data.Augmentation.none();
        }
    }

    /** {@code fineTuned}: the file of the imported weights the run starts from, else null. */
    private void launch(TrainingRun r, PreparedData prepared, Checkpoint resumed, String settingsText, String fineTuned) {
        busy.set(false);
        if (data.preparedDataProperty().get() != prepared) dataReady(prepared, false);
        run = r;
        runData = prepared;
        loadedNote = null;
        model = r.model();
        idleModel = null;
        resumable = null;
        imported = null; // the run trains the imported weights (a copy when blocks were frozen since): they are this run's now
        if (resumed == null) checkpointFolder = null; // a new run: no folder holds it yet
        trainedNetwork.set(model.spec());
        trainedSteps = resumed != null ? resumed.progress().steps() : 0;
        lastEnd.set(null);
        validationReport.set(null);
        RunRecord record = new RunRecord(runs.size() + 1, name(model.spec()), prepared.key().source().title(),
                settingsText + (resumed != null ? ", continued from epoch " + resumed.progress().epochsCompleted()
                        : fineTuned != null ? ", fine-tuning the weights imported from " + fineTuned : ""));
        importedFrom = null;
        for (Feed f : feeds) f.cleared();
        if (resumed != null) {
            List<EpochPoint> history = new ArrayList<>();
            for (EpochStats e : resumed.progress().history()) history.add(epochPoint(e));
            record.addEpochs(history);
            if (!history.isEmpty()) for (Feed f : feeds) f.epochs(history);
        }
        session = new RunSession(r, prepared, record, trainedSteps, nanoClock);
        runs.add(record);
        currentRun.set(record);
        if (r.settings().checkpointDirectory() != null) autosave.writeNote(trainedDataNote());
        state.set(RunState.RUNNING);
        progress.set(0);
        progressText.set("Starting…");
        info((resumed != null ? "Continuing from epoch " + (resumed.progress().epochsCompleted() + 1)
                : fineTuned != null ? "Fine-tuning" : "Training") + " "
                + name(model.spec()) + " on " + prepared.key().source().title() + ". " + prepared.note());
        updateNetworkText();
        r.start();
        requestSnapshot();
    }

    private void checkpointLoaded(Path folder, Checkpoint loaded, boolean recovered, TrainedDataNote note) {
        busy.set(false);
        progress.set(0);
        progressText.set("");
        // The checkpoint's network becomes the document (the window asked about the old one first); that resets
        // every view, then the trained state is set on top.
        specSink.accept(loaded.model().spec());
        documentReplaced();
        model = loaded.model();
        resumable = loaded;
        checkpointFolder = recovered ? null : folder; // the autosave folder is not one the person chose
        loadedNote = note;
        OptimizerSettings saved = loaded.progress().optimizer();
        if (saved != null) {
            // The run continues with the checkpoint's optimizer: show it, so that what Start uses is what the form says.
            settings.optimizerProperty().set(saved.kind());
            settings.learningRateProperty().set(loaded.progress().baseLearningRate());
            settings.momentumProperty().set(loaded.progress().momentum());
            settings.weightDecayProperty().set(saved.weightDecay());
        }
        settings.seedProperty().set(loaded.progress().seed()); // the checkpoint's seed fixes its data order; the run keeps it
        if (loaded.progress().partialEpoch() != null) settings.batchSizeProperty().set(loaded.progress().partialEpoch().batchSize());
        if (note != null && note.datasetId() != null) { // the same bundled data again, so the class names fit
            data.dataSources().stream().filter(s -> s instanceof DataSource.Bundled b && b.entry().id().equals(note.datasetId()))
                    .findFirst().ifPresent(s -> data.dataSourceProperty().set(s));
        }
        trainedSteps = loaded.progress().steps();
        trainedNetwork.set(model.spec());
        setUnsaved(recovered); // recovered weights exist only in the autosave
        int done = loaded.progress().epochsCompleted();
        showNetwork(); // first: it clears the charts
        List<EpochPoint> history = new ArrayList<>();
        for (EpochStats e : loaded.progress().history()) history.add(epochPoint(e));
        if (!history.isEmpty()) for (Feed f : feeds) f.epochs(history);
        // The filters and maps need images at the network's input: load the chosen data if none is loaded yet.
        if (data.preparedDataProperty().get() == null) prepareData(false);
        String accuracy = loaded.progress().history().isEmpty() ? ""
                : String.format(Locale.ROOT, ", validation accuracy %.1f%%",
                100 * loaded.progress().history().get(loaded.progress().history().size() - 1).validationAccuracy());
        info((recovered ? "Recovered the autosaved weights: " : "Loaded the checkpoint " + folder.getFileName() + ": ")
                + name(loaded.model().spec()) + ", " + RunRecord.plural(done, "epoch") + " done"
                + (loaded.progress().batchesIntoEpoch() > 0 ? " and " + loaded.progress().batchesIntoEpoch() + " batches of the next" : "")
                + accuracy + ". Start (F5) continues for " + RunRecord.plural(settings.epochsProperty().get(), "more epoch")
                + (saved != null ? ", with the checkpoint's optimizer settings (shown on the left)." : "."));
        if (recovered) { // the weights are this session's unsaved work now
            autosave.adopt();
            autosave.write(loaded, note);
        }
    }

    /**
     * Shows a model trained elsewhere (an imported ONNX model or PyTorch weights): its network becomes the document (the
     * window asked about the old one first, {@code DesignerView.confirmClose}), which resets every view; then the
     * filters and activation maps show its weights, the confusion matrix its results on the prepared validation images,
     * and the next {@link #start()} fine-tunes it (blocks marked not trainable keep their weights). The weights are in
     * the file they came from, so they are not unsaved work until a run changes them.
     *
     * @param source what the weights came from, for the messages ("model.onnx")
     */
    public void useImportedModel(Model weights, String source) {
        if (isActive()) {
            warn("Stop the run first (Shift+F5), then import a model.");
            return;
        }
        busy.set(false);
        progress.set(0);
        progressText.set("");
        specSink.accept(weights.spec());
        documentReplaced(); // after the new document: it resets every view, then the imported state is set on top
        model = weights;
        imported = weights;
        importedFrom = source;
        trainedNetwork.set(weights.spec());
        showNetwork();
        // The filters and maps need images at the network's input: load the chosen data if none is loaded yet.
        if (data.preparedDataProperty().get() == null && data.dataSourceProperty().get() != null) prepareData(false);
        NetworkReport report = weights.report();
        info("Imported " + source + ": " + name(weights.spec()) + ", " + String.format(Locale.ROOT, "%,d", weights.parameterCount())
                + " parameters" + report.frozenSuffix() + ". Its filters and activations show now; Start (F5) fine-tunes it"
                + (report.frozenParameters() > 0 ? " (frozen blocks keep their weights)." : "."));
        reportImported();
    }

    /** The confusion matrix of the imported weights on the prepared validation images, when they fit them. */
    private void reportImported() {
        PreparedData prepared = data.preparedDataProperty().get();
        Model m = imported;
        if (m == null || model != m || prepared == null || prepared.validation().size() == 0
                || !prepared.key().input().equals(m.inputShape()) || m.classes() < prepared.validation().classCount()) {
            return;
        }
        long asked = generation;
        background.execute(() -> {
            try {
                ValidationReport report = ValidationReport.compute(m, prepared.validation(), 0);
                fx.execute(() -> {
                    if (asked == generation && imported == m) reportSlot.offer(report);
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> {
                    if (asked == generation) warn("No confusion matrix for the imported weights: " + ReadFiles.message(e));
                });
            }
        });
    }

    /**
     * The imported weights for a run of {@code net}: themselves, or a copy on {@code net} when blocks were frozen or
     * unfrozen since (whether a parameter trains is fixed when its model is built).
     */
    private static Model importedFor(Model weights, NetworkSpec net) {
        if (weights.spec().nodes().equals(net.nodes())) return weights;
        Model copy = Model.create(net, Initializer.HE, 0);
        weights.tensors().forEach(copy::setTensor);
        return copy;
    }

    /**
     * The model the Train tab holds (trained here, loaded from a checkpoint, or imported), for export; null before
     * there is one and while a run changes it (a paused run's weights hold still).
     */
    public Model currentModel() {
        return state.get() == RunState.RUNNING ? null : model;
    }

    /** One frame's trainer events, in the order the run sent them. FX thread. */
    private void deliver(List<Object> items) {
        RunSession current = session;
        if (current == null) return; // events of a run of a network no longer shown
        RunSession.Frame frame = current.digest(items);
        if (!frame.batches().isEmpty()) {
            trainedSteps = current.steps();
            if (!unsavedTraining.get()) setUnsaved(true);
            warnIfDiverging(current, frame.batches());
        }
        if (!frame.batches().isEmpty()) for (Feed f : feeds) f.batches(frame.batches());
        if (!frame.epochs().isEmpty()) for (Feed f : feeds) f.epochs(frame.epochs());
        if (!frame.norms().isEmpty()) for (Feed f : feeds) f.gradientNorms(frame.norms());
        if (frame.last() != null && frame.end() == null) {
            RunSession.Progress p = current.progress(frame.last(), state.get() == RunState.PAUSED, PROGRESS_INTERVAL_MS * 1_000_000L);
            if (p != null) {
                progress.set(p.fraction());
                imagesPerSecond.set(frame.last().imagesPerSecond());
                secondsLeft.set(p.secondsLeft());
                progressText.set(p.line());
            }
        }
        if (frame.end() != null) {
            if (isActive()) ended(frame.end()); // not when stopAndWait took the end already
        } else if (state.get() == RunState.RUNNING && nanoClock.getAsLong() - lastSnapshotRequest >= SNAPSHOT_INTERVAL_MS * 1_000_000L) {
            requestSnapshot();
        }
    }

    /** Warns once, with a lower learning rate on offer, when the loss climbs well above the loss of guessing. */
    private void warnIfDiverging(RunSession current, List<BatchPoint> batches) {
        int classes = current.run.model().classes();
        double loss = current.diverging(batches, classes);
        if (Double.isNaN(loss)) return;
        double lower = settings.learningRateProperty().get() / 10;
        message.set(new Message(Level.WARNING, String.format(Locale.ROOT, "The loss is %.2f, above twice the %.2f of guessing "
                        + "among %d classes: training is diverging. Lower the learning rate (now %s) while it runs.",
                loss, Math.log(classes), classes, TrainingSettingsForm.number(settings.learningRateProperty().get())),
                "Lower it to " + TrainingSettingsForm.number(lower), () -> settings.learningRateProperty().set(lower)));
    }

    private String progressSummary() {
        String p = progressText.get();
        return p.isEmpty() ? "starting" : p.replaceFirst("^Paused\\. ", "paused: ").split(" · loss")[0];
    }

    private void ended(RunEnd end) {
        if (state.get() == RunState.RUNNING && session != null) session.stopClock();
        state.set(RunState.FINISHED);
        lastEnd.set(end);
        RunRecord record = currentRun.get();
        if (record != null) record.ended(end);
        TrainingRun finished = run;
        if (end.steps() > 0 && finished != null) {
            resumable = finished.checkpoint();
            trainedSteps = end.steps();
        }
        switch (end.status()) {
            case COMPLETED -> {
                progress.set(1);
                progressText.set("Finished: " + end.message() + ".");
                info("Finished: " + end.message() + " (" + String.format(Locale.ROOT, "%,d", end.steps())
                        + " steps). Save a checkpoint to keep the weights (they are autosaved until then).");
            }
            case CANCELLED -> {
                progressText.set("Stopped in epoch " + epochOf(end) + ".");
                info("Stopped in epoch " + epochOf(end) + " after " + String.format(Locale.ROOT, "%,d", end.steps())
                        + " steps; the weights are those of the last whole step.");
            }
            case DIVERGED -> {
                progressText.set("Diverged.");
                boolean clipping = settings.clipNormProperty().get() > 0;
                message.set(new Message(Level.ERROR, "Training diverged: " + end.message(),
                        clipping ? null : "Clip gradients at 5 and start again", clipping ? null : () -> {
                            settings.clipNormProperty().set(5);
                            start();
                        }));
            }
            case FAILED -> {
                progressText.set("Failed.");
                error(end.message());
            }
        }
        updateNetworkText();
        if (end.steps() > 0) {
            autosave.write(resumable, trainedDataNote());
            measureTest(finished, record);
        }
        requestSnapshot();
    }

    /** The epoch a stopped run was in: "cancelled in epoch 3 after 17 of its 94 batches" → 3. */
    private static String epochOf(RunEnd end) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch (\\d+)").matcher(end.message());
        return m.find() ? m.group(1) : String.valueOf(end.epochsCompleted() + 1);
    }

    /** The test accuracy of a run that ended, measured once on the background thread for its record. */
    private void measureTest(TrainingRun finished, RunRecord record) {
        PreparedData prepared = runData;
        if (finished == null || record == null || prepared == null || prepared.test().size() == 0) return;
        Model copy = ModelSnapshots.copy(finished.model());
        int threads = settings.threadsProperty().get();
        try {
            background.execute(() -> {
                try {
                    double accuracy = Evaluation.evaluate(copy, DatasetBatchSource.evaluation(prepared.test()), 100, threads).accuracy();
                    fx.execute(() -> record.testAccuracy(accuracy));
                } catch (RuntimeException | OutOfMemoryError e) {
                    fx.execute(() -> warn("No test accuracy for run " + record.number() + ": " + ReadFiles.message(e)));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The window closed as the run ended.
        }
    }

    private void setUnsaved(boolean unsaved) {
        unsavedTraining.set(unsaved);
        updateNetworkText();
    }

    private void showSnapshot(Snapshot s) {
        if (s == null || !belongsToShownNetwork(s)) return; // made before another network was shown
        List<String> names = new ArrayList<>(runData != null ? runData.train().classNames()
                : loadedNote != null && !loadedNote.classNames().isEmpty() ? loadedNote.classNames()
                : data.preparedDataProperty().get() != null ? data.preparedDataProperty().get().train().classNames() : List.of());
        while (names.size() < s.probabilities().length) names.add("class " + names.size());
        classNames.set(List.copyOf(names.subList(0, s.probabilities().length)));
        filterCaption.set(caption(s));
        snapshot.set(s);
        updateImageText();
    }

    private boolean belongsToShownNetwork(Snapshot s) {
        NetworkSpec shown = shownNetwork();
        if (shown == null || !s.imageShape().equals(inputShape(shown))) return false;
        for (var bank : s.filters()) {
            if (!(shown.find(bank.nodeId()).map(Node::layer).orElse(null) instanceof LayerSpec.Conv2D c) || c.filters() != bank.filters()) {
                return false;
            }
        }
        return s.activations().stream().allMatch(a -> shown.contains(a.nodeId()));
    }

    /** What the filters of a snapshot are. */
    private String caption(Snapshot s) {
        if (isActive()) return s.batch() == 0 ? "at the start of epoch " + s.epoch() : "epoch " + s.epoch() + ", batch " + s.batch();
        if (model == null) return "random start (seed " + settings.seedProperty().get() + "), before training";
        if (model == imported) return "imported weights (" + importedFrom + ")";
        return "trained weights, " + RunRecord.plural(epochsCompleted(), "whole epoch");
    }

    private void updateImageText() {
        PreparedData prepared = data.preparedDataProperty().get();
        if (customImage != null || prepared == null || prepared.validation().size() == 0) return;
        int i = clampIndex(prepared);
        imageText.set("validation #" + i + ": " + prepared.validation().classNames().get(prepared.validation().label(i)));
    }

    private int clampIndex(PreparedData prepared) {
        return Math.max(0, Math.min(imageIndex.get(), prepared.validation().size() - 1));
    }

    private void liveChange(Runnable change, String what, Number value) {
        if (run == null || !isActive()) return;
        try {
            change.run();
            info("The " + what + " is now " + value + " from the next step on.");
        } catch (IllegalArgumentException e) {
            error("The " + what + " was not changed: " + e.getMessage() + ".");
        }
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
        int batch = Math.max(1, settings.batchSizeProperty().get());
        int copies;
        try {
            copies = settings.optimizerCopies();
        } catch (IllegalArgumentException e) {
            copies = 1;
        }
        // The engine's one estimate: the figure Start refuses a batch by (TrainingRun, and convas train).
        TrainingMemory estimate = TrainingMemory.estimate(report, batch, Math.max(1, settings.threadsProperty().get()), copies);
        long need = estimate.totalBytes();
        long available = TrainingMemory.freeHeap();
        memoryTooLarge.set(need > available);
        memoryText.set("Estimated memory at batch " + batch + ": " + estimate.describe() + " of " + Numbers.bytes(available)
                + " free" + (need > available ? ": too large, use a smaller batch" : ""));
    }

    static EpochPoint epochPoint(EpochStats e) {
        return new EpochPoint(e.epoch(), e.trainLoss(), e.trainAccuracy(), e.validationLoss(), e.validationAccuracy());
    }

    /** One gradient norm per layer: √(Σ over its parameters of ‖g‖²), so a layer's weight and bias count together. */
    static List<LayerGradientNorm> layerNorms(LayerNorms n, long step) {
        Map<String, Double> squares = new LinkedHashMap<>();
        for (ParameterNorm p : n.norms()) squares.merge(p.nodeId(), p.gradientNorm() * p.gradientNorm(), Double::sum);
        List<LayerGradientNorm> out = new ArrayList<>();
        squares.forEach((node, sq) -> out.add(new LayerGradientNorm(step, node, Math.sqrt(sq))));
        return out;
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String name(NetworkSpec s) {
        return s == null ? "" : s.name().isBlank() ? "Untitled network" : s.name();
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
        private final org.convas.engine.data.PreparedDataset validation;

        Forwarder(TrainingRun source, org.convas.engine.data.PreparedDataset validation) {
            this.source = source;
            this.validation = validation;
        }

        @Override
        public void onBatch(BatchStats stats) {
            events.offer(new RunSession.Sourced(source, stats));
        }

        @Override
        public void onEpoch(EpochStats stats) {
            events.offer(new RunSession.Sourced(source, stats));
            Model copy = ModelSnapshots.copy(source.model());
            try {
                background.execute(() -> {
                    ValidationReport report = ValidationReport.compute(copy, validation, stats.epoch());
                    fx.execute(() -> {
                        if (run == source) reportSlot.offer(report);
                    });
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The window closed while the epoch ended: nobody is left to see the report.
            }
        }

        @Override
        public void onNorms(LayerNorms norms) {
            events.offer(new RunSession.Sourced(source, norms));
        }

        @Override
        public void onSnapshot(Snapshot s) {
            snapshotModels.accept(s, source.model());
            fx.execute(() -> {
                if (run == source) snapshotSlot.offer(s);
            });
        }

        @Override
        public void onFinished(RunEnd end) {
            events.offer(new RunSession.Sourced(source, end));
        }
    }
}
