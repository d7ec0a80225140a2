package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Padding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calculator's messages for bad networks, pinned word for word: a student reads these, so a change
 * of wording is a change of behaviour. The arithmetic in each message is the lecture's
 * W2 = (W1 − F + 2P)/S + 1 (CS231n notes, /work/shared/seeds/002: "(5 − 3 + 2) = 4 is not divisible by 3").
 */
class CalculatorProblemsTest {

    private static NetworkSpec.Builder input(int w, int h, int d) {
        return NetworkSpec.builder("test").input(w, h, d);
    }

    private static Problem onlyProblem(NetworkSpec spec) {
        List<Problem> problems = Calculator.analyze(spec).problems();
        assertEquals(1, problems.size(), () -> "expected one problem, got " + problems);
        return problems.get(0);
    }

    private static NetworkSpec sevenByStrideThree() {
        return input(7, 7, 1).add("conv1", LayerSpec.Conv2D.of(1, 3, 3, 0)).build();
    }

    @Test
    void strideThreeOnSevenBySevenIsAnErrorWithEveryFixThatWorks() {
        Problem p = onlyProblem(sevenByStrideThree());
        assertTrue(p.isError());
        assertEquals("conv1", p.nodeId());
        assertEquals("stride", p.field());
        assertEquals(Problem.FIT, p.rule());
        assertEquals("(7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at stride 3 does not fit a 7×7 input; "
                + "padding 1, stride 2, same padding or floor mode (a network setting) would fit", p.text());
        assertEquals("padding 1, stride 2, same padding or floor mode (a network setting)", p.fix());
        // (7 − 3 + 2·1)/3 + 1 = 3, (7 − 3)/2 + 1 = 3, ⌈7/3⌉ = 3: each applicable as it is.
        assertEquals(List.of(new Fix.SetLayer("conv1", LayerSpec.Conv2D.of(1, 3, 3, 1)), new Fix.SetLayer("conv1", LayerSpec.Conv2D.of(1, 3, 2, 0)),
                new Fix.SetLayer("conv1", LayerSpec.Conv2D.of(1, 3, 3, Padding.SAME)), new Fix.SetFloorMode(true)),
                p.fixes().stream().map(Fix::change).toList());
        assertNull(Calculator.analyze(sevenByStrideThree()).layer("conv1").output());
    }

    @Test
    void floorModeTurnsTheMisfitIntoAWarningNamingTheDroppedPixels() {
        NetworkReport r = Calculator.analyze(sevenByStrideThree().withFloorMode(true));
        assertTrue(r.isValid());
        Problem p = onlyProblem(sevenByStrideThree().withFloorMode(true));
        assertFalse(p.isError());
        // 7×7 − 6×6 = 13 pixels the 3×3/3 windows never visit.
        assertEquals("(7 − 3 + 2·0)/3 + 1 = 2.33, floored to 2×2: a 3×3 filter at stride 3 leaves the last 1 column and 1 row "
                + "of the 7×7 input unused (13 pixels per channel dropped)", p.text());
        assertEquals("2×2×1", r.layer("conv1").output().toString());
    }

    @Test
    void rectangularInputShowsBothAxesAndTheArticleFitsTheNumber() {
        Problem p = onlyProblem(input(8, 9, 1).add("conv1", LayerSpec.Conv2D.of(1, 3, 2, 0)).build());
        assertEquals("W: (8 − 3 + 2·0)/2 + 1 = 3.5; H: (9 − 3 + 2·0)/2 + 1 = 4: a 3×3 filter at stride 2 does not fit an 8×9 input; "
                + "stride 1, same padding or floor mode (a network setting) would fit", p.text());
    }

    @Test
    void articleFollowsHowTheNumberIsRead() {
        assertEquals("an", Calculator.article(8));
        assertEquals("an", Calculator.article(11));
        assertEquals("an", Calculator.article(18));
        assertEquals("an", Calculator.article(80));
        assertEquals("an", Calculator.article(11_000));
        assertEquals("a", Calculator.article(7));
        assertEquals("a", Calculator.article(110));
        assertEquals("a", Calculator.article(181));
        assertEquals("a", Calculator.article(224));
    }

    @Test
    void kernelLargerThanInputGivesNegativeSizeAndTheNeededPadding() {
        Problem p = onlyProblem(input(3, 3, 1).add("conv1", LayerSpec.Conv2D.of(4, 5, 1, 0)).build());
        assertEquals(Problem.EMPTY_OUTPUT, p.rule());
        assertEquals("kernel", p.field());
        // (3 − 5 + 2·1)/1 + 1 = 1: padding 1 is the least that fits.
        assertEquals("(3 − 5 + 2·0)/1 + 1 = −1: a 5×5 filter at stride 1 is larger than the 3×3 input; "
                + "padding 1, a 3×3 filter or same padding would fit", p.text());
    }

