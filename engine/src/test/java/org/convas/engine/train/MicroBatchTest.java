package org.convas.engine.train;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's slice goes through the network in micro-batches that add onto the same gradients. */
class MicroBatchTest {

    /** LeNet-5 on 28×28 (conv1 padded by 2), as the peer benchmark trains it. */
    private static NetworkSpec lenet(boolean batchNorm) {
        NetworkSpec.Builder b = NetworkSpec.builder("lenet").input(28, 28, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 2));
        if (batchNorm) b.add("bn", LayerSpec.BatchNorm.standard());
        return b.add("relu1", new LayerSpec.ReLU()).add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("fc1", LayerSpec.FullyConnected.of(120)).add("relu3", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(10)).add("softmax", new LayerSpec.Softmax()).build();
    }

    @Test
    void lenetSlicesAreCutToTheCacheBudgetButNeverBelowFourImages() {
        Model model = Model.create(lenet(false), Initializer.HE, 1);
        long perImage = model.report().trainingBytesPerImage();
        int micro = TrainingRun.microBatch(model, 64);
        assertTrue(micro >= TrainingRun.MIN_MICRO_BATCH && micro < 64, "micro-batch " + micro);
        assertTrue((long) micro * perImage <= TrainingRun.MICRO_BATCH_BYTES || micro == TrainingRun.MIN_MICRO_BATCH,
                micro + " images of " + perImage + " bytes");
        assertEquals(3, TrainingRun.microBatch(model, 3), "a slice smaller than the budget stays whole");
    }

    @Test
    void batchNormKeepsTheWholeSliceForItsBatchStatistics() {
        Model model = Model.create(lenet(true), Initializer.HE, 1);
        assertEquals(64, TrainingRun.microBatch(model, 64));
    }

    @Test
    void batchesAreCutIntoUpToFourUnitsPerThreadWhereBatchNormAndMemoryAllow() {
        Model lenet = Model.create(lenet(false), Initializer.HE, 1);
        TrainingSettings.Builder b = TrainingSettings.builder().batchSize(64).seed(1);
        assertEquals(1, TrainingRun.units(lenet, b.threads(1).build()), "one thread: one unit, nothing to balance");
        assertEquals(2 * TrainingRun.UNITS_PER_THREAD, TrainingRun.units(lenet, b.threads(2).build()));
        assertEquals(3, TrainingRun.units(lenet, b.threads(2).batchSize(12).build()),
                "never fewer than " + TrainingRun.MIN_MICRO_BATCH + " images a unit");
        Model batchNorm = Model.create(lenet(true), Initializer.HE, 1);
        assertEquals(2, TrainingRun.units(batchNorm, b.threads(2).batchSize(64).build()),
                "BatchNorm: one unit per thread, all at the statistics exchange together");
        // 20 M parameters (80 MB of gradients a unit): no unit beyond one per thread fits the budget.
        Model wide = Model.create(NetworkSpec.builder("wide").input(64, 64, 5)
                .add("fc", LayerSpec.FullyConnected.of(1000)).add("softmax", new LayerSpec.Softmax()).build(), Initializer.HE, 1);
        assertEquals(3, TrainingRun.units(wide, b.threads(3).batchSize(64).build()));
    }

    @Test
    void microBatchesGiveTheWholeSlicesGradientsUpToTheOrderOfAdditions() {
        Model model = Model.create(lenet(false), Initializer.HE, 3);
        int n = 16, size = 28 * 28;
        java.util.Random random = new java.util.Random(5);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = random.nextInt(10);

        ModelWorker whole = model.newWorker(n, true);
        whole.zeroParameterGradients();
        whole.forward(x, 0, n, true, 0);
        double wholeLoss = whole.loss(y, 0, n, 1f / n, true);
        whole.backward();

        // As the trainer runs it (FC weight gradients held back until the slice is done), and without holding back.
        for (boolean deferred : new boolean[]{true, false}) {
            ModelWorker parts = model.newWorker(4, true);
            parts.fuseActivations();
            if (deferred) parts.deferWeightGradients(n);
            parts.zeroParameterGradients();
            double partLoss = 0;
            for (int from = 0; from < n; from += 4) {
                parts.forward(x, from, 4, true, 0);
                partLoss += parts.loss(y, from, 4, 1f / n, true);
                parts.backward();
            }
            parts.flushGradients();
            assertEquals(wholeLoss, partLoss, 1e-9 * Math.abs(wholeLoss));
            List<Parameter> a = whole.parameters(), b = parts.parameters();
            for (int p = 0; p < a.size(); p++) {
                float[] ga = a.get(p).grad(), gb = b.get(p).grad();
                double scale = 0;
                for (float v : ga) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < ga.length; i++) {
                    assertEquals(ga[i], gb[i], 1e-5 * scale + 1e-9, (deferred ? "deferred " : "") + a.get(p).name() + "[" + i + "]");
                }
            }
        }
    }
}
