package org.convas.app.training;

import javafx.beans.property.ReadOnlyObjectWrapper;
import org.convas.app.training.TrainingViewModel.Level;
import org.convas.app.training.TrainingViewModel.RunState;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents.LayerNorms;
import org.convas.engine.train.TrainingEvents.ParameterNorm;
import org.convas.engine.train.TrainingEvents.Status;
import org.convas.samples.Presets;
import org.convas.samples.SmallNetworks;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;
import org.convas.visualizer.charts.LayerNorm;
import org.junit.jupiter.api.AfterEach;
import org.convas.engine.train.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workspace's logic without a window: background work runs directly on the test thread, FX deliveries queue
 * until the test drains them (as the FX thread would, one after another), trainer events are flushed by hand.
 */
class TrainingViewModelTest {

    private final ConcurrentLinkedQueue<Runnable> fxQueue = new ConcurrentLinkedQueue<>();
    private final ReadOnlyObjectWrapper<NetworkSpec> spec = new ReadOnlyObjectWrapper<>(SmallNetworks.fashionTiny());
    private final List<BatchPoint> batches = new CopyOnWriteArrayList<>();
    private final List<EpochPoint> epochs = new CopyOnWriteArrayList<>();
    private TrainingViewModel vm;

    private TrainingViewModel viewModel() {
        vm = new TrainingViewModel(spec.getReadOnlyProperty(), spec::set, Runnable::run, fxQueue::add, System::nanoTime, () -> { });
        vm.addFeed(new TrainingViewModel.Feed() {
            @Override
            public void cleared() {
                batches.clear();
                epochs.clear();
            }

            @Override
            public void batches(List<BatchPoint> points) {
                batches.addAll(points);
            }

            @Override
            public void epochs(List<EpochPoint> points) {
                epochs.addAll(points);
            }
        });
        vm.threadsProperty().set(1);
        vm.epochsProperty().set(1);
        vm.batchSizeProperty().set(32);
        return vm;
    }

    @AfterEach
    void stopRun() throws InterruptedException {
        if (vm != null && vm.run() != null) {
            vm.run().cancel();
            vm.run().await();
        }
    }

    /** Runs what the FX thread would: queued deliveries and one frame of trainer events. */
    private void frame() {
        for (Runnable r; (r = fxQueue.poll()) != null; ) r.run();
        vm.flushEvents();
        for (Runnable r; (r = fxQueue.poll()) != null; ) r.run();
    }

