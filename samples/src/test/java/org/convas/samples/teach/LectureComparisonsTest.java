package org.convas.samples.teach;

import org.convas.engine.teach.SlidingWindow;
import org.convas.engine.teach.Totals;
import org.convas.samples.PresetFacts;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison templates' counts against the lecture's formulas, worked out here by hand. */
class LectureComparisonsTest {

    @Test
    void threeThreeByThreeConvsHave27CSquaredWeightsAndTheSevenBySevenHas49() {
        LectureComparisons.Template t = LectureComparisons.stackOfThreeByThree();
        Totals a = Totals.of(t.left()), b = Totals.of(t.right());
        long c = LectureComparisons.STACK_CHANNELS;
        assertEquals(27 * c * c, a.parameters());
        assertEquals(49 * c * c, b.parameters());
        assertEquals("7×7", a.receptiveField().sizeText());
        assertEquals("7×7", b.receptiveField().sizeText());
        assertEquals(56L * 56 * 27 * c * c, a.macs());
        String text = t.explain();
        assertTrue(text.contains("27C² = 110,592"), text);
        assertTrue(text.contains("49C² = 200,704"), text);
        assertTrue(text.contains("0.55×"), text);
    }

    @Test
    void inceptionModulesCost854MNaiveAnd271MReducedAsTheSlidesTermsAddUp() {
        LectureComparisons.Template t = LectureComparisons.inceptionModules();
        Totals naive = Totals.of(t.left()), reduced = Totals.of(t.right());
        assertTrue(naive.valid() && reduced.valid());
        long hw = 28 * 28;
        assertEquals(hw * 128 * 256 + hw * 192 * 9 * 256 + hw * 96 * 25 * 256, naive.macs());
        assertEquals(854_196_224L, naive.macs());
        assertEquals(hw * 64 * 256 * 2 + hw * 128 * 256 + hw * 192 * 9 * 64 + hw * 96 * 25 * 64 + hw * 64 * 256, reduced.macs());
        assertEquals("28×28×672", naive.output().toString());
        assertEquals("28×28×480", reduced.output().toString());
        String text = t.explain();
        assertTrue(text.contains("854,196,224 multiply-adds (854.2M)"), text);
        assertTrue(text.contains("271,351,808"), text);
    }

    @Test
    void depthwiseSeparableHasCTimesKSquaredPlusCPrimeWeights() {
        LectureComparisons.Template t = LectureComparisons.depthwiseSeparable();
        long c = LectureComparisons.SEPARABLE_CHANNELS;
        assertEquals(c * 3 * 3 * c, Totals.of(t.left()).weights());
        assertEquals(c * (3 * 3 + c), Totals.of(t.right()).weights());
        assertTrue(t.explain().contains("0.113"), t.explain()); // 1/512 + 1/9
    }

    @Test
    void anFcNeuronOnTwoHundredByTwoHundredByThreeNeeds120000Weights() {
        LectureComparisons.Template t = LectureComparisons.fullyConnectedVsConv();
        assertEquals(120_000, Totals.of(t.left()).weights());
        assertEquals(5 * 5 * 3 + 1, Totals.of(t.right()).parameters());
        assertTrue(t.explain().contains("120,000 weights"), t.explain());
    }

    @Test
    void fcSixEqualsASevenBySevenConvolution() {
        LectureComparisons.Template t = LectureComparisons.fullyConnectedAsConv();
        assertEquals(Totals.of(t.left()).parameters(), Totals.of(t.right()).parameters());
        assertEquals(7L * 7 * 512 * 4096 + 4096, Totals.of(t.right()).parameters());
    }

    @Test
    void everyTemplateIsValidAndExplainsItself() {
        for (LectureComparisons.Template t : LectureComparisons.all()) {
            assertTrue(Totals.of(t.left()).valid(), t.key());
            assertTrue(Totals.of(t.right()).valid(), t.key());
            assertFalse(t.explain().contains("?"), t.key() + ": " + t.explain());
        }
    }

