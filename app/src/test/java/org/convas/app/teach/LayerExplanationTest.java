package org.convas.app.teach;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every block type's explanation, with the block's own numbers from the calculator. */
class LayerExplanationTest {

    @Test
    void everyLayerOfEveryPresetIsExplainedWithItsFormulas() {
        Set<String> types = new HashSet<>();
        for (Preset p : Presets.all()) {
            NetworkReport r = Calculator.analyze(p.spec());
            for (LayerReport l : r.layers()) {
                String text = LayerExplanation.of(l);
                types.add(l.node().layer().type());
                assertFalse(text.isBlank(), p.key() + "/" + l.id());
                assertFalse(text.contains("null"), p.key() + "/" + l.id() + ": " + text);
                if (!l.paramFormula().isEmpty() && !(l.node().layer() instanceof LayerSpec.BatchNorm)) {
                    assertTrue(text.contains(l.paramFormula()), p.key() + "/" + l.id() + ": " + text);
                }
                if (l.window() != null) assertTrue(text.contains(l.shapeFormula()), p.key() + "/" + l.id() + ": " + text);
            }
        }
        // The presets cover every layer type but LeakyReLU, Sigmoid and Tanh, checked below.
        assertTrue(types.containsAll(Set.of("input", "conv2d", "maxpool", "avgpool", "globalavgpool", "flatten", "fc", "relu",
                "dropout", "batchnorm", "lrn", "add", "concat", "softmax")), types.toString());
    }

    @Test
    void poolingSaysHowMuchItDropsAndDropoutItsScale() {
        NetworkSpec net = NetworkSpec.builder("x").input(28, 28, 6).add("pool", LayerSpec.MaxPool.of(2, 2))
                .add("drop", new LayerSpec.Dropout(0.5)).add("leaky", new LayerSpec.LeakyReLU(0.01))
                .add("sig", new LayerSpec.Sigmoid()).add("tanh", new LayerSpec.Tanh())
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10)).build();
        NetworkReport r = Calculator.analyze(net);
        String pool = LayerExplanation.of(r.layer("pool"));
        assertTrue(pool.contains("(28 − 2 + 2·0)/2 + 1 = 14, so 28×28×6 → 14×14×6"), pool);
        assertTrue(pool.contains("It keeps 1,176 of 4,704 values (75% dropped)."), pool);
        assertTrue(LayerExplanation.of(r.layer("drop")).contains("p = 0.5 and the rest are scaled by 1/(1 − p) = 2"));
        assertTrue(LayerExplanation.of(r.layer("leaky")).startsWith("Leaky ReLU: max(x, 0.01·x) for each of the 1,176 values"));
        assertTrue(LayerExplanation.of(r.layer("sig")).startsWith("Sigmoid: σ(x) = 1/(1 + e^−x)"));
        assertTrue(LayerExplanation.of(r.layer("tanh")).startsWith("Tanh squashes"));
        String fc = LayerExplanation.of(r.layer("fc"));
        assertTrue(fc.contains("all 1,176 input values with its own weights, plus a bias."), fc);
        assertTrue(fc.contains("Parameters: (1176 + 1)·10 = 11,770. Multiply-adds: 11,760."), fc);
    }

    @Test
    void aDepthwiseConvolutionAndABlockThatDoesNotFitSaySo() {
        NetworkSpec net = NetworkSpec.builder("x").input(7, 7, 32)
                .add("dw", new LayerSpec.Conv2D(32, 3, 3, 1, org.convas.engine.spec.Padding.of(1), 1, 32, false))
                .add("bad", LayerSpec.Conv2D.of(8, 3, 3, 0)).build();
        NetworkReport r = Calculator.analyze(net);
        String dw = LayerExplanation.of(r.layer("dw"));
        assertTrue(dw.contains("With groups = depth (32) it is depthwise: each filter sees one channel only."), dw);
        assertTrue(dw.contains("Parameters: (F·F·D1/G + 1)·K = (3·3·1)·32 = 288"), dw);
        String bad = LayerExplanation.of(r.layer("bad"));
        assertTrue(bad.endsWith("As set now it does not fit: " + r.layer("bad").problems().get(0).text()), bad);
        assertEquals(true, LayerExplanation.canStepThrough(r.layer("bad").node().layer()));
    }
}
