package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

/**
 * The plain chains of the lectures: LeNet-5, AlexNet, ZFNet and VGG. Node ids follow the papers and the
 * lecture tables (conv1, pool1, norm1, fc6, conv3_2, ...), so a table row and a block read the same.
 */
public final class ClassicNetworks {

    private ClassicNetworks() {
    }

    /**
     * LeNet-5 on 32×32×1 as the lecture draws it: C1 6@5×5 → 28×28×6, S2 2×2/2 → 14×14×6, C3 16@5×5 →
     * 10×10×16, S4 → 5×5×16, C5 120, F6 84, output 10. Modern reading: ReLU and max pooling, and C3 connected to
     * all six maps (the 1998 paper wired C3 to chosen subsets, 1,516 parameters instead of 2,416).
     * Parameters: conv1 (5·5·1 + 1)·6 = 156, conv2 (5·5·6 + 1)·16 = 2,416, fc1 (400 + 1)·120 = 48,120,
     * fc2 10,164, fc3 850.
     */
    public static NetworkSpec lenet5() {
        return lenet("LeNet-5", 32, 0);
    }

    /**
     * The LeNet-5 layers on a size×size×1 input with conv1 padded by {@code conv1Padding}: 32 and 0 is the
     * lecture's LeNet-5, 28 and 2 is the same network on 28×28 Fashion-MNIST (the PyTorch peer's "lenet").
     */
    static NetworkSpec lenet(String name, int size, int conv1Padding) {
        return NetworkSpec.builder(name)
                .input(size, size, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, conv1Padding)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(120)).add("relu3", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(84)).add("relu4", new LayerSpec.ReLU())
                .add("fc3", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /**
     * AlexNet (Krizhevsky et al. 2012) on 227×227×3, the lecture's table with the original two-GPU split kept
     * as groups = 2 on conv2, conv4 and conv5 ("connections only with feature maps on the same GPU"):
     * conv1 96@11×11/4 → 55×55×96, pool1 3×3/2 → 27, norm1, conv2 256@5×5 pad 2 → 27, pool2 → 13, norm2,
     * conv3 384@3×3 pad 1, conv4 384, conv5 256 → 13, pool3 → 6×6×256, fc6 4096, fc7 4096, fc8 1000.
     * 60,965,224 parameters (the paper's "60 million"); without the groups the lecture's single-tower
     * table gives 62,378,344.
     */
    public static NetworkSpec alexNet() {
        return NetworkSpec.builder("AlexNet")
                .input(227, 227, 3)
                .add("conv1", LayerSpec.Conv2D.of(96, 11, 4, 0)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(3, 2))
                .add("norm1", LayerSpec.LocalResponseNorm.alexNet())
                .add("conv2", LayerSpec.Conv2D.of(256, 5, 1, 2).withGroups(2)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(3, 2))
                .add("norm2", LayerSpec.LocalResponseNorm.alexNet())
                .add("conv3", LayerSpec.Conv2D.of(384, 3, 1, 1)).add("relu3", new LayerSpec.ReLU())
                .add("conv4", LayerSpec.Conv2D.of(384, 3, 1, 1).withGroups(2)).add("relu4", new LayerSpec.ReLU())
                .add("conv5", LayerSpec.Conv2D.of(256, 3, 1, 1).withGroups(2)).add("relu5", new LayerSpec.ReLU())
                .add("pool3", LayerSpec.MaxPool.of(3, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc6", LayerSpec.FullyConnected.of(4096)).add("relu6", new LayerSpec.ReLU())
                .add("drop6", new LayerSpec.Dropout(0.5))
                .add("fc7", LayerSpec.FullyConnected.of(4096)).add("relu7", new LayerSpec.ReLU())
                .add("drop7", new LayerSpec.Dropout(0.5))
                .add("fc8", LayerSpec.FullyConnected.of(1000))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /**
     * ZFNet (Zeiler and Fergus 2013, Figure 3): AlexNet on one GPU with conv1 96@7×7/2 and conv2 256@5×5/2.
     * Sizes 110, 55, 26, 13, 13, 13, 13, 6 as in the figure.
     *
     * <p>The paper's 224×224 input cannot give 110: (224 − 7 + 2P)/2 + 1 is never a whole number (the same
     * slip as AlexNet's 224 that the lecture corrects to 227). Convas therefore takes 225×225×3, where
     * (225 − 7)/2 + 1 = 110 exactly, and uses "same" padding for pool1 (⌈110/2⌉ = 55) and pool2 (⌈26/2⌉ = 13),
     * as Caffe's ceil-mode pooling did. The parameters do not depend on the input size: 62,357,608.
     */
    public static NetworkSpec zfNet() {
        return NetworkSpec.builder("ZFNet")
                .input(225, 225, 3)
                .add("conv1", LayerSpec.Conv2D.of(96, 7, 2, 0)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", new LayerSpec.MaxPool(3, 2, Padding.SAME))
                .add("norm1", LayerSpec.LocalResponseNorm.alexNet())
                .add("conv2", LayerSpec.Conv2D.of(256, 5, 2, 0)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", new LayerSpec.MaxPool(3, 2, Padding.SAME))
                .add("norm2", LayerSpec.LocalResponseNorm.alexNet())
                .add("conv3", LayerSpec.Conv2D.of(384, 3, 1, 1)).add("relu3", new LayerSpec.ReLU())
                .add("conv4", LayerSpec.Conv2D.of(384, 3, 1, 1)).add("relu4", new LayerSpec.ReLU())
                .add("conv5", LayerSpec.Conv2D.of(256, 3, 1, 1)).add("relu5", new LayerSpec.ReLU())
                .add("pool3", LayerSpec.MaxPool.of(3, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc6", LayerSpec.FullyConnected.of(4096)).add("relu6", new LayerSpec.ReLU())
                .add("drop6", new LayerSpec.Dropout(0.5))
                .add("fc7", LayerSpec.FullyConnected.of(4096)).add("relu7", new LayerSpec.ReLU())
                .add("drop7", new LayerSpec.Dropout(0.5))
                .add("fc8", LayerSpec.FullyConnected.of(1000))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /** VGG-11, configuration A of Simonyan and Zisserman 2014: 8 conv layers and 3 FC, 132,863,336 parameters. */
    public static NetworkSpec vgg11() {
        return vgg("VGG-11", new int[] {1, 1, 2, 2, 2});
    }

    /** VGG-16, configuration D: 13 conv layers and 3 FC, 138,357,544 parameters (138,344,128 weights). */
    public static NetworkSpec vgg16() {
        return vgg("VGG-16", new int[] {2, 2, 3, 3, 3});
    }

    /** VGG-19, configuration E: 16 conv layers and 3 FC, 143,667,240 parameters. */
    public static NetworkSpec vgg19() {
        return vgg("VGG-19", new int[] {2, 2, 4, 4, 4});
    }

    /**
     * VGG on 224×224×3: five stages of 3×3 convolutions at stride 1, pad 1 (64, 128, 256, 512, 512 filters),
     * each closed by a 2×2 max pool at stride 2 (224 → 112 → 56 → 28 → 14 → 7), then FC 4096, 4096, 1000 with
     * dropout 0.5. Ids as in the released Caffe models: conv3_2, relu3_2, pool3, fc6.
     */
    private static NetworkSpec vgg(String name, int[] convsPerStage) {
        int[] widths = {64, 128, 256, 512, 512};
        NetworkSpec.Builder b = NetworkSpec.builder(name).input(224, 224, 3);
        for (int stage = 1; stage <= 5; stage++) {
            for (int i = 1; i <= convsPerStage[stage - 1]; i++) {
                String suffix = stage + "_" + i;
                b.add("conv" + suffix, LayerSpec.Conv2D.of(widths[stage - 1], 3, 1, 1)).add("relu" + suffix, new LayerSpec.ReLU());
            }
            b.add("pool" + stage, LayerSpec.MaxPool.of(2, 2));
        }
        return b.add("flatten", new LayerSpec.Flatten())
                .add("fc6", LayerSpec.FullyConnected.of(4096)).add("relu6", new LayerSpec.ReLU())
                .add("drop6", new LayerSpec.Dropout(0.5))
                .add("fc7", LayerSpec.FullyConnected.of(4096)).add("relu7", new LayerSpec.ReLU())
                .add("drop7", new LayerSpec.Dropout(0.5))
                .add("fc8", LayerSpec.FullyConnected.of(1000))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }
}
