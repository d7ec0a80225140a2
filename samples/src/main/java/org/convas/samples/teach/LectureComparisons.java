package org.convas.samples.teach;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.teach.Totals;

import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

import static org.convas.engine.calc.Numbers.compact;
import static org.convas.engine.calc.Numbers.grouped;

/**
 * The lecture's side-by-side comparisons, as pairs of small networks the calculator sizes. Every figure in an
 * explanation is filled in from the two {@link Totals} (the calculator's counts), never typed in; the text only
 * quotes a slide's own figure where it says where the slide and the count differ.
 */
public final class LectureComparisons {

    /**
     * One comparison.
     *
     * @param key         a short name, e.g. "3x3-vs-7x7"
     * @param title       what the chooser shows
     * @param left        the first network or block
     * @param right       the second
     * @param explanation the lesson, with the numbers filled in from the calculator's totals of left and right
     */
    public record Template(String key, String title, NetworkSpec left, NetworkSpec right,
                           BiFunction<Totals, Totals, String> explanation) {

        public String explain() {
            return explanation.apply(Totals.of(left), Totals.of(right));
        }
    }

    /** C, the channels of the 3×3-vs-7×7 comparison: 64, like VGG's first stage. */
    public static final int STACK_CHANNELS = 64;
    /** The depthwise-separable comparison: a 3×3 layer on 14×14×512 to 512 channels (MobileNet's middle layers). */
    public static final int SEPARABLE_CHANNELS = 512;

    private LectureComparisons() {
    }

    public static List<Template> all() {
        return List.of(stackOfThreeByThree(), inceptionModules(), depthwiseSeparable(), fullyConnectedVsConv(), fullyConnectedAsConv());
    }

    /** Three 3×3 convs (with ReLUs) vs one 7×7 conv, C channels in and out, no biases: 27C² vs 49C² weights. */
    public static Template stackOfThreeByThree() {
        int c = STACK_CHANNELS;
        NetworkSpec three = NetworkSpec.builder("Three 3×3 convs").input(56, 56, c)
                .add("conv3_1", noBias(c, 3, 1)).add("relu1", new LayerSpec.ReLU())
                .add("conv3_2", noBias(c, 3, 1)).add("relu2", new LayerSpec.ReLU())
                .add("conv3_3", noBias(c, 3, 1)).add("relu3", new LayerSpec.ReLU())
                .build();
        NetworkSpec seven = NetworkSpec.builder("One 7×7 conv").input(56, 56, c)
                .add("conv7", noBias(c, 7, 3)).add("relu", new LayerSpec.ReLU())
                .build();
        return new Template("3x3-vs-7x7", "Three 3×3 convs vs one 7×7 (VGG)", three, seven, (a, b) -> String.format(Locale.ROOT,
                "A stack of three 3×3 convolutions (stride 1) sees %s of the input; one 7×7 convolution sees %s: the same "
                        + "receptive field. With C = %d channels in and out (no biases), the stack has 3·(3·3·C·C) = 27C² = %s "
                        + "weights, the 7×7 layer 7·7·C·C = 49C² = %s: %s as many (27/49). The stack also puts three "
                        + "non-linearities where the single layer has one, and costs %s multiply-adds against %s on a "
                        + "%d×%d input; it needs more activation memory (%s against %s values), the practical price "
                        + "the lecture mentions.",
                rf(a), rf(b), c, grouped(a.weights()), grouped(b.weights()), ratio(a.weights(), b.weights()),
                compact(a.macs()), compact(b.macs()), 56, 56, grouped(a.activations()), grouped(b.activations())));
    }

    /** GoogLeNet's inception module on 28×28×256, naive (854M ops on the slide) and with 1×1 reductions. */
    public static Template inceptionModules() {
        NetworkSpec.Builder naive = NetworkSpec.builder("Naive inception module").input(28, 28, 256);
        naive.add("1x1", LayerSpec.Conv2D.of(128, 1, 1, 0), "input");
        naive.add("3x3", LayerSpec.Conv2D.of(192, 3, 1, 1), "input");
        naive.add("5x5", LayerSpec.Conv2D.of(96, 5, 1, 2), "input");
        naive.add("pool", new LayerSpec.MaxPool(3, 1, Padding.of(1)), "input");
        naive.add("concat", new LayerSpec.Concat(), "1x1", "3x3", "5x5", "pool");
        NetworkSpec.Builder reduced = NetworkSpec.builder("Inception module with 1×1 reductions").input(28, 28, 256);
        reduced.add("1x1", LayerSpec.Conv2D.of(128, 1, 1, 0), "input");
        reduced.add("3x3_reduce", LayerSpec.Conv2D.of(64, 1, 1, 0), "input");
        reduced.add("3x3", LayerSpec.Conv2D.of(192, 3, 1, 1), "3x3_reduce");
        reduced.add("5x5_reduce", LayerSpec.Conv2D.of(64, 1, 1, 0), "input");
        reduced.add("5x5", LayerSpec.Conv2D.of(96, 5, 1, 2), "5x5_reduce");
        reduced.add("pool", new LayerSpec.MaxPool(3, 1, Padding.of(1)), "input");
        reduced.add("pool_proj", LayerSpec.Conv2D.of(64, 1, 1, 0), "pool");
        reduced.add("concat", new LayerSpec.Concat(), "1x1", "3x3", "5x5", "pool_proj");
        return new Template("inception", "Naive vs reduced inception module (GoogLeNet)", naive.build(), reduced.build(), (a, b) -> String.format(Locale.ROOT,
                "On a 28×28×256 input the naive module runs 1×1, 3×3 and 5×5 convolutions and a 3×3 max pool side by side "
                        + "and concatenates them: %s multiply-adds (%s) and an output of %s, because the pool passes all "
                        + "256 channels on and every convolution sees all 256. 1×1 convolutions to 64 channels before the "
                        + "3×3 and 5×5, and after the pool, cut this to %s (%s, %s of the naive module) with an output of %s. "
                        + "The slide gives 854M and 358M ops; its own terms for the reduced module add up to %s (28·28·64·256 "
                        + "twice, 28·28·128·256, 28·28·192·3·3·64, 28·28·96·5·5·64 and 28·28·64·256), the figure shown here.",
                grouped(a.macs()), compact(a.macs()), a.output(), grouped(b.macs()), compact(b.macs()), ratio(b.macs(), a.macs()),
                b.output(), grouped(b.macs())));
    }

