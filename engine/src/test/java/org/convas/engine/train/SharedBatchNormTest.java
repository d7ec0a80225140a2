package org.convas.engine.train;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.TrainingEvents.BatchStats;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNorm normalises with the statistics of the whole batch whatever the thread count, as PyTorch does on one
 * process: runs with 1, 2 and 3 threads follow the same loss curve up to float rounding (a per-slice BatchNorm
 * would drift apart at once, as each slice's mean differs from the batch's).
 */
class SharedBatchNormTest {

    private static final InMemoryBatchSource TRAIN = Bars.make(240, 1);

    /** conv 8@3×3 → BatchNorm → ReLU → pool → conv 8@3×3 → BatchNorm → ReLU → global average → FC 4. */
    private static NetworkSpec net() {
        return NetworkSpec.builder("bars-bn").input(12, 12, 1)
                .add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("bn1", LayerSpec.BatchNorm.standard())
                .add("relu1", new LayerSpec.ReLU()).add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("bn2", LayerSpec.BatchNorm.standard())
                .add("relu2", new LayerSpec.ReLU()).add("gap", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(4)).add("softmax", new LayerSpec.Softmax()).build();
    }

    private record Result(List<Double> losses, Map<String, float[]> tensors) {
    }

    private static Result train(int threads) {
        Model model = Model.create(net(), Initializer.HE, 11);
        TrainingSettings settings = TrainingSettings.builder().epochs(2).batchSize(20).threads(threads).seed(5)
                .optimizer(OptimizerSettings.momentum(0.05, 0.9)).normsEvery(0).build();
        List<Double> losses = new ArrayList<>();
        RunEnd end = TrainingRun.create(model, TRAIN, null, settings).addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchStats s) {
                losses.add(s.loss());
            }
        }).runHere();
        assertEquals(TrainingEvents.Status.COMPLETED, end.status(), end.message());
        return new Result(losses, model.tensors());
    }

    @Test
    void oneTwoAndThreeThreadsFollowTheSameCurveAndRunningStatistics() {
        Result one = train(1);
        for (int threads : new int[]{2, 3}) {
            Result many = train(threads);
            assertEquals(one.losses().size(), many.losses().size());
            for (int i = 0; i < one.losses().size(); i++) {
                assertEquals(one.losses().get(i), many.losses().get(i), 2e-4 * Math.max(1, one.losses().get(i)),
                        threads + " threads, batch " + i);
            }
            for (String name : List.of("bn1.running_mean", "bn1.running_var", "bn2.running_mean", "bn2.running_var", "conv1.weight")) {
                float[] a = one.tensors().get(name), b = many.tensors().get(name);
                for (int c = 0; c < a.length; c++) {
                    assertEquals(a[c], b[c], 1e-3 * Math.max(1, Math.abs(a[c])), threads + " threads, " + name + "[" + c + "]");
                }
            }
        }
    }

    @Test
    void aFailingWorkerDoesNotLeaveTheOthersWaiting() {
        Model model = Model.create(net(), Initializer.HE, 11);
        int[] labels = new int[40];
        labels[33] = 9;   // outside 0..3: the second worker's loss throws after its forward pass
        float[] images = new float[40 * 144];
        BatchSource bad = new BatchSource() {
            @Override public org.convas.engine.spec.Shape shape() { return TRAIN.shape(); }
            @Override public int classes() { return 4; }
            @Override public int size() { return 40; }
            @Override public float[] image(int index) { return java.util.Arrays.copyOfRange(images, index * 144, index * 144 + 144); }
            @Override public int label(int index) { return labels[index]; }
            @Override public java.util.Iterator<Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle) {
                return List.of(new Batch(images, labels, 40)).iterator();
            }
        };
        TrainingSettings settings = TrainingSettings.builder().epochs(1).batchSize(40).threads(2).seed(5).normsEvery(0).build();
        long t0 = System.nanoTime();
        RunEnd end = TrainingRun.create(model, bad, null, settings).runHere();
        assertTrue((System.nanoTime() - t0) < 20e9, "returned without hanging");
        assertEquals(TrainingEvents.Status.FAILED, end.status(), end.message());
        assertTrue(end.message().contains("label 9"), end.message());
    }
}
