package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * LeNet-5 (LeCun et al. 1998; lecture seed 001: "Conv filters were 5x5, applied at stride 1; subsampling layers
 * were 2x2, applied at stride 2") and the small trainable networks, including the two of the PyTorch peer
 * benchmark (shared/peers/README.md), whose parameter counts PyTorch confirmed (preset_reference.txt).
 */
class SmallNetworksTest {

    private static void assertLayer(NetworkReport r, String id, String shape, long parameters) {
        assertEquals(shape, r.layer(id).output().toString(), id);
        assertEquals(parameters, r.layer(id).parameters(), id);
    }

    @Test
    void lenet5ShapesAndParameters() {
        NetworkReport r = Calculator.analyze(ClassicNetworks.lenet5());
        assertLayer(r, "conv1", "28×28×6", 156);
        assertLayer(r, "pool1", "14×14×6", 0);
        assertLayer(r, "conv2", "10×10×16", 2_416);
        assertLayer(r, "pool2", "5×5×16", 0);
        assertLayer(r, "fc1", "1×1×120", 48_120);
        assertLayer(r, "fc2", "1×1×84", 10_164);
        assertLayer(r, "fc3", "1×1×10", 850);
        assertEquals(61_706, r.totalParameters());
        assertEquals("(5·5·1 + 1)·6 = 156", r.layer("conv1").paramFormula());
        assertEquals(Presets.lenet5(), ClassicNetworks.lenet5());
    }

    @Test
    void peerLenetOnFashionMnistPadsConv1ToKeep28() {
        NetworkReport r = Calculator.analyze(SmallNetworks.lenetFashion());
        assertLayer(r, "conv1", "28×28×6", 156);
        assertEquals("(28 − 5 + 2·2)/1 + 1 = 28", r.layer("conv1").shapeFormula());
        assertLayer(r, "pool1", "14×14×6", 0);
        assertLayer(r, "conv2", "10×10×16", 2_416);
        assertLayer(r, "pool2", "5×5×16", 0);
        assertLayer(r, "fc1", "1×1×120", 48_120);
        assertLayer(r, "fc2", "1×1×84", 10_164);
        assertLayer(r, "fc3", "1×1×10", 850);
        assertEquals(61_706, r.totalParameters());
    }

    @Test
    void peerVggLiteShapesAndParameters() {
        NetworkReport r = Calculator.analyze(SmallNetworks.vggLite());
        assertLayer(r, "conv1_1", "28×28×32", 320);
        assertLayer(r, "conv1_2", "28×28×32", 9_248);
        assertLayer(r, "pool1", "14×14×32", 0);
        assertLayer(r, "conv2_1", "14×14×64", 18_496);
        assertLayer(r, "conv2_2", "14×14×64", 36_928);
        assertLayer(r, "pool2", "7×7×64", 0);
        assertLayer(r, "fc1", "1×1×128", 401_536);
        assertLayer(r, "fc2", "1×1×10", 1_290);
        assertEquals(467_818, r.totalParameters());
        assertEquals(18_691_840, r.totalMacs());
    }

    @Test
    void tinyFashionNetIsSmallEnoughToTrainInSeconds() {
        NetworkReport r = Calculator.analyze(SmallNetworks.fashionTiny());
        assertLayer(r, "conv1", "28×28×8", 80);
        assertLayer(r, "pool1", "14×14×8", 0);
        assertLayer(r, "conv2", "14×14×16", 1_168);
        assertLayer(r, "pool2", "7×7×16", 0);
        assertLayer(r, "fc", "1×1×10", 7_850);
        assertEquals(9_098, r.totalParameters());
        assertEquals(290_080, r.totalMacs());
    }

    @Test
    void cifarNetShapesAndParameters() {
        NetworkReport r = Calculator.analyze(SmallNetworks.cifarSmall());
        assertLayer(r, "conv1", "32×32×16", 448);
        assertLayer(r, "pool1", "16×16×16", 0);
        assertLayer(r, "conv2", "16×16×32", 4_640);
        assertLayer(r, "pool2", "8×8×32", 0);
        assertLayer(r, "conv3", "8×8×64", 18_496);
        assertLayer(r, "pool3", "4×4×64", 0);
        assertLayer(r, "fc1", "1×1×64", 65_600);
        assertLayer(r, "fc2", "1×1×10", 650);
        assertEquals(89_834, r.totalParameters());
    }

    /** Parameters and multiply-adds as PyTorch counts them for tools/peers/torch_bench.py's "resnet" (printed by PyTorch 1.13). */
    @Test
    void peerResnetMatchesThePeerScriptsNetwork() {
        NetworkReport r = Calculator.analyze(SmallNetworks.resnetFashion());
        assertEquals(0, r.errors().size(), r.errors().toString());
        assertLayer(r, "relu1", "28×28×16", 0);
        assertLayer(r, "resa/add", "28×28×16", 0);
        assertLayer(r, "resb/conv1", "14×14×32", 16 * 9 * 32);
        assertLayer(r, "resb/proj", "14×14×32", 16 * 32);
        assertLayer(r, "resc/add", "7×7×64", 0);
        assertLayer(r, "pool", "1×1×64", 0);
        assertEquals(77_754, r.totalParameters());
        assertEquals(9_345_920, r.totalMacs());
    }

    /** The same for the peer script's "mobilenet". */
    @Test
    void peerMobileNetMatchesThePeerScriptsNetwork() {
        NetworkReport r = Calculator.analyze(SmallNetworks.mobileNetFashion());
        assertEquals(0, r.errors().size(), r.errors().toString());
        assertLayer(r, "dw1", "28×28×32", 32 * 9);
        assertLayer(r, "dw2", "14×14×64", 64 * 9);
        assertLayer(r, "pw4", "7×7×256", 128 * 256);
        assertEquals(67_338, r.totalParameters());
        assertEquals(8_877_440, r.totalMacs());
    }
}
