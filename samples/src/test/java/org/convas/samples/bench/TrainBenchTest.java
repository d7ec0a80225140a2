package org.convas.samples.bench;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.InMemoryBatchSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainBenchTest {

    /** As the peer script's cifar_shaped: F.pad(x, (2, 2, 2, 2)).repeat(1, 3, 1, 1). */
    @Test
    void cifarShapedImagesArePaddedByTwoAndRepeatedOverThreeChannels() {
        float[] x = new float[2 * 28 * 28];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        InMemoryBatchSource s = TrainBench.cifarShaped(new InMemoryBatchSource(Shape.of(28, 28, 1), 10, x, new int[] {3, 7}));
        assertEquals(Shape.of(32, 32, 3), s.shape());
        assertEquals(7, s.label(1));
        float[] image = s.image(1);
        for (int c = 0; c < 3; c++) {
            int plane = c * 32 * 32;
            assertEquals(0f, image[plane + 32 + 5], "padding row 1");
            assertEquals(0f, image[plane + 5 * 32 + 1], "padding column 1");
            assertEquals(784 + 1, image[plane + 2 * 32 + 2], "pixel (0, 0) at (2, 2)");
            assertEquals(784 + 28 * 27 + 27 + 1, image[plane + 29 * 32 + 29], "pixel (27, 27) at (29, 29)");
            assertEquals(0f, image[plane + 30 * 32 + 30]);
        }
        assertThrows(IllegalArgumentException.class, () -> TrainBench.cifarShaped(s));
    }

    @Test
    void everyBenchNetHasItsNetwork() {
        for (String net : TrainBench.NETS) {
            Shape input = ((LayerSpec.Input) TrainBench.peerNetwork(net).inputs().get(0).layer()).shape();
            assertEquals(net.equals("cifarsmall") ? Shape.of(32, 32, 3) : Shape.of(28, 28, 1), input, net);
        }
        assertThrows(IllegalArgumentException.class, () -> TrainBench.peerNetwork("alexnet"));
    }
}
