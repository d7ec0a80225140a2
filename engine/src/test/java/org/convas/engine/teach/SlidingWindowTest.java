package org.convas.engine.teach;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walk's numbers against a hand-computed dot product and against the engine's own layers. */
class SlidingWindowTest {

    /** 7×7, values 0..48 row by row. */
    private static Volume counting7x7() {
        double[] v = new double[49];
        for (int i = 0; i < 49; i++) v[i] = i;
        return Volume.of(1, 7, 7, v);
    }

    /** A vertical-edge filter: 1 0 −1 in every row. */
    private static final double[] EDGE = {1, 0, -1, 1, 0, -1, 1, 0, -1};

    @Test
    void strideOneOnSevenBySevenGivesFiveByFiveAndTheHandComputedDotProduct() {
        SlidingWindow walk = SlidingWindow.convolution(counting7x7(), LayerSpec.Conv2D.of(1, 3, 1, 0), EDGE, new double[] {1});
        assertEquals("(7 − 3 + 2·0)/1 + 1 = 5", walk.shapeFormula());
        assertEquals(new Shape(5, 5, 1), walk.output().orElseThrow());
        assertEquals(25, walk.steps());
        assertTrue(walk.fits());
        // Window at row 1, column 2 covers rows 1..3, columns 2..4: values 9 10 11 / 16 17 18 / 23 24 25.
        // 9·1 + 10·0 + 11·(−1) + 16·1 + 17·0 + 18·(−1) + 23·1 + 24·0 + 25·(−1) = −2 − 2 − 2 = −6; + bias 1 = −5.
        SlidingWindow.Step s = walk.step(walk.stepOf(0, 1, 2));
        assertEquals(1, s.top());
        assertEquals(2, s.left());
        assertEquals(-5, s.value());
        assertEquals(List.of(
                "9·1 + 10·0 + 11·(−1) + 16·1 + 17·0 + 18·(−1) + 23·1 + 24·0 + 25·(−1) = −6",
                "out[0][1][2] = −6 + bias 1 = −5"), s.lines());
    }

    @Test
    void strideTwoGivesThreeByThree() {
        SlidingWindow walk = SlidingWindow.convolution(counting7x7(), LayerSpec.Conv2D.of(1, 3, 2, 0), EDGE, new double[] {0});
        assertEquals("(7 − 3 + 2·0)/2 + 1 = 3", walk.shapeFormula());
        assertEquals(9, walk.steps());
        SlidingWindow.Step last = walk.step(8);
        assertEquals(4, last.top());
        assertEquals(4, last.left());
    }

    @Test
    void strideThreeDoesNotFitSevenBySevenAndTheWalkShowsTheWindowThatFallsOff() {
        SlidingWindow walk = SlidingWindow.convolution(counting7x7(), LayerSpec.Conv2D.of(1, 3, 3, 0), EDGE, new double[] {0});
        assertFalse(walk.fits());
        assertEquals("(7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at stride 3 does not fit a 7×7 input; padding 1, stride 2, same padding or floor mode (a network setting) would fit",
                walk.problem().orElseThrow().text());
        assertEquals(new Shape(2, 2, 1), walk.output().orElseThrow());
        // (0,0) (0,1) (0,2 off) (1,0) (1,1) (1,2 off) (2,0 off)
        assertEquals(7, walk.steps());
        boolean[] fits = new boolean[7];
        for (int i = 0; i < 7; i++) fits[i] = walk.step(i).fits();
        assertEquals("[true, true, false, true, true, false, false]", java.util.Arrays.toString(fits));
        SlidingWindow.Step off = walk.step(2);
        assertEquals(6, off.left());
        assertTrue(Double.isNaN(off.value()));
        assertEquals("The next window would cover columns 6–8, but the input ends at column 6: 2 columns would fall off the edge.",
                off.lines().get(0));
        assertEquals(walk.problem().orElseThrow().text(), off.lines().get(1));
        SlidingWindow.Step below = walk.step(6);
        assertEquals(6, below.top());
        assertTrue(below.lines().get(0).startsWith("The next row of windows would cover rows 6–8"));
    }

    @Test
    void paddingOneKeepsSevenBySevenAndThePaddedCellsAreZeros() {
        SlidingWindow walk = SlidingWindow.convolution(counting7x7(), LayerSpec.Conv2D.of(1, 3, 1, 1), EDGE, new double[] {0});
        assertEquals("(7 − 3 + 2·1)/1 + 1 = 7", walk.shapeFormula());
        SlidingWindow.Step first = walk.step(0);
        assertEquals(-1, first.top());
        assertEquals(-1, first.left());
        long padded = first.terms().stream().filter(SlidingWindow.Term::padding).count();
        assertEquals(5, padded); // the top row and the left column of the window: 3 + 3 − 1
        assertTrue(first.terms().stream().filter(SlidingWindow.Term::padding).allMatch(t -> t.input() == 0));
        // rows −1..1, columns −1..1: only (0,0)=0, (0,1)=1, (1,0)=7, (1,1)=8 are inside; weights at those: 0, −1, 0, −1.
        assertEquals(-9, first.value());
    }

