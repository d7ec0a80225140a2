package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CalculatorSmokeTest {

    @Test
    void alexNetConv1() {
        NetworkSpec s = NetworkSpec.builder("a").input(227, 227, 3).add("conv1", LayerSpec.Conv2D.of(96, 11, 4, 0)).build();
        LayerReport r = Calculator.analyze(s).layer("conv1");
        assertEquals("(227 − 11 + 2·0)/4 + 1 = 55", r.shapeFormula());
        assertEquals("(11·11·3 + 1)·96 = 34,944", r.paramFormula());
        assertEquals("55×55×96", r.output().toString());
    }

    @Test
    void strideThreeDoesNotFitSevenBySeven() {
        NetworkSpec s = NetworkSpec.builder("a").input(7, 7, 1).add("conv1", LayerSpec.Conv2D.of(1, 3, 3, 0)).build();
        NetworkReport r = Calculator.analyze(s);
        assertEquals(1, r.errors().size());
        assertEquals("(7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at stride 3 does not fit a 7×7 input; padding 1, stride 2, same padding or floor mode (a network setting) would fit",
                r.errors().get(0).text());
        System.out.println(Calculator.analyze(s.withFloorMode(true)).warnings());
    }
}
