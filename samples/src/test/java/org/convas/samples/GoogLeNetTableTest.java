package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoogLeNet against Table 1 of Szegedy et al. 2014, which the lecture reproduces (seed 001, "Case Study:
 * GoogLeNet": "inception (3a) 28×28×256 … 159K 128M"). The table's "params" and "ops" columns are rounded,
 * count weights only (no biases), and use K = 1024 in places; the comparisons below say how close each is.
 */
class GoogLeNetTableTest {

    /** Table 1: module, output size, params (K), ops (M). */
    private static final Object[][] TABLE = {
            {"3a", "28×28×256", 159, 128},
            {"3b", "28×28×480", 380, 304},
            {"4a", "14×14×512", 364, 73},
            {"4b", "14×14×512", 437, 88},
            {"4c", "14×14×512", 463, 100},
            {"4d", "14×14×528", 580, 119},
            {"4e", "14×14×832", 840, 170},
            {"5a", "7×7×832", 1072, 54},
            {"5b", "7×7×1024", 1388, 71},
    };

    private final NetworkReport report = Calculator.analyze(GoogLeNet.build());

    private long moduleWeights(String module) {
        return report.layers().stream().filter(l -> l.id().startsWith("inception" + module + "/")).mapToLong(LayerReport::weights).sum();
    }

    private long moduleMacs(String module) {
        return report.layers().stream().filter(l -> l.id().startsWith("inception" + module + "/")).mapToLong(LayerReport::macs).sum();
    }

    @Test
    void moduleOutputsHaveTheTablesSizes() {
        for (Object[] row : TABLE) {
            assertEquals(row[1], report.layer("inception" + row[0] + "/output").output().toString(), (String) row[0]);
        }
        assertEquals("112×112×64", report.layer("conv1/7x7_s2").output().toString());
        assertEquals("56×56×64", report.layer("pool1/3x3_s2").output().toString());
        assertEquals("56×56×192", report.layer("conv2/3x3").output().toString());
        assertEquals("28×28×192", report.layer("pool2/3x3_s2").output().toString());
        assertEquals("14×14×480", report.layer("pool3/3x3_s2").output().toString());
        assertEquals("7×7×832", report.layer("pool4/3x3_s2").output().toString());
        assertEquals("1×1×1024", report.layer("pool5/7x7_s1").output().toString());
        assertEquals("depth 64 + 128 + 32 + 32 = 256", report.layer("inception3a/output").shapeFormula());
    }

    /**
     * Weights of each module from its own branch widths, e.g. 3a on 192 channels:
     * 192·64 + 192·96 + 9·96·128 + 192·16 + 25·16·32 + 192·32 = 163,328.
     */
    @Test
    void moduleWeightsFollowFromTheBranchWidths() {
        long[] expected = {163_328, 388_096, 375_552, 448_512, 509_440, 604_672, 867_328, 1_042_432, 1_442_816};
        for (int i = 0; i < TABLE.length; i++) assertEquals(expected[i], moduleWeights((String) TABLE[i][0]), (String) TABLE[i][0]);
    }

    /**
     * The ops column is the multiply-adds, rounded to millions: 3a 28·28·163,328 = 128.05M. Eight of nine
     * agree within 1M. 5a does not: its branch widths give 7·7·1,042,432 = 51.1M where the table says 54M (and
     * 1072K parameters where the widths give 1,042K), a slip in the table's 5a row.
     */
    @Test
    void moduleMultiplyAddsMatchTheOpsColumn() {
        for (Object[] row : TABLE) {
            String m = (String) row[0];
            double millions = moduleMacs(m) / 1e6;
            int table = (Integer) row[3];
            if (m.equals("5a")) {
                assertEquals(51.08, millions, 0.01);
            } else {
                assertEquals(table, millions, 1.0, m);
            }
        }
    }

    /**
     * The params column within 5 % of the branch widths' weights, except 4c: the table says 463K but 4c's own
     * widths (128, 128, 256, 24, 64, 64 on 512 channels) give 509K, and the table's own ops figure for 4c
     * (100M = 14·14·509K) agrees with 509K, so 463K is a slip in the table.
     */
    @Test
    void moduleWeightsMatchTheParamsColumnWithinRounding() {
        for (Object[] row : TABLE) {
            String m = (String) row[0];
            double thousands = moduleWeights(m) / 1e3;
            int table = (Integer) row[2];
            if (m.equals("4c")) {
                assertEquals(509.44, thousands, 0.01);
                assertEquals(100, Math.round(moduleMacs(m) / 1e6));
            } else {
                assertEquals(table, thousands, table * 0.05, m);
            }
        }
    }

    /**
     * Table 1's params column adds up to 6,797.7K (with 2.7K for conv1, 112K for conv2 and 1000K for the linear
     * layer); the network's weights are 6,990,272, 2.8 % more, mostly from 4c's slip; 8,280 biases on top.
     * The lecture's "Only 5 million params!" (seed 001) is rounder still.
     */
    @Test
    void totalIsAboutSevenMillionParameters() {
        assertEquals(6_990_272L, report.totalWeights());
        assertEquals(6_998_552L, report.totalParameters());
        assertEquals(6_797.7, 2.7 + 112 + 159 + 380 + 364 + 437 + 463 + 580 + 840 + 1072 + 1388 + 1000, 1e-9);
        assertEquals(6_797_700, report.totalWeights(), 6_797_700 * 0.03);
        assertEquals(1_025_000, report.layer("classifier").parameters());
    }

    /**
     * The lecture's cost slide (seed 003, "Conv Ops"): a naive module on 28×28×256 with 1×1 128, 3×3 192 and
     * 5×5 96 branches, "Total: 854M ops", against the same module with 1×1 reductions of 64, "Total: 358M ops".
     * The naive figure checks out (854.2M). The reduced one does not: the slide's own six terms,
     * 28·28·(64·256 + 64·256 + 128·256 + 192·9·64 + 96·25·64 + 64·256), add up to 271.4M, so 358M is an
     * arithmetic slip in the slides; the test pins the sum of the terms.
     */
    @Test
    void oneByOneReductionsCutTheLecturesExampleCost() {
        long naive = 28L * 28 * (128 * 256 + 192 * 9 * 256 + 96 * 25 * 256);
        assertEquals(854, Math.round(naive / 1e6));
        long reduced = 28L * 28 * (64 * 256 + 64 * 256 + 128 * 256 + 192 * 9 * 64 + 96 * 25 * 64 + 64 * 256);
        assertEquals(271_351_808L, reduced);
        // The calculator on that very module agrees with the sum of the terms.
        NetworkSpec module = NetworkSpec.builder("slide")
                .input(28, 28, 256)
                .add("1x1", LayerSpec.Conv2D.of(128, 1, 1, 0), "input")
                .add("3x3_reduce", LayerSpec.Conv2D.of(64, 1, 1, 0), "input")
                .add("3x3", LayerSpec.Conv2D.of(192, 3, 1, 1))
                .add("5x5_reduce", LayerSpec.Conv2D.of(64, 1, 1, 0), "input")
                .add("5x5", LayerSpec.Conv2D.of(96, 5, 1, 2))
                .add("pool", new LayerSpec.MaxPool(3, 1, Padding.of(1)), "input")
                .add("pool_proj", LayerSpec.Conv2D.of(64, 1, 1, 0))
                .add("output", new LayerSpec.Concat(), "1x1", "3x3", "5x5", "pool_proj")
                .build();
        NetworkReport r = Calculator.analyze(module);
        assertEquals(reduced, r.totalMacs());
        assertEquals("28×28×480", r.layer("output").output().toString());
        assertTrue(moduleMacs("3b") < naive);
    }

    @Test
    void noAuxiliaryClassifiersSoOneFullyConnectedLayer() {
        assertEquals(1, report.layers().stream().filter(l -> l.node().layer() instanceof LayerSpec.FullyConnected).count());
        assertEquals(9, report.layers().stream().filter(l -> l.node().layer() instanceof LayerSpec.Concat).count());
    }
}
