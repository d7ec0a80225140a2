package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerProfileTest {

    @Test
    void everyLayerPassIsCountedWhileTheProfileIsOnAndFusedReluShowsAsPartOfItsConv() {
        NetworkSpec spec = NetworkSpec.builder("p").input(8, 8, 1)
                .add("conv", LayerSpec.Conv2D.of(4, 3, 1, 1)).add("relu", new LayerSpec.ReLU())
                .add("pool", LayerSpec.MaxPool.of(2, 2))
                .add("fc", LayerSpec.FullyConnected.of(3)).add("softmax", new LayerSpec.Softmax()).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        ModelWorker ex = model.newWorker(2, true);
        ex.fuseActivations();
        float[] x = new float[2 * 64];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        int[] y = {0, 2};
        LayerProfile profile = model.startProfile();
        for (int step = 0; step < 3; step++) {
            ex.forward(x, 0, 2, true, step);
            ex.loss(y, 0, 2, 0.5f, true);
            ex.backward();
        }
        model.stopProfile();
        ex.forward(x, 0, 2, true, 9);   // not counted
        List<LayerProfile.Row> rows = profile.rows();
        assertEquals(List.of("input", "conv", "relu", "pool", "fc", "softmax"), rows.stream().map(LayerProfile.Row::node).toList());
        LayerProfile.Row conv = rows.get(1), relu = rows.get(2), fc = rows.get(4);
        assertEquals(3, conv.forwardCalls());
        assertEquals(3, conv.backwardCalls());
        assertEquals(3, fc.forwardCalls());
        assertTrue(conv.forwardWall() > 0 && conv.backwardWall() > 0, conv.toString());
        assertTrue(!profile.hasCpuTime() || conv.forwardCpu() >= 0, conv.toString());
        assertTrue(relu.fusedIntoPrevious(), "the ReLU runs inside the conv");
        assertEquals(0, relu.forwardCalls());
        assertEquals("Conv 3×3/1, 4", conv.label());
        assertEquals("8×8×4", conv.output());
    }
}
