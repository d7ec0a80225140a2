package org.convas.engine.train;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.engine.train.TrainingEvents.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingRunTest {

    private static final InMemoryBatchSource TRAIN = Bars.make(480, 1);
    private static final InMemoryBatchSource VALIDATION = Bars.make(200, 2);

    /** conv 8@3×3 → ReLU → pool → conv 16@3×3 → [BatchNorm] → ReLU → pool → [Dropout] → FC 4 → Softmax. */
    private static NetworkSpec net(boolean batchNormAndDropout) {
        NetworkSpec.Builder b = NetworkSpec.builder("bars").input(12, 12, 1)
                .add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 3, 1, 1));
        if (batchNormAndDropout) b.add("bn", LayerSpec.BatchNorm.standard());
        b.add("relu2", new LayerSpec.ReLU()).add("pool2", LayerSpec.MaxPool.of(2, 2));
        if (batchNormAndDropout) b.add("drop", new LayerSpec.Dropout(0.2));
        return b.add("fc", LayerSpec.FullyConnected.of(4)).add("softmax", new LayerSpec.Softmax()).build();
    }

    private static TrainingSettings.Builder settings() {
        return TrainingSettings.builder().epochs(4).batchSize(16).threads(2).seed(42)
                .optimizer(OptimizerSettings.momentum(0.05, 0.9).withWeightDecay(5e-4));
    }

    /** Collects what a run reports. */
    private static final class Recorder implements TrainingListener {
        final List<BatchStats> batches = new ArrayList<>();
        final List<TrainingEvents.EpochStats> epochs = new ArrayList<>();
        final List<TrainingEvents.LayerNorms> norms = new ArrayList<>();

        @Override public void onBatch(BatchStats s) { batches.add(s); }
        @Override public void onEpoch(TrainingEvents.EpochStats s) { epochs.add(s); }
        @Override public void onNorms(TrainingEvents.LayerNorms n) { norms.add(n); }

        double[] losses() {
            return batches.stream().mapToDouble(BatchStats::loss).toArray();
        }
    }

    @Test
    void smallConvNetLearnsOrientedBars() {
        Model model = Model.create(net(false), Initializer.HE, 3);
        Recorder rec = new Recorder();
        RunEnd end = TrainingRun.create(model, TRAIN, VALIDATION, settings().build()).addListener(rec).runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
        assertEquals(4, rec.epochs.size());
        assertEquals(4 * 30, rec.batches.size());
        double accuracy = rec.epochs.get(3).validationAccuracy();
        assertTrue(accuracy >= 0.95, "validation accuracy after 4 epochs: " + accuracy);
        assertTrue(rec.epochs.get(3).trainLoss() < rec.epochs.get(0).trainLoss());
        Evaluation.Result eval = Evaluation.evaluate(model, VALIDATION, 50, 2);
        assertEquals(accuracy, eval.accuracy(), 1e-12);
        assertEquals(200, eval.count());
        assertTrue(!rec.norms.isEmpty() && rec.norms.get(0).norms().stream().allMatch(n -> n.weightNorm() > 0 && n.gradientNorm() > 0));
    }

    @Test
    void sameSeedAndThreadCountGiveBitIdenticalCurves() {
        double[][] curves = new double[2][];
        for (int run = 0; run < 2; run++) {
            Model model = Model.create(net(true), Initializer.HE, 3);
            Recorder rec = new Recorder();
            TrainingRun.create(model, TRAIN, VALIDATION, settings().epochs(2).build()).addListener(rec).runHere();
            curves[run] = rec.losses();
        }
        assertArrayEquals(curves[0], curves[1], 0.0);
    }

    @Test
    void workUnitsTakenByWhicheverThreadIsFreeStillGiveBitIdenticalCurves() {
        // Without BatchNorm the batch is cut into more units than threads, taken by whichever thread is free:
        // which thread runs which unit changes from run to run, the curve must not.
        Model probe = Model.create(net(false), Initializer.HE, 3);
        TrainingSettings s = settings().epochs(2).threads(2).build();
        int units = TrainingRun.units(probe, s);
        assertTrue(units > 2, "more units than threads: " + units);
        double[][] curves = new double[3][];
        for (int run = 0; run < 3; run++) {
            Model model = Model.create(net(false), Initializer.HE, 3);
            Recorder rec = new Recorder();
            TrainingRun.create(model, TRAIN, VALIDATION, s).addListener(rec).runHere();
            curves[run] = rec.losses();
        }
        assertArrayEquals(curves[0], curves[1], 0.0);
        assertArrayEquals(curves[0], curves[2], 0.0);
    }

    @ParameterizedTest(name = "BatchNorm {0}")
    @ValueSource(booleans = {true, false})  // without BatchNorm, 2 threads take 4 work units
    void resumingFromACheckpointReproducesTheUninterruptedCurve(boolean batchNorm, @TempDir Path dir) throws IOException {
        Recorder whole = new Recorder();
        Model a = Model.create(net(batchNorm), Initializer.HE, 3);
        TrainingRun.create(a, TRAIN, VALIDATION, settings().epochs(3).build()).addListener(whole).runHere();

        Model b = Model.create(net(batchNorm), Initializer.HE, 3);
        TrainingRun.create(b, TRAIN, VALIDATION, settings().epochs(1).checkpointDirectory(dir).build()).runHere();
        Checkpoint checkpoint = Checkpoint.load(dir);
        assertEquals(1, checkpoint.progress().epochsCompleted());
        Recorder rest = new Recorder();
        RunEnd end = TrainingRun.resume(checkpoint, TRAIN, VALIDATION, settings().epochs(3).build()).addListener(rest).runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
        double[] expected = java.util.Arrays.copyOfRange(whole.losses(), 30, 90);
        assertArrayEquals(expected, rest.losses(), 0.0);
        for (Map.Entry<String, float[]> e : a.tensors().entrySet()) {
            assertArrayEquals(e.getValue(), checkpoint.model().tensor(e.getKey()), 0f, e.getKey());
        }
        assertEquals(whole.epochs.get(2), rest.epochs.get(1).withSeconds(whole.epochs.get(2).seconds()));
    }

    @ParameterizedTest(name = "BatchNorm and dropout {0}")
    @ValueSource(booleans = {true, false})
    void aRunStoppedInsideAnEpochResumesExactlyAsTheUninterruptedOne(boolean batchNorm, @TempDir Path dir) throws IOException {
        Recorder whole = new Recorder();
        Model a = Model.create(net(batchNorm), Initializer.HE, 3);
        TrainingRun.create(a, TRAIN, VALIDATION, settings().epochs(2).build()).addListener(whole).runHere();

        // Stopped (Ctrl+C, Stop) after batch 17 of epoch 1's 30, saved, resumed.
        Model b = Model.create(net(batchNorm), Initializer.HE, 3);
        AtomicReference<TrainingRun> first = new AtomicReference<>();
        first.set(TrainingRun.create(b, TRAIN, VALIDATION, settings().epochs(2).build()).addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                if (s.batch() == 17) first.get().cancel();
            }
        }));
        RunEnd stopped = first.get().runHere();
        assertEquals(Status.CANCELLED, stopped.status());
        first.get().saveCheckpoint(dir);
        Checkpoint checkpoint = Checkpoint.load(dir);
        assertEquals(0, checkpoint.progress().epochsCompleted());
        assertEquals(17, checkpoint.progress().batchesIntoEpoch());
        Recorder rest = new Recorder();
        RunEnd end = TrainingRun.resume(checkpoint, TRAIN, VALIDATION, settings().epochs(2).build()).addListener(rest).runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
        assertArrayEquals(java.util.Arrays.copyOfRange(whole.losses(), 17, 60), rest.losses(), 0.0);
        assertEquals(18, rest.batches.get(0).batch(), "the batches keep their numbers");
        for (int e = 0; e < 2; e++) {
            assertEquals(whole.epochs.get(e), rest.epochs.get(e).withSeconds(whole.epochs.get(e).seconds()), "epoch " + (e + 1));
        }
        for (Map.Entry<String, float[]> t : a.tensors().entrySet()) {
            assertArrayEquals(t.getValue(), checkpoint.model().tensor(t.getKey()), 0f, t.getKey());
        }
    }

    @Test
    void aMidEpochCheckpointRefusesAnotherBatchSize(@TempDir Path dir) throws IOException {
        Model b = Model.create(net(false), Initializer.HE, 3);
        AtomicReference<TrainingRun> first = new AtomicReference<>();
        first.set(TrainingRun.create(b, TRAIN, null, settings().build()).addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                if (s.batch() == 5) first.get().cancel();
            }
        }));
        first.get().runHere();
        first.get().saveCheckpoint(dir);
        TrainingException e = assertThrows(TrainingException.class,
                () -> TrainingRun.resume(Checkpoint.load(dir), TRAIN, null, settings().batchSize(32).build()));
        assertEquals("the checkpoint stopped inside epoch 1 after 5 batches of 16 images; continue it with batch size 16"
                + " (the rest of the epoch is cut into batches of that size)", e.getMessage());
    }

    @Test
    void resumingWithAnotherOptimizerIsRefused(@TempDir Path dir) throws IOException {
        Model model = Model.create(net(false), Initializer.HE, 3);
        TrainingRun.create(model, TRAIN, null, settings().epochs(1).checkpointDirectory(dir).build()).runHere();
        TrainingException e = assertThrows(TrainingException.class, () -> TrainingRun.resume(Checkpoint.load(dir), TRAIN, null,
                settings().optimizer(OptimizerSettings.adam(0.001)).build()));
        assertEquals("the checkpoint was trained with sgd, whose state cannot continue as adam: continue with sgd, or start a"
                + " new run from the checkpoint's weights", e.getMessage());
    }

    @Test
    void anExplodingButFiniteLossStopsTheRunAndNamesTheLayer() {
        // Measured (SGD, momentum 0.5, lr 50): the loss jumps to 2e23 in 4 batches, then swings between 5 and 46, a
        // median of about 22 against a uniform guess's 1.39, finite all along: before, the run "completed" at chance.
        Model model = Model.create(net(false), Initializer.HE, 3);
        Recorder rec = new Recorder();
        RunEnd end = TrainingRun.create(model, TRAIN, null, settings().optimizer(OptimizerSettings.momentum(50, 0.5)).build())
                .addListener(rec).runHere();
        assertEquals(Status.DIVERGED, end.status(), end.message());
        assertEquals(20, rec.batches.size(), "stopped as soon as 20 batches were seen");
        assertTrue(end.message().matches("the loss exploded at epoch 1, batch 20: its median over the last 20 batches is \\S+, more"
                + " than 5\\.00 × 1\\.52 \\(the loss at the start, or of a uniform guess\\); the weights of (conv1|conv2|fc) \\(.*\\)"
                + " grew most, to \\S+ times their size at the start\\. The weights are those of the last step and are of no use\\."
                + " Try a lower learning rate \\(it is 50\\.0; try 5\\.00\\) or gradient clipping \\(clip norm 1 to 5\\)\\."),
                end.message());
        for (BatchStats b : rec.batches) assertTrue(Double.isFinite(b.loss()), "finite: " + b.loss());
    }

    @Test
    void aSpikeOfAFewBatchesIsNotADivergence() {
        // SGD lr 10: 1.5, 3e3, 7e4, 4e8, 1e16, 2e20, then 2–5 for the rest of the run.
        Model model = Model.create(net(false), Initializer.HE, 3);
        RunEnd end = TrainingRun.create(model, TRAIN, null, settings().optimizer(OptimizerSettings.sgd(10)).build()).runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
    }

    @Test
    void aHealthyRunIsNotTakenForAnExplodingOne() {
        Model model = Model.create(net(true), Initializer.HE, 3);
        RunEnd end = TrainingRun.create(model, TRAIN, null, settings().optimizer(OptimizerSettings.momentum(0.3, 0.9)).build())
                .runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
    }

    @Test
    void anUnwritableCheckpointFolderIsRefusedBeforeTheFirstEpoch(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        Model model = Model.create(net(false), Initializer.HE, 3);
        TrainingException e = assertThrows(TrainingException.class, () ->
                TrainingRun.create(model, TRAIN, null, settings().checkpointDirectory(file.resolve("ck")).build()));
        assertTrue(e.getMessage().startsWith("checkpoints cannot be saved to " + file.resolve("ck") + ": cannot create "), e.getMessage());
    }

    @Test
    void aDamagedProgressSectionOrShortOptimizerStateIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        Model model = Model.create(net(false), Initializer.HE, 3);
        TrainingRun.create(model, TRAIN, null, settings().epochs(1).checkpointDirectory(dir).build()).runHere();
        Path progress = dir.resolve(Checkpoint.PROGRESS);
        String good = Files.readString(progress);

        Files.writeString(progress, good.replaceAll("(?s)\"progress\": \\{.*\\}\\s*\\}\\s*$", "\"progress\": {}}"));
        IOException empty = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(empty.getMessage().endsWith("the \"progress\" section is missing or empty; this checkpoint cannot be continued"),
                empty.getMessage());

        Files.writeString(progress, good.replaceFirst("\"baseLearningRate\": [^,]+,", "\"baseLearningRate\": NaN,"));
        IOException nan = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(nan.getMessage().endsWith("the \"progress\" section is damaged: baseLearningRate is NaN; it must be a positive"
                + " number; this checkpoint cannot be continued"), nan.getMessage());

        // optimizer.bin with a state tensor cut short, and training.json's checksum made to match.
        Map<String, float[]> state = TensorFile.read(dir.resolve(Checkpoint.OPTIMIZER));
        state.put("fc.weight#1", new float[3]);
        byte[] shortState = TensorFile.encode(state);
        Files.write(dir.resolve(Checkpoint.OPTIMIZER), shortState);
        Files.writeString(progress, good.replaceFirst("\"optimizerCrc32\": \\d+", "\"optimizerCrc32\": " + TensorFile.crc(shortState)));
        IOException cut = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(cut.getMessage().endsWith("optimizer.bin: the state fc.weight#1 has 3 values but fc.weight has 576; the file"
                + " is damaged"), cut.getMessage());

        Files.writeString(progress, "{\"format\": \"convas-checkpoint\", oops}");
        IOException json = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertFalse(json.getMessage().contains("LENIENT") || json.getMessage().contains("null"), json.getMessage());
    }

    @Test
    void aCheckpointAskedForWhilePausedIsWrittenAtOnceAndHoldsThePausedWeights(@TempDir Path dir) throws Exception {
        Model model = Model.create(net(false), Initializer.HE, 3);
        CountDownLatch paused = new CountDownLatch(1);
        TrainingRun run = TrainingRun.create(model, TRAIN, VALIDATION, settings().epochs(1).build());
        run.addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                if (s.batch() == 5) {
                    run.pause();
                    paused.countDown();
                }
            }
        });
        run.start();
        assertTrue(paused.await(20, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (run.state() != TrainingRun.State.PAUSED && System.nanoTime() < deadline) Thread.sleep(5);
        TrainingProgress written = run.requestCheckpoint(dir).get(20, TimeUnit.SECONDS);
        Checkpoint saved = Checkpoint.load(dir);
        assertEquals(5, saved.progress().steps(), "written between batch 5 and 6, while paused");
        assertEquals(5, saved.progress().batchesIntoEpoch(), "with its place in the epoch");
        assertEquals(5, written.batchesIntoEpoch(), "the future gives what was written");
        for (Map.Entry<String, float[]> e : model.tensors().entrySet()) {
            assertArrayEquals(e.getValue(), saved.model().tensor(e.getKey()), 0f, e.getKey());
        }
        run.cancel();
        assertEquals(Status.CANCELLED, run.await().status());

        // It resumes at batch 6 exactly as the run that was never paused goes on.
        Recorder whole = new Recorder();
        TrainingRun.create(Model.create(net(false), Initializer.HE, 3), TRAIN, VALIDATION, settings().epochs(1).build())
                .addListener(whole).runHere();
        Recorder rest = new Recorder();
        RunEnd end = TrainingRun.resume(saved, TRAIN, VALIDATION, settings().epochs(1).build()).addListener(rest).runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
        assertArrayEquals(java.util.Arrays.copyOfRange(whole.losses(), 5, 30), rest.losses(), 0.0);
        assertEquals(6, rest.batches.get(0).batch());
    }

    @Test
    void anEndedRunContinuesFromMemoryExactlyAsFromItsCheckpointFiles(@TempDir Path dir) throws Exception {
        Model a = Model.create(net(false), Initializer.HE, 3);
        TrainingRun first = TrainingRun.create(a, TRAIN, VALIDATION, settings().epochs(1).build());
        first.runHere();
        first.requestCheckpoint(dir).get(); // ended: written at once
        Recorder fromFiles = new Recorder();
        TrainingRun.resume(Checkpoint.load(dir), TRAIN, VALIDATION, settings().epochs(2).build()).addListener(fromFiles).runHere();
        Recorder fromMemory = new Recorder();
        TrainingRun.resume(first.checkpoint(), TRAIN, VALIDATION, settings().epochs(2).build()).addListener(fromMemory).runHere();
        assertArrayEquals(fromFiles.losses(), fromMemory.losses(), 0.0);
        assertEquals(30, fromMemory.batches.size(), "epoch 2 only");
    }

    @Test
    void cancelStopsBeforeTheNextBatch() {
        Model model = Model.create(net(false), Initializer.HE, 3);
        AtomicReference<TrainingRun> run = new AtomicReference<>();
        run.set(TrainingRun.create(model, TRAIN, null, settings().build()).addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                if (s.batch() == 3) run.get().cancel();
            }
        }));
        RunEnd end = run.get().runHere();
        assertEquals(Status.CANCELLED, end.status());
        assertEquals(3, end.steps());
    }

    @Test
    void pauseServesSnapshotsAndResumesWithTheNewLearningRate() throws InterruptedException {
        Model model = Model.create(net(true), Initializer.HE, 3);
        CountDownLatch atBatchTwo = new CountDownLatch(1);
        CountDownLatch snapshotTaken = new CountDownLatch(1);
        AtomicReference<Snapshot> snapshot = new AtomicReference<>();
        Recorder rec = new Recorder();
        TrainingRun run = TrainingRun.create(model, TRAIN, VALIDATION, settings().epochs(1).build()).addListener(rec);
        run.addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                if (s.batch() == 2) {
                    run.pause();
                    atBatchTwo.countDown();
                }
            }

            @Override
            public void onSnapshot(Snapshot s) {
                snapshot.set(s);
                snapshotTaken.countDown();
            }
        });
        run.start();
        assertTrue(atBatchTwo.await(20, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (run.state() != TrainingRun.State.PAUSED && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(TrainingRun.State.PAUSED, run.state());
        run.requestSnapshot(7);
        assertTrue(snapshotTaken.await(20, TimeUnit.SECONDS));
        assertEquals(2, rec.batches.size(), "no batch runs while paused");
        run.setLearningRate(0.001);
        run.resume();
        RunEnd end = run.await();
        assertEquals(Status.COMPLETED, end.status(), end.message());
        assertEquals(0.05, rec.batches.get(1).learningRate(), 1e-12);
        assertEquals(0.001, rec.batches.get(2).learningRate(), 1e-12);

        Snapshot s = snapshot.get();
        assertEquals(VALIDATION.label(7), s.label());
        assertArrayEquals(VALIDATION.image(7), s.image(), 0f);
        assertEquals(model.order().size(), s.activations().size());
        assertEquals("input", s.activations().get(0).nodeId());
        assertArrayEquals(VALIDATION.image(7), s.activations().get(0).values(), 0f);
        assertEquals(6 * 6 * 8, s.activations().stream().filter(m -> m.nodeId().equals("pool1")).findFirst().orElseThrow().values().length);
        assertEquals(2, s.filters().size());
        TrainingEvents.FilterBank conv2 = s.filters().get(1);
        assertEquals(List.of(16, 8, 3, 3), List.of(conv2.filters(), conv2.depth(), conv2.height(), conv2.width()));
        double sum = 0;
        for (float p : s.probabilities()) sum += p;
        assertEquals(1.0, sum, 1e-5);
    }

    @Test
    void divergingLossStopsWithTheLayerAndAdviceAndKeepsGoodWeights() {
        Model model = Model.create(net(false), Initializer.HE, 3);
        RunEnd end = TrainingRun.create(model, TRAIN, null,
                settings().optimizer(OptimizerSettings.momentum(1e35, 0.9)).build()).runHere();
        assertEquals(Status.DIVERGED, end.status());
        assertTrue(end.message().contains("Try a lower learning rate"), end.message());
        assertTrue(end.message().matches("(?s).*(became NaN|became infinite|became non-finite).*appeared in \\w+ \\(.*"), end.message());
        for (float[] t : model.tensors().values()) for (float v : t) assertTrue(Float.isFinite(v));
    }

    @Test
    void batchTooLargeForTheHeapIsRefusedWithAFittingBatch() {
        NetworkSpec big = NetworkSpec.builder("big").input(512, 512, 3)
                .add("conv", new LayerSpec.Conv2D(64, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("gap", new LayerSpec.GlobalAvgPool()).add("fc", LayerSpec.FullyConnected.of(4)).build();
        Model model = Model.create(big, Initializer.HE, 1);
        InMemoryBatchSource one = new InMemoryBatchSource(model.inputShape(), 4, new float[512 * 512 * 3], new int[1]);
        TrainingException e = assertThrows(TrainingException.class, () ->
                TrainingRun.create(model, one, null, settings().batchSize(1_000_000).build()));
        assertTrue(e.getMessage().contains("of the Java heap is free"), e.getMessage());
        assertTrue(e.getMessage().contains("Use a batch of at most"), e.getMessage());
    }

    @Test
    void dataOfAnotherShapeIsRefused() {
        Model model = Model.create(net(false), Initializer.HE, 3);
        InMemoryBatchSource other = new InMemoryBatchSource(org.convas.engine.spec.Shape.of(10, 10, 1), 4, new float[100], new int[1]);
        TrainingException e = assertThrows(TrainingException.class, () -> TrainingRun.create(model, other, null, settings().build()));
        assertTrue(e.getMessage().contains("images are 10×10×1 but the network's input is 12×12×1"), e.getMessage());
    }

    @Test
    void damagedCheckpointIsRefused(@TempDir Path dir) throws IOException {
        Model model = Model.create(net(true), Initializer.HE, 3);
        TrainingRun.create(model, TRAIN, null, settings().epochs(1).checkpointDirectory(dir).build()).runHere();
        byte[] weights = Files.readAllBytes(dir.resolve(Checkpoint.WEIGHTS));
        weights[weights.length / 2] ^= 1;
        Files.write(dir.resolve(Checkpoint.WEIGHTS), weights);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(e.getMessage().contains("does not belong to training.json"), e.getMessage());
        IOException damaged = assertThrows(IOException.class, () -> TensorFile.read(dir.resolve(Checkpoint.WEIGHTS)));
        assertTrue(damaged.getMessage().contains("checksum does not match"), damaged.getMessage());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left behind");
        }
    }

    @Test
    void savedWeightsLoadIntoAnEqualModel(@TempDir Path dir) throws IOException {
        Model model = Model.create(net(true), Initializer.XAVIER, 9);
        Checkpoint.saveWeights(dir, model);
        Model loaded = Checkpoint.loadModel(dir);
        assertEquals(model.spec(), loaded.spec());
        for (Map.Entry<String, float[]> e : model.tensors().entrySet()) {
            assertArrayEquals(e.getValue(), loaded.tensor(e.getKey()), 0f);
        }
        float[] image = VALIDATION.image(0);
        assertArrayEquals(model.predict(image, 1), loaded.predict(image, 1), 0f);
    }

    @Test
    void aStepOverFourWorkUnitsMovesTheWeightsAsOneExecutorOverTheWholeBatch() {
        // Two threads cut the batch of 16 into 4 units; their FC weight gradients are gathered into one GEMM over
        // the 16 rows, the other gradients added unit by unit. One thread takes the 16 images as one unit.
        InMemoryBatchSource sixteen = Bars.make(16, 5);
        Map<String, float[]> start = Model.create(net(false), Initializer.HE, 3).tensors();
        float[][] moved = new float[2][];
        Model[] models = new Model[2];
        for (int run = 0; run < 2; run++) {
            models[run] = Model.create(net(false), Initializer.HE, 3);
            TrainingSettings s = settings().epochs(1).threads(run == 0 ? 1 : 2).optimizer(OptimizerSettings.sgd(1.0)).build();
            assertEquals(run == 0 ? 1 : 4, TrainingRun.units(models[run], s));
            TrainingRun.create(models[run], sixteen, null, s).runHere();
        }
        for (Map.Entry<String, float[]> e : start.entrySet()) {
            float[] a = models[0].tensor(e.getKey()), b = models[1].tensor(e.getKey()), w0 = e.getValue();
            double scale = 0;
            for (int j = 0; j < a.length; j++) scale = Math.max(scale, Math.abs(a[j] - w0[j]));
            assertTrue(scale > 0, e.getKey() + " did not move");
            for (int j = 0; j < a.length; j++) {
                // The same sums in another order: float rounding of the step, relative to its largest element.
                assertEquals(a[j] - w0[j], b[j] - w0[j], 1e-5 * scale, e.getKey() + "[" + j + "]");
            }
        }
    }

    @Test
    void gradientClippingBoundsTheStep() {
        Model model = Model.create(net(false), Initializer.HE, 3);
        List<float[]> before = new ArrayList<>();
        for (float[] t : model.tensors().values()) before.add(t.clone());
        InMemoryBatchSource sixteen = Bars.make(16, 5);
        TrainingRun.create(model, sixteen, null, settings().epochs(1).threads(1).optimizer(OptimizerSettings.sgd(1.0))
                .clipNorm(1e-3).build()).runHere();
        double sq = 0;
        int i = 0;
        for (float[] t : model.tensors().values()) {
            float[] b = before.get(i++);
            for (int j = 0; j < t.length; j++) sq += (double) (t[j] - b[j]) * (t[j] - b[j]);
        }
        double step = Math.sqrt(sq);
        assertTrue(step > 0.9e-3 && step <= 1e-3 * (1 + 1e-4), "one SGD step of lr 1 with gradients clipped to norm 1e-3 moved " + step);
    }

    @Test
    void reduceOnPlateauHalvesTheRateWhenValidationStopsImproving() {
        Model model = Model.create(net(false), Initializer.HE, 3);
        Recorder rec = new Recorder();
        // A rate so small the validation loss cannot improve by the required relative 1e-4.
        TrainingRun.create(model, Bars.make(32, 6), VALIDATION, settings().epochs(4).batchSize(32)
                .optimizer(OptimizerSettings.sgd(1e-9)).schedule(new LearningRateSchedule.ReduceOnPlateau(0.5, 0, 0.1))
                .build()).addListener(rec).runHere();
        double[] rates = rec.epochs.stream().mapToDouble(TrainingEvents.EpochStats::learningRate).toArray();
        assertArrayEquals(new double[] {1e-9, 1e-9, 0.5e-9, 0.25e-9}, rates, 1e-24);
    }
}
