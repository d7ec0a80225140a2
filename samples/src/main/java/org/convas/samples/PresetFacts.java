package org.convas.samples;

import java.util.Map;
import java.util.Optional;

/**
 * What the lectures say about a preset: its year, its ILSVRC result and the paper's headline figures. These are
 * published figures quoted as published (each with where it comes from); the parameter and multiply-add counts
 * Convas shows next to them come from the calculator.
 *
 * @param key       the preset's key
 * @param year      year of the paper
 * @param ilsvrc    the ImageNet challenge result, e.g. "ILSVRC 2012 winner", or "" for networks that did not enter
 * @param top5Error ILSVRC top-5 error as the lecture gives it, e.g. "16.4%", or "" when none
 * @param headline  the paper's headline figures and ideas, one or two sentences
 * @param source    where the figures come from
 */
public record PresetFacts(String key, int year, String ilsvrc, String top5Error, String headline, String source) {

    private static final String LECTURE = "lecture notes (CS231n-based slides)";

    private static final PresetFacts VGG = new PresetFacts("vgg", 2014, "ILSVRC 2014 runner-up (classification)", "7.3%",
            "Only 3×3 convolutions at stride 1, pad 1 and 2×2 max pools at stride 2, 16–19 weight layers: 11.7% (ZFNet, "
                    + "2013) → 7.3% top-5 error. Table 2 of the paper: 133, 133, 134, 138 and 144 million parameters for "
                    + "configurations A to E; most of them in the first FC layer (7·7·512·4096 = 102,760,448 weights).",
            LECTURE + "; Simonyan and Zisserman 2014, Table 2");

    private static final PresetFacts RESNET = new PresetFacts("resnet", 2015, "ILSVRC 2015 winner (an ensemble up to ResNet-152)", "3.57%",
            "Residual blocks (the layers learn F(x) = H(x) − x and a skip connection adds x back) train 152-layer networks; "
                    + "the slide: \"at runtime faster than a VGGNet (even though it has 8× more layers)\". Table 1 of the paper: "
                    + "1.8, 3.6 and 3.8 ×10⁹ FLOPs for ResNet-18, 34 and 50.",
            LECTURE + "; He et al. 2015, Table 1");

    private static final Map<String, PresetFacts> FACTS = Map.ofEntries(
            Map.entry("lenet5", new PresetFacts("lenet5", 1998, "", "",
                    "Handwritten digits (MNIST): two convolution/subsampling stages and three fully connected layers, "
                            + "about 60,000 trainable parameters; the pattern conv → pool → … → FC that later networks kept.",
                    "LeCun, Bottou, Bengio and Haffner 1998")),
            Map.entry("alexnet", new PresetFacts("alexnet", 2012, "ILSVRC 2012 winner", "16.4%",
                    "The first ConvNet to win ImageNet, by a wide margin (top-5 error about 16% against the runner-up's 26%): "
                            + "5 conv and 3 FC layers, ReLU, dropout, NORM layers, trained on two GPUs (the groups of conv2, 4, 5); "
                            + "227×227×3 input, conv1 96 filters of 11×11 at stride 4 → 55×55×96, about 60M parameters.",
                    LECTURE + "; Krizhevsky, Sutskever and Hinton 2012")),
            Map.entry("zfnet", new PresetFacts("zfnet", 2013, "ILSVRC 2013 winner", "11.7%",
                    "AlexNet with its hyperparameters tuned: conv1 11×11 stride 4 → 7×7 stride 2, conv2 5×5 stride 1 → "
                            + "stride 2 (as the lecture gives it); top-5 error 16.4% → 11.7%.",
                    LECTURE + "; Zeiler and Fergus 2013")),
            Map.entry("vgg11", VGG), Map.entry("vgg16", VGG), Map.entry("vgg19", VGG),
            Map.entry("googlenet", new PresetFacts("googlenet", 2014, "ILSVRC 2014 winner", "6.7%",
                    "22 layers of inception modules, with 1×1 bottleneck convolutions and global average pooling instead of "
                            + "large FC layers: about 4M parameters against AlexNet's 60M (lecture). The slide's module on "
                            + "28×28×256: 854M ops naive, 358M with 1×1 reductions (Teach ▸ Compare counts both).",
                    LECTURE + "; Szegedy et al. 2014")),
            Map.entry("resnet18", RESNET), Map.entry("resnet34", RESNET), Map.entry("resnet50", RESNET),
            Map.entry("mobilenet", new PresetFacts("mobilenet", 2017, "", "",
                    "Depthwise separable convolutions (a k×k depthwise convolution, then a 1×1 pointwise one: C·(k·k + C') "
                            + "weights instead of C·k·k·C'): 4.2M parameters and 569M multiply-adds for 70.6% ImageNet top-1 "
                            + "accuracy (the paper's Table 8).",
                    LECTURE + "; Howard et al. 2017")));

    /** The facts of a preset, by key; empty for the small training networks. */
    public static Optional<PresetFacts> of(String presetKey) {
        PresetFacts f = FACTS.get(presetKey);
        return f == null ? Optional.empty() : Optional.of(new PresetFacts(presetKey, f.year, f.ilsvrc, f.top5Error, f.headline, f.source));
    }

    /** "2012 · ILSVRC 2012 winner · top-5 error 16.4%". */
    public String summaryLine() {
        StringBuilder sb = new StringBuilder(Integer.toString(year));
        if (!ilsvrc.isEmpty()) sb.append(" · ").append(ilsvrc);
        if (!top5Error.isEmpty()) sb.append(" · top-5 error ").append(top5Error);
        return sb.toString();
    }
}
