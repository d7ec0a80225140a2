package org.convas.engine.train;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.model.BatchStatistics;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.ReadFiles;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.TrainingEvents.ActivationMap;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingEvents.EpochStats;
import org.convas.engine.train.TrainingEvents.FilterBank;
import org.convas.engine.train.TrainingEvents.LayerNorms;
import org.convas.engine.train.TrainingEvents.ParameterNorm;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.engine.train.TrainingEvents.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One training run: epochs of shuffled mini-batches with a validation pass after each, reporting to
 * {@link TrainingListener}s. Create it, add listeners, then {@link #start()} it on its own thread (the GUI) or
 * {@link #runHere()} on the caller's (tests, command line). Other threads may {@link #pause()},
 * {@link #resume()}, {@link #cancel()}, {@link #setLearningRate}, {@link #setMomentum} and
 * {@link #requestSnapshot(int)}; each takes effect between two batches.
 *
 * <p>Threads own disjoint output: each batch is split into one slice per worker; every worker has its own
 * activations and gradient buffers, and the gradients are summed in worker order. Shuffling and dropout
 * are seeded from (seed, epoch, batch, worker), so the same seed and thread count give bit-identical loss
 * curves. BatchNorm normalises each worker's slice with that slice's statistics (as PyTorch's
 * DataParallel does); the running statistics pool all slices.
 */
public final class TrainingRun {

    /** Life cycle. */
    public enum State { READY, RUNNING, PAUSED, FINISHED }

    private final Model model;
    private final BatchSource train;
    private final BatchSource validation;
    private final TrainingSettings settings;
    private final Optimizer optimizer;
    /**
     * One executor per work unit (a fixed share of every batch, see {@link #units}); unit 0 writes the model's
     * own gradients. The first {@code threads} of them also serve validation.
     */
    private final List<ModelWorker> workers = new ArrayList<>();
    /** Per parameter: an FC weight whose gradient is gathered over all units at the end of a step. */
    private final boolean[] gathered;
    private final int threads;
    /** Images a unit takes through forward and backward at once: {@link #microBatch(Model, int)}. */
    private final int microBatch;
    /** Whole-batch BatchNorm statistics across the workers (empty without BatchNorm). */
    private final BatchStatistics batchStatistics;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    private final Object control = new Object();
    private volatile boolean cancelRequested;
    private boolean pauseRequested;
    private volatile State state = State.READY;
    private final AtomicReference<Double> pendingLearningRate = new AtomicReference<>();
    private final AtomicReference<Double> pendingMomentum = new AtomicReference<>();
    private final AtomicReference<SnapshotRequest> pendingSnapshot = new AtomicReference<>();

    private final long seed;
    private int epochsCompleted;
    private long steps;
    private double baseLearningRate;
    private double plateauFactor = 1;
    private double plateauBest = Double.POSITIVE_INFINITY;
    private int plateauBadEpochs;
    private final List<EpochStats> history = new ArrayList<>();
    private int currentEpoch;
    private int currentBatch;
    private double currentLearningRate;
    private ModelWorker snapshotWorker;
    private ExecutorService pool;
    private volatile RunEnd end;

    /** Where a resumed run starts inside its first epoch (null: at the start). */
    private TrainingProgress.PartialEpoch resumeAt;
    /** The batches done of the current epoch and their sums, for a checkpoint taken inside it. */
    private TrainingProgress.PartialEpoch partial;
    /** The loss a diverging run is measured against, and the last batches' losses (a ring). */
    private double referenceLoss = Double.NaN;
    private final double[] recentLosses = new double[EXPLODING_BATCHES];
    private long lossesSeen;
    /** Every parameter's L2 norm when the run started, to name the layer whose weights grew most. */
    private double[] startNorms;

    /**
     * A run whose median loss over the last {@value #EXPLODING_BATCHES} batches is more than this many times the
     * reference ({@link #referenceLoss}: the larger of ln(classes), a uniform guess, and the run's first batch loss) has
     * diverged, though its loss is finite. The median lets a spike of a few batches pass (the oriented-bars net at
     * SGD lr 10 spikes to 1e20 for 5 batches, then trains on at about 2–3) but not a run that stays far above guessing
     * (lr 50 with momentum 0.5: 5–46, median about 22 against 5 × 1.5; fmnist-tiny at lr 100 ends its epoch at 3.7e23).
     */
    static final double EXPLODING_FACTOR = 5;
    static final int EXPLODING_BATCHES = 20;

    private record SnapshotRequest(float[] image, int label) {
    }

    /** A checkpoint to write between two batches, and who waits for it (given the progress written). */
    private record CheckpointRequest(java.nio.file.Path dir, java.util.concurrent.CompletableFuture<TrainingProgress> done) {
    }

    private final AtomicReference<CheckpointRequest> pendingCheckpoint = new AtomicReference<>();

    private TrainingRun(Model model, BatchSource train, BatchSource validation, TrainingSettings settings,
                        TrainingProgress progress, java.util.Map<String, float[]> optimizerState) {
        this(model, train, validation, settings, progress, optimizerState, true);
    }

    private TrainingRun(Model model, BatchSource train, BatchSource validation, TrainingSettings settings,
                        TrainingProgress progress, java.util.Map<String, float[]> optimizerState, boolean checkMemory) {
        this.model = model;
        this.train = train;
        this.validation = validation;
        this.settings = settings;
        checkData(model, train, "training");
        if (validation != null) checkData(model, validation, "validation");
        if (checkMemory) checkMemory(model, settings);
        if (settings.checkpointDirectory() != null) {
            try {
                Checkpoint.checkWritable(settings.checkpointDirectory());
            } catch (IOException e) {
                throw new TrainingException("checkpoints cannot be saved to " + settings.checkpointDirectory() + ": "
                        + ReadFiles.message(e));
            }
        }
        if (progress != null && progress.optimizer() != null && progress.optimizer().kind() != settings.optimizer().kind()) {
            String was = progress.optimizer().kind().name().toLowerCase(Locale.ROOT);
            throw new TrainingException("the checkpoint was trained with " + was + ", whose state cannot continue as "
                    + settings.optimizer().kind().name().toLowerCase(Locale.ROOT) + ": continue with " + was
                    + ", or start a new run from the checkpoint's weights");
        }
        this.optimizer = new Optimizer(settings.optimizer());
        this.baseLearningRate = settings.optimizer().learningRate();
        if (progress != null) {
            this.seed = progress.seed();
            this.epochsCompleted = progress.epochsCompleted();
            this.steps = progress.steps();
            this.baseLearningRate = progress.baseLearningRate();
            this.plateauFactor = progress.plateauFactor();
            this.plateauBest = progress.plateauBest();
            this.plateauBadEpochs = progress.plateauBadEpochs();
            this.history.addAll(progress.history());
            this.resumeAt = progress.partialEpoch();
            if (resumeAt != null && resumeAt.batchSize() != settings.batchSize()) {
                throw new TrainingException("the checkpoint stopped inside epoch " + (progress.epochsCompleted() + 1) + " after "
                        + resumeAt.batches() + " batches of " + resumeAt.batchSize() + " images; continue it with batch size "
                        + resumeAt.batchSize() + " (the rest of the epoch is cut into batches of that size)");
            }
            try {
                optimizer.restore(model.parameters(), optimizerState, progress.steps(), baseLearningRate, progress.momentum());
            } catch (IllegalArgumentException e) {
                throw new TrainingException("the checkpoint's optimizer state does not fit the network: " + e.getMessage());
            }
        } else {
            this.seed = settings.seed();
        }
        this.threads = settings.threads();
        int units = units(model, settings);
        int unitImages = (settings.batchSize() + units - 1) / units;
        this.microBatch = microBatch(model, unitImages);
        // Everything the steps need is allocated here, the optimizer's state included, so that a heap too small or
        // too fragmented for it (a large array needs one piece) is a refusal now, not an error in the middle of a run.
        try {
            optimizer.allocateState(model.parameters()); // large arrays first, while the heap has room in one piece
            for (int t = 0; t < units; t++) {
                ModelWorker worker = model.newWorker(microBatch, t > 0);
                worker.fuseActivations();
                // FC weight gradients are held back over the unit's micro-batches, and gathered over all units at
                // the end of the step (ModelWorker.gatherGradients). Room for unitImages rows: a unit never takes more
                // (step() gives each ⌈n / units⌉ ≤ ⌈batch / units⌉), so no FC layer of units 1… writes its own dW.
                worker.deferWeightGradients(unitImages);
                workers.add(worker);
            }
        } catch (OutOfMemoryError e) {
            workers.clear();
            throw outOfMemory(model.report(), settings, "setting up the run");
        }
        gathered = workers.get(0).gatheredParameters();
        batchStatistics = BatchStatistics.share(workers);
    }

    /**
     * A fresh run of a network not built yet: the memory check ({@link TrainingMemory}) comes before a single weight
     * is allocated, so a network too large for the heap is refused with the batch that would fit instead of running
     * out of memory while its model is built.
     *
     * @throws org.convas.engine.model.ModelException when the network cannot be trained (calculator errors, not a classifier)
     * @throws TrainingException                       when it does not fit the heap, or the data does not fit it
     */
    public static TrainingRun create(NetworkSpec spec, Initializer initializer,
                                     long seed, BatchSource train, BatchSource validation, TrainingSettings settings) {
        NetworkReport report = Calculator.analyze(spec);
        if (report.isValid()) {
            TrainingMemory.require(report, settings.batchSize(), settings.threads(), settings.optimizer().stateCopies());
        }
        Model model;
        try {
            model = Model.create(spec, initializer, seed);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(report, settings, "allocating the weights");
        }
        return new TrainingRun(model, train, validation, settings, null, null, false);
    }

    /** A fresh run of {@code model} (its weights as they are). {@code validation} may be null. */
    public static TrainingRun create(Model model, BatchSource train, BatchSource validation, TrainingSettings settings) {
        return new TrainingRun(model, train, validation, settings, null, null);
    }

    /**
     * Continues a checkpointed run: the checkpoint's model, optimizer state, progress and seed; the other
     * settings (epochs in total, batch size, threads, ...) from {@code settings}. With the same settings and
     * data, the curve continues exactly as the uninterrupted run's.
     */
    public static TrainingRun resume(Checkpoint checkpoint, BatchSource train, BatchSource validation, TrainingSettings settings) {
        return new TrainingRun(checkpoint.model(), train, validation, settings, checkpoint.progress(), checkpoint.optimizerState());
    }

    private static void checkData(Model model, BatchSource data, String what) {
        Shape in = model.inputShape();
        if (!data.shape().equals(in)) {
            throw new TrainingException("the " + what + " images are " + data.shape() + " but the network's input is " + in
                    + ": change the Input layer to " + data.shape());
        }
        if (data.classes() > model.classes()) {
            throw new TrainingException("the " + what + " data has " + data.classes() + " classes but the network's output "
                    + model.outputId() + " gives " + model.classes() + " scores: set the last layer's units to " + data.classes());
        }
        if (data.size() == 0) throw new TrainingException("the " + what + " data set is empty");
    }

    /**
     * Images of a work unit's share of the batch (its "slice") that go through forward and backward together. A
     * whole batch of 64 LeNet images keeps about 8 MB of activations, gradients and im2col columns in flight,
     * which streams through memory at every layer; micro-batches of {@value #MICRO_BATCH_BYTES} bytes or less stay
     * in the core's L2 cache, and each one's backward pass adds onto the same parameter gradients, so the step is
     * the same up to the order of float additions, and faster than whole slices (docs/performance.md). Never fewer
     * than {@value #MIN_MICRO_BATCH}, as FC layers want several rows per GEMM.
     *
     * <p>A network with BatchNorm keeps the whole slice: its batch statistics are taken over the images of one
     * forward pass.
     */
    static int microBatch(Model model, int slice) {
        return TrainingMemory.microBatch(model.report(), slice);
    }

    /**
     * Work units a batch is cut into: one per thread with one thread or with BatchNorm (whose statistics are
     * exchanged among units running at the same time); otherwise up to {@value #UNITS_PER_THREAD} per thread, so
     * that a thread slowed down by a busy core takes fewer of them instead of holding up the step (the vCPUs of a
     * shared machine often run at different speeds: docs/performance.md). A unit holds at least
     * {@value #MIN_MICRO_BATCH} images and keeps its own gradients and the buffers of one micro-batch, so units beyond
     * one per thread are added only while they cost at most {@value #UNIT_MEMORY_BYTES} bytes in all.
     */
    static int units(Model model, TrainingSettings settings) {
        return TrainingMemory.units(model.report(), settings.batchSize(), settings.threads());
    }

    static final int UNITS_PER_THREAD = 4;
    static final long UNIT_MEMORY_BYTES = 64L << 20;

    static final long MICRO_BATCH_BYTES = 1L << 20;
    static final int MIN_MICRO_BATCH = 4;

    /**
     * The refusal when the heap ran out although the estimate fitted: the collector found no room for a large array in
     * one piece (a heap near full is fragmented), with a batch that leaves room for the largest array besides.
     */
    private static TrainingException outOfMemory(NetworkReport report, TrainingSettings settings, String doing) {
        TrainingMemory m = TrainingMemory.estimate(report, settings.batchSize(), settings.threads(), settings.optimizer().stateCopies());
        long largest = 0;
        for (LayerReport r : report.layers()) largest = Math.max(largest, r.weights() * 4);
        long free = TrainingMemory.freeHeap() - largest;
        int fits = m.largestBatch(report, settings.threads(), settings.optimizer().stateCopies(), free);
        return new TrainingException(String.format(Locale.ROOT, "the Java heap ran out while %s: training %s at batch %d needs"
                        + " about %s, and the heap had no room for an array of %s in one piece. %s", doing,
                report.spec().name().isBlank() ? "the network" : report.spec().name(), settings.batchSize(), m.describe(),
                Numbers.bytes(largest),
                fits >= 1 ? "Use a batch of at most " + fits + ", or give Java more memory (-Xmx)."
                        : "Use a smaller network, or give Java more memory (-Xmx)."));
    }

    /** Refuses a batch that will not fit the heap, by the estimate the Train tab shows: {@link TrainingMemory}. */
    static void checkMemory(Model model, TrainingSettings settings) {
        TrainingMemory.check(model.report(), settings.batchSize(), settings.threads(), settings.optimizer().stateCopies(),
                TrainingMemory.heldByModel(model.report()));
    }

    public TrainingRun addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public void removeListener(TrainingListener listener) {
        listeners.remove(listener);
    }

    public Model model() { return model; }

    public TrainingSettings settings() { return settings; }

    public State state() { return state; }

    /** How the run ended, or null while it runs. */
    public RunEnd result() { return end; }

    /** Starts the run on a new thread named "convas-training"; returns at once. */
    public TrainingRun start() {
        claim();
        Thread t = new Thread(this::loop, "convas-training");
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** Runs on the calling thread until the run ends. */
    public RunEnd runHere() {
        claim();
        loop();
        return end;
    }

    private void claim() {
        synchronized (control) {
            if (state != State.READY) throw new IllegalStateException("this run was already started; create a new one");
            state = State.RUNNING;
        }
    }

    /** Waits for the end of the run. */
    public RunEnd await() throws InterruptedException {
        finished.await();
        return end;
    }

    /** Pauses before the next batch. Snapshots are still served while paused. */
    public void pause() {
        synchronized (control) {
            pauseRequested = true;
            control.notifyAll();
        }
    }

    public void resume() {
        synchronized (control) {
            pauseRequested = false;
            control.notifyAll();
        }
    }

    /** Stops before the next batch (at most one batch later); the weights are those of the last whole step. */
    public void cancel() {
        cancelRequested = true;
        synchronized (control) {
            control.notifyAll();
        }
    }

    /** Sets the learning rate for the next step on; the schedule continues from it. */
    public void setLearningRate(double lr) {
        OptimizerSettings.requireLearningRate(lr);
        pendingLearningRate.set(lr);
    }

    public void setMomentum(double momentum) {
        OptimizerSettings.requireMomentum(momentum);
        pendingMomentum.set(momentum);
    }

    /** Asks for a {@link Snapshot} of image {@code index} of the validation data (the training data without one). */
    public void requestSnapshot(int index) {
        BatchSource source = validation != null ? validation : train;
        if (index < 0 || index >= source.size()) {
            throw new IllegalArgumentException("image " + index + " is outside 0.." + (source.size() - 1));
        }
        pendingSnapshot.set(new SnapshotRequest(source.image(index), source.label(index)));
        synchronized (control) {
            control.notifyAll();
        }
    }

    /** Asks for a {@link Snapshot} of this image (W·H·D values in (C, H, W) order). */
    public void requestSnapshot(float[] image) {
        if (image.length != model.inputShape().size()) {
            throw new IllegalArgumentException("the network takes " + model.inputShape() + " = " + model.inputShape().size()
                    + " values, the image has " + image.length);
        }
        pendingSnapshot.set(new SnapshotRequest(image.clone(), -1));
        synchronized (control) {
            control.notifyAll();
        }
    }

    // ---------------------------------------------------------------- the loop

    private void loop() {
        Warmup.stop();  // the JIT warm-up, if one runs, would take a core from this run
        pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads("convas-worker")) : null;
        RunEnd result;
        try {
            result = epochs(pool);
        } catch (RuntimeException | Error e) {
            result = new RunEnd(Status.FAILED, epochsCompleted, steps, "training stopped: " + ReadFiles.message(e));
        } finally {
            if (pool != null) pool.shutdownNow();
        }
        end = result;
        synchronized (control) {
            state = State.FINISHED; // under the lock: a checkpoint asked for from now on is written by requestCheckpoint
        }
        serveCheckpoint(); // one asked for while the last batch ran
        for (TrainingListener l : listeners) l.onFinished(result);
        finished.countDown();
    }

    private RunEnd epochs(ExecutorService pool) {
        int batchSize = settings.batchSize();
        int batchesPerEpoch = (train.size() + batchSize - 1) / batchSize;
        if (settings.dropLastPartial()) batchesPerEpoch = train.size() / batchSize;
        if (batchesPerEpoch == 0) {
            return new RunEnd(Status.FAILED, epochsCompleted, steps, "the training set (" + train.size()
                    + " images) is smaller than one batch of " + batchSize);
        }
        double[] losses = new double[workers.size()];
        int[] rights = new int[workers.size()];
        startNorms = new double[model.parameters().size()];
        for (int i = 0; i < startNorms.length; i++) startNorms[i] = l2(model.parameters().get(i).value());
        for (int epoch = epochsCompleted; epoch < settings.epochs(); epoch++) {
            currentEpoch = epoch + 1;
            currentBatch = 0; // a snapshot served before this epoch's first step says "epoch e, batch 0", not the last epoch's count
            long epochStart = System.nanoTime();
            long pausedNanos = 0;
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            int batchIndex = 0;
            double earlierSeconds = 0;
            TrainingProgress.PartialEpoch from = resumeAt;
            resumeAt = null;
            if (from != null) {
                // A run stopped inside this epoch: its batches are skipped and its sums carried on, so the epoch's
                // line and every later batch are those of the uninterrupted run (the data order, augmentation and
                // dropout masks follow from the seed, the epoch and the batch's number).
                batchIndex = from.batches();
                lossSum = from.lossSum();
                correct = from.correct();
                seen = from.seen();
                earlierSeconds = from.seconds();
                currentBatch = batchIndex;
            }
            partial = from;
            Iterator<Batch> it = train.epoch(batchSize, seed, epoch, settings.shuffle(), batchIndex);
            try {
            while (it.hasNext()) {
                Batch batch = it.next();
                if (settings.dropLastPartial() && batch.count() < batchSize) break;
                long waitStart = System.nanoTime();
                if (!between()) return new RunEnd(Status.CANCELLED, epochsCompleted, steps, "cancelled in epoch " + currentEpoch
                        + " after " + batchIndex + " of its " + batchesPerEpoch + " batches");
                pausedNanos += System.nanoTime() - waitStart;
                batchIndex++;
                currentBatch = batchIndex;
                applyPending(epoch);
                String failure = step(pool, batch, epoch, batchIndex, losses, rights);
                if (failure != null) return new RunEnd(Status.DIVERGED, epochsCompleted, steps, failure);
                int n = batch.count();
                double batchLoss = 0;
                int batchRight = 0;
                for (int t = 0; t < losses.length; t++) {
                    batchLoss += losses[t];
                    batchRight += rights[t];
                }
                lossSum += batchLoss / n;
                correct += batchRight;
                seen += n;
                double elapsed = (System.nanoTime() - epochStart - pausedNanos) / 1e9;
                partial = new TrainingProgress.PartialEpoch(batchIndex, batchSize, lossSum, correct, seen, earlierSeconds + elapsed);
                BatchStats stats = new BatchStats(currentEpoch, batchIndex, batchesPerEpoch, batchLoss / n,
                        (double) batchRight / n, currentLearningRate, seen / Math.max(earlierSeconds + elapsed, 1e-9));
                for (TrainingListener l : listeners) l.onBatch(stats);
                if (settings.normsEvery() > 0 && batchIndex % settings.normsEvery() == 0) emitNorms();
                String exploded = explosion(batchLoss / n, epoch, batchIndex);
                if (exploded != null) return new RunEnd(Status.DIVERGED, epochsCompleted, steps, exploded);
            }
            } finally {
                closeIfPossible(it);
            }
            Evaluation.Result val = validation == null ? null : Evaluation.run(workers.subList(0, threads), pool, validation, batchSize);
            double seconds = earlierSeconds + (System.nanoTime() - epochStart - pausedNanos) / 1e9;
            EpochStats stats = new EpochStats(currentEpoch, lossSum / Math.max(batchIndex, 1), (double) correct / Math.max(seen, 1),
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), seconds, currentLearningRate);
            history.add(stats);
            epochsCompleted = epoch + 1;
            partial = null;
            if (settings.schedule() instanceof LearningRateSchedule.ReduceOnPlateau p) {
                observePlateau(p, val == null ? stats.trainLoss() : val.loss());
            }
            for (TrainingListener l : listeners) l.onEpoch(stats);
            if (settings.checkpointDirectory() != null) {
                try {
                    Checkpoint.save(settings.checkpointDirectory(), model, optimizer.liveState(model.parameters()), progress());
                } catch (IOException e) {
                    return new RunEnd(Status.FAILED, epochsCompleted, steps, "could not save the checkpoint to "
                            + settings.checkpointDirectory() + ": " + ReadFiles.message(e)
                            + "; the previous checkpoint there is kept");
                }
            }
        }
        serveSnapshot();
        return new RunEnd(Status.COMPLETED, epochsCompleted, steps, "trained " + epochsCompleted + (epochsCompleted == 1 ? " epoch" : " epochs"));
    }

    /**
     * Saves a checkpoint of a finished run (completed, cancelled or diverged). It resumes exactly as the uninterrupted
     * run would have gone on, also when the run stopped inside an epoch: the checkpoint records the batches done of
     * that epoch and their sums, and the resumed run skips those batches (the data order, the augmentation and the
     * dropout masks follow from the seed, the epoch and the batch's number, so no generator state is needed).
     */
    public void saveCheckpoint(java.nio.file.Path dir) throws IOException {
        if (state != State.FINISHED) {
            throw new IllegalStateException("save a checkpoint after the run has ended; while it runs, set checkpointDirectory"
                    + " in the settings to get one after every epoch");
        }
        Checkpoint.save(dir, model, optimizer.liveState(model.parameters()), progress());
    }

    /**
     * Loss and accuracy on {@code data} (evaluation mode) with this run's own workers, after it has ended: no buffers
     * beyond those the run had, which is what {@link TrainingMemory} counts.
     */
    public Evaluation.Result evaluate(BatchSource data) {
        if (state != State.FINISHED) throw new IllegalStateException("evaluate after the run has ended");
        ExecutorService p = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads("convas-eval")) : null;
        try {
            return Evaluation.run(workers.subList(0, threads), p, data, Math.max(settings.batchSize(), 64));
        } finally {
            if (p != null) p.shutdownNow();
        }
    }

    /**
     * Saves a checkpoint as soon as the weights hold still: at once when the run has ended (or not started), while
     * paused on the training thread right away, while running before the next batch. The future completes with the
     * progress written when the files are written (exceptionally with the IOException). Like {@link #saveCheckpoint},
     * a checkpoint taken inside an epoch records the batches done of that epoch, and resumes exactly where it was.
     */
    public java.util.concurrent.CompletableFuture<TrainingProgress> requestCheckpoint(java.nio.file.Path dir) {
        java.util.concurrent.CompletableFuture<TrainingProgress> done = new java.util.concurrent.CompletableFuture<>();
        synchronized (control) {
            if (state == State.RUNNING || state == State.PAUSED) {
                CheckpointRequest old = pendingCheckpoint.getAndSet(new CheckpointRequest(dir, done));
                if (old != null) old.done().cancel(false);
                control.notifyAll();
                return done;
            }
        }
        try {
            TrainingProgress p = progress();
            Checkpoint.save(dir, model, optimizer.liveState(model.parameters()), p);
            done.complete(p);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * The ended run in memory, to continue it with {@link #resume} without writing files (the model is this run's,
     * the optimizer state a copy).
     */
    public Checkpoint checkpoint() {
        if (state != State.FINISHED) throw new IllegalStateException("the run has not ended; cancel it and await() first");
        return Checkpoint.of(model, optimizer.state(model.parameters()), progress());
    }

    /**
     * Writes a requested checkpoint; training thread, between batches (or once the run has ended), where the batches
     * done of the epoch under way are known exactly, so the checkpoint resumes at the next one.
     */
    private void serveCheckpoint() {
        CheckpointRequest r = pendingCheckpoint.getAndSet(null);
        if (r == null) return;
        try {
            TrainingProgress p = progress(partial);
            Checkpoint.save(r.dir(), model, optimizer.liveState(model.parameters()), p);
            r.done().complete(p);
        } catch (IOException | RuntimeException e) {
            r.done().completeExceptionally(e);
        }
    }

    /** A source that prefetches on its own thread hands out closeable iterators: stop them when a run ends early. */
    static void closeIfPossible(Iterator<?> it) {
        if (it instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing only stops prefetching; nothing is lost if it fails.
            }
        }
    }

    /**
     * The state to save with the weights: after a whole epoch (read it from a listener) or, after the run has
     * stopped, wherever it stopped.
     */
    public TrainingProgress progress() {
        return progress(state == State.FINISHED ? partial : null);
    }

    /** The progress with {@code inside}, the batches done of the epoch under way (training thread, or after the end). */
    private TrainingProgress progress(TrainingProgress.PartialEpoch inside) {
        return new TrainingProgress(epochsCompleted, steps, seed, baseLearningRate, optimizer.momentum(),
                plateauFactor, plateauBest, plateauBadEpochs, history,
                settings.optimizer().withLearningRate(baseLearningRate).withMomentum(optimizer.momentum()), inside);
    }

    private void observePlateau(LearningRateSchedule.ReduceOnPlateau p, double loss) {
        if (loss < plateauBest * (1 - 1e-4)) {
            plateauBest = loss;
            plateauBadEpochs = 0;
        } else if (++plateauBadEpochs > p.patience()) {
            plateauFactor = Math.max(plateauFactor * p.factor(), p.minFactor());
            plateauBadEpochs = 0;
        }
    }

    /** Sets this step's learning rate from the schedule and any change asked for by another thread. */
    private void applyPending(int epoch) {
        double factor = settings.schedule().factor(epoch, plateauFactor);
        Double lr = pendingLearningRate.getAndSet(null);
        if (lr != null) baseLearningRate = lr / factor;
        Double mu = pendingMomentum.getAndSet(null);
        if (mu != null) optimizer.setMomentum(mu);
        currentLearningRate = baseLearningRate * factor;
        optimizer.setLearningRate(currentLearningRate);
    }

    /**
     * Serves snapshots and waits while paused; false when cancelled. Snapshots are computed outside the lock,
     * so a GUI thread asking for one never waits for it.
     */
    private boolean between() {
        while (true) {
            serveSnapshot();
            serveCheckpoint();
            if (cancelRequested) return false;
            synchronized (control) {
                if (!pauseRequested) {
                    state = State.RUNNING;
                    return !cancelRequested;
                }
                state = State.PAUSED;
                if (pendingSnapshot.get() == null && pendingCheckpoint.get() == null && !cancelRequested) {
                    try {
                        control.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        }
    }

    /**
     * One optimizer step on a batch. Returns null, or the explanation when the loss or a gradient is not
     * finite (the weights are left as they were).
     */
    private String step(ExecutorService pool, Batch batch, int epoch, int batchIndex, double[] losses, int[] rights) {
        int n = batch.count();
        int units = workers.size();
        int per = (n + units - 1) / units;
        int active = (n + per - 1) / per;
        float scale = 1f / n;
        java.util.Arrays.fill(losses, 0);
        java.util.Arrays.fill(rights, 0);
        boolean shared = !batchStatistics.isEmpty() && active > 1;
        batchStatistics.beginStep(active);
        // Each thread takes the next unit not yet taken, so a thread slowed down (a busy core, the GUI) takes fewer;
        // a unit's gradients go to its own executor whichever thread runs it, and are added in unit order, so
        // the step does not depend on timing. With BatchNorm there are as many units as threads: they meet at the
        // statistics exchange, so each thread holds exactly one.
        AtomicInteger nextUnit = new AtomicInteger();
        int tasks = Math.min(threads, active);
        List<Callable<Void>> work = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            work.add(() -> {
                for (int unit; (unit = nextUnit.getAndIncrement()) < active; ) {
                    runUnit(batch, unit, unit * per, Math.min(per, n - unit * per), epoch, batchIndex, scale, shared,
                            losses, rights);
                }
                return null;
            });
        }
        Evaluation.invokeAll(pool, work);
        double loss = 0;
        for (int t = 0; t < active; t++) loss += losses[t];
        if (!Double.isFinite(loss)) {
            String node = null;
            for (int t = 0; t < active && node == null; t++) node = workers.get(t).firstNonFiniteNode();
            return divergence("the loss became " + (Double.isNaN(loss) ? "NaN" : "infinite"), node, epoch, batchIndex);
        }
        List<Parameter> master = model.parameters();
        ModelWorker.gatherGradients(workers.subList(0, active), pool, threads);
        addUnitGradients(pool, active);
        double sq = 0;
        for (Parameter p : master) {
            float[] g = p.grad();
            double s = 0;
            for (float v : g) s += (double) v * v;
            if (!Double.isFinite(s)) {
                return divergence("the gradient of " + p.name() + " became non-finite", p.nodeId(), epoch, batchIndex);
            }
            if (p.trainable()) sq += s; // clipping scales what the optimizer applies: frozen gradients do not count
        }
        ModelWorker.updateRunningStatistics(workers.subList(0, active));
        if (settings.clipNorm() > 0) {
            double norm = Math.sqrt(sq);
            if (norm > settings.clipNorm()) {
                float f = (float) (settings.clipNorm() / (norm + 1e-6));
                for (Parameter p : master) {
                    float[] g = p.grad();
                    for (int j = 0; j < g.length; j++) g[j] *= f;
                }
            }
        }
        optimizer.step(master);
        steps++;
        return null;
    }

    /**
     * Adds the gradients of units 1 … active−1 onto unit 0's (the model's), element by element in unit order, so
     * the sum is the same however the elements are shared out: the threads take equal runs of the parameters laid
     * end to end. The gathered FC weights ({@link ModelWorker#gatherGradients}) are already summed and are skipped.
     */
    private void addUnitGradients(ExecutorService pool, int active) {
        if (active <= 1) return;
        List<Parameter> master = model.parameters();
        long total = 0;
        for (int i = 0; i < master.size(); i++) if (!gathered[i]) total += master.get(i).grad().length;
        int parts = pool == null ? 1 : (int) Math.min(threads, Math.max(1, total / (1 << 16)));
        List<Callable<Void>> tasks = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
            long from = total * part / parts, to = total * (part + 1) / parts;
            tasks.add(() -> {
                long start = 0;
                for (int i = 0; i < master.size(); i++) {
                    if (gathered[i]) continue;
                    float[] g = master.get(i).grad();
                    long lo = Math.max(from, start), hi = Math.min(to, start + g.length);
                    for (int t = 1; t < active && lo < hi; t++) {
                        float[] h = workers.get(t).parameters().get(i).grad();
                        for (int j = (int) (lo - start), e = (int) (hi - start); j < e; j++) g[j] += h[j];
                    }
                    start += g.length;
                }
                return null;
            });
        }
        if (parts == 1) {
            try {
                tasks.get(0).call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } else {
            Evaluation.invokeAll(pool, tasks);
        }
    }

    /** Forward and backward of one unit's images [lo, lo + cnt), in micro-batches, into the unit's gradients. */
    private void runUnit(Batch batch, int unit, int lo, int cnt, int epoch, int batchIndex, float scale, boolean shared,
                         double[] losses, int[] rights) {
        long noise = ((seed * 1_000_003L + epoch) * 1_000_033L + batchIndex) * 131L + unit;
        ModelWorker w = workers.get(unit);
        try {
            // Unit 0's gradients are the step's; the others' gathered FC weights are never written, so stay 0.
            w.zeroParameterGradients(unit == 0 ? null : gathered);
            // The unit in micro-batches: each one's backward pass adds onto the same gradients.
            for (int from = lo, end = lo + cnt; from < end; from += microBatch) {
                int count = Math.min(microBatch, end - from);
                w.forward(batch.x(), from, count, true, noise * 1_000_003L + from);
                double loss = w.loss(batch.y(), from, count, scale, true);
                losses[unit] += loss;
                rights[unit] += w.correct(batch.y(), from, count);
                // Workers sharing BatchNorm statistics meet in the backward pass too: all of them run it
                // (a non-finite step is thrown away below anyway).
                if (Double.isFinite(loss) || shared) w.backward();
            }
        } catch (RuntimeException | Error e) {
            batchStatistics.abort();
            throw e;
        }
    }

    /**
     * Null, or the explanation when the median loss of the last {@value #EXPLODING_BATCHES} batches is more than
     * {@value #EXPLODING_FACTOR} times the reference: finite, but the run has diverged all the same. Names the layer
     * whose weights grew most since the run started.
     */
    private String explosion(double loss, int epoch, int batchIndex) {
        if (Double.isNaN(referenceLoss)) referenceLoss = Math.max(Math.log(Math.max(2, model.classes())), loss);
        recentLosses[(int) (lossesSeen++ % EXPLODING_BATCHES)] = loss;
        if (lossesSeen < EXPLODING_BATCHES) return null;
        double[] sorted = recentLosses.clone();
        java.util.Arrays.sort(sorted);
        double median = (sorted[EXPLODING_BATCHES / 2 - 1] + sorted[EXPLODING_BATCHES / 2]) / 2;
        if (median <= EXPLODING_FACTOR * referenceLoss) return null;
        List<Parameter> params = model.parameters();
        int grew = -1;
        double most = 0;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).kind() != Parameter.Kind.WEIGHT) continue;
            double ratio = l2(params.get(i).value()) / Math.max(startNorms[i], 1e-12);
            if (grew < 0 || ratio > most) {
                grew = i;
                most = ratio;
            }
        }
        String where = "";
        if (grew >= 0) {
            Parameter p = params.get(grew);
            where = String.format(Locale.ROOT, "; the weights of %s (%s) grew most, to %s times their size at the start",
                    p.nodeId(), model.spec().node(p.nodeId()).layer().label(), fmt(most));
        }
        double lr = currentLearningRate;
        return String.format(Locale.ROOT, "the loss exploded at epoch %d, batch %d: its median over the last %d batches is "
                        + "%s, more than %s × %s (the loss at the start, or of a uniform guess)%s. The weights are those of the "
                        + "last step and are of no use. Try a lower learning rate (it is %s; try %s)%s.",
                epoch + 1, batchIndex, EXPLODING_BATCHES, fmt(median), fmt(EXPLODING_FACTOR), fmt(referenceLoss), where,
                fmt(lr), fmt(lr / 10),
                settings.clipNorm() > 0 ? "" : " or gradient clipping (clip norm 1 to 5)");
    }

    private String divergence(String what, String nodeId, int epoch, int batchIndex) {
        String where = "";
        if (nodeId != null) {
            Node node = model.spec().node(nodeId);
            where = "; the first non-finite values appeared in " + nodeId + " (" + node.layer().label() + ")";
        }
        double lr = currentLearningRate;
        return String.format(Locale.ROOT, "%s at epoch %d, batch %d%s. The weights of the last good step are kept. "
                        + "Try a lower learning rate (it is %s; try %s)%s.",
                what, epoch + 1, batchIndex, where, fmt(lr), fmt(lr / 10),
                settings.clipNorm() > 0 ? "" : " or gradient clipping (clip norm 1 to 5)");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private void emitNorms() {
        List<ParameterNorm> norms = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            norms.add(new ParameterNorm(p.name(), p.nodeId(), l2(p.value()), l2(p.grad())));
        }
        LayerNorms event = new LayerNorms(currentEpoch, currentBatch, List.copyOf(norms));
        for (TrainingListener l : listeners) l.onNorms(event);
    }

    private static double l2(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    private void serveSnapshot() {
        SnapshotRequest request = pendingSnapshot.getAndSet(null);
        if (request == null) return;
        Snapshot s = snapshot(request.image(), request.label(), currentEpoch, currentBatch);
        for (TrainingListener l : listeners) l.onSnapshot(s);
    }

    /** Activations of every node, the filters of every convolution and the probabilities for one image. */
    Snapshot snapshot(float[] image, int label, int epoch, int batch) {
        if (snapshotWorker == null) {
            // One image cannot be split across workers: its convolutions split their filters instead.
            snapshotWorker = model.newWorker(1, true, new org.convas.engine.model.KernelThreads(pool, threads));
        }
        snapshotWorker.forward(image, 0, 1, false, 0);
        List<ActivationMap> maps = new ArrayList<>();
        List<FilterBank> filters = new ArrayList<>();
        for (Node node : model.order()) {
            Shape shape = model.report().layer(node.id()).output();
            float[] values = java.util.Arrays.copyOf(snapshotWorker.activation(node.id()), Math.toIntExact(shape.size()));
            maps.add(new ActivationMap(node.id(), shape, values));
            if (node.layer() instanceof LayerSpec.Conv2D c) {
                Shape in = model.report().layer(node.id()).inputShapes().get(0);
                filters.add(new FilterBank(node.id(), c.filters(), in.depth() / c.groups(), c.kernelHeight(), c.kernelWidth(),
                        model.tensor(node.id() + ".weight").clone()));
            }
        }
        float[] probs = java.util.Arrays.copyOf(snapshotWorker.probabilities(), model.classes());
        int best = 0;
        for (int j = 1; j < probs.length; j++) if (probs[j] > probs[best]) best = j;
        return new Snapshot(epoch, batch, model.inputShape(), image.clone(), label, List.copyOf(maps), List.copyOf(filters), probs, best);
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
