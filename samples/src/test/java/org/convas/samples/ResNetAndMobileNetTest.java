package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * ResNet-18/34/50 against He et al. 2015 (Table 1: "FLOPs 1.8×10⁹, 3.6×10⁹, 3.8×10⁹", multiply-adds) and
 * torchvision's parameter counts; MobileNet v1 against Howard et al. 2017 (Table: 569 million mult-adds,
 * 4.2 million parameters). The exact figures were also computed by PyTorch (preset_reference.txt).
 */
class ResNetAndMobileNetTest {

    private static final double PAPER_TOLERANCE = 0.05;

    @Test
    void resnet18MatchesPaperFlopsAndTorchvisionParameters() {
        NetworkReport r = Calculator.analyze(ResNets.resnet18());
        assertEquals(1.8e9, r.totalMacs(), 1.8e9 * PAPER_TOLERANCE);
        assertEquals(1_814_073_344L, r.totalMacs());
        assertEquals(11_689_512L, r.totalParameters());
    }

    @Test
    void resnet34MatchesPaperFlopsAndTorchvisionParameters() {
        NetworkReport r = Calculator.analyze(ResNets.resnet34());
        assertEquals(3.6e9, r.totalMacs(), 3.6e9 * PAPER_TOLERANCE);
        assertEquals(3_663_761_408L, r.totalMacs());
        assertEquals(21_797_672L, r.totalParameters());
    }

    /** Stride on the first 1×1 as in the paper: 3.86 G (torchvision's v1.5, stride on the 3×3, has 4.09 G). */
    @Test
    void resnet50MatchesPaperFlopsAndTorchvisionParameters() {
        NetworkReport r = Calculator.analyze(ResNets.resnet50());
        assertEquals(3.8e9, r.totalMacs(), 3.8e9 * PAPER_TOLERANCE);
        assertEquals(3_857_973_248L, r.totalMacs());
        assertEquals(25_557_032L, r.totalParameters());
    }

    @Test
    void stagesHalveTheSizeAndDoubleTheFilters() {
        NetworkReport r = Calculator.analyze(ResNets.resnet50());
        assertEquals("112×112×64", r.layer("conv1").output().toString());
        assertEquals("56×56×64", r.layer("pool1").output().toString());
        assertEquals("56×56×256", r.layer("res2c").output().toString());
        assertEquals("28×28×512", r.layer("res3d").output().toString());
        assertEquals("14×14×1024", r.layer("res4f").output().toString());
        assertEquals("7×7×2048", r.layer("res5c").output().toString());
        assertEquals("1×1×2048", r.layer("pool5").output().toString());
        // The stride sits on the first 1×1 of the block: 56 → 28 there.
        assertEquals("28×28×128", r.layer("res3a/branch2a").output().toString());
        NetworkReport r18 = Calculator.analyze(ResNets.resnet18());
        assertEquals("7×7×512", r18.layer("res5b").output().toString());
    }

    @Test
    void projectionShortcutsOnlyWhereTheShapeChanges() {
        NetworkReport r50 = Calculator.analyze(ResNets.resnet50());
        // ResNet-50: every stage's first block projects (res2a too: 64 → 256 channels).
        assertEquals(4, r50.layers().stream().filter(l -> l.id().endsWith("/branch1")).count());
        assertEquals(2_048 * 1_024, r50.layer("res5a/branch1").weights());
        NetworkReport r34 = Calculator.analyze(ResNets.resnet34());
        // ResNet-34: res2a keeps 64 channels and 56×56, so its shortcut is the identity.
        assertEquals(3, r34.layers().stream().filter(l -> l.id().endsWith("/branch1")).count());
        assertEquals(16, r34.layers().stream().filter(l -> l.node().layer() instanceof LayerSpec.Add).count());
        assertEquals(java.util.List.of("pool1", "res2a/bn2b"), r34.layer("res2a").node().inputs());
    }

    @Test
    void convolutionsFollowedByBatchNormHaveNoBias() {
        for (LayerReport l : Calculator.analyze(ResNets.resnet50()).layers()) {
            if (l.node().layer() instanceof LayerSpec.Conv2D c) {
                assertFalse(c.bias(), l.id());
                assertEquals(0, l.biases(), l.id());
            }
        }
        // BatchNorm's γ and β: 2·64 after conv1.
        assertEquals(128, Calculator.analyze(ResNets.resnet18()).layer("bn_conv1").parameters());
    }

    /**
     * Howard et al. 2017, Table 8: 1.0 MobileNet-224 has 569 million mult-adds and 4.2 million parameters.
     * Our 4,231,976 counts BN's γ and β (21,888); the convolution and FC weights plus FC biases are 4,210,088.
     */
    @Test
    void mobileNetMatchesThePapersCosts() {
        NetworkReport r = Calculator.analyze(MobileNetV1.build());
        assertEquals(569, Math.round(r.totalMacs() / 1e6));
        assertEquals(568_740_352L, r.totalMacs());
        assertEquals(4.2, Math.round(r.totalParameters() / 1e5) / 10.0);
        assertEquals(4_231_976L, r.totalParameters());
        long bn = r.layers().stream().filter(l -> l.node().layer() instanceof LayerSpec.BatchNorm).mapToLong(LayerReport::parameters).sum();
        assertEquals(21_888L, bn);
        assertEquals(4_210_088L, r.totalParameters() - bn);
    }

    @Test
    void mobileNetDepthwiseLayersHaveOneFilterPerChannel() {
        NetworkReport r = Calculator.analyze(MobileNetV1.build());
        LayerReport dw = r.layer("conv_dw_2");
        assertEquals(64, ((LayerSpec.Conv2D) dw.node().layer()).groups());
        assertEquals(3 * 3 * 64, dw.weights());
        assertEquals("56×56×64", dw.output().toString());
        assertEquals(64 * 128, r.layer("conv_pw_2").weights());
        assertEquals("7×7×1024", r.layer("conv_pw_13_relu").output().toString());
        // The lecture's C·(k·k + C') against C·k·k·C' for block 2 (seed 003, "MobileNets").
        long separable = 64L * (3 * 3 + 128);
        assertEquals(separable, dw.weights() + r.layer("conv_pw_2").weights());
        assertEquals(73_728L, 64L * 3 * 3 * 128);
    }
}
