package org.convas.engine.train;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;

import java.util.Locale;

/**
 * The Java heap a training run takes, worked out from the network's calculator report before anything is
 * allocated: the one estimate the Train tab shows and {@link TrainingRun} refuses a batch by (also in
 * {@code convas train}), so the two never disagree.
 *
 * <p>What a run holds, at 4 bytes a value:
 * <ul>
 *   <li><b>fixed</b>: the parameters and their gradients, the optimizer's state and one more gradient copy per extra
 *       work unit, and each unit's convolution buffers (padded grids, flipped filters or an im2col chunk: counted as one
 *       weight tensor, one input and one output volume a layer); validation and the final test evaluation
 *       ({@link TrainingRun#evaluate}) use the workers' buffers; a checkpoint is written straight from the tensors;</li>
 *   <li><b>per image the workers hold</b> (a micro-batch per work unit, not the whole batch): every layer's
 *       activations and their gradients (in-place layers too: the engine keeps them), Dropout's mask, BatchNorm's x̂ and
 *       LRN's scale, and the im2col columns or padded inputs convolutions keep for the backward pass;</li>
 *   <li><b>per image of the batch</b>: the input, for the batch in training and the ones read ahead (prefetch), and
 *       the rows FC layers keep for their weight gradients (in the units and once more gathered).</li>
 * </ul>
 *
 * @param batch          images per step
 * @param units          work units the batch is cut into
 * @param heldImages     images the units hold at once (a micro-batch each, at most the batch)
 * @param fixedBytes     what does not depend on the batch size
 * @param perHeldImage   bytes per image the units hold
 * @param perBatchImage  bytes per image of the batch
 * @param parameterBytes of {@code fixedBytes}: parameters, gradients, optimizer state and unit gradients
 */