    @Test
    void kernelLargerThanPaddedInputNamesThePaddedSize() {
        Problem p = onlyProblem(input(2, 2, 1).add("conv1", LayerSpec.Conv2D.of(1, 7, 1, 1)).build());
        assertEquals("(2 − 7 + 2·1)/1 + 1 = −2: a 7×7 filter at stride 1 with padding 1 is larger than the padded 4×4 input; "
                + "padding 3, a 4×4 filter or same padding would fit", p.text());
    }

    @Test
    void outputOfExactlyZeroIsAnEmptyOutputError() {
        Problem p = onlyProblem(input(3, 3, 1).add("conv1", LayerSpec.Conv2D.of(1, 5, 2, 0)).build());
        assertEquals(Problem.EMPTY_OUTPUT, p.rule());
        assertEquals("(3 − 5 + 2·0)/2 + 1 = 0: a 5×5 filter at stride 2 is larger than the 3×3 input; "
                + "padding 1, a 3×3 filter or same padding would fit", p.text());
    }

    @Test
    void poolingWindowLargerThanInputSaysWindow() {
        Problem p = onlyProblem(input(4, 4, 1).add("pool1", LayerSpec.MaxPool.of(7, 1)).build());
        assertEquals("size", p.field());
        assertEquals("(4 − 7 + 2·0)/1 + 1 = −2: a 7×7 window at stride 1 is larger than the 4×4 input; "
                + "padding 2, a 4×4 window or same padding would fit", p.text());
    }

    @Test
    void addWithDifferentDepthsSuggestsAOneByOneConvolution() {
        NetworkSpec s = input(8, 8, 3).add("conv1", LayerSpec.Conv2D.of(16, 3, 1, 1)).add("sum", new LayerSpec.Add(), "input", "conv1").build();
        Problem p = onlyProblem(s);
        assertEquals("sum", p.nodeId());
        assertEquals(Problem.MERGE_SHAPE, p.rule());
        assertEquals("Add needs inputs of one shape: input gives 8×8×3 but conv1 gives 8×8×16 (depth 3 ≠ 16); "
                + "a 1×1 convolution with 3 filters on conv1 would fit", p.text());
    }

    @Test
    void addWithDifferentSizesSuggestsAStridedProjectionThatFits() {
        NetworkSpec s = input(8, 8, 16).add("conv1", LayerSpec.Conv2D.of(16, 3, 2, Padding.SAME))
                .add("sum", new LayerSpec.Add(), "conv1", "input").build();
        // A 1×1 at stride 2 without padding does not fit 8×8 ((8 − 1)/2 + 1 = 4.5), so only the "same" one is offered.
        Problem p = onlyProblem(s);
        assertEquals("Add needs inputs of one shape: conv1 gives 4×4×16 but input gives 8×8×16 (size 4×4 ≠ 8×8); "
                + "a 1×1 convolution with 16 filters, stride 2 and same padding on input would fit", p.text());
        NetworkSpec fixed = p.fixes().get(0).change().applyTo(s);
        assertEquals(List.of("conv1", "conv2d1"), fixed.node("sum").inputs());
        assertTrue(Calculator.analyze(fixed).problems().isEmpty(), Calculator.analyze(fixed).problems()::toString);
    }

    @Test
    void concatOfDifferentSpatialSizesIsAnErrorWithAPoolingFix() {
        NetworkSpec s = input(8, 8, 3).add("pool1", LayerSpec.MaxPool.of(2, 2)).add("cat", new LayerSpec.Concat(), "input", "pool1").build();
        Problem p = onlyProblem(s);
        assertEquals(Problem.MERGE_SHAPE, p.rule());
        // Padding pool1 by 4 would also give 8×8, but a 2×2 window padded by more than 1 sees only zeros: not offered.
        assertEquals("Concat stacks maps of one width and height: input gives 8×8×3 but pool1 gives 4×4×3 (8×8 ≠ 4×4); "
                + "a 2×2 max pooling at stride 2 on input would fit", p.text());
        assertEquals(new Fix.InsertOnConnection("input", "cat", LayerSpec.MaxPool.of(2, 2)), p.fixes().get(0).change());
    }

