package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sizes are exact: a field beyond its stated limit is an error naming the node and the field, and sizes within the
 * limits never wrap round, hang or throw (the cases a tester found: stride + padding = 2,147,483,647 hung, padding
 * 2,147,483,647 gave 24×24, filters 2,147,483,647 and a 100000×100000 input threw ArithmeticException).
 */
@Timeout(5)
class CalculatorLimitsTest {

    private static NetworkReport conv(int w, int h, LayerSpec.Conv2D conv) {
        return Calculator.analyze(NetworkSpec.builder("n").input(w, h, 1).add("conv", conv)
                .add("flat", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10)).build());
    }

    private static Problem error(NetworkReport r) {
        assertFalse(r.isValid(), "an error expected");
        return r.errors().get(0);
    }

    @Test
    void strideAndPaddingAtTheIntLimitAreRefusedAtOnceNamingTheField() {
        Problem p = error(conv(28, 28, new LayerSpec.Conv2D(6, 5, 5, 2_147_483_646, Padding.of(1), 1, 1, true)));
        assertEquals("conv", p.nodeId());
        assertEquals("stride", p.field());
        assertEquals("stride must be at most 65,536 (it is 2,147,483,646)", p.text());
    }

    @Test
    void hugePaddingIsAnErrorNotA24By24Output() {
        NetworkReport r = conv(28, 28, new LayerSpec.Conv2D(6, 5, 5, 1, Padding.of(Integer.MAX_VALUE), 1, 1, true));
        Problem p = error(r);
        assertEquals("padding", p.field());
        assertEquals("padding must be at most 65,536 (it is 2,147,483,647)", p.text());
        assertNull(r.layer("conv").output());
    }

    @Test
    void paddingAtTheLimitIsComputedExactly() {
        // (28 − 5 + 2·65,536)/1 + 1 = 131,096: in 32-bit arithmetic 2·P alone is fine, but the volume below is not.
        NetworkReport r = conv(28, 28, new LayerSpec.Conv2D(6, 5, 5, 1, Padding.of(65_536), 1, 1, true));
        assertEquals(131_096, r.layer("conv").output().width());
        assertEquals(131_096L * 131_096 * 6, r.layer("conv").activations());
        assertTrue(r.layer("conv").macs() > Integer.MAX_VALUE);
        assertEquals(131_096L * 131_096 * 6 * 25, r.layer("conv").macs());
    }

    @Test
    void filtersAtTheIntLimitAreAnErrorNotAnException() {
        Problem p = error(conv(28, 28, new LayerSpec.Conv2D(Integer.MAX_VALUE, 5, 5, 1, Padding.of(0), 1, 1, true)));
        assertEquals("filters", p.field());
        assertEquals("filters must be at most 1,048,576 (it is 2,147,483,647)", p.text());
    }

    @Test
    void anInputBeyondTheLimitIsAnErrorAndOneAtTheLimitFlattensIntoAnError() {
        NetworkReport big = Calculator.analyze(NetworkSpec.builder("n").input(100_000, 100_000, 3)
                .add("flat", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10)).build());
        Problem p = error(big);
        assertEquals("width", p.field());
        assertEquals("width must be at most 65,536 (it is 100,000)", p.text());

        NetworkReport limit = Calculator.analyze(NetworkSpec.builder("n").input(65_536, 65_536, 3)
                .add("flat", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(10)).build());
        Problem flat = error(limit);
        assertEquals("flat", flat.nodeId());
        assertEquals(Problem.TOO_LARGE, flat.rule());
        assertTrue(flat.text().contains("12,884,901,888 values: more than the 2,147,483,647 a flat vector may hold"), flat.text());
    }

    @Test
    void aFullyConnectedLayerOnAHugeInputCountsItsWeightsExactlyOrRefuses() {
        NetworkReport r = Calculator.analyze(NetworkSpec.builder("n").input(65_536, 65_536, 1_048_576)
                .add("fc", LayerSpec.FullyConnected.of(1_048_576)).build());
        Problem p = error(r);
        assertEquals("fc", p.nodeId());
        assertEquals("units", p.field());
        assertTrue(p.text().contains("more than 9.2·10^18 weights"), p.text());

        NetworkReport ok = Calculator.analyze(NetworkSpec.builder("n").input(4_096, 4_096, 3)
                .add("fc", LayerSpec.FullyConnected.of(100_000)).build());
        assertTrue(ok.isValid(), ok.problems().toString());
        assertEquals(4_096L * 4_096 * 3 * 100_000, ok.layer("fc").weights());
    }

    @Test
    void aDilatedKernelBeyondTheLimitIsRefused() {
        Problem p = error(conv(28, 28, new LayerSpec.Conv2D(6, 3, 3, 1, Padding.of(0), 65_536, 1, true)));
        assertEquals("dilation", p.field());
        assertTrue(p.text().contains("dilation·(kernel − 1) + 1 = 131,073 must be at most 65,536"), p.text());
    }

    @Test
    void totalsSaturateInsteadOfWrappingRound() {
        NetworkSpec.Builder b = NetworkSpec.builder("n").input(8_192, 8_192, 1_048_576);
        String last = "input";
        for (int i = 0; i < 4; i++) {
            b.add("c" + i, new LayerSpec.Conv2D(1_048_576, 1, 1, 1, Padding.of(0), 1, 1, false));
        }
        NetworkReport r = Calculator.analyze(b.build());
        assertTrue(r.totalActivations() > 0 && r.trainingBytesPerImage() > 0, "never negative");
        assertTrue(r.memoryForBatch(1_000_000, 2).totalBytes() > 0);
    }

    @Test
    void receptiveFieldsStopAtTheLargestLongInsteadOfWrappingRound() {
        NetworkSpec.Builder b = NetworkSpec.builder("n").input(65_536, 65_536, 1);
        b.add("p0", new LayerSpec.MaxPool(65_536, 65_536, Padding.of(0)));      // 65,536 → 1
        for (int i = 1; i < 6; i++) b.add("p" + i, new LayerSpec.MaxPool(1, 65_536, Padding.of(0)));  // 1 → 1
        NetworkReport r = Calculator.analyze(b.build());
        for (String id : List.of("p0", "p1", "p2", "p3", "p4", "p5")) {
            ReceptiveField rf = r.layer(id).receptiveField();
            assertTrue(rf.jumpX() > 0 && rf.width() > 0, id + ": " + rf);
        }
        assertEquals(Long.MAX_VALUE, r.layer("p5").receptiveField().jumpX());
    }
}
