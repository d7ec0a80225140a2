package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.spec.WeightInit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** He or Xavier per network: saved with it, and the model built from it draws its weights that way. */
class WeightInitTest {

    private static NetworkSpec net(WeightInit init) {
        return NetworkSpec.builder("weights").weightInit(init).input(16, 16, 4)
                .add("conv", LayerSpec.Conv2D.of(64, 5, 1, 2)).add("tanh", new LayerSpec.Tanh())
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10)).build();
    }

    @Test
    void xavierIsUniformWithinItsBoundAndHeIsNormalWithItsVariance() {
        // conv: fan-in 4·5·5 = 100, fan-out 64·25 = 1,600; 6,400 weights.
        float[] xavier = Model.create(net(WeightInit.XAVIER), 3).tensor("conv.weight");
        double a = Math.sqrt(6.0 / (100 + 1600));
        double max = 0, sq = 0;
        for (float w : xavier) {
            max = Math.max(max, Math.abs(w));
            sq += w * w;
        }
        assertTrue(max <= a, max + " within ±" + a);
        assertTrue(max > 0.98 * a, "reaches near the bound: " + max);
        assertEquals(a * a / 3, sq / xavier.length, 0.05 * a * a / 3, "variance a²/3 of U(−a, a)");
        float[] he = Model.create(net(WeightInit.HE), 3).tensor("conv.weight");
        double var = 0, beyond = 0;
        for (float w : he) {
            var += w * w;
            if (Math.abs(w) > a) beyond++;
        }
        assertEquals(2.0 / 100, var / he.length, 0.05 * 2.0 / 100, "He: variance 2/fan-in");
        assertTrue(beyond > he.length / 2, "a normal of σ = 0.141 goes beyond Xavier's bound 0.059 most of the time");
        // The explicit initialiser gives the same numbers as the network's setting.
        assertArrayEquals(xavier, Model.create(net(WeightInit.HE), Initializer.XAVIER, 3).tensor("conv.weight"));
    }

    @Test
    void theSettingIsSavedOnlyWhenNotHeAndAnUnknownValueIsRefused() throws SpecFormatException {
        String he = NetworkJson.write(net(WeightInit.HE));
        assertFalse(he.contains("\"init\""), "files of He networks stay as they were");
        String xavier = NetworkJson.write(net(WeightInit.XAVIER));
        assertTrue(xavier.contains("\"init\": \"xavier\""), xavier);
        assertEquals(WeightInit.XAVIER, NetworkJson.read(xavier, "x.json").weightInit());
        assertEquals(WeightInit.HE, NetworkJson.read(he, "he.json").weightInit());
        SpecFormatException e = assertThrows(SpecFormatException.class,
                () -> NetworkJson.read(xavier.replace("\"xavier\"", "\"lecun\""), "net.json"));
        assertTrue(e.getMessage().contains("init") && e.getMessage().contains("expected \"he\" or \"xavier\", found \"lecun\""),
                e.getMessage());
        assertEquals(WeightInit.XAVIER, net(WeightInit.XAVIER).withName("renamed").withFloorMode(true).weightInit());
    }
}