    private void frameUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
            frame();
        }
    }

    @Test
    void startTrainsBatchesThatReachTheFeedAndPauseHoldsTheRun() throws Exception {
        viewModel().start();
        frame();
        assertEquals(RunState.RUNNING, vm.getState(), vm.getMessage().text());
        frameUntil(() -> batches.size() >= 3, "three batches");
        assertTrue(vm.progressProperty().get() > 0, "progress moves");
        assertTrue(vm.imagesPerSecondProperty().get() > 0, "throughput is shown");
        assertTrue(vm.progressTextProperty().get().startsWith("Epoch 1/1 · batch "), vm.progressTextProperty().get());
        assertEquals(1, batches.get(0).step(), "steps count from 1");

        vm.pause();
        assertEquals(RunState.PAUSED, vm.getState());
        frameUntil(() -> vm.run().state() == org.convas.engine.train.TrainingRun.State.PAUSED, "the run to hold");
        frame();
        int held = batches.size();
        Thread.sleep(200);
        frame();
        assertEquals(held, batches.size(), "no batch is trained while paused");

        vm.requestSnapshot();
        frameUntil(() -> vm.snapshotProperty().get() != null, "a snapshot served while paused");
        assertEquals(List.of("conv1", "conv2"), vm.convLayers());
        assertEquals(2, vm.snapshotProperty().get().filters().size());

        vm.learningRateProperty().set(0.001);
        assertEquals("The learning rate is now 0.001 from the next step on.", vm.getMessage().text());
        vm.resume();
        assertEquals(RunState.RUNNING, vm.getState());
        frameUntil(() -> batches.size() > held + 2, "batches after resuming");
        assertEquals(0.003, batches.get(held - 1).learningRate(), 1e-12, "the steps before the change used the old rate");
        assertEquals(0.001, batches.get(held).learningRate(), 1e-12, "the first step after the change uses the new rate");

        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        assertEquals(Status.CANCELLED, vm.lastEndProperty().get().status());
        assertEquals(Level.INFO, vm.getMessage().level());
        assertTrue(vm.getMessage().text().startsWith("Stopped"), vm.getMessage().text());
    }

    @Test
    void anInvalidNetworkIsRefusedWithItsFirstError() {
        spec.set(NetworkSpec.builder("too small").input(4, 4, 1).add("conv", LayerSpec.Conv2D.of(8, 5, 1, 0))
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10)).build());
        viewModel().start();
        frame();
        assertEquals(RunState.READY, vm.getState());
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().startsWith("The network is invalid, so it cannot be trained: conv: "), vm.getMessage().text());
        assertTrue(vm.memoryTextProperty().get().contains("unknown"), vm.memoryTextProperty().get());
    }

    @Test
    void aBatchThatDoesNotFitIsRefusedBeforeTrainingWithTheLargestThatFits() {
        viewModel().batchSizeProperty().set(200_000_000);
        assertTrue(vm.memoryTooLargeProperty().get(), vm.memoryTextProperty().get());
        assertTrue(vm.memoryTextProperty().get().endsWith("too large, use a smaller batch"), vm.memoryTextProperty().get());
        vm.start();
        frame();
        assertEquals(RunState.READY, vm.getState());
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().contains("Use a batch of at most"), vm.getMessage().text());
    }

    @Test
    void theEstimatedMemoryFollowsTheBatchSizeBeforeStarting() {
        viewModel().batchSizeProperty().set(32);
        String at32 = vm.memoryTextProperty().get();
        vm.batchSizeProperty().set(64);
        String at64 = vm.memoryTextProperty().get();
        assertTrue(at32.startsWith("Estimated memory at batch 32: "), at32);
        assertTrue(at64.startsWith("Estimated memory at batch 64: "), at64);
        assertFalse(vm.memoryTooLargeProperty().get());
    }

    @Test
    void theMemoryLineAndStartUseTheEnginesOneEstimate() {
        // Issue 13: the line said 12.76 GiB at batch 20,000 while Start trained it, and 637.81 GiB against Start's 31.26
        // GiB at batch 1,000,000. Both are now TrainingMemory's figure for the same settings.
        for (int batch : new int[] {20_000, 1_000_000}) {
            viewModel().batchSizeProperty().set(batch);
            TrainingSettings s = vm.settings();
            org.convas.engine.train.TrainingMemory m = org.convas.engine.train.TrainingMemory.estimate(spec.get(), batch,
                    s.threads(), s.optimizer().stateCopies());
            String line = vm.memoryTextProperty().get();
            assertTrue(line.startsWith("Estimated memory at batch " + batch + ": " + m.describe() + " of "), line + " / " + m.describe());
        }
        vm.start();
        frame();
        assertEquals(Level.ERROR, vm.getMessage().level());
        org.convas.engine.train.TrainingMemory m = org.convas.engine.train.TrainingMemory.estimate(spec.get(), 1_000_000,
                vm.settings().threads(), vm.settings().optimizer().stateCopies());
        assertTrue(vm.getMessage().text().contains("at batch 1000000 needs about " + m.describe()), vm.getMessage().text());
    }

    @Test
    void wrongSettingsGiveTheEnginesExplanation() {
        viewModel().learningRateProperty().set(0);
        vm.start();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().startsWith("Check the settings: the learning rate must be positive (it is 0.0)"),
                vm.getMessage().text());
        vm.learningRateProperty().set(0.01);
        vm.optimizerProperty().set(OptimizerSettings.Kind.SGD);
        vm.momentumProperty().set(1.5);
        vm.start();
        assertTrue(vm.getMessage().text().contains("momentum must be in [0, 1)"), vm.getMessage().text());
    }

    @Test
    void moreClassesThanOutputsNamesTheLastLayer() {
        spec.set(NetworkSpec.builder("four outputs").input(28, 28, 1).add("flatten", new LayerSpec.Flatten())
                .add("fc", LayerSpec.FullyConnected.of(4)).add("softmax", new LayerSpec.Softmax()).build());
        viewModel().start();
        frame();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().contains("set the last layer's units to 10"), vm.getMessage().text());
    }

    @Test
    void lenetFiveOnTwentyEightPixelImagesIsPreparedAtItsThirtyTwoPixelInput() {
        spec.set(Presets.lenet5());
        viewModel().prepareData();
        frame();
        TrainingViewModel.PreparedData data = vm.preparedDataProperty().get();
        assertNotNull(data, vm.getMessage().text());
        assertEquals(Shape.of(32, 32, 1), data.train().shape());
        assertEquals(3000, data.train().size());
        assertEquals(1000, data.validation().size());
        assertTrue(vm.conversionTextProperty().get().contains("enlarged to 32×32"), vm.conversionTextProperty().get());
        assertTrue(data.note().contains("enlarged to 32×32"), data.note());
        // 4 per class × 10 classes, at the network's input size.
        assertEquals(40, vm.previewImagesProperty().get().size());
        assertEquals(32, vm.previewImagesProperty().get().get(0).width());
        assertEquals(data.train().classNames().get(data.train().label(0)), vm.previewImagesProperty().get().get(0).caption(),
                "the first sample is training image 0, captioned with its class");

        vm.allowEnlargingProperty().set(false);
        assertTrue(vm.conversionTextProperty().get().contains("which is switched off"), vm.conversionTextProperty().get());
        vm.prepareData();
        frame();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().contains("smaller than the network input 32×32"), vm.getMessage().text());
    }

    @Test
    void conversionIsDescribedStepByStep() {
        assertEquals("Images are 28×28×1 like the network's input: used as they are.",
                TrainingViewModel.describeConversion(Shape.of(28, 28, 1), Shape.of(28, 28, 1), true));
        assertEquals("Images are 64×48×3, the network's input is 32×32×1: each image is centre-cropped to the input's aspect "
                        + "ratio 32:32, then converted to grey (luma 0.299 R + 0.587 G + 0.114 B), then shrunk to 32×32 (area averaging).",
                TrainingViewModel.describeConversion(Shape.of(64, 48, 3), Shape.of(32, 32, 1), true));
        assertEquals("Images are 28×28×1, the network's input is 32×32×3: each image is copied into 3 equal channels "
                        + "(grey stays grey), then enlarged to 32×32 (bilinear: no new detail, 1.14× per side).",
                TrainingViewModel.describeConversion(Shape.of(28, 28, 1), Shape.of(32, 32, 3), true));
    }

    @Test
    void augmentationShowsInThePreview() {
        viewModel().prepareData();
        frame();
        float[] plain = vm.previewImagesProperty().get().get(0).pixels();
        vm.shiftProperty().set(3);
        vm.flipProperty().set(true);
        assertFalse(vm.augmentation().isNone());
        float[] augmented = vm.previewImagesProperty().get().get(0).pixels();
        assertFalse(java.util.Arrays.equals(plain, augmented), "the preview shows the augmented image");
    }

    @Test
    void aDivergingRunEndsWithAnErrorThatSuggestsALowerRate() throws Exception {
        viewModel().optimizerProperty().set(OptimizerSettings.Kind.SGD);
        vm.momentumProperty().set(0.9);
        vm.learningRateProperty().set(1e6);
        vm.start();
        frame();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to diverge");
        assertEquals(Status.DIVERGED, vm.lastEndProperty().get().status());
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().startsWith("Training diverged: the "), vm.getMessage().text());
        assertTrue(vm.getMessage().text().contains("Try a lower learning rate"), vm.getMessage().text());
    }

    @Test
    void aStoppedRunSavesACheckpointThatTheNextStartContinues(@TempDir Path dir) throws Exception {
        viewModel().start();
        frame();
        vm.saveCheckpoint(dir.resolve("early"));
        assertEquals(Level.WARNING, vm.getMessage().level(), "saving needs an ended run");
        frameUntil(() -> batches.size() >= 2, "two batches");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        long trainedSteps = vm.lastEndProperty().get().steps();
        Path folder = dir.resolve("ckpt");
        vm.saveCheckpoint(folder);
        frame();
        assertTrue(vm.getMessage().text().startsWith("Saved the checkpoint to "), vm.getMessage().text());
        assertTrue(Files.exists(folder.resolve("training.json")));

        NetworkSpec before = spec.get();
        spec.set(Presets.lenet5());
        vm.loadCheckpoint(folder);
        frame();
        assertEquals(before.name(), spec.get().name(), "the checkpoint's network is shown again");
        assertTrue(vm.getMessage().text().startsWith("Loaded the checkpoint ckpt: "), vm.getMessage().text());
        vm.start();
        frame();
        assertEquals(RunState.RUNNING, vm.getState(), vm.getMessage().text());
        assertTrue(vm.getMessage().text().startsWith("Continuing from epoch 1"), vm.getMessage().text());
        frameUntil(() -> !batches.isEmpty(), "a batch of the continued run");
        assertEquals(trainedSteps + 1, batches.get(0).step(), "steps continue from the checkpoint");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");

        // Saving the continued run where it came from replaces its own checkpoint; a folder holding another run's is refused.
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        for (String f : org.convas.engine.train.Checkpoint.FILES) Files.copy(folder.resolve(f), other.resolve(f));
        vm.saveCheckpoint(other);
        frameUntil(() -> vm.getMessage().text().startsWith("Not saved"), "the refusal");
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().contains(other + " holds a checkpoint of \"" + before.name() + "\""), vm.getMessage().text());
        vm.saveCheckpoint(folder);
        frameUntil(() -> vm.getMessage().text().startsWith("Saved the checkpoint to "), "the save");
        assertTrue(vm.getMessage().text().contains(" batch"), "saved inside an epoch: " + vm.getMessage().text());
    }

    @Test
    void closingTheWindowCancelsTheRunAndLeavesNoTrainingThread() throws Exception {
        viewModel().start();
        frame();
        frameUntil(() -> !batches.isEmpty(), "a batch");
        vm.shutdown();
        assertEquals(Status.CANCELLED, vm.run().await().status());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (trainingThreads() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, trainingThreads());
    }

    private static long trainingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().equals("convas-training") || t.getName().startsWith("convas-batches-")).count();
    }

    @Test
    void aLayersGradientNormCombinesItsWeightAndBias() {
        List<LayerNorm> norms = TrainingViewModel.layerNorms(new LayerNorms(1, 5, List.of(
                new ParameterNorm("conv1.weight", "conv1", 10, 3), new ParameterNorm("conv1.bias", "conv1", 1, 4),
                new ParameterNorm("fc.weight", "fc", 2, 0.5))), 42);
        assertEquals(List.of(new LayerNorm(42, "conv1", 5.0), new LayerNorm(42, "fc", 0.5)), norms);
    }

    @Test
    void durationsReadAsMinutesAndHours() {
        assertEquals("0:42", TrainingViewModel.duration(42.4));
        assertEquals("2:05", TrainingViewModel.duration(125));
        assertEquals("1:01:01", TrainingViewModel.duration(3661));
        assertEquals("?", TrainingViewModel.duration(Double.NaN));
    }

    @Test
    void withoutADatasetNothingStarts() {
        viewModel().dataSourceProperty().set(null);
        vm.start();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertEquals("Choose a dataset first.", vm.getMessage().text());
        assertNull(vm.run());
    }
}