    @Test
    void concatOfAnUnpaddedBranchGetsThePaddingThatMatches() {
        // Inception-style: a 3×3 branch without padding gives 6×6 beside the 1×1 branch's 8×8; padding 1 mends it.
        NetworkSpec s = input(8, 8, 3).add("b1", LayerSpec.Conv2D.of(4, 1, 1, 0), "input").add("b3", LayerSpec.Conv2D.of(4, 3, 1, 0), "input")
                .add("cat", new LayerSpec.Concat(), "b1", "b3").build();
        Problem p = onlyProblem(s);
        assertEquals("Concat stacks maps of one width and height: b1 gives 8×8×4 but b3 gives 6×6×4 (8×8 ≠ 6×6); "
                + "padding 1 on b3 or same padding on b3 would fit", p.text());
        for (Fix f : p.fixes()) {
            NetworkReport fixed = Calculator.analyze(f.change().applyTo(s));
            assertTrue(fixed.problems().isEmpty(), f + ": " + fixed.problems());
            assertEquals("8×8×8", fixed.layer("cat").output().toString());
        }
    }

    @Test
    void seventeenBySeventeenAtStrideThreeOnSixteenBySixteenProposesPaddingTwoNotOne() {
        // Padding 1 gives (16 − 17 + 2)/3 + 1 = 1.33, still not whole; padding 2 gives (16 − 17 + 4)/3 + 1 = 2.
        Problem p = onlyProblem(input(16, 16, 1).add("conv1", LayerSpec.Conv2D.of(1, 17, 3, 0)).build());
        assertEquals(Problem.EMPTY_OUTPUT, p.rule());
        assertEquals("(16 − 17 + 2·0)/3 + 1 = 0.67: a 17×17 filter at stride 3 is larger than the 16×16 input; "
                + "padding 2, a 16×16 filter or same padding would fit", p.text());
    }

    @Test
    void strideTwoOnAnEvenInputOffersSamePaddingAndFloorModeWhenNoPaddingCanFit() {
        // (32 − 3 + 2P) is odd for every P, so no padding fits stride 2; stride 1, "same" (⌈32/2⌉ = 16) and floor mode do.
        Problem p = onlyProblem(input(32, 32, 3).add("conv1", LayerSpec.Conv2D.of(8, 3, 2, 0)).build());
        assertEquals("stride 1, same padding or floor mode (a network setting)", p.fix());
    }

    /**
     * Every fix offered for every small window configuration, checked against the lecture's formula written
     * out here (not the calculator): with explicit padding (W − F' + 2P) must be a non-negative multiple of S,
     * "same" padding always fits, and floor mode needs at least one output.
     */
    @Test
    void everyOfferedFixFitsByTheFormula() {
        int offered = 0;
        for (int n = 1; n <= 12; n++) for (int k = 1; k <= 7; k++) for (int st = 1; st <= 4; st++) for (int pad = 0; pad <= 2; pad++) {
            NetworkSpec s = input(n, n, 1).add("conv1", LayerSpec.Conv2D.of(1, k, st, pad)).build();
            for (Problem p : Calculator.analyze(s).problems()) {
                for (Fix f : p.fixes()) {
                    offered++;
                    NetworkSpec fixed = f.change().applyTo(s);
                    LayerSpec.Conv2D c = (LayerSpec.Conv2D) fixed.node("conv1").layer();
                    if (fixed.floorMode()) {
                        assertTrue(n - k + 2 * pad >= 0, s + " " + f);
                    } else if (c.padding().mode() == Padding.Mode.SAME) {
                        assertEquals(Padding.SAME, c.padding());
                    } else {
                        int num = n - c.kernelHeight() + 2 * c.padding().height();
                        assertTrue(num >= 0 && num % c.stride() == 0, n + "×" + n + ", " + c + ": " + f.description() + " does not fit");
                    }
                }
            }
        }
        assertTrue(offered > 500, "fixes offered: " + offered);
    }

    @Test
    void concatOfEqualSizesAddsDepths() {
        NetworkSpec s = input(8, 8, 3).add("conv1", LayerSpec.Conv2D.of(5, 3, 1, 1)).add("cat", new LayerSpec.Concat(), "input", "conv1").build();
        LayerReport cat = Calculator.analyze(s).layer("cat");
        assertEquals("8×8×8", cat.output().toString());
        assertEquals("depth 3 + 5 = 8", cat.shapeFormula());
    }

