package org.convas.engine.exchange;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.Optimizer;
import org.convas.engine.train.OptimizerSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-block trainable flag: in the JSON file, in the parameter totals, and in what the optimizer changes. */
class TrainableFlagTest {

    private static NetworkSpec net() {
        return NetworkSpec.builder("frozen").input(6, 6, 1)
                .add("conv", LayerSpec.Conv2D.of(2, 3, 1, 0))
                .add("bn", LayerSpec.BatchNorm.standard())
                .add("fc", LayerSpec.FullyConnected.of(3))
                .build().withTrainable("conv", false).withTrainable("bn", false);
    }

    @Test
    void jsonWritesTheFlagOnlyForFrozenBlocksAndReadsItBack() throws Exception {
        String json = NetworkJson.write(net());
        assertEquals(2, json.split("\"trainable\": false", -1).length - 1, json);
        assertFalse(json.contains("\"trainable\": true"));
        assertEquals(net(), NetworkJson.read(json, "frozen.json"));
        assertTrue(NetworkJson.read(json.replace("\"trainable\": false", "\"trainable\": true"), "x").nodes().stream().allMatch(n -> n.trainable()));
    }

    @Test
    void totalsCountFrozenParametersApart() {
        NetworkReport r = Calculator.analyze(net());
        // conv (3·3·1 + 1)·2 = 20, bn 2·2 = 4, fc (4·4·2 + 1)·3 = 99
        assertEquals(123, r.totalParameters());
        assertEquals(24, r.frozenParameters());
        assertEquals(99, r.trainableParameters());
        assertEquals(", trainable 99 (frozen 24)", r.frozenSuffix());
        assertEquals("", Calculator.analyze(net().withTrainable("conv", true).withTrainable("bn", true)).frozenSuffix());
    }

    @Test
    void theOptimizerLeavesFrozenParametersAlone() {
        Model m = Model.create(net(), Initializer.HE, 3);
        float[] conv = m.tensor("conv.weight").clone(), fc = m.tensor("fc.weight").clone(), gamma = m.tensor("bn.weight").clone();
        for (Parameter p : m.parameters()) java.util.Arrays.fill(p.grad(), 0.5f);
        new Optimizer(OptimizerSettings.adam(0.1).withWeightDecay(1e-3)).step(m.parameters());
        assertArrayEquals(conv, m.tensor("conv.weight"));
        assertArrayEquals(gamma, m.tensor("bn.weight"));
        assertNotEquals(fc[0], m.tensor("fc.weight")[0]);
    }
}