public record TrainingMemory(int batch, int units, int heldImages, long fixedBytes, long perHeldImage, long perBatchImage,
                             long parameterBytes) {

    /** Batches in flight besides the one in training: the loader's queue (prefetch + 1) and the one it builds. */
    static final int BATCHES_AHEAD = 4 + 2;

    /** Bytes the whole run needs (saturating: never wraps round to a small number). */
    public long totalBytes() {
        return add(add(fixedBytes, mul(perHeldImage, heldImages)), mul(perBatchImage, batch));
    }

    /** Activations, their gradients and the convolutions' buffers: the part that grows with the batch. */
    public long batchBytes() {
        return add(mul(perHeldImage, heldImages), mul(perBatchImage, batch));
    }

    /**
     * The estimate for a valid network.
     *
     * @param optimizerStateCopies values the optimizer keeps per parameter ({@link OptimizerSettings#stateCopies()})
     * @throws IllegalArgumentException when the report has errors (its sizes are unknown)
     */
    public static TrainingMemory estimate(NetworkReport report, int batch, int threads, int optimizerStateCopies) {
        if (!report.isValid()) throw new IllegalArgumentException("the network has errors; its memory cannot be estimated");
        if (batch < 1 || threads < 1) throw new IllegalArgumentException("batch and threads must be at least 1");
        int units = units(report, batch, threads);
        int micro = microBatch(report, (batch + units - 1) / units);
        int held = (int) Math.min(batch, (long) micro * units);
        long parameters = report.totalParameters();
        long p4 = mul(parameters, 4);
        long parameterBytes = add(mul(p4, 2 + optimizerStateCopies), mul(p4, units - 1L));
        // (scratch is added below, once per work unit)
        long inPlace = 0;
        long scratch = 0;
        for (LayerReport r : report.layers()) {
            if (r.inPlace()) inPlace = add(inPlace, mul(r.activations(), 8));
            LayerSpec layer = r.node().layer();
            // Dropout's mask, BatchNorm's x̂, LRN's scale: one more value per activation.
            if (layer instanceof LayerSpec.Dropout || layer instanceof LayerSpec.BatchNorm || layer instanceof LayerSpec.LocalResponseNorm) {
                inPlace = add(inPlace, mul(r.activations(), 4));
            }
            // A convolution's own buffers in each worker (padded grids, flipped filters or an im2col chunk): about one
            // weight tensor, one input and one output volume.
            if (layer instanceof LayerSpec.Conv2D && r.output() != null) {
                scratch = add(scratch, mul(add(add(r.weights(), r.inputShapes().get(0).size()), r.output().size()), 4));
            }
        }
        long perHeld = add(add(report.trainingBytesPerImage(), inPlace), Model.convolutionBytesPerImage(report));
        long input = report.spec().inputs().isEmpty() ? 0 : report.layer(report.spec().inputs().get(0).id()).activations();
        long perBatch = mul(mul(input, 4), BATCHES_AHEAD + 1);
        for (LayerReport r : report.layers()) {
            if (r.node().layer() instanceof LayerSpec.FullyConnected fc) {
                perBatch = add(perBatch, mul(add(r.inputShapes().get(0).size(), fc.units()), 8));
            }
        }
        return new TrainingMemory(batch, units, held, add(parameterBytes, mul(scratch, units)), perHeld, perBatch,
                parameterBytes);
    }

    /** {@link #estimate(NetworkReport, int, int, int)} of a spec (analysed here). */
    public static TrainingMemory estimate(NetworkSpec spec, int batch, int threads, int optimizerStateCopies) {
        return estimate(Calculator.analyze(spec), batch, threads, optimizerStateCopies);
    }

    /**
     * The Java heap a run may still allocate: what is not in use now, less {@link #HEADROOM_FRACTION} of the heap
     * the garbage collector needs to work in.
     */
    public static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) - rt.maxMemory() / HEADROOM_FRACTION;
    }

    /**
     * 1/16 of the heap is left to the garbage collector, which cannot work in a full heap (G1 keeps room to copy live
     * objects into). With this fraction the heap after collections stays within a few MB of the estimate plus the
     * data, and a batch whose estimate leaves almost nothing runs out (measured: docs/performance.md).
     */
    static final long HEADROOM_FRACTION = 16;

    /**
     * The largest batch whose estimate fits in {@code free} bytes, with the same threads and optimizer; 0 when not
     * even one image fits.
     */
    public int largestBatch(NetworkReport report, int threads, int optimizerStateCopies, long free) {
        if (estimate(report, 1, threads, optimizerStateCopies).totalBytes() > free) return 0;
        int lo = 1, hi = Math.max(1, batch);
        while (estimate(report, hi, threads, optimizerStateCopies).totalBytes() <= free && hi < (1 << 30)) {
            lo = hi;
            hi = hi * 2;
        }
        while (hi - lo > 1) { // estimate(lo) fits, estimate(hi) does not
            int mid = lo + (hi - lo) / 2;
            if (estimate(report, mid, threads, optimizerStateCopies).totalBytes() <= free) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    /** "1.2 GiB (parameters, gradients and optimizer state 240 MiB, activations and buffers 900 MiB, …)". */
    public String describe() {
        return Numbers.bytes(totalBytes()) + " (parameters, gradients and optimizer state " + Numbers.bytes(parameterBytes)
                + ", activations and buffers for " + heldImages + (heldImages == 1 ? " image " : " images ")
                + Numbers.bytes(mul(perHeldImage, heldImages)) + ", the batch's images and FC rows "
                + Numbers.bytes(mul(perBatchImage, batch)) + (fixedBytes > parameterBytes ? ", the layers' buffers in "
                + units + (units == 1 ? " worker " : " workers ") + Numbers.bytes(fixedBytes - parameterBytes) : "") + ")";
    }

    /**
     * Refuses a run that will not fit the heap, with the largest batch that would, before anything is allocated
     * (call it before building the {@link Model}: a large FC layer alone may not fit). Also refuses a layer whose
     * weights or activations would not fit one Java array.
     *
     * @throws TrainingException naming the network, the need, what is free and what to do
     */
    public static void require(NetworkReport report, int batch, int threads, int optimizerStateCopies) {
        check(report, batch, threads, optimizerStateCopies, 0);
    }

    /**
     * The parameters and gradients a built {@link Model} holds already (8 bytes a parameter): a check made once the
     * model exists ({@link TrainingRun}) counts them as available, since the estimate includes them.
     */
    static long heldByModel(NetworkReport report) {
        return mul(report.totalParameters(), 8);
    }

    /** {@link #require}, with {@code alreadyHeld} bytes of the estimate allocated before the check. */
    static void check(NetworkReport report, int batch, int threads, int optimizerStateCopies, long alreadyHeld) {
        TrainingMemory m = estimate(report, batch, threads, optimizerStateCopies);
        String array = arrayProblem(report, m.heldImages / Math.max(1, m.units) + 1);
        if (array != null) throw new TrainingException(array);
        long free = freeHeap() + alreadyHeld;
        if (m.totalBytes() <= free) return;
        // "In use" counts garbage not yet collected (a dataset just prepared leaves plenty): collect it before refusing,
        // so the answer does not depend on when the collector last ran.
        System.gc();
        free = freeHeap() + alreadyHeld;
        if (m.totalBytes() <= free) return;
        // The suggestion leaves 1/128 of the heap to spare, so that the next attempt, measured anew, is not refused by
        // a few hundred KB of data or garbage.
        int fits = m.largestBatch(report, threads, optimizerStateCopies, free - Runtime.getRuntime().maxMemory() / 128);
        String name = report.spec().name().isBlank() ? "the network" : report.spec().name();
        throw new TrainingException(String.format(Locale.ROOT,
                "training %s at batch %d needs about %s, but only %s of the Java heap is free. %s",
                name, batch, m.describe(), Numbers.bytes(free),
                fits >= 1 ? "Use a batch of at most " + fits + ", or give Java more memory (-Xmx)."
                        : "Use a smaller network, or give Java more memory (-Xmx)."));
    }

    /** Java's largest array, in values. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * A layer whose weights, or whose activations for the images a worker holds, do not fit in one Java array
     * (2^31 − 9 values), named; null when every one fits.
     */
    static String arrayProblem(NetworkReport report, int imagesPerWorker) {
        for (LayerReport r : report.layers()) {
            if (r.weights() > MAX_ARRAY) {
                return String.format(Locale.ROOT, "%s has %,d weights, more than the %,d one layer may have here (Java's largest"
                        + " array): make it smaller", r.id(), r.weights(), MAX_ARRAY);
            }
            if (mul(r.activations(), imagesPerWorker) > MAX_ARRAY) {
                return String.format(Locale.ROOT, "%s gives %,d values per image; %d images of them are more than the %,d one"
                        + " buffer may hold here (Java's largest array): make it smaller or use a smaller batch", r.id(),
                        r.activations(), imagesPerWorker, MAX_ARRAY);
            }
        }
        return null;
    }

    /**
     * Work units a batch is cut into: one per thread with one thread or with BatchNorm (whose statistics are
     * exchanged among units running at the same time); otherwise up to {@link TrainingRun#UNITS_PER_THREAD} per
     * thread, added only while the extra units cost at most {@link TrainingRun#UNIT_MEMORY_BYTES} in all.
     */
    static int units(NetworkReport report, int batch, int threads) {
        if (threads == 1 || hasBatchNorm(report)) return threads;
        long perImage = report.trainingBytesPerImage() + Model.convolutionBytesPerImage(report);
        int most = (int) Math.min((long) threads * TrainingRun.UNITS_PER_THREAD, Math.max(threads, batch / TrainingRun.MIN_MICRO_BATCH));
        for (int units = most; units > threads; units--) {
            long perUnit = add(mul(report.totalParameters(), 4), mul(perImage, microBatch(report, (batch + units - 1) / units)));
            if (mul(units - threads, perUnit) <= TrainingRun.UNIT_MEMORY_BYTES) return units;
        }
        return threads;
    }

    /** Images of a unit's slice that go through forward and backward together: see {@link TrainingRun#microBatch}. */
    static int microBatch(NetworkReport report, int slice) {
        if (hasBatchNorm(report)) return slice;
        long perImage = Math.max(1, add(report.trainingBytesPerImage(), Model.convolutionBytesPerImage(report)));
        long fit = TrainingRun.MICRO_BATCH_BYTES / perImage;
        int most = (int) Math.min(slice, Math.max(TrainingRun.MIN_MICRO_BATCH, fit));
        int parts = (slice + most - 1) / most;
        return (slice + parts - 1) / parts;
    }

    private static boolean hasBatchNorm(NetworkReport report) {
        return report.spec().nodes().stream().anyMatch(n -> n.layer() instanceof LayerSpec.BatchNorm);
    }

    private static long add(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }
}
