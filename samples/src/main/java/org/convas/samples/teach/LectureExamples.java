package org.convas.samples.teach;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.teach.SlidingWindow;
import org.convas.engine.teach.Volume;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The lecture's worked examples of a convolution and a pooling layer, with numbers to compute: the 7×7 input under
 * a 3×3 filter at stride 1, 2 and 3 (which does not fit: 2.33), zero padding, CS231n's 5×5×3 demo with two
 * filters, max and average pooling on the slide's 4×4 slice, and a 1×1 convolution across depth.
 *
 * <p>The slides draw the 7×7 grid empty; here it holds a bright vertical bar (a 3 between two 1s, on a ground of
 * 0s) and the filter is a vertical edge detector (1 0 −1 in every row, the weights of the lecture's 1-D example),
 * so the output shows the bar's two edges with opposite signs. The 5×5×3 demo draws its numbers at random on the
 * web page; these are drawn the same way (inputs 0–2, weights −1–1, biases 1 and 0) from a fixed seed.
 */
public final class LectureExamples {

    /**
     * One example.
     *
     * @param key         short name, e.g. "stride3"
     * @param title       what the list shows
     * @param description one or two sentences: what to look at
     * @param input       the input volume
     * @param layer       a Conv2D, MaxPool or AvgPool
     * @param weights     the filters (K × D × F × F) of a convolution; empty for pooling
     * @param biases      the biases of a convolution; empty for pooling
     */
    public record Example(String key, String title, String description, Volume input, LayerSpec layer,
                          double[] weights, double[] biases) {

        public SlidingWindow walk() {
            return layer instanceof LayerSpec.Conv2D c ? SlidingWindow.convolution(input, c, weights, biases)
                    : SlidingWindow.pooling(input, layer);
        }
    }

    /** The key of the lecture's "does not fit" example, the one the Teach menu opens first. */
    public static final String STRIDE_THREE = "stride3";

    /** 1 0 −1 in every row: responds to a vertical edge (bright on the left: positive). */
    public static final double[] VERTICAL_EDGE = {1, 0, -1, 1, 0, -1, 1, 0, -1};

    private static final double[] BAR = {
            0, 0, 1, 3, 1, 0, 0,
            0, 0, 1, 3, 1, 0, 0,
            0, 1, 2, 3, 2, 1, 0,
            0, 1, 2, 3, 2, 1, 0,
            0, 0, 1, 3, 1, 0, 0,
            0, 0, 1, 3, 1, 0, 0,
            0, 0, 1, 3, 1, 0, 0};

    private LectureExamples() {
    }

    /** The 7×7 input with a vertical bar. */
    public static Volume sevenBySeven() {
        return Volume.of(1, 7, 7, BAR);
    }

    public static List<Example> all() {
        return List.of(
                sevenBySeven("stride1", 1, 0, "7×7 input, 3×3 filter, stride 1 → 5×5",
                        "The lecture's first example: the filter slides one column at a time, (7 − 3)/1 + 1 = 5 positions per row."),
                sevenBySeven("stride2", 2, 0, "7×7 input, 3×3 filter, stride 2 → 3×3",
                        "Stride 2 skips every other position: (7 − 3)/2 + 1 = 3."),
                sevenBySeven(STRIDE_THREE, 3, 0, "7×7 input, 3×3 filter, stride 3: does not fit (2.33)",
                        "(7 − 3)/3 + 1 = 2.33: after two windows the third would need columns 6–8 of a 7-wide input. "
                                + "Watch the red window fall off the edge; padding 1 or stride 2 would fit."),
                sevenBySeven("pad1", 1, 1, "Zero padding 1: 7×7 stays 7×7",
                        "A border of zeros (grey) lets the 3×3 filter centre on every input pixel: (7 − 3 + 2·1)/1 + 1 = 7. "
                                + "Padding (F − 1)/2 at stride 1 keeps the size."),
                demo(),
                pooling("maxpool", "Max pooling 2×2, stride 2: 4×4 → 2×2", LayerSpec.MaxPool.of(2, 2),
                        "Each window keeps its largest value (marked): the slide's 1 1 2 4 / 5 6 7 8 / 3 2 1 0 / 1 2 3 4 gives "
                                + "6 8 / 3 4. No parameters; 75% of the values are dropped."),
                pooling("avgpool", "Average pooling 2×2, stride 2", LayerSpec.AvgPool.of(2, 2),
                        "The same windows, averaged instead: (1 + 1 + 5 + 6)/4 = 3.25 for the first."),
                oneByOne());
    }

    public static Optional<Example> find(String key) {
        return all().stream().filter(e -> e.key().equals(key)).findFirst();
    }

    private static Example sevenBySeven(String key, int stride, int padding, String title, String description) {
        return new Example(key, title, description, sevenBySeven(), LayerSpec.Conv2D.of(1, 3, stride, padding),
                VERTICAL_EDGE.clone(), new double[] {1});
    }

    /** CS231n's convolution demo: 5×5×3 input, K = 2 filters of 3×3×3, stride 2, padding 1, biases 1 and 0. */
    private static Example demo() {
        Random r = new Random(231);
        double[] x = new double[3 * 5 * 5];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(3);
        double[] w = new double[2 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) w[i] = r.nextInt(3) - 1;
        return new Example("demo", "5×5×3 input, two 3×3×3 filters, stride 2, pad 1 (CS231n demo)",
                "Each filter spans the full depth (3 channels): an output value is the sum of three 3×3 dot products "
                        + "plus the filter's bias. (5 − 3 + 2·1)/2 + 1 = 3, so two filters give 3×3×2.",
                Volume.of(3, 5, 5, x), LayerSpec.Conv2D.of(2, 3, 2, 1), w, new double[] {1, 0});
    }

    private static Example pooling(String key, String title, LayerSpec layer, String description) {
        Volume slice = Volume.of(1, 4, 4, 1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4);
        return new Example(key, title, description, slice, layer, new double[0], new double[0]);
    }

    /** A 1×1 convolution: 4×4×4 input, two 1×1×4 filters → 4×4×2, each value a dot product along depth. */
    private static Example oneByOne() {
        Random r = new Random(11);
        double[] x = new double[4 * 4 * 4];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(5) - 1;
        double[] w = {1, -1, 0.5, 2, 0, 1, 1, -1};
        return new Example("1x1", "1×1 convolution across depth: 4×4×4 → 4×4×2",
                "A 1×1 filter still spans the full depth: each output is a 4-number dot product along one depth column "
                        + "(plus the bias). 1×1 convolutions change the depth, not the width and height (GoogLeNet's reductions).",
                Volume.of(4, 4, 4, x), new LayerSpec.Conv2D(2, 1, 1, 1, Padding.NONE, 1, 1, true), w, new double[] {0, 1});
    }
}
