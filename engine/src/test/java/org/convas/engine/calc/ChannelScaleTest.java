package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The calculator's rule for Scale (a Squeeze-and-Excitation block's last step), and its problems. */
class ChannelScaleTest {

    private static NetworkSpec.Builder maps() {
        return NetworkSpec.builder("se").input(32, 32, 3).add("conv", LayerSpec.Conv2D.of(16, 3, 1, 1))
                .add("pool", new LayerSpec.GlobalAvgPool()).add("fc1", LayerSpec.FullyConnected.of(4))
                .add("relu", new LayerSpec.ReLU());
    }

    @Test
    void mapsTimesOneWeightPerChannelKeepTheMapsShape() throws Exception {
        NetworkSpec spec = maps().add("fc2", LayerSpec.FullyConnected.of(16)).add("sig", new LayerSpec.Sigmoid())
                .add("scale", new LayerSpec.ChannelScale(), "conv", "sig").build();
        NetworkReport r = Calculator.analyze(spec);
        LayerReport s = r.layer("scale");
        assertEquals("32×32×16", s.output().toString());
        assertEquals("32×32×16 · 1×1×16, one weight per channel", s.shapeFormula());
        assertEquals(0, s.parameters());
        assertEquals(0, s.macs(), "one multiplication per value, no multiply-add (as BatchNorm)");
        // The weights come from a global pool: each output sees what the pool sees (the whole input and conv's padding).
        assertEquals(r.layer("pool").receptiveField().width(), s.receptiveField().width());
        assertEquals(34, s.receptiveField().width());
        assertEquals(1, s.receptiveField().jumpX(), "the maps' jump, for the positions");
        // The order of the inputs does not matter: the vector is the weights.
        NetworkSpec swapped = maps().add("fc2", LayerSpec.FullyConnected.of(16)).add("sig", new LayerSpec.Sigmoid())
                .add("scale", new LayerSpec.ChannelScale(), "sig", "conv").build();
        assertEquals("32×32×16", Calculator.analyze(swapped).layer("scale").output().toString());
        assertTrue(Calculator.analyze(swapped).errors().isEmpty());
        assertEquals(spec, NetworkJson.read(NetworkJson.write(spec), "round trip"));
    }

    @Test
    void tooFewWeightsNamesBothSidesAndTheFix() {
        NetworkSpec spec = maps().add("fc2", LayerSpec.FullyConnected.of(8)).add("sig", new LayerSpec.Sigmoid())
                .add("scale", new LayerSpec.ChannelScale(), "conv", "sig").build();
        Problem p = Calculator.analyze(spec).layer("scale").problems().get(0);
        assertEquals("Scale needs one weight per channel: conv gives 32×32×16 (16 channels) but sig gives 1×1×8 (8 weights)", p.text());
        assertEquals("give the last FC before the Sigmoid 16 units", p.fix());
        assertNull(Calculator.analyze(spec).layer("scale").output());
    }

    @Test
    void twoVolumesOrThreeInputsAreRefused() {
        NetworkSpec two = NetworkSpec.builder("x").input(8, 8, 2).add("a", LayerSpec.Conv2D.of(4, 3, 1, 1), "input")
                .add("b", LayerSpec.Conv2D.of(4, 1, 1, 0), "input").add("scale", new LayerSpec.ChannelScale(), "a", "b").build();
        assertEquals("Scale needs one input of 1×1×C weights, one per channel: a gives 8×8×4 and b gives 8×8×4",
                Calculator.analyze(two).layer("scale").problems().get(0).text());
        NetworkSpec three = NetworkSpec.builder("x").input(8, 8, 2).add("a", LayerSpec.Conv2D.of(4, 3, 1, 1), "input")
                .add("g", new LayerSpec.GlobalAvgPool(), "a").add("h", new LayerSpec.GlobalAvgPool(), "a")
                .add("scale", new LayerSpec.ChannelScale(), "a", "g", "h").build();
        assertEquals("Scale multiplies one volume by one weight per channel: it takes exactly 2 inputs, not 3",
                Calculator.analyze(three).layer("scale").problems().get(0).text());
        NetworkSpec one = NetworkSpec.builder("x").input(8, 8, 2).add("scale", new LayerSpec.ChannelScale()).build();
        assertEquals("Scale merges two or more inputs but has 1", Calculator.analyze(one).layer("scale").problems().get(0).text());
    }
}
