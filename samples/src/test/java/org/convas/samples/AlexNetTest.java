package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * AlexNet against the lecture's table (seed 003 and 001: "[55x55x96] CONV1: 96 11x11 filters at stride 4, pad 0 …
 * [6x6x256] MAX POOL3", "Parameters: (11*11*3 + 1)*96 = 35K") and the paper (Krizhevsky et al. 2012: "60 million
 * parameters"; conv2, conv4 and conv5 connect only to the maps on the same GPU).
 */
class AlexNetTest {

    private final NetworkReport report = Calculator.analyze(ClassicNetworks.alexNet());

    @Test
    void widthsFollowTheLectureChain() {
        String[] nodes = {"conv1", "pool1", "norm1", "conv2", "pool2", "norm2", "conv3", "conv4", "conv5", "pool3"};
        String[] shapes = {"55×55×96", "27×27×96", "27×27×96", "27×27×256", "13×13×256", "13×13×256", "13×13×384", "13×13×384",
                "13×13×256", "6×6×256"};
        for (int i = 0; i < nodes.length; i++) assertEquals(shapes[i], report.layer(nodes[i]).output().toString(), nodes[i]);
        assertEquals("(227 − 11 + 2·0)/4 + 1 = 55", report.layer("conv1").shapeFormula());
        assertEquals("(55 − 3 + 2·0)/2 + 1 = 27", report.layer("pool1").shapeFormula());
        assertEquals("(13 − 3 + 2·0)/2 + 1 = 6", report.layer("pool3").shapeFormula());
        assertEquals("1×1×4096", report.layer("fc6").output().toString());
        assertEquals("1×1×1000", report.layer("fc8").output().toString());
    }

    @Test
    void conv1HasThirtyFiveThousandParameters() {
        assertEquals(34_944, report.layer("conv1").parameters());
        assertEquals("(11·11·3 + 1)·96 = 34,944", report.layer("conv1").paramFormula());
        assertEquals(0, report.layer("pool1").parameters());
    }

    /**
     * The two-GPU network: 60,965,224 parameters, the paper's "60 million" (and the figure of Caffe's bvlc_alexnet).
     * torchvision's single-GPU variant (64, 192, 384, 256, 256 filters on 224×224) has 61,100,840 and is not this one.
     */
    @Test
    void groupedNetworkHasSixtyMillionParameters() {
        assertEquals(307_456, report.layer("conv2").parameters());
        assertEquals("(5·5·48 + 1)·256 = 307,456 (2 groups of 48 channels)", report.layer("conv2").paramFormula());
        assertEquals(885_120, report.layer("conv3").parameters());
        assertEquals(663_936, report.layer("conv4").parameters());
        assertEquals(442_624, report.layer("conv5").parameters());
        assertEquals(37_752_832, report.layer("fc6").parameters());
        assertEquals(60_965_224L, report.totalParameters());
        assertEquals(724_406_816L, report.totalMacs());
    }

    /** The lecture's simplified table without the GPU split: every conv sees all maps, 62,378,344 parameters. */
    @Test
    void singleTowerTableHasSixtyTwoMillionParameters() {
        NetworkSpec single = ClassicNetworks.alexNet();
        for (String id : new String[] {"conv2", "conv4", "conv5"}) {
            single = single.withLayer(id, ((LayerSpec.Conv2D) single.node(id).layer()).withGroups(1));
        }
        NetworkReport r = Calculator.analyze(single);
        assertEquals(614_656, r.layer("conv2").parameters());
        assertEquals(62_378_344L, r.totalParameters());
    }

    /**
     * AlexNet's pool5 sees 195×195 of the input (Araujo, Norris and Sim, Distill 2019, row alexnet_v2); the layers
     * before follow r' = r + (F − 1)·jump: conv1 11, pool1 11 + 2·4 = 19, conv2 19 + 4·8 = 51, ...
     */
    @Test
    void receptiveFieldOfPool5Is195() {
        String[] nodes = {"conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool3"};
        int[] sizes = {11, 19, 51, 67, 99, 131, 163, 195};
        for (int i = 0; i < nodes.length; i++) assertEquals(sizes[i], report.layer(nodes[i]).receptiveField().width(), nodes[i]);
    }

    /**
     * ZFNet (Zeiler and Fergus 2013, Figure 3): 110×110×96 after conv1, 55 after pool1, 26×26×256 after conv2,
     * 13 after pool2, 6×6×256 after pool3.
     */
    @Test
    void zfNetFollowsThePapersFigure() {
        NetworkReport zf = Calculator.analyze(ClassicNetworks.zfNet());
        String[] nodes = {"conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool3"};
        String[] shapes = {"110×110×96", "55×55×96", "26×26×256", "13×13×256", "13×13×384", "13×13×384", "13×13×256", "6×6×256"};
        for (int i = 0; i < nodes.length; i++) assertEquals(shapes[i], zf.layer(nodes[i]).output().toString(), nodes[i]);
        assertEquals("(225 − 7 + 2·0)/2 + 1 = 110", zf.layer("conv1").shapeFormula());
        assertEquals(14_208, zf.layer("conv1").parameters());
        assertEquals(62_357_608L, zf.totalParameters());
    }

    /** Why ZFNet takes 225 and not the paper's 224: no padding makes 7×7/2 fit 224. */
    @Test
    void zfNetsPaperInputOf224CannotGive110() {
        NetworkSpec paper = NetworkSpec.builder("zf224").input(224, 224, 3).add("conv1", LayerSpec.Conv2D.of(96, 7, 2, 1)).build();
        assertEquals("(224 − 7 + 2·1)/2 + 1 = 110.5: a 7×7 filter at stride 2 with padding 1 does not fit a 224×224 input; "
                + "stride 1, same padding or floor mode (a network setting) would fit", Calculator.analyze(paper).errors().get(0).text());
    }
}