    @Test
    void theLectureExamplesGiveTheSlidesOutputSizes() {
        assertEquals("5×5×1", LectureExamples.find("stride1").orElseThrow().walk().output().orElseThrow().toString());
        assertEquals("3×3×1", LectureExamples.find("stride2").orElseThrow().walk().output().orElseThrow().toString());
        SlidingWindow three = LectureExamples.find(LectureExamples.STRIDE_THREE).orElseThrow().walk();
        assertFalse(three.fits());
        assertTrue(three.problem().orElseThrow().text().startsWith("(7 − 3 + 2·0)/3 + 1 = 2.33"));
        assertEquals("7×7×1", LectureExamples.find("pad1").orElseThrow().walk().output().orElseThrow().toString());
        assertEquals("3×3×2", LectureExamples.find("demo").orElseThrow().walk().output().orElseThrow().toString());
        SlidingWindow max = LectureExamples.find("maxpool").orElseThrow().walk();
        assertEquals(6, max.value(0, 0, 0));
        assertEquals(8, max.value(0, 0, 1));
        assertEquals(3, max.value(0, 1, 0));
        assertEquals(4, max.value(0, 1, 1));
        assertEquals(3.25, LectureExamples.find("avgpool").orElseThrow().walk().value(0, 0, 0));
        assertEquals("4×4×2", LectureExamples.find("1x1").orElseThrow().walk().output().orElseThrow().toString());
    }

    @Test
    void theBarsEdgesComeOutWithOppositeSigns() {
        SlidingWindow s1 = LectureExamples.find("stride1").orElseThrow().walk();
        // Row 0, window at columns 0–2: 0·1 + 0·0 + 1·(−1) twice, then 0 + 1·0 + 2·(−1) → −1 −1 −2 = −4, + bias 1 = −3.
        assertEquals(-3, s1.value(0, 0, 0));
        // Window at columns 2–4 (centred on the bar): 1 − 1 + 1 − 1 + 2 − 2 = 0, + 1 = 1.
        assertEquals(1, s1.value(0, 0, 2));
        // Window at columns 3–5: 3 − 0 + 3 − 0 + 3 − 1 = 8, + 1 = 9: the bar's right edge.
        assertEquals(9, s1.value(0, 0, 3));
    }

    @Test
    void presetFactsQuoteTheLecturesFigures() {
        // The lecture's ILSVRC figures: AlexNet 16.4 → ZFNet 11.7 ("ImageNet top 5 error: 16.4% -> 11.7%"),
        // VGG "7.3% top 5 error in ILSVRC'14", GoogLeNet "ILSVRC 2014 winner (6.7% top 5 error)",
        // ResNet "ILSVRC'15 classification winner (3.57% top 5 error)".
        assertEquals("16.4%", PresetFacts.of("alexnet").orElseThrow().top5Error());
        assertEquals("11.7%", PresetFacts.of("zfnet").orElseThrow().top5Error());
        assertEquals("7.3%", PresetFacts.of("vgg16").orElseThrow().top5Error());
        assertEquals("6.7%", PresetFacts.of("googlenet").orElseThrow().top5Error());
        assertEquals("3.57%", PresetFacts.of("resnet50").orElseThrow().top5Error());
        assertEquals(2012, PresetFacts.of("alexnet").orElseThrow().year());
        assertEquals(2015, PresetFacts.of("resnet18").orElseThrow().year());
        assertEquals("resnet18", PresetFacts.of("resnet18").orElseThrow().key());
        assertEquals("2014 · ILSVRC 2014 winner · top-5 error 6.7%", PresetFacts.of("googlenet").orElseThrow().summaryLine());
        assertTrue(PresetFacts.of("fmnist-tiny").isEmpty());
        // Every lecture case study has its facts.
        for (String key : new String[] {"lenet5", "alexnet", "zfnet", "vgg11", "vgg16", "vgg19", "googlenet", "resnet18", "resnet34", "resnet50", "mobilenet"}) {
            assertTrue(Presets.find(key).isPresent(), key);
            assertTrue(PresetFacts.of(key).isPresent(), key);
        }
    }
}
