package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SE-ResNet-50 against Hu et al. 2018 ("SE-ResNet-50 introduces ∼2.5 million additional parameters beyond the ∼25
 * million parameters required by ResNet-50"; 3.87 vs 3.86 GFLOPs) and PyTorch's counts of the same network
 * (preset_reference.py builds it from torchvision's ResNet-50: 28,088,024 parameters, 3,860,488,192 multiply-adds).
 */
class SeResNetTest {

    @Test
    void seResnet50AddsTheSqueezeExcitationParametersAndAlmostNoMultiplyAdds() {
        NetworkReport se = Calculator.analyze(ResNets.seResnet50());
        NetworkReport plain = Calculator.analyze(ResNets.resnet50());
        assertTrue(se.isValid(), se.problems().toString());
        assertEquals(28_088_024L, se.totalParameters());
        assertEquals(3_860_488_192L, se.totalMacs());
        // Σ over the blocks of 2·C²/16 weights (+ C/16 + C biases): 3·256², 4·512², 6·1024², 3·2048².
        long weights = 2 * (3L * 256 * 256 + 4L * 512 * 512 + 6L * 1024 * 1024 + 3L * 2048 * 2048) / 16;
        long biases = 3L * (16 + 256) + 4L * (32 + 512) + 6L * (64 + 1024) + 3L * (128 + 2048);
        assertEquals(2_514_944L, weights);
        assertEquals(plain.totalParameters() + weights + biases, se.totalParameters());
        assertEquals(2.5e6, weights, 0.05e6, "the paper's ∼2.5 million");
        assertEquals(3.87e9 / 3.86e9, (double) se.totalMacs() / plain.totalMacs(), 0.002, "3.87 vs 3.86 GFLOPs");
    }

    @Test
    void theExcitationReweighsTheResidualBeforeTheSkipIsAdded() {
        NetworkReport r = Calculator.analyze(ResNets.seResnet50());
        assertEquals("1×1×256", r.layer("res2a/se_pool").output().toString());
        assertEquals("1×1×16", r.layer("res2a/se_fc1").output().toString());
        assertEquals("1×1×256", r.layer("res2a/se_sigmoid").output().toString());
        assertEquals("56×56×256", r.layer("res2a/se_scale").output().toString());
        assertEquals("56×56×256 · 1×1×256, one weight per channel", r.layer("res2a/se_scale").shapeFormula());
        assertEquals(java.util.List.of("res2a/bn2c", "res2a/se_sigmoid"), ResNets.seResnet50().node("res2a/se_scale").inputs());
        assertTrue(ResNets.seResnet50().node("res5c").layer() instanceof LayerSpec.Add);
        assertEquals(java.util.List.of("res5b/relu", "res5c/se_scale"), ResNets.seResnet50().node("res5c").inputs());
    }
}
