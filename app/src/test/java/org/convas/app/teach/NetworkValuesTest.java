package org.convas.app.teach;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;
import org.convas.engine.teach.SlidingWindow;
import org.convas.engine.train.TrainingEvents.ActivationMap;
import org.convas.engine.train.TrainingEvents.FilterBank;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.samples.SmallNetworks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stepping through a block of a real model reproduces the engine's own outputs of that block. */
class NetworkValuesTest {

    /** A snapshot as the trainer serves it: every node's output for one image, every conv's weights. */
    private static Snapshot snapshot(Model model, float[] image) {
        ModelWorker ex = model.newWorker(1, true);
        ex.forward(image, 0, 1, false, 0);
        List<ActivationMap> maps = new ArrayList<>();
        List<FilterBank> banks = new ArrayList<>();
        for (Node n : model.order()) {
            Shape s = model.report().layer(n.id()).output();
            maps.add(new ActivationMap(n.id(), s, Arrays.copyOf(ex.activation(n.id()), (int) s.size())));
            if (n.layer() instanceof LayerSpec.Conv2D c) {
                Shape in = model.report().layer(n.id()).inputShapes().get(0);
                banks.add(new FilterBank(n.id(), c.filters(), in.depth() / c.groups(), c.kernelHeight(), c.kernelWidth(),
                        model.tensor(n.id() + ".weight").clone()));
            }
        }
        return new Snapshot(0, 0, model.inputShape(), image, -1, maps, banks, new float[model.classes()], 0);
    }

    @Test
    void conv2OfTheTinyNetIsReproducedFromItsRealInputWeightsAndRecoveredBiases() {
        Model model = Model.create(SmallNetworks.fashionTiny(), Initializer.HE, 7);
        Random r = new Random(1);
        float[] bias = model.tensor("conv2.bias");
        for (int k = 0; k < bias.length; k++) bias[k] = (float) r.nextGaussian() * 0.3f; // biases that are not zero
        float[] image = new float[28 * 28];
        for (int i = 0; i < image.length; i++) image[i] = r.nextFloat();
        Snapshot s = snapshot(model, image);
        LayerReport conv2 = model.report().layer("conv2");
        NetworkValues v = NetworkValues.from(s, conv2).orElseThrow();
        for (int k = 0; k < bias.length; k++) assertEquals(bias[k], v.biases()[k], 1e-5, "bias " + k);
        ExplorerModel m = new ExplorerModel();
        m.showBlock("conv2", conv2.node().layer(), conv2.inputShapes().get(0), v);
        SlidingWindow walk = m.walk();
        assertTrue(m.sourceTextProperty().get().startsWith("Input: what arrives at conv2 in the Train tab's model"));
        assertTrue(m.sourceTextProperty().get().contains("Filters and biases: conv2's own"));
        float[] engine = s.activations().stream().filter(a -> a.nodeId().equals("conv2")).findFirst().orElseThrow().values();
        for (int k = 0; k < 16; k++) {
            for (int y = 0; y < 14; y++) {
                for (int x = 0; x < 14; x++) assertEquals(engine[(k * 14 + y) * 14 + x], walk.value(k, y, x), 1e-4);
            }
        }
        // Stride changed in the explorer: the real input and filters stay.
        m.setStride(2);
        assertTrue(m.sourceTextProperty().get().contains("conv2's own"));
        m.setKernel(5);
        assertTrue(m.sourceTextProperty().get().contains("drawn for the demonstration"), "other filter sizes have no learned filters");
    }

    @Test
    void aPoolingBlockTakesItsRealInputAndASnapshotOfAnotherNetworkIsNotUsed() {
        Model model = Model.create(SmallNetworks.fashionTiny(), Initializer.HE, 3);
        float[] image = new float[28 * 28];
        Arrays.fill(image, 0.5f);
        Snapshot s = snapshot(model, image);
        LayerReport pool1 = model.report().layer("pool1");
        NetworkValues v = NetworkValues.from(s, pool1).orElseThrow();
        SlidingWindow walk = SlidingWindow.pooling(v.input(), pool1.node().layer());
        float[] engine = s.activations().stream().filter(a -> a.nodeId().equals("pool1")).findFirst().orElseThrow().values();
        for (int i = 0; i < 14 * 14; i++) assertEquals(engine[i], walk.value(0, i / 14, i % 14), 0);
        // The LeNet report's conv2 has other shapes: nothing is taken from this snapshot.
        LayerReport lenetConv2 = Model.create(SmallNetworks.lenetFashion(), Initializer.HE, 1).report().layer("conv2");
        assertTrue(NetworkValues.from(s, lenetConv2).isEmpty());
        assertTrue(NetworkValues.from(null, pool1).isEmpty());
    }
}
