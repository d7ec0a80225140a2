package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A conv computing the ReLU after it gives exactly what the two separate layers give. */
class FusedActivationTest {

    /**
     * conv1 → relu1 (fused) → pool → conv2, 2 groups → relu2 (fused) → conv3 → leaky ReLU (not fused: slope
     * 0.1) → conv4, which feeds both relu4 and the Add after it (not fused: two consumers) → FC → softmax.
     */
    private static NetworkSpec net() {
        return NetworkSpec.builder("fusion").input(10, 10, 2)
                .add("conv1", LayerSpec.Conv2D.of(4, 3, 1, 1)).add("relu1", new LayerSpec.ReLU())
                .add("pool", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", new LayerSpec.Conv2D(4, 3, 3, 1, org.convas.engine.spec.Padding.of(1), 1, 2, true))
                .add("relu2", new LayerSpec.ReLU())
                .add("conv3", LayerSpec.Conv2D.of(4, 3, 1, 1)).add("leaky", new LayerSpec.LeakyReLU(0.1))
                .add("conv4", LayerSpec.Conv2D.of(4, 1, 1, 0)).add("relu4", new LayerSpec.ReLU())
                .add("add", new LayerSpec.Add(), "relu4", "conv4")
                .add("fc", LayerSpec.FullyConnected.of(3)).add("softmax", new LayerSpec.Softmax()).build();
    }

    @Test
    void fusedConvReluGivesBitIdenticalActivationsLossAndGradients() {
        Model model = Model.create(net(), Initializer.HE, 7);
        int n = 5, size = 10 * 10 * 2;
        Random random = new Random(3);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        int[] y = {0, 1, 2, 1, 0};

        ModelWorker plain = model.newWorker(n, true);
        ModelWorker fused = model.newWorker(n, true);
        assertEquals(2, fused.fuseActivations(), "conv1+relu1 and conv2+relu2; not the leaky ReLU, not conv4 (two consumers)");
        double[] losses = new double[2];
        int e = 0;
        for (ModelWorker ex : List.of(plain, fused)) {
            ex.zeroParameterGradients();
            ex.forward(x, 0, n, true, 1);
            losses[e++] = ex.loss(y, 0, n, 1f / n, true);
            ex.backward();
        }
        assertEquals(losses[0], losses[1]);
        for (Node node : model.spec().nodes()) {
            assertArrayEquals(plain.activation(node.id()), fused.activation(node.id()), node.id());
        }
        for (int p = 0; p < plain.parameters().size(); p++) {
            assertArrayEquals(plain.parameters().get(p).grad(), fused.parameters().get(p).grad(),
                    plain.parameters().get(p).name());
        }
    }

    /**
     * conv1 → bn1 → relu1 (BN + ReLU fused; bn1 writes conv1's gradient instead of adding to it) → conv2 → bn2, which
     * feeds relu2 and the Add (not fused: two consumers) → relu3 after the Add (a plain vector ReLU) → GAP → FC.
     */
    private static NetworkSpec batchNormNet() {
        return NetworkSpec.builder("bn fusion").input(9, 9, 2)
                .add("conv1", new LayerSpec.Conv2D(6, 3, 3, 1, org.convas.engine.spec.Padding.of(1), 1, 1, false))
                .add("bn1", LayerSpec.BatchNorm.standard()).add("relu1", new LayerSpec.ReLU())
                .add("conv2", LayerSpec.Conv2D.of(6, 3, 1, 1)).add("bn2", LayerSpec.BatchNorm.standard())
                .add("relu2", new LayerSpec.ReLU())
                .add("add", new LayerSpec.Add(), "relu2", "bn2").add("relu3", new LayerSpec.ReLU())
                .add("gap", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(3)).add("softmax", new LayerSpec.Softmax()).build();
    }

    @Test
    void fusedBatchNormReluGivesBitIdenticalLossAndGradients() {
        Model model = Model.create(batchNormNet(), Initializer.HE, 5);
        int n = 6, size = 9 * 9 * 2;
        Random random = new Random(4);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        int[] y = {0, 1, 2, 1, 0, 2};
        ModelWorker plain = model.newWorker(n, true);
        ModelWorker fused = model.newWorker(n, true);
        assertEquals(1, fused.fuseActivations(), "bn1 + relu1 only: bn2 has two consumers, relu3 follows an Add");
        double[] losses = new double[2];
        int e = 0;
        for (ModelWorker ex : List.of(plain, fused)) {
            for (int step = 0; step < 2; step++) {   // a second pass, so that a buffer not cleared would show
                ex.zeroParameterGradients();
                ex.forward(x, 0, n, true, 1);
                losses[e] = ex.loss(y, 0, n, 1f / n, true);
                ex.backward();
            }
            e++;
        }
        assertEquals(losses[0], losses[1]);
        for (String id : List.of("relu1", "conv2", "bn2", "add", "relu3", "fc")) {
            assertArrayEquals(plain.activation(id), fused.activation(id), id);
        }
        for (int p = 0; p < plain.parameters().size(); p++) {
            assertArrayEquals(plain.parameters().get(p).grad(), fused.parameters().get(p).grad(),
                    plain.parameters().get(p).name());
        }
    }

    /**
     * Convolutions on each path without im2col, each the only consumer of its input, so each writes that input's
     * gradient instead of adding onto a cleared buffer: 3×3/2 (all four phases), 1×1/2 (one phase: the other pixels'
     * gradient must come out 0), depthwise at stride 1 and 2, a 2-group stride-1 conv. Two passes, so that a buffer
     * not written would keep the first pass's values; every activation gradient the fused executor keeps, the loss
     * and the parameter gradients must be the unfused executor's, bit for bit.
     */
    private static NetworkSpec convOnlyConsumerNet() {
        return NetworkSpec.builder("conv overwrite").input(25, 17, 4)
                .add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("bn1", LayerSpec.BatchNorm.standard())
                .add("relu1", new LayerSpec.ReLU())
                .add("strided", LayerSpec.Conv2D.of(8, 3, 2, 1)).add("bn2", LayerSpec.BatchNorm.standard())
                .add("relu2", new LayerSpec.ReLU())
                .add("dw1", LayerSpec.Conv2D.of(8, 3, 1, 1).withGroups(8)).add("bn3", LayerSpec.BatchNorm.standard())
                .add("relu3", new LayerSpec.ReLU())
                .add("dw2", LayerSpec.Conv2D.of(16, 3, 2, 1).withGroups(8)).add("bn4", LayerSpec.BatchNorm.standard())
                .add("relu4", new LayerSpec.ReLU())
                .add("grouped", LayerSpec.Conv2D.of(8, 3, 1, 1).withGroups(2)).add("leaky", new LayerSpec.LeakyReLU(0.1))
                .add("proj", LayerSpec.Conv2D.of(8, 1, 2, 0))
                .add("gap", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(3)).add("softmax", new LayerSpec.Softmax()).build();
    }

    @Test
    void convolutionsWritingTheirInputGradientGiveBitIdenticalGradients() {
        Model model = Model.create(convOnlyConsumerNet(), Initializer.HE, 9);
        int n = 5, size = 25 * 17 * 4;
        Random random = new Random(6);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        int[] y = {0, 1, 2, 1, 0};
        ModelWorker plain = model.newWorker(n, true);
        ModelWorker fused = model.newWorker(n, true);
        assertEquals(4, fused.fuseActivations(), "the four BatchNorm + ReLU pairs");
        double[] losses = new double[2];
        int e = 0;
        for (ModelWorker ex : List.of(plain, fused)) {
            for (int step = 0; step < 2; step++) {
                ex.zeroParameterGradients();
                ex.forward(x, 0, n, true, 1);
                losses[e] = ex.loss(y, 0, n, 1f / n, true);
                ex.backward();
            }
            e++;
        }
        assertEquals(losses[0], losses[1]);
        // The gradients written by a conv that is its input's only consumer (the fused ReLUs' are not kept).
        for (String id : List.of("leaky", "grouped")) {
            float[] want = plain.activationGradient(id), got = fused.activationGradient(id);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), id + " gradient at " + i);
            }
        }
        for (int p = 0; p < plain.parameters().size(); p++) {
            assertArrayEquals(plain.parameters().get(p).grad(), fused.parameters().get(p).grad(),
                    plain.parameters().get(p).name());
        }
    }
}