    /** A standard 3×3 conv vs a depthwise 3×3 then a pointwise 1×1 (MobileNet), no biases: C·k·k·C' vs C·(k·k + C'). */
    public static Template depthwiseSeparable() {
        int c = SEPARABLE_CHANNELS;
        NetworkSpec standard = NetworkSpec.builder("Standard 3×3 conv").input(14, 14, c)
                .add("conv3", noBias(c, 3, 1)).build();
        NetworkSpec separable = NetworkSpec.builder("Depthwise-separable conv").input(14, 14, c)
                .add("depthwise3", new LayerSpec.Conv2D(c, 3, 3, 1, Padding.of(1), 1, c, false))
                .add("pointwise1", new LayerSpec.Conv2D(c, 1, 1, 1, Padding.NONE, 1, 1, false)).build();
        return new Template("separable", "Depthwise-separable vs standard conv (MobileNet)", standard, separable, (a, b) -> String.format(Locale.ROOT,
                "A standard k×k convolution from C to C' channels has C·k·k·C' weights: with k = 3 and C = C' = %d that "
                        + "is %s. MobileNet factorises it into a depthwise 3×3 convolution (one 3×3 filter per channel, groups "
                        + "= C) and a 1×1 pointwise convolution that mixes the channels: C·(k·k + C') = %s weights, %s of the "
                        + "standard layer (1/C' + 1/k² = %s). Multiply-adds on 14×14 fall the same way, %s to %s; the output "
                        + "(%s) and the receptive field of one layer (%s) are the same.",
                c, grouped(a.weights()), grouped(b.weights()), ratio(b.weights(), a.weights()),
                String.format(Locale.ROOT, "%.3f", 1.0 / c + 1.0 / 9), compact(a.macs()), compact(b.macs()), b.output(), rf(b)));
    }

    /** One fully connected neuron on a 200×200×3 image vs one 5×5 conv filter sliding over it. */
    public static Template fullyConnectedVsConv() {
        NetworkSpec fc = NetworkSpec.builder("One FC neuron").input(200, 200, 3)
                .add("fc", new LayerSpec.FullyConnected(1, true)).build();
        NetworkSpec conv = NetworkSpec.builder("One 5×5 conv filter").input(200, 200, 3)
                .add("conv", LayerSpec.Conv2D.of(1, 5, 1, 0)).build();
        return new Template("fc-vs-conv", "FC vs conv: one neuron on a 200×200×3 image", fc, conv, (a, b) -> String.format(Locale.ROOT,
                "A fully connected neuron looks at every input value: on a 200×200×3 image that is %s weights (plus a bias, "
                        + "%s parameters) for one neuron, and a layer needs many. A convolution neuron looks at a 5×5×3 "
                        + "region and shares its weights across every position: %s parameters in all (5·5·3 + 1), which give "
                        + "a whole %s activation map (%s multiply-adds). Local connectivity and parameter sharing are why "
                        + "ConvNets scale to images.",
                grouped(a.weights()), grouped(a.parameters()), grouped(b.parameters()), b.output(), compact(b.macs())));
    }

    /** VGG's first FC layer on 7×7×512 and the 7×7 convolution it equals. */
    public static Template fullyConnectedAsConv() {
        NetworkSpec fc = NetworkSpec.builder("FC 4096 on 7×7×512").input(7, 7, 512)
                .add("fc6", LayerSpec.FullyConnected.of(4096)).build();
        NetworkSpec conv = NetworkSpec.builder("Conv 7×7, 4096 filters").input(7, 7, 512)
                .add("fc6_conv", LayerSpec.Conv2D.of(4096, 7, 1, 0)).build();
        return new Template("fc-as-conv", "FC layer = 7×7 conv (VGG's FC6)", fc, conv, (a, b) -> String.format(Locale.ROOT,
                "Any FC layer is a convolution whose filter covers its whole input: VGG's FC6 on 7×7×512 (%s parameters, "
                        + "%s multiply-adds) equals a 7×7 convolution with 4096 filters (%s parameters, %s multiply-adds), "
                        + "whose output is %s. Converted this way, the network slides over a larger image in one pass.",
                grouped(a.parameters()), compact(a.macs()), grouped(b.parameters()), compact(b.macs()), b.output()));
    }

    private static LayerSpec.Conv2D noBias(int filters, int kernel, int padding) {
        return new LayerSpec.Conv2D(filters, kernel, kernel, 1, Padding.of(padding), 1, 1, false);
    }

    private static String rf(Totals t) {
        return t.receptiveField() == null ? "?" : t.receptiveField().sizeText();
    }

    /** 110592 / 200704 → "0.55×". */
    static String ratio(long a, long b) {
        return b == 0 ? "—" : String.format(Locale.ROOT, "%.2f×", (double) a / b);
    }
}
