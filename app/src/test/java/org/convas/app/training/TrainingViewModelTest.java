package org.convas.app.training;

import javafx.beans.property.ReadOnlyObjectWrapper;
import org.convas.app.training.TrainingViewModel.Level;
import org.convas.app.training.TrainingViewModel.RunState;
import org.convas.engine.model.Model;
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
import org.convas.visualizer.charts.LayerGradientNorm;
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
        vm.settings().threadsProperty().set(1);
        vm.settings().epochsProperty().set(1);
        vm.settings().batchSizeProperty().set(32);
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

        vm.settings().learningRateProperty().set(0.001);
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
        viewModel().settings().batchSizeProperty().set(200_000_000);
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
        viewModel().settings().batchSizeProperty().set(32);
        String at32 = vm.memoryTextProperty().get();
        vm.settings().batchSizeProperty().set(64);
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
            viewModel().settings().batchSizeProperty().set(batch);
            TrainingSettings s = vm.settings().settings();
            org.convas.engine.train.TrainingMemory m = org.convas.engine.train.TrainingMemory.estimate(spec.get(), batch,
                    s.threads(), s.optimizer().stateCopies());
            String line = vm.memoryTextProperty().get();
            assertTrue(line.startsWith("Estimated memory at batch " + batch + ": " + m.describe() + " of "), line + " / " + m.describe());
        }
        vm.start();
        frame();
        assertEquals(Level.ERROR, vm.getMessage().level());
        org.convas.engine.train.TrainingMemory m = org.convas.engine.train.TrainingMemory.estimate(spec.get(), 1_000_000,
                vm.settings().settings().threads(), vm.settings().settings().optimizer().stateCopies());
        assertTrue(vm.getMessage().text().contains("at batch 1000000 needs about " + m.describe()), vm.getMessage().text());
    }

    @Test
    void wrongSettingsGiveTheEnginesExplanation() {
        viewModel().settings().learningRateProperty().set(0);
        vm.start();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().startsWith("Check the settings: the learning rate must be positive (it is 0.0)"),
                vm.getMessage().text());
        vm.settings().learningRateProperty().set(0.01);
        vm.settings().optimizerProperty().set(OptimizerSettings.Kind.SGD);
        vm.settings().momentumProperty().set(1.5);
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
        DataPreparation.PreparedData data = vm.data().preparedDataProperty().get();
        assertNotNull(data, vm.getMessage().text());
        assertEquals(Shape.of(32, 32, 1), data.train().shape());
        assertEquals(2700, data.train().size(), "3,000 training images less the 10% held out for validation");
        assertEquals(300, data.validation().size());
        assertEquals(1000, data.test().size(), "the test part is kept for the final figure");
        assertTrue(vm.data().conversionTextProperty().get().contains("enlarged to 32×32"), vm.data().conversionTextProperty().get());
        assertTrue(data.note().contains("enlarged to 32×32"), data.note());
        // 4 per class × 10 classes, at the network's input size.
        assertEquals(40, vm.data().previewImagesProperty().get().size());
        assertEquals(32, vm.data().previewImagesProperty().get().get(0).width());
        assertEquals(data.train().classNames().get(data.train().label(0)), vm.data().previewImagesProperty().get().get(0).caption(),
                "the first sample is training image 0, captioned with its class");

        vm.data().allowEnlargingProperty().set(false);
        assertTrue(vm.data().conversionTextProperty().get().contains("which is switched off"), vm.data().conversionTextProperty().get());
        vm.prepareData();
        frame();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().contains("smaller than the network input 32×32"), vm.getMessage().text());
    }

    @Test
    void conversionIsDescribedStepByStep() {
        assertEquals("Images are 28×28×1 like the network's input: used as they are.",
                DataPreparation.describeConversion(Shape.of(28, 28, 1), Shape.of(28, 28, 1), true));
        assertEquals("Images are 64×48×3, the network's input is 32×32×1: each image is centre-cropped to the input's aspect "
                        + "ratio 32:32, then converted to grey (luma 0.299 R + 0.587 G + 0.114 B), then shrunk to 32×32 (area averaging).",
                DataPreparation.describeConversion(Shape.of(64, 48, 3), Shape.of(32, 32, 1), true));
        assertEquals("Images are 28×28×1, the network's input is 32×32×3: each image is copied into 3 equal channels "
                        + "(grey stays grey), then enlarged to 32×32 (bilinear: no new detail, 1.14× per side).",
                DataPreparation.describeConversion(Shape.of(28, 28, 1), Shape.of(32, 32, 3), true));
    }

    @Test
    void augmentationShowsInThePreview() {
        viewModel().prepareData();
        frame();
        float[] plain = vm.data().previewImagesProperty().get().get(0).pixels();
        vm.settings().shiftProperty().set(3);
        vm.settings().flipProperty().set(true);
        assertFalse(vm.settings().augmentation().isNone());
        float[] augmented = vm.data().previewImagesProperty().get().get(0).pixels();
        assertFalse(java.util.Arrays.equals(plain, augmented), "the preview shows the augmented image");
    }

    @Test
    void aDivergingRunEndsWithAnErrorThatSuggestsALowerRate() throws Exception {
        viewModel().settings().optimizerProperty().set(OptimizerSettings.Kind.SGD);
        vm.settings().momentumProperty().set(0.9);
        vm.settings().learningRateProperty().set(1e6);
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
        frameUntil(() -> batches.size() >= 2, "two batches");
        vm.saveCheckpoint(dir.resolve("early")); // while running: written between two batches
        frame();
        assertTrue(vm.getMessage().text().startsWith("Saved the checkpoint to "), vm.getMessage().text());
        assertTrue(Files.exists(dir.resolve("early").resolve("training.json")));
        assertTrue(vm.unsavedTrainingProperty().get(), "training goes on after the save, so the weights change again");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        long trainedSteps = vm.lastEndProperty().get().steps();
        Path folder = dir.resolve("ckpt");
        vm.saveCheckpoint(folder);
        frame();
        assertTrue(vm.getMessage().text().startsWith("Saved the checkpoint to "), vm.getMessage().text());
        assertTrue(Files.exists(folder.resolve("training.json")));

        assertTrue(Files.readString(folder.resolve("convas-data.properties")).contains("dataset=fashion-mnist-subset"),
                "a note says what the weights were trained on");
        NetworkSpec before = spec.get();
        spec.set(Presets.lenet5());
        DataSource bars = vm.data().dataSources().stream().filter(d -> d.title().startsWith("Oriented bars")).findFirst().orElseThrow();
        vm.data().dataSourceProperty().set(bars);
        vm.loadCheckpoint(folder);
        frame();
        assertEquals(before.name(), spec.get().name(), "the checkpoint's network is shown again");
        assertTrue(vm.data().dataSourceProperty().get().title().startsWith("Fashion-MNIST"), "and the data it was trained on");
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
        List<LayerGradientNorm> norms = TrainingViewModel.layerNorms(new LayerNorms(1, 5, List.of(
                new ParameterNorm("conv1.weight", "conv1", 10, 3), new ParameterNorm("conv1.bias", "conv1", 1, 4),
                new ParameterNorm("fc.weight", "fc", 2, 0.5))), 42);
        assertEquals(List.of(new LayerGradientNorm(42, "conv1", 5.0), new LayerGradientNorm(42, "fc", 0.5)), norms);
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
        viewModel().data().dataSourceProperty().set(null);
        vm.start();
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertEquals("Choose a dataset first.", vm.getMessage().text());
        assertNull(vm.run());
    }

    // ---------------------------------------------------------------- the network of the document and its trained state

    private void trainOneEpoch() throws InterruptedException {
        vm.start();
        frame();
        assertEquals(RunState.RUNNING, vm.getState(), vm.getMessage().text());
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to end");
    }

    @Test
    void switchingNetworksMidSessionRebindsEveryView(@TempDir Path dir) throws Exception {
        viewModel().prepareData();
        frame();
        Path png = dir.resolve("mine.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        vm.loadImage(png);
        frame();
        assertTrue(vm.imageTextProperty().get().startsWith("mine.png"), vm.imageTextProperty().get());
        vm.start();
        frame();
        frameUntil(() -> batches.size() >= 3, "three batches");
        frameUntil(() -> vm.snapshotProperty().get() != null && vm.snapshotProperty().get().epoch() > 0, "a snapshot of the run");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        assertTrue(vm.unsavedTrainingProperty().get());

        // Another document: the window asked first (confirmLeave), then loads it and tells the workspace.
        NetworkSpec vgg = SmallNetworks.vggLite();
        spec.set(vgg);
        vm.documentReplaced();
        assertNull(vm.run(), "the old run is gone");
        assertNull(vm.trainedNetworkProperty().get());
        assertFalse(vm.unsavedTrainingProperty().get());
        assertTrue(batches.isEmpty() && epochs.isEmpty(), "the charts were cleared");
        assertNull(vm.validationReportProperty().get());
        assertEquals(List.of("conv1_1", "conv1_2", "conv2_1", "conv2_2"), vm.convLayers());
        assertEquals("conv1_1", vm.selectedConvLayerProperty().get());
        frameUntil(() -> vm.snapshotProperty().get() != null, "a snapshot of the new network");
        var s = vm.snapshotProperty().get();
        assertEquals(32, s.filters().get(0).filters(), "VGG-lite's conv1_1 has 32 filters");
        assertTrue(s.activations().stream().allMatch(a -> vgg.contains(a.nodeId())), "every map is of the new network");
        assertTrue(vm.imageTextProperty().get().startsWith("validation #"), "the loaded image belonged to the old input: "
                + vm.imageTextProperty().get());
        assertTrue(vm.filterCaptionProperty().get().startsWith("random start"), vm.filterCaptionProperty().get());
        assertEquals(10, vm.classNamesProperty().get().size());
        vm.saveCheckpoint(dir.resolve("nothing"));
        assertEquals("Nothing to save yet: train first, then save a checkpoint.", vm.getMessage().text(),
                "the old network's weights cannot be saved under the new one");
        assertEquals(1, vm.runs().size(), "the run history stays, to compare runs across networks");

        vm.start();
        frame();
        assertEquals(RunState.RUNNING, vm.getState(), vm.getMessage().text());
        assertEquals(vgg, vm.run().model().spec(), "Start trains the network on show");
        frameUntil(() -> !batches.isEmpty(), "a batch of the new network");
        assertEquals(1, batches.get(0).step(), "a new run counts from step 1");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
    }

    @Test
    void importedWeightsShowAtOnceAndStartFineTunesThemWithTheBlocksFrozenSince() throws Exception {
        viewModel().prepareData();
        frame();
        // Weights trained elsewhere (what File ▸ Import Model reads from an ONNX file), while another network is open.
        Model weights = Model.create(SmallNetworks.fashionTiny(), org.convas.engine.model.Initializer.HE, 42);
        spec.set(SmallNetworks.vggLite());
        vm.documentReplaced();
        frame();
        vm.useImportedModel(weights, "tiny.onnx");
        assertEquals(weights.spec(), spec.get(), "the imported network is the document");
        assertEquals(weights, vm.currentModel());
        assertEquals(weights.spec(), vm.trainedNetworkProperty().get());
        assertFalse(vm.unsavedTrainingProperty().get(), "the weights are in the file they came from");
        assertTrue(vm.getMessage().text().startsWith("Imported tiny.onnx: Tiny Fashion-MNIST net, "), vm.getMessage().text());
        assertEquals(List.of("conv1", "conv2"), vm.convLayers());
        frameUntil(() -> vm.snapshotProperty().get() != null && vm.validationReportProperty().get() != null,
                "the imported weights' filters and confusion matrix");
        assertEquals("imported weights (tiny.onnx)", vm.filterCaptionProperty().get());
        assertTrue(vm.networkTextProperty().get().contains("imported from tiny.onnx"), vm.networkTextProperty().get());
        // The filters are the imported weights, not a random start.
        float[] conv1 = weights.tensor("conv1.weight");
        var bank = vm.snapshotProperty().get().filters().get(0);
        assertEquals("conv1", bank.nodeId());
        org.junit.jupiter.api.Assertions.assertArrayEquals(conv1, bank.weights());

        // conv1 frozen in the inspector, then Start: the run starts from the imported weights and leaves conv1 alone.
        spec.set(spec.get().withTrainable("conv1", false));
        assertTrue(vm.networkTextProperty().get().contains("fine-tunes them, the frozen blocks kept as they are"),
                vm.networkTextProperty().get());
        float[] conv1Before = conv1.clone();
        float[] fcBefore = weights.tensor("fc.weight").clone();
        trainOneEpoch();
        Model tuned = vm.run().model();
        assertEquals(spec.get(), tuned.spec(), "the run trains the network as the Design tab says (conv1 frozen)");
        org.junit.jupiter.api.Assertions.assertArrayEquals(conv1Before, tuned.tensor("conv1.weight"), "a frozen block keeps its weights");
        assertFalse(java.util.Arrays.equals(fcBefore, tuned.tensor("fc.weight")), "the other blocks train");
        assertTrue(vm.runs().get(0).settings().endsWith(", fine-tuning the weights imported from tiny.onnx"), vm.runs().get(0).settings());
        assertTrue(vm.unsavedTrainingProperty().get(), "fine-tuned weights are unsaved work");
        assertEquals(tuned, vm.currentModel());
    }

    @Test
    void movingABlockKeepsTheTrainedWeightsAndChangingALayerMarksThemStale() throws Exception {
        viewModel();
        trainOneEpoch();
        Model trained = vm.run().model();
        spec.set(spec.get().withPosition("conv1", new org.convas.engine.spec.Position(300, 40)));
        assertEquals(trained.spec(), vm.shownNetwork(), "a moved block is the same network");
        assertFalse(vm.networkTextProperty().get().contains("changed"), vm.networkTextProperty().get());
        spec.set(spec.get().withLayer("conv1", LayerSpec.Conv2D.of(4, 3, 1, 1)));
        assertTrue(vm.networkTextProperty().get().contains("The Design tab has changed the network since"), vm.networkTextProperty().get());
        assertTrue(vm.unsavedTrainingProperty().get(), "the weights are kept, not silently dropped");
        List<TrainingViewModel.StartQuestion> asked = new java.util.ArrayList<>();
        vm.setStartPrompt(q -> {
            asked.add(q);
            return TrainingViewModel.StartChoice.CANCEL;
        });
        vm.start();
        assertFalse(asked.get(0).canContinue(), "the old weights do not fit the edited network");
        assertTrue(asked.get(0).unsaved());
        assertEquals(RunState.FINISHED, vm.getState(), "cancelled: nothing started");
    }

    @Test
    void startAsksWhetherToContinueTheTrainedWeightsOrStartOver() throws Exception {
        viewModel();
        trainOneEpoch();
        long firstSteps = vm.lastEndProperty().get().steps();
        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.CANCEL);
        vm.start();
        assertEquals(RunState.FINISHED, vm.getState());
        assertEquals(1, vm.runs().size());

        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.CONTINUE);
        vm.start();
        frame();
        assertTrue(vm.getMessage().text().startsWith("Continuing from epoch 2"), vm.getMessage().text());
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the continued run to end");
        assertEquals(2, vm.run().progress().epochsCompleted(), "one more epoch on top of the first");
        assertEquals(2 * firstSteps, vm.lastEndProperty().get().steps());

        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.START_OVER);
        vm.start();
        frame();
        frameUntil(() -> !batches.isEmpty(), "a batch");
        assertEquals(1, batches.get(0).step(), "started over from the random start");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        assertEquals(3, vm.runs().size());
    }

    @Test
    void leavingAsksAboutUnsavedWeightsAndSavesThemWhenAsked(@TempDir Path dir) throws Exception {
        viewModel();
        assertTrue(vm.confirmLeave("quit", q -> {
            throw new AssertionError("nothing to lose, nothing to ask");
        }));
        trainOneEpoch();
        assertTrue(vm.hasWorkToLose());
        assertFalse(vm.confirmLeave("quit", q -> TrainingViewModel.LeaveAnswer.CANCEL));
        assertTrue(vm.unsavedTrainingProperty().get(), "cancelled: still there");
        Path folder = dir.resolve("kept");
        assertTrue(vm.confirmLeave("quit", q -> {
            assertFalse(q.running());
            assertTrue(q.trained().contains("not saved"), q.trained());
            return TrainingViewModel.LeaveAnswer.saveTo(folder);
        }));
        assertEquals(vm.lastEndProperty().get().steps(), org.convas.engine.train.Checkpoint.load(folder).progress().steps());
        assertFalse(vm.unsavedTrainingProperty().get());
        assertTrue(vm.confirmLeave("quit", q -> {
            throw new AssertionError("saved: nothing to ask");
        }));
    }

    @Test
    void savingBeforeLeavingIntoAnotherRunsCheckpointIsRefusedAndLosesNothing(@TempDir Path dir) throws Exception {
        viewModel();
        trainOneEpoch();
        Path mine = dir.resolve("mine");
        vm.saveCheckpoint(mine);
        frameUntil(() -> vm.getMessage().text().startsWith("Saved the checkpoint to "), "the save");
        Path other = dir.resolve("other"); // another run's checkpoint
        Files.createDirectories(other);
        for (String f : org.convas.engine.train.Checkpoint.FILES) Files.copy(mine.resolve(f), other.resolve(f));
        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.CONTINUE);
        vm.start();
        frame();
        frameUntil(() -> !batches.isEmpty(), "a batch of the continued run");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        assertTrue(vm.unsavedTrainingProperty().get());

        assertFalse(vm.confirmLeave("quit", q -> TrainingViewModel.LeaveAnswer.saveTo(other)));
        assertEquals(Level.ERROR, vm.getMessage().level());
        assertTrue(vm.getMessage().text().startsWith("Cannot save the checkpoint to " + other + ": " + other + " holds a checkpoint of "),
                vm.getMessage().text());
        assertTrue(vm.getMessage().text().endsWith("Nothing was lost; choose another folder."), vm.getMessage().text());
        assertTrue(vm.unsavedTrainingProperty().get(), "still there");
        assertTrue(vm.confirmLeave("quit", q -> TrainingViewModel.LeaveAnswer.saveTo(mine)), "its own folder is replaced");
        assertEquals(vm.lastEndProperty().get().steps(), org.convas.engine.train.Checkpoint.load(mine).progress().steps());
    }

    @Test
    void quittingMidRunStopsTheRunAndSavesItsCheckpoint(@TempDir Path dir) throws Exception {
        viewModel();
        vm.settings().epochsProperty().set(50);
        vm.start();
        frame();
        frameUntil(() -> batches.size() >= 3, "three batches");
        Path folder = dir.resolve("at-quit");
        List<TrainingViewModel.LeaveQuestion> asked = new java.util.ArrayList<>();
        boolean go = vm.confirmLeave("quit", q -> {
            asked.add(q);
            return TrainingViewModel.LeaveAnswer.saveTo(folder);
        });
        assertTrue(go);
        assertTrue(asked.get(0).running());
        assertTrue(asked.get(0).trained().startsWith("training is running (Epoch 1/50"), asked.get(0).trained());
        assertEquals(RunState.FINISHED, vm.getState());
        assertEquals(Status.CANCELLED, vm.run().result().status());
        var saved = org.convas.engine.train.Checkpoint.load(folder);
        assertEquals(vm.run().result().steps(), saved.progress().steps());
        assertTrue(saved.progress().steps() >= 3);
    }

    @Test
    void trainedWeightsAreAutosavedAndOfferedBackToTheNextSession(@TempDir Path dir) throws Exception {
        Path autosave = dir.resolve("autosave-training");
        viewModel().setAutosaveDirectory(autosave);
        trainOneEpoch();
        frame();
        long steps = vm.lastEndProperty().get().steps();
        assertEquals(steps, org.convas.engine.train.Checkpoint.load(autosave).progress().steps(), "autosaved when the run ended");

        // The next session (the first one crashed): the weights are offered back.
        TrainingViewModel next = new TrainingViewModel(spec.getReadOnlyProperty(), spec::set, Runnable::run, fxQueue::add,
                System::nanoTime, () -> { });
        next.setAutosaveDirectory(autosave);
        assertTrue(next.recoverableTraining().isPresent());
        assertEquals("Tiny Fashion-MNIST net", next.recoverableTraining().get().network());
        next.recoverTraining();
        for (Runnable r; (r = fxQueue.poll()) != null; ) r.run();
        assertEquals(spec.get(), next.trainedNetworkProperty().get());
        assertTrue(next.unsavedTrainingProperty().get(), "recovered weights are in no saved checkpoint");
        assertTrue(next.getMessage().text().startsWith("Recovered the autosaved weights"), next.getMessage().text());
        assertTrue(Files.exists(autosave.resolve("training.json")), "still autosaved");

        assertTrue(next.confirmLeave("quit", q -> TrainingViewModel.LeaveAnswer.DISCARD));
        assertFalse(Files.exists(autosave), "discarded on purpose: nothing to offer next time");
    }

    @Test
    void eachRunIsKeptWithItsCurvesSettingsAndFinalFigures() throws Exception {
        viewModel();
        trainOneEpoch();
        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.START_OVER);
        vm.settings().optimizerProperty().set(OptimizerSettings.Kind.SGD);
        vm.settings().learningRateProperty().set(0.05);
        trainOneEpoch();
        frameUntil(() -> vm.runs().stream().allMatch(r -> !Double.isNaN(r.testAccuracyProperty().get())), "both test accuracies");
        assertEquals(2, vm.runs().size());
        RunRecord first = vm.runs().get(0), second = vm.runs().get(1);
        assertTrue(first.settings().startsWith("ADAM η 0.003"), first.settings());
        assertTrue(second.settings().startsWith("SGD η 0.05 μ 0.9"), second.settings());
        assertEquals(1, first.epochs().size());
        assertEquals(first.endProperty().get().steps(), first.batches().size());
        assertTrue(first.secondsProperty().get() > 0);
        assertTrue(second.testAccuracyProperty().get() > 0.1, "measured on the 1,000 test images: " + second.testAccuracyProperty().get());
        assertTrue(second.summary().matches("Run 2 · Tiny Fashion-MNIST net · 1 epoch in \\d+:\\d\\d · validation \\d+\\.\\d% · test \\d+\\.\\d%"),
                second.summary());
        assertEquals(second, vm.currentRunProperty().get());
    }

    @Test
    void aDivergedRunOffersGradientClipping() throws Exception {
        viewModel();
        vm.settings().optimizerProperty().set(OptimizerSettings.Kind.SGD);
        vm.settings().learningRateProperty().set(1e6);
        trainOneEpoch();
        assertEquals(Status.DIVERGED, vm.lastEndProperty().get().status());
        TrainingViewModel.Message m = vm.getMessage();
        assertEquals("Clip gradients at 5 and start again", m.actionText());
        vm.setStartPrompt(q -> TrainingViewModel.StartChoice.START_OVER);
        m.action().run();
        frame();
        assertEquals(5, vm.settings().clipNormProperty().get());
        assertEquals(5, vm.run().settings().clipNorm(), "the new run clips");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
    }

    @Test
    void aStoppedRunSaysWhereItStoppedInPlainWords() throws Exception {
        viewModel().start();
        frame();
        frameUntil(() -> batches.size() >= 2, "two batches");
        vm.stop();
        frameUntil(() -> vm.getState() == RunState.FINISHED, "the run to stop");
        assertEquals("Stopped in epoch 1.", vm.progressTextProperty().get());
        assertTrue(vm.getMessage().text().startsWith("Stopped in epoch 1 after "), vm.getMessage().text());
    }

    @Test
    void aLargeUntrainedNetworkIsNotBuiltJustToShowItsRandomStart() {
        spec.set(NetworkSpec.builder("wide").input(28, 28, 1).add("conv", LayerSpec.Conv2D.of(4, 3, 1, 1))
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10_000))
                .add("out", LayerSpec.FullyConnected.of(10)).add("softmax", new LayerSpec.Softmax()).build());
        viewModel().prepareData();
        frame();
        assertNotNull(vm.data().preparedDataProperty().get());
        assertNull(vm.snapshotProperty().get(), "(3,136 + 1)·10,000 + … = 31.5 million weights are not allocated to show random filters");
        assertTrue(vm.filterCaptionProperty().get().startsWith("Start (F5) to see the filters: a random start of 31.5M parameters"),
                vm.filterCaptionProperty().get());
    }
}
