package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An FC layer sees the whole input, whether or not a Flatten comes before it. */
class FlattenReceptiveFieldTest {

    /** LeNet-5's stages on 32×32: pool2 sees 16×16 (jump 4); an FC over its 5×5 positions sees 16 + 4·4 = 32. */
    @Test
    void fullyConnectedAfterFlattenSeesTheWholeInput() {
        NetworkSpec withFlatten = NetworkSpec.builder("a").input(32, 32, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 0)).add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten()).add("fc1", LayerSpec.FullyConnected.of(120)).build();
        NetworkReport r = Calculator.analyze(withFlatten);
        assertEquals("16×16", r.layer("pool2").receptiveField().sizeText());
        assertEquals("32×32", r.layer("flatten").receptiveField().sizeText());
        assertEquals("32×32", r.layer("fc1").receptiveField().sizeText());
        NetworkSpec direct = withFlatten.without("flatten").withEdge("pool2", "fc1");
        assertEquals("32×32", Calculator.analyze(direct).layer("fc1").receptiveField().sizeText());
    }
}
