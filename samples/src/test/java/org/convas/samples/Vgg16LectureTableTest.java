package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VGG-16 against the lecture's memory and weight table (CS231n, reproduced in /work/shared/seeds/000, 001, 002
 * and 003: "INPUT: [224x224x3] memory: 224*224*3=150K params: 0 ... FC: [1x1x1000] memory: 1000 params:
 * 4096*1000 = 4,096,000", "TOTAL params: 138M parameters").
 */
class Vgg16LectureTableTest {

    /** The lecture's rows, in order: node, output shape, memory (values), weights (not counting biases). */
    private record Row(String node, String shape, long memory, long weights) {
    }

    private static final List<Row> LECTURE_TABLE = List.of(
            new Row("input", "224×224×3", 224 * 224 * 3, 0),
            new Row("conv1_1", "224×224×64", 224 * 224 * 64, 1_728),
            new Row("conv1_2", "224×224×64", 224 * 224 * 64, 36_864),
            new Row("pool1", "112×112×64", 112 * 112 * 64, 0),
            new Row("conv2_1", "112×112×128", 112 * 112 * 128, 73_728),
            new Row("conv2_2", "112×112×128", 112 * 112 * 128, 147_456),
            new Row("pool2", "56×56×128", 56 * 56 * 128, 0),
            new Row("conv3_1", "56×56×256", 56 * 56 * 256, 294_912),
            new Row("conv3_2", "56×56×256", 56 * 56 * 256, 589_824),
            new Row("conv3_3", "56×56×256", 56 * 56 * 256, 589_824),
            new Row("pool3", "28×28×256", 28 * 28 * 256, 0),
            new Row("conv4_1", "28×28×512", 28 * 28 * 512, 1_179_648),
            new Row("conv4_2", "28×28×512", 28 * 28 * 512, 2_359_296),
            new Row("conv4_3", "28×28×512", 28 * 28 * 512, 2_359_296),
            new Row("pool4", "14×14×512", 14 * 14 * 512, 0),
            new Row("conv5_1", "14×14×512", 14 * 14 * 512, 2_359_296),
            new Row("conv5_2", "14×14×512", 14 * 14 * 512, 2_359_296),
            new Row("conv5_3", "14×14×512", 14 * 14 * 512, 2_359_296),
            new Row("pool5", "7×7×512", 7 * 7 * 512, 0),
            new Row("fc6", "1×1×4096", 4096, 102_760_448),
            new Row("fc7", "1×1×4096", 4096, 16_777_216),
            new Row("fc8", "1×1×1000", 1000, 4_096_000));

    private final NetworkReport report = Calculator.analyze(ClassicNetworks.vgg16());

    @Test
    void everyRowOfTheLectureTableMatches() {
        for (Row row : LECTURE_TABLE) {
            LayerReport l = report.layer(row.node());
            assertEquals(row.shape(), l.output().toString(), row.node());
            assertEquals(row.memory(), l.activations(), row.node());
            assertEquals(row.weights(), l.weights(), row.node());
        }
        // The lecture's rounded figures: 3.2M, 800K, 25K activations.
        assertEquals(3_211_264, report.layer("conv1_1").activations());
        assertEquals(802_816, report.layer("pool1").activations());
        assertEquals(25_088, report.layer("pool5").activations());
    }

    @Test
    void parameterFormulasShowTheLectureArithmeticPlusBias() {
        assertEquals("(3·3·3 + 1)·64 = 1,792", report.layer("conv1_1").paramFormula());
        assertEquals("7·7·512 = 25,088", report.layer("flatten").shapeFormula());
        assertEquals("(25088 + 1)·4096 = 102,764,544", report.layer("fc6").paramFormula());
        assertEquals("25088 → 4096 units", report.layer("fc6").shapeFormula());
    }

    @Test
    void totalIs138MillionParameters() {
        long tableWeights = LECTURE_TABLE.stream().mapToLong(Row::weights).sum();
        assertEquals(138_344_128L, tableWeights);
        assertEquals(tableWeights, report.totalWeights());
        // With one bias per filter and per unit: 13,416 more, the 138,357,544 torchvision reports for vgg16.
        assertEquals(13_416L, report.totalBiases());
        assertEquals(138_357_544L, report.totalParameters());
    }

