package org.convas.samples;

import org.convas.engine.spec.NetworkSpec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalogue of preset networks: the case studies of the lectures (LeNet-5 … MobileNet) and small networks
 * that train on a CPU. Every preset ends in a Softmax and passes the calculator without errors or warnings.
 */
public final class Presets {

    /** The network the app opens on. */
    public static final String DEFAULT = "lenet5";

    private static final List<Preset> ALL = List.of(
            new Preset("lenet5", "LeNet-5",
                    "LeCun et al. 1998: two conv/pool stages and three FC layers on 32×32×1 (ReLU and max pooling, 61,706 parameters).",
                    ClassicNetworks::lenet5),
            new Preset("alexnet", "AlexNet",
                    "Krizhevsky et al. 2012 (ILSVRC winner): the lecture's 227×227×3 table with LRN, dropout and the original two-GPU"
                            + " split as groups of 2 on conv2, conv4 and conv5 (60,965,224 parameters).",
                    ClassicNetworks::alexNet),
            new Preset("zfnet", "ZFNet",
                    "Zeiler and Fergus 2013 (ILSVRC winner): AlexNet on one GPU with conv1 7×7/2 and conv2 5×5/2, on 225×225×3 so that conv1 gives the paper's 110×110 exactly.",
                    ClassicNetworks::zfNet),
            new Preset("vgg11", "VGG-11",
                    "Simonyan and Zisserman 2014, configuration A: 8 conv layers of 3×3 and 3 FC layers on 224×224×3 (133M parameters).",
                    ClassicNetworks::vgg11),
            new Preset("vgg16", "VGG-16",
                    "Simonyan and Zisserman 2014, configuration D: 13 conv layers of 3×3 and 3 FC layers on 224×224×3 (138M parameters).",
                    ClassicNetworks::vgg16),
            new Preset("vgg19", "VGG-19",
                    "Simonyan and Zisserman 2014, configuration E: 16 conv layers of 3×3 and 3 FC layers on 224×224×3 (144M parameters).",
                    ClassicNetworks::vgg19),
            new Preset("googlenet", "GoogLeNet",
                    "Szegedy et al. 2014 (Inception v1, ILSVRC winner): nine inception modules whose 1×1, 3×3, 5×5 and pool branches"
                            + " meet in a Concat, without the auxiliary classifiers.",
                    GoogLeNet::build),
            new Preset("resnet18", "ResNet-18",
                    "He et al. 2015: basic residual blocks [2, 2, 2, 2] with BatchNorm, Add skip connections and 1×1 projection shortcuts (11.7M parameters).",
                    ResNets::resnet18),
            new Preset("resnet34", "ResNet-34",
                    "He et al. 2015: basic residual blocks [3, 4, 6, 3] with BatchNorm, Add skip connections and 1×1 projection shortcuts (21.8M parameters).",
                    ResNets::resnet34),
            new Preset("resnet50", "ResNet-50",
                    "He et al. 2015 (ILSVRC 2015 winner's family): bottleneck blocks [3, 4, 6, 3] of 1×1, 3×3, 1×1 convolutions with"
                            + " BatchNorm and Add skip connections (25.6M parameters).",
                    ResNets::resnet50),
            new Preset("se-resnet50", "SE-ResNet-50",
                    "Hu et al. 2018 (ILSVRC 2017 winner's family): ResNet-50 with a Squeeze-and-Excitation branch in every block,"
                            + " global average pool → FC C/16 → ReLU → FC C → Sigmoid → Scale, which reweighs the block's channels per"
                            + " image (28.1M parameters).",
                    ResNets::seResnet50),
            new Preset("mobilenet", "MobileNet v1",
                    "Howard et al. 2017: 13 depthwise separable blocks (3×3 depthwise with groups = depth, then 1×1 pointwise, each with BN and ReLU), 4.2M parameters.",
                    MobileNetV1::build),
            new Preset("fmnist-tiny", "Tiny Fashion-MNIST net",
                    "A two-conv network for 28×28×1 Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), 9,098 parameters, that trains in"
                            + " seconds on a CPU: good for watching its 8 first-layer filters learn.",
                    SmallNetworks::fashionTiny),
            new Preset("lenet-fmnist", "LeNet (Fashion-MNIST)",
                    "LeNet-5 adapted to 28×28×1 with padding 2 on conv1 (LeCun et al. 1998), exactly the peer benchmark's \"lenet\" so Convas and PyTorch train the same network.",
                    SmallNetworks::lenetFashion),
            new Preset("vgglite", "VGG-lite",
                    "A VGG-style (Simonyan and Zisserman 2014) network of two 3×3 conv pairs for 28×28×1, exactly the peer benchmark's \"vgglite\".",
                    SmallNetworks::vggLite),
            new Preset("se-resnet-cifar", "SE-ResNet (CIFAR)",
                    "A small residual network for 32×32×3 CIFAR-10 images with a Squeeze-and-Excitation branch (Hu et al. 2018) in"
                            + " each of its three blocks: global average pool → FC C/4 → ReLU → FC C → Sigmoid → Scale.",
                    ResNets::seResnetCifar),
            new Preset("cifar-small", "Small CIFAR-10 net",
                    "Three conv/pool stages and two FC layers for 32×32×3 CIFAR-10 images (Krizhevsky 2009), 89,834 parameters.",
                    SmallNetworks::cifarSmall));

    private Presets() {
    }

    public static List<Preset> all() {
        return ALL;
    }

    /** Finds a preset by key or title, ignoring case, "-", "_" and spaces ("LeNet-5" finds "lenet5"). */
    public static Optional<Preset> find(String name) {
        String k = normalise(name);
        return ALL.stream().filter(p -> normalise(p.key()).equals(k) || normalise(p.title()).equals(k)).findFirst();
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "");
    }

    /** LeNet-5 on 32×32×1; see {@link ClassicNetworks#lenet5()}. */
    public static NetworkSpec lenet5() {
        return ClassicNetworks.lenet5();
    }
}