    @Test
    void theWalkAgreesWithTheEnginesConvolutionOnTheFiveByFiveByThreeDemo() {
        // CS231n's demo: 5×5×3 input, two 3×3 filters, stride 2, padding 1 → 3×3×2.
        Random r = new Random(3);
        double[] x = new double[75];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(3);
        double[] w = new double[2 * 3 * 9];
        for (int i = 0; i < w.length; i++) w[i] = r.nextInt(3) - 1;
        double[] b = {1, 0};
        LayerSpec.Conv2D conv = LayerSpec.Conv2D.of(2, 3, 2, 1);
        SlidingWindow walk = SlidingWindow.convolution(Volume.of(3, 5, 5, x), conv, w, b);
        assertEquals("(5 − 3 + 2·1)/2 + 1 = 3", walk.shapeFormula());
        assertEquals(18, walk.steps());
        float[] engine = engineOutput(Volume.of(3, 5, 5, x), conv, w, b, false);
        for (int i = 0; i < walk.steps(); i++) {
            SlidingWindow.Step s = walk.step(i);
            assertEquals(engine[(s.map() * 3 + s.outRow()) * 3 + s.outCol()], s.value(), 1e-5, "step " + i);
        }
        // Three channel lines and the result line for a filter over depth 3.
        SlidingWindow.Step s = walk.step(4);
        assertEquals(4, s.lines().size());
        assertTrue(s.lines().get(0).startsWith("channel 0: "), s.lines().get(0));
        assertTrue(s.lines().get(3).startsWith("out[0][1][1] = "), s.lines().get(3));
        assertTrue(s.lines().get(3).contains(" + bias 1 = "), s.lines().get(3));
    }

    @Test
    void deepInputsListTheFirstChannelsInFullAndTheRestAsSums() {
        double[] x = new double[8 * 3 * 3];
        for (int i = 0; i < x.length; i++) x[i] = i % 3;
        double[] w = new double[8 * 9];
        java.util.Arrays.fill(w, 1);
        SlidingWindow walk = SlidingWindow.convolution(Volume.of(8, 3, 3, x), LayerSpec.Conv2D.of(1, 3, 1, 0), w, new double[] {0.5});
        List<String> lines = walk.step(0).lines();
        assertEquals(5, lines.size());
        assertTrue(lines.get(2).startsWith("channel 2: "), lines.get(2));
        // Channel d holds (d·9 + i) mod 3 for i = 0..8: each channel sums to 9.
        assertEquals("channels 3–7, sums: 9, 9, 9, 9, 9", lines.get(3));
        assertEquals("out[0][0][0] = 9 + 9 + 9 + 9 + 9 + 9 + 9 + 9 + bias 0.5 = 72.5", lines.get(4));
        assertEquals(72.5, walk.step(0).value());
    }

    @Test
    void oneByOneConvolutionIsADotProductAcrossDepth() {
        double[] x = new double[4 * 3 * 3];
        for (int i = 0; i < x.length; i++) x[i] = (i * 7) % 5 - 2;
        double[] w = {1, -2, 0.5, 3, 0, 1, 1, 1};
        LayerSpec.Conv2D conv = new LayerSpec.Conv2D(2, 1, 1, 1, Padding.NONE, 1, 1, false);
        SlidingWindow walk = SlidingWindow.convolution(Volume.of(4, 3, 3, x), conv, w, null);
        SlidingWindow.Step s = walk.step(walk.stepOf(1, 2, 0));
        assertEquals(4, s.terms().size());
        double hand = 0;
        for (int d = 0; d < 4; d++) hand += x[(d * 3 + 2) * 3] * w[4 + d];
        assertEquals(hand, s.value(), 1e-12);
        assertEquals(2, s.lines().size());
        assertTrue(s.lines().get(0).startsWith("depth column at row 2, column 0: "), s.lines().get(0));
        assertEquals("out[1][2][0] = " + SlidingWindow.number(hand), s.lines().get(1));
        float[] engine = engineOutput(Volume.of(4, 3, 3, x), conv, w, new double[0], false);
        for (int i = 0; i < walk.steps(); i++) {
            SlidingWindow.Step t = walk.step(i);
            assertEquals(engine[(t.map() * 3 + t.outRow()) * 3 + t.outCol()], t.value(), 1e-5);
        }
    }

