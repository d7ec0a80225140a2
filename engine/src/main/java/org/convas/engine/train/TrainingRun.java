package org.convas.engine.train;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.MemoryEstimate;
import org.convas.engine.calc.Numbers;
import org.convas.engine.model.BatchStatistics;
import org.convas.engine.model.Executor;
import org.convas.engine.model.Model;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;
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
    private final List<Executor> workers = new ArrayList<>();
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
    private Executor snapshotExecutor;
    private ExecutorService pool;
    private volatile RunEnd end;

    private record SnapshotRequest(float[] image, int label) {
    }

    private TrainingRun(Model model, BatchSource train, BatchSource validation, TrainingSettings settings,
                        TrainingProgress progress, java.util.Map<String, float[]> optimizerState) {
        this.model = model;
        this.train = train;
        this.validation = validation;
        this.settings = settings;
        checkData(model, train, "training");
        if (validation != null) checkData(model, validation, "validation");
        checkMemory(model, settings);
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
            optimizer.restore(model.parameters(), optimizerState, progress.steps(), baseLearningRate, progress.momentum());
        } else {
            this.seed = settings.seed();
        }
        this.threads = settings.threads();
        int units = units(model, settings);
        int unitImages = (settings.batchSize() + units - 1) / units;
        this.microBatch = microBatch(model, unitImages);
        for (int t = 0; t < units; t++) {
            Executor worker = model.newExecutor(microBatch, t > 0);
            worker.fuseActivations();
            // FC weight gradients are held back over the unit's micro-batches, and gathered over all units at
            // the end of the step (Executor.gatherGradients). Room for unitImages rows: a unit never takes more
            // (step() gives each ⌈n / units⌉ ≤ ⌈batch / units⌉), so no FC layer of units 1… writes its own dW.
            worker.deferWeightGradients(unitImages);
            workers.add(worker);
        }
        gathered = workers.get(0).gatheredParameters();
        batchStatistics = BatchStatistics.share(workers);
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
     * the same up to the order of float additions (measured, LeNet on one thread: 64 → 4–16 images per pass, about
     * 1.4× the images/s). Never fewer than {@value #MIN_MICRO_BATCH}, as FC layers want several rows per GEMM.
     *
     * <p>A network with BatchNorm keeps the whole slice: its batch statistics are taken over the images of one
     * forward pass.
     */
    static int microBatch(Model model, int slice) {
        boolean batchStatistics = model.spec().nodes().stream().anyMatch(n -> n.layer() instanceof LayerSpec.BatchNorm);
        if (batchStatistics) return slice;
        long perImage = Math.max(1, model.report().trainingBytesPerImage() + model.convolutionBytesPerImage());
        long fit = MICRO_BATCH_BYTES / perImage;
        int most = (int) Math.min(slice, Math.max(MIN_MICRO_BATCH, fit));
        // As many micro-batches as that takes, evened out: 8 images in 4 + 4 rather than 6 + 2.
        int parts = (slice + most - 1) / most;
        return (slice + parts - 1) / parts;
    }

    /**
     * Work units a batch is cut into: one per thread with one thread or with BatchNorm (whose statistics are
     * exchanged among units running at the same time); otherwise up to {@value #UNITS_PER_THREAD} per thread, so
     * that a thread slowed down by a busy core takes fewer of them instead of holding up the step (measured here:
     * the two vCPUs of this machine often run at 60–100 % of each other's speed). A unit holds at least
     * {@value #MIN_MICRO_BATCH} images and keeps its own gradients and the buffers of one micro-batch, so units beyond
     * one per thread are added only while they cost at most {@value #UNIT_MEMORY_BYTES} bytes in all.
     */
    static int units(Model model, TrainingSettings settings) {
        int threads = settings.threads();
        boolean batchStatistics = model.spec().nodes().stream().anyMatch(n -> n.layer() instanceof LayerSpec.BatchNorm);
        if (threads == 1 || batchStatistics) return threads;
        int batch = settings.batchSize();
        long perImage = model.report().trainingBytesPerImage() + model.convolutionBytesPerImage();
        int most = (int) Math.min((long) threads * UNITS_PER_THREAD, Math.max(threads, batch / MIN_MICRO_BATCH));
        for (int units = most; units > threads; units--) {
            long perUnit = model.parameterCount() * 4L + perImage * microBatch(model, (batch + units - 1) / units);
            if ((units - threads) * perUnit <= UNIT_MEMORY_BYTES) return units;
        }
        return threads;
    }

    static final int UNITS_PER_THREAD = 4;
    static final long UNIT_MEMORY_BYTES = 64L << 20;

    static final long MICRO_BATCH_BYTES = 1L << 20;
    static final int MIN_MICRO_BATCH = 4;

    /**
     * Refuses a batch that will not fit the heap: the calculator's estimate (activations and their gradients,
     * parameters, gradients, optimizer state) for the images the workers hold at once (a micro-batch each), plus
     * what the engine keeps beyond it (layers the calculator counts as in-place, the im2col columns or padded
     * inputs kept for the backward pass, one gradient copy per extra work unit, the FC rows kept for the weight
     * gradients).
     */
    static void checkMemory(Model model, TrainingSettings settings) {
        int batch = settings.batchSize();
        // Work units hold one micro-batch each, not the whole batch; the batch's images are held twice (the one in
        // training and the next one, read ahead).
        int units = units(model, settings);
        int micro = microBatch(model, (batch + units - 1) / units);
        long cap = (long) micro * units;  // every unit keeps the buffers of one micro-batch
        int held = (int) Math.min(batch, cap);
        MemoryEstimate estimate = model.report().memoryForBatch(held, settings.optimizer().stateCopies());
        long inPlacePerImage = 0;
        for (LayerReport r : model.report().layers()) if (r.inPlace()) inPlacePerImage += r.activations() * 8L;
        long perImage = model.report().trainingBytesPerImage() + inPlacePerImage + model.convolutionBytesPerImage();
        // Per image of the batch: the image, twice, and the rows FC layers keep for their weight gradients (in the
        // units, and once more gathered: Executor.gatherGradients).
        long inputBytes = 2 * model.inputShape().size() * 4L;
        for (Node node : model.spec().nodes()) {
            if (node.layer() instanceof LayerSpec.FullyConnected fc) {
                inputBytes += 2 * (model.report().layer(node.id()).inputShapes().get(0).size() + fc.units()) * 4L;
            }
        }
        long fixed = estimate.parameterBytes() + estimate.gradientBytes() + estimate.optimizerBytes()
                + (units - 1L) * model.parameterCount() * 4L;
        long need = fixed + perImage * held + inputBytes * batch;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > free) {
            // The largest batch b with fixed + perImage·min(b, cap) + inputBytes·b ≤ free.
            long room = free - fixed;
            long fits = room <= 0 ? 0 : room >= (perImage + inputBytes) * cap
                    ? (room - perImage * cap) / inputBytes
                    : room / (perImage + inputBytes);
            throw new TrainingException(String.format(Locale.ROOT,
                    "training %s at batch %d needs about %s (%s, and %s for the batch's images and FC rows), but only %s of the "
                            + "Java heap is free. %s",
                    model.spec().name(), batch, Numbers.bytes(need), estimate, Numbers.bytes(inputBytes * batch),
                    Numbers.bytes(free),
                    fits >= 1 ? "Use a batch of at most " + fits + ", or give Java more memory (-Xmx)."
                            : "Use a smaller network, or give Java more memory (-Xmx)."));
        }
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
            result = new RunEnd(Status.FAILED, epochsCompleted, steps, "training stopped: " + e);
        } finally {
            if (pool != null) pool.shutdownNow();
        }
        end = result;
        state = State.FINISHED;
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
        for (int epoch = epochsCompleted; epoch < settings.epochs(); epoch++) {
            currentEpoch = epoch + 1;
            currentBatch = 0; // a snapshot served before this epoch's first step says "epoch e, batch 0", not the last epoch's count
            long epochStart = System.nanoTime();
            long pausedNanos = 0;
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            int batchIndex = 0;
            Iterator<Batch> it = train.epoch(batchSize, seed, epoch, settings.shuffle());
            try {
            while (it.hasNext()) {
                Batch batch = it.next();
                if (settings.dropLastPartial() && batch.count() < batchSize) break;
                long waitStart = System.nanoTime();
                if (!between()) return new RunEnd(Status.CANCELLED, epochsCompleted, steps, "cancelled in epoch " + currentEpoch);
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
                BatchStats stats = new BatchStats(currentEpoch, batchIndex, batchesPerEpoch, batchLoss / n,
                        (double) batchRight / n, currentLearningRate, seen / Math.max(elapsed, 1e-9));
                for (TrainingListener l : listeners) l.onBatch(stats);
                if (settings.normsEvery() > 0 && batchIndex % settings.normsEvery() == 0) emitNorms();
            }
            } finally {
                closeIfPossible(it);
            }
            Evaluation.Result val = validation == null ? null : Evaluation.run(workers.subList(0, threads), pool, validation, batchSize);
            double seconds = (System.nanoTime() - epochStart - pausedNanos) / 1e9;
            EpochStats stats = new EpochStats(currentEpoch, lossSum / Math.max(batchIndex, 1), (double) correct / Math.max(seen, 1),
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), seconds, currentLearningRate);
            history.add(stats);
            epochsCompleted = epoch + 1;
            if (settings.schedule() instanceof LearningRateSchedule.ReduceOnPlateau p) {
                observePlateau(p, val == null ? stats.trainLoss() : val.loss());
            }
            for (TrainingListener l : listeners) l.onEpoch(stats);
            if (settings.checkpointDirectory() != null) {
                try {
                    Checkpoint.save(settings.checkpointDirectory(), model, optimizer.state(model.parameters()), progress());
                } catch (IOException e) {
                    return new RunEnd(Status.FAILED, epochsCompleted, steps, "could not save the checkpoint to "
                            + settings.checkpointDirectory() + ": " + e.getMessage());
                }
            }
        }
        serveSnapshot();
        return new RunEnd(Status.COMPLETED, epochsCompleted, steps, "trained " + epochsCompleted + " epochs");
    }

    /**
     * Saves a checkpoint of a finished run (completed, cancelled or diverged). A completed run resumes exactly;
     * a run stopped inside an epoch resumes at the start of that epoch with the weights it had when it
     * stopped, so its curve is not bit-identical to an uninterrupted one (epoch-end checkpoints, see
     * {@link TrainingSettings#checkpointDirectory()}, are).
     */
    public void saveCheckpoint(java.nio.file.Path dir) throws IOException {
        if (state != State.FINISHED) {
            throw new IllegalStateException("save a checkpoint after the run has ended; while it runs, set checkpointDirectory"
                    + " in the settings to get one after every epoch");
        }
        Checkpoint.save(dir, model, optimizer.state(model.parameters()), progress());
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

    /** The state to save with the weights after a whole epoch; read it from a listener or after the run. */
    public TrainingProgress progress() {
        return new TrainingProgress(epochsCompleted, steps, seed, baseLearningRate, optimizer.momentum(),
                plateauFactor, plateauBest, plateauBadEpochs, history);
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
            if (cancelRequested) return false;
            synchronized (control) {
                if (!pauseRequested) {
                    state = State.RUNNING;
                    return !cancelRequested;
                }
                state = State.PAUSED;
                if (pendingSnapshot.get() == null && !cancelRequested) {
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
        Executor.gatherGradients(workers.subList(0, active), pool, threads);
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
        Executor.updateRunningStatistics(workers.subList(0, active));
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
     * end to end. The gathered FC weights ({@link Executor#gatherGradients}) are already summed and are skipped.
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
        Executor w = workers.get(unit);
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
        if (snapshotExecutor == null) {
            // One image cannot be split across workers: its convolutions split their filters instead.
            snapshotExecutor = model.newExecutor(1, true, new org.convas.engine.model.KernelThreads(pool, threads));
        }
        snapshotExecutor.forward(image, 0, 1, false, 0);
        List<ActivationMap> maps = new ArrayList<>();
        List<FilterBank> filters = new ArrayList<>();
        for (Node node : model.order()) {
            Shape shape = model.report().layer(node.id()).output();
            float[] values = java.util.Arrays.copyOf(snapshotExecutor.activation(node.id()), Math.toIntExact(shape.size()));
            maps.add(new ActivationMap(node.id(), shape, values));
            if (node.layer() instanceof LayerSpec.Conv2D c) {
                Shape in = model.report().layer(node.id()).inputShapes().get(0);
                filters.add(new FilterBank(node.id(), c.filters(), in.depth() / c.groups(), c.kernelHeight(), c.kernelWidth(),
                        model.tensor(node.id() + ".weight").clone()));
            }
        }
        float[] probs = java.util.Arrays.copyOf(snapshotExecutor.probabilities(), model.classes());
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