    @Test
    void groupsThatDoNotDivideTheInputDepthSuggestADivisorOfDepthAndFilters() {
        // 6 input channels, 8 filters, 4 groups: 3 divides 6 but not 8, so the fix must be 2.
        Problem p = onlyProblem(input(8, 8, 6).add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1).withGroups(4)).build());
        assertEquals("groups", p.field());
        assertEquals(Problem.GROUPS, p.rule());
        assertEquals("groups (4) must divide the input depth (6)", p.text());
        assertEquals("groups 2", p.fix());
        NetworkSpec fixed = input(8, 8, 6).add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1).withGroups(2)).build();
        assertTrue(Calculator.analyze(fixed).problems().isEmpty());
    }

    @Test
    void depthwiseAttemptWithWrongGroupsExplainsDepthwise() {
        Problem p = onlyProblem(input(8, 8, 6).add("conv1", LayerSpec.Conv2D.of(4, 3, 1, 1).withGroups(4)).build());
        assertEquals("groups (4) must divide the input depth (6); for a depthwise convolution set groups and filters to 6", p.text());
        assertEquals("groups 2", p.fix());
    }

    @Test
    void groupsThatDoNotDivideTheFiltersAreARangeError() {
        Problem p = onlyProblem(input(8, 8, 6).add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1).withGroups(3)).build());
        assertEquals(Problem.RANGE, p.rule());
        assertEquals("groups (3) must divide the number of filters (8)", p.text());
    }

    @Test
    void depthwiseConvolutionCountsOneFilterPerChannel() {
        // MobileNet's depthwise layer (Howard et al. 2017): D·F·F weights instead of D·F·F·D.
        LayerReport dw = Calculator.analyze(input(112, 112, 32)
                .add("dw", new LayerSpec.Conv2D(32, 3, 3, 1, Padding.of(1), 1, 32, false)).build()).layer("dw");
        assertEquals(288, dw.weights());
        assertEquals("(3·3·1)·32 = 288 (32 groups of 1 channels)", dw.paramFormula());
        assertEquals(112L * 112 * 32 * 9, dw.macs());
    }

    @Test
    void aDanglingBlockIsNotConnectedAndTheRealOutputIsNotBlamed() {
        NetworkSpec s = input(8, 8, 3).add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("loose", new LayerSpec.ReLU(), new String[0]).build();
        NetworkReport r = Calculator.analyze(s);
        assertEquals(1, r.errors().size());
        Problem p = r.errors().get(0);
        assertEquals("loose", p.nodeId());
        assertEquals(Problem.CONNECTION, p.rule());
        assertEquals("not connected: ReLU has no input", p.text());
        // conv1 is the network's output: a pasted block left dangling does not make it "unused".
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void aSideBranchThatLeadsNowhereIsTheUnusedOneNotTheDeepestOutput() {
        NetworkSpec s = input(8, 8, 3).add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("relu1", new LayerSpec.ReLU())
                .add("fc1", LayerSpec.FullyConnected.of(10)).add("side", new LayerSpec.ReLU(), "conv1").build();
        assertEquals(List.of("the output of side is not used by any layer"),
                Calculator.analyze(s).warnings().stream().map(Problem::text).toList());
    }

    @Test
    void oneMissingWireIsOneErrorWithTheBlocksBelowItFolded() {
        // LeNet-like chain with the wire conv1 → relu1 removed: relu1 is the cause, the six blocks below only wait.
        NetworkSpec s = input(32, 32, 1).add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 0)).add("relu1", new LayerSpec.ReLU(), new String[0])
                .add("pool1", LayerSpec.MaxPool.of(2, 2)).add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("relu2", new LayerSpec.ReLU())
                .add("fc1", LayerSpec.FullyConnected.of(120)).add("fc2", LayerSpec.FullyConnected.of(10)).add("out", new LayerSpec.Softmax()).build();
        NetworkReport r = Calculator.analyze(s);
        assertEquals(1, r.errors().size(), r.problems()::toString);
        assertEquals("not connected: ReLU has no input; the 6 blocks below it (pool1, conv2 … out) get no shape until it is connected",
                r.errors().get(0).text());
        assertEquals(List.of(), r.warnings());
        assertTrue(r.layer("fc2").problems().isEmpty());
        assertNull(r.layer("fc2").output());
    }

    @Test
    void referenceToAMissingNodeIsNamed() {
        NetworkSpec s = new NetworkSpec("test", List.of(
                new Node("input", new LayerSpec.Input(8, 8, 1)),
                new Node("relu", new LayerSpec.ReLU(), "ghost")));
        NetworkReport r = Calculator.analyze(s);
        assertEquals(1, r.errors().size());
        Problem p = r.errors().get(0);
        assertEquals("relu", p.nodeId());
        assertEquals("input \"ghost\" does not exist", p.text());
        assertEquals("connect an existing node", p.fix());
    }

    @Test
    void cycleMarksEveryNodeOnIt() {
        NetworkSpec s = input(8, 8, 3).add("sum", new LayerSpec.Add(), "input", "relu").add("relu", new LayerSpec.ReLU()).build();
        NetworkReport r = Calculator.analyze(s);
        assertEquals(List.of("sum", "relu"), r.errors().stream().map(Problem::nodeId).toList());
        for (Problem p : r.errors()) {
            assertEquals(Problem.CYCLE, p.rule());
            assertEquals("this node is on a cycle: a network must flow one way, from the input to the output", p.text());
        }
    }

    @Test
    void networkWithoutInputSaysSo() {
        NetworkReport r = Calculator.analyze(new NetworkSpec("empty", List.of(new Node("relu", new LayerSpec.ReLU()))));
        assertEquals("the network has no Input node: add one and connect it to the first layer", r.errors().get(0).text());
    }

    @Test
    void fullyConnectedAfterConvolutionFlattensAndShowsIt() {
        // LeNet-5's C5/F5 (LeCun et al. 1998): 5·5·16 = 400 inputs to 120 units, (400 + 1)·120 = 48,120.
        NetworkSpec s = input(5, 5, 16).add("fc1", LayerSpec.FullyConnected.of(120)).build();
        LayerReport fc = Calculator.analyze(s).layer("fc1");
        assertTrue(fc.problems().isEmpty());
        assertEquals("flattens 5×5×16 = 400 values, then → 120 units", fc.shapeFormula());
        assertEquals("(5·5·16 + 1)·120 = 48,120", fc.paramFormula());
        assertEquals("1×1×120", fc.output().toString());
        assertEquals(48_000, fc.macs());
    }

    @Test
    void dilationUsesTheEffectiveKernel() {
        // d·(F − 1) + 1 = 2·2 + 1 = 5: a dilated 3×3 sees 5×5 (CS231n notes on dilated convolutions).
        LayerReport r = Calculator.analyze(input(7, 7, 1).add("conv1", LayerSpec.Conv2D.of(1, 3, 1, 0).withDilation(2)).build()).layer("conv1");
        assertEquals("(7 − 5 + 2·0)/1 + 1 = 3", r.shapeFormula());
        assertEquals(5, r.window().effectiveKernelH());
        assertEquals("5×5", r.receptiveField().sizeText());
        assertEquals(10, r.parameters());
        Problem p = onlyProblem(input(8, 8, 1).add("conv1", LayerSpec.Conv2D.of(1, 3, 2, 0).withDilation(2)).build());
        assertEquals("(8 − 5 + 2·0)/2 + 1 = 2.5: a 3×3 filter (dilation 2, effective 5×5) at stride 2 does not fit an 8×8 input; "
                + "stride 1, same padding or floor mode (a network setting) would fit", p.text());
    }

    @Test
    void samePaddingGivesCeilingAndSplitsOddPaddingBottomRight() {
        NetworkReport r = Calculator.analyze(input(224, 224, 3).add("conv1", LayerSpec.Conv2D.of(64, 7, 2, Padding.SAME))
                .add("pool1", new LayerSpec.MaxPool(3, 2, Padding.SAME))
                .add("conv2", LayerSpec.Conv2D.of(64, 3, 1, Padding.SAME)).build());
        assertTrue(r.problems().isEmpty());
        LayerReport conv1 = r.layer("conv1");
        // ⌈224/2⌉ = 112; total padding (112 − 1)·2 + 7 − 224 = 5: 2 before, 3 after.
        assertEquals("⌈224/2⌉ = 112 (same padding: 2 before, 3 after)", conv1.shapeFormula());
        assertEquals(new Window(7, 7, 2, 1, 2, 2, 3, 3), conv1.window());
        assertEquals("⌈112/2⌉ = 56 (same padding: 0 before, 1 after)", r.layer("pool1").shapeFormula());
        assertEquals("⌈56/1⌉ = 56 (same padding: 1 before, 1 after)", r.layer("conv2").shapeFormula());
        assertEquals("56×56×64", r.layer("conv2").output().toString());
    }

    @Test
    void threeStackedThreeByThreeConvolutionsSeeSevenBySeven() {
        // Lecture (seed 003, VGGNet): "Stack of three 3x3 conv (stride 1) layers has same effective receptive field
        // as one 7x7 conv layer".
        NetworkReport r = Calculator.analyze(input(32, 32, 8)
                .add("c1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("c2", LayerSpec.Conv2D.of(8, 3, 1, 1))
                .add("c3", LayerSpec.Conv2D.of(8, 3, 1, 1)).build());
        assertEquals("3×3", r.layer("c1").receptiveField().sizeText());
        assertEquals("5×5", r.layer("c2").receptiveField().sizeText());
        assertEquals("7×7", r.layer("c3").receptiveField().sizeText());
    }
}