    /**
     * The slide says "TOTAL memory: 24M * 4 bytes ~= 93MB / image" (96MB in seed 003), but its own rows add up to
     * 15,237,608 values, 60,950,432 bytes (58.1 MiB). The 24M total is an arithmetic slip in the slides; the
     * test pins the sum of the rows. The calculator counts in-place layers (ReLU, Dropout, Flatten) as adding no
     * memory, so its total is that row sum plus the 1,000 probabilities of the final Softmax, which the table
     * leaves out.
     */
    @Test
    void forwardMemoryIsTheSumOfTheLectureRowsNotTheSlidesTwentyFourMillion() {
        long rowSum = LECTURE_TABLE.stream().mapToLong(Row::memory).sum();
        assertEquals(15_237_608L, rowSum);
        assertEquals(60_950_432L, rowSum * 4);
        long softmax = report.layer("softmax").activations();
        assertEquals(1_000, softmax);
        assertEquals(rowSum + softmax, report.totalActivations());
        long inPlace = report.layers().stream().filter(LayerReport::inPlace).mapToLong(LayerReport::memoryBytes).sum();
        assertEquals(0, inPlace);
        assertEquals(report.layers().stream()
                        .filter(l -> l.node().layer() instanceof LayerSpec.ReLU || l.node().layer() instanceof LayerSpec.Dropout
                                || l.node().layer() instanceof LayerSpec.Flatten)
                        .count(),
                report.layers().stream().filter(LayerReport::inPlace).count());
        assertEquals((rowSum + softmax) * 4, report.forwardBytesPerImage());
    }

    @Test
    void mostMemoryIsInEarlyConvAndMostParametersInLateFc() {
        // The lecture's note beside the table.
        long early = report.layer("conv1_1").activations() + report.layer("conv1_2").activations();
        assertTrue(early > report.totalActivations() * 2 / 5);
        long fc = report.layer("fc6").parameters() + report.layer("fc7").parameters() + report.layer("fc8").parameters();
        assertEquals(123_642_856L, fc);
        assertTrue(fc > report.totalParameters() * 8 / 10);
    }

    /** Configurations A, D and E: the paper's Table 2 gives 133, 138 and 144 million parameters. */
    @Test
    void vggConfigurationsMatchThePapersParameterTable() {
        assertEquals(132_863_336L, Calculator.analyze(ClassicNetworks.vgg11()).totalParameters());
        assertEquals(138_357_544L, Calculator.analyze(ClassicNetworks.vgg16()).totalParameters());
        assertEquals(143_667_240L, Calculator.analyze(ClassicNetworks.vgg19()).totalParameters());
        assertEquals(133, Math.round(Calculator.analyze(ClassicNetworks.vgg11()).totalParameters() / 1e6));
        assertEquals(144, Math.round(Calculator.analyze(ClassicNetworks.vgg19()).totalParameters() / 1e6));
    }

    /**
     * Receptive fields of VGG-16: pool5 sees 212×212 (Araujo, Norris and Sim, "Computing Receptive Fields of
     * Convolutional Neural Networks", Distill 2019, row vgg_16); the layers before follow the recurrence
     * r' = r + (F − 1)·jump, e.g. three 3×3 convs of stage 3 add 3·2·4 = 24 to pool2's 16: 40.
     */
    @Test
    void receptiveFieldsGrowAsInTheLiterature() {
        String[] nodes = {"conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2", "conv3_1", "conv3_2", "conv3_3", "pool3",
                "conv4_1", "conv4_2", "conv4_3", "pool4", "conv5_1", "conv5_2", "conv5_3", "pool5"};
        int[] sizes = {3, 5, 6, 10, 14, 16, 24, 32, 40, 44, 60, 76, 92, 100, 132, 164, 196, 212};
        for (int i = 0; i < nodes.length; i++) {
            assertEquals(sizes[i], report.layer(nodes[i]).receptiveField().width(), nodes[i]);
            assertEquals(sizes[i], report.layer(nodes[i]).receptiveField().height(), nodes[i]);
        }
        assertEquals(32, report.layer("pool5").receptiveField().jumpX());
    }
}
