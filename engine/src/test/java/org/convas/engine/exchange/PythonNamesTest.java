package org.convas.engine.exchange;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PythonNamesTest {

    @Test
    void keepsGoodNamesAndMakesDistinctOnesOfTheRest() {
        NetworkSpec spec = NetworkSpec.builder("n").input(8, 8, 1)
                .add("conv1", new LayerSpec.ReLU())
                .add("inception3a/1x1", new LayerSpec.ReLU())
                .add("inception3a_1x1", new LayerSpec.ReLU())
                .add("2nd", new LayerSpec.ReLU())
                .add("class", new LayerSpec.ReLU())
                .add("forward", new LayerSpec.ReLU())
                .add("a.b", new LayerSpec.ReLU())
                .build();
        Map<String, String> names = PythonNames.of(spec);
        assertEquals("conv1", names.get("conv1"));
        assertEquals("inception3a_1x1", names.get("inception3a_1x1"));   // the real name keeps its place
        assertEquals("inception3a_1x1_2", names.get("inception3a/1x1"));
        assertEquals("n_2nd", names.get("2nd"));
        assertEquals("class_", names.get("class"));
        assertEquals("forward_", names.get("forward"));                  // nn.Module's own attribute
        assertEquals("a_b", names.get("a.b"));
        assertEquals("input", names.get("input"));
    }
}