    @Test
    void maxPoolingNamesTheWinnerAndAgreesWithTheEngine() {
        // The lecture's single depth slice: 1 1 2 4 / 5 6 7 8 / 3 2 1 0 / 1 2 3 4, 2×2 filters stride 2 → 6 8 / 3 4.
        Volume in = Volume.of(1, 4, 4, 1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4);
        SlidingWindow walk = SlidingWindow.pooling(in, LayerSpec.MaxPool.of(2, 2));
        assertEquals(4, walk.steps());
        double[] got = new double[4];
        for (int i = 0; i < 4; i++) got[i] = walk.step(i).value();
        assertEquals("[6.0, 8.0, 3.0, 4.0]", java.util.Arrays.toString(got));
        SlidingWindow.Step first = walk.step(0);
        SlidingWindow.Term winner = first.terms().get(first.winner());
        assertEquals(1, winner.row());
        assertEquals(1, winner.col());
        assertEquals(List.of("max(1, 1, 5, 6) = 6", "out[0][0][0] = 6: the input at row 1, column 1 wins"), first.lines());
        float[] engine = engineOutput(in, LayerSpec.MaxPool.of(2, 2), null, null, false);
        for (int i = 0; i < 4; i++) assertEquals(engine[i], got[i], 0);
    }

    @Test
    void averagePoolingCountsPaddedZerosLikeTheEngine() {
        Random r = new Random(5);
        double[] x = new double[2 * 5 * 5];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(9) - 4;
        LayerSpec.AvgPool pool = new LayerSpec.AvgPool(3, 2, Padding.of(1));
        SlidingWindow walk = SlidingWindow.pooling(Volume.of(2, 5, 5, x), pool);
        float[] engine = engineOutput(Volume.of(2, 5, 5, x), pool, null, null, false);
        assertEquals(18, walk.steps());
        for (int i = 0; i < walk.steps(); i++) {
            SlidingWindow.Step s = walk.step(i);
            assertEquals(engine[(s.map() * 3 + s.outRow()) * 3 + s.outCol()], s.value(), 1e-5);
        }
        assertTrue(walk.step(0).lines().get(0).startsWith("(0 + 0 + 0 + 0 + "), walk.step(0).lines().get(0));
    }

    @Test
    void strideThreeWalkMatchesTheEngineInFloorMode() {
        SlidingWindow walk = SlidingWindow.convolution(counting7x7(), LayerSpec.Conv2D.of(1, 3, 3, 0), EDGE, new double[] {2});
        float[] engine = engineOutput(counting7x7(), LayerSpec.Conv2D.of(1, 3, 3, 0), EDGE, new double[] {2}, true);
        for (int r = 0; r < 2; r++) for (int c = 0; c < 2; c++) assertEquals(engine[r * 2 + c], walk.value(0, r, c), 1e-5);
    }

    @Test
    void aFilterLargerThanTheInputHasNoStepsAndSaysWhy() {
        SlidingWindow walk = SlidingWindow.convolution(Volume.of(1, 2, 2, 1, 2, 3, 4), LayerSpec.Conv2D.of(1, 3, 1, 0),
                new double[9], new double[1]);
        assertEquals(0, walk.steps());
        assertTrue(walk.output().isEmpty());
        assertTrue(walk.problem().orElseThrow().text().contains("larger than the 2×2 input"), walk.problem().orElseThrow().text());
    }

    @Test
    void wrongNumbersOfWeightsAreRefusedWithTheCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlidingWindow.convolution(counting7x7(), LayerSpec.Conv2D.of(2, 3, 1, 0), EDGE, new double[2]));
        assertEquals("2 filters of 3×3×1 need 18 weights, not 9", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Volume.of(1, 2, 2, 1, 2, 3));
    }

    @Test
    void numbersAreWrittenAsOnTheSlides() {
        assertEquals("3", SlidingWindow.number(3.0));
        assertEquals("−1", SlidingWindow.number(-1));
        assertEquals("0.33", SlidingWindow.number(1 / 3.0));
        assertEquals("(−2.5)", SlidingWindow.factor(-2.5));
    }

    /** The engine's forward pass of input → layer → flatten → FC 1, read at the layer. */
    static float[] engineOutput(Volume in, LayerSpec layer, double[] w, double[] b, boolean floor) {
        NetworkSpec spec = NetworkSpec.builder("oracle").floorMode(floor).input(in.width(), in.height(), in.depth())
                .add("layer", layer).add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(1)).build();
        Model model = Model.create(spec, Initializer.HE, 1);
        if (w != null) model.setTensor("layer.weight", toFloats(w));
        if (b != null && b.length > 0) model.setTensor("layer.bias", toFloats(b));
        ModelWorker ex = model.newWorker(1, false);
        ex.forward(in.toFloats(), 0, 1, false, 0);
        return ex.activation("layer").clone();
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
