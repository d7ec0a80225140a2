package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModulesTest {

    @Test
    void resNet50HasSixteenResidualBlocks() {
        // Bottleneck blocks [3, 4, 6, 3] (He et al. 2015).
        List<Modules.Module> m = Modules.of(Presets.find("resnet50").orElseThrow().spec());
        assertEquals(16, m.size(), m::toString);
        assertTrue(m.stream().allMatch(x -> x.kind().equals("Residual block")));
        // A bottleneck: three convolutions with BatchNorm (and two ReLUs), plus a projection on the first of a stage.
        assertTrue(m.stream().allMatch(x -> x.members().size() >= 9), m::toString);
    }

    @Test
    void googLeNetHasNineInceptionModules() {
        List<Modules.Module> m = Modules.of(Presets.find("googlenet").orElseThrow().spec());
        assertEquals(9, m.size(), m::toString);
        assertTrue(m.stream().allMatch(x -> x.kind().equals("Inception module")));
    }

    @Test
    void aMergeEnteredFromTwoPlacesIsNotAModule() {
        // Two inputs: the Add's branches have no common fork, so there is nothing to fold.
        NetworkSpec s = NetworkSpec.builder("t").input(4, 4, 1).add("in2", new LayerSpec.Input(4, 4, 1), new String[0])
                .add("sum", new LayerSpec.Add(), "input", "in2").build();
        assertEquals(List.of(), Modules.of(s));
        assertEquals(List.of(), Modules.of(Presets.find("vgg16").orElseThrow().spec()));
    }
}
