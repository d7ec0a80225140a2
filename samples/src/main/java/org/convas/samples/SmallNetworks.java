package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

/**
 * Small networks that train in seconds to minutes on a CPU: for watching filters learn, and the networks of the
 * PyTorch peer benchmark ({@code convas bench}), defined exactly as in its script (lenet and vgglite as in
 * shared/peers/torch_bench.py; those and the others as in the repository's copy, tools/peers/torch_bench.py) so
 * the timings compare. These definitions are the only ones: the benchmark trains them.
 */
public final class SmallNetworks {

    private SmallNetworks() {
    }

    /**
     * For 28×28×1 Fashion-MNIST: conv 8@3×3 pad 1 → 28×28×8, pool 2/2 → 14, conv 16@3×3 pad 1 → 14×14×16,
     * pool → 7×7×16, fc 10. Parameters: 80 + 1,168 + 7,850 = 9,098.
     */
    public static NetworkSpec fashionTiny() {
        return NetworkSpec.builder("Tiny Fashion-MNIST net")
                .input(28, 28, 1)
                .add("conv1", LayerSpec.Conv2D.of(8, 3, 1, 1)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 3, 1, 1)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /**
     * The peer benchmark's "lenet" on 28×28×1: conv 6@5×5 pad 2 → 28×28×6, maxpool 2/2 → 14, conv 16@5×5 →
     * 10×10×16, maxpool 2/2 → 5×5×16, fc 120, fc 84, fc 10, ReLU after each hidden layer. 61,706 parameters.
     */
    public static NetworkSpec lenetFashion() {
        return ClassicNetworks.lenet("LeNet (Fashion-MNIST)", 28, 2);
    }

    /**
     * The peer benchmark's "vgglite" on 28×28×1: [conv 32@3×3 pad 1, ReLU] ×2, maxpool 2/2 → 14×14×32,
     * [conv 64@3×3 pad 1, ReLU] ×2, maxpool 2/2 → 7×7×64, fc 128, ReLU, fc 10. 467,818 parameters.
     */
    public static NetworkSpec vggLite() {
        return NetworkSpec.builder("VGG-lite")
                .input(28, 28, 1)
                .add("conv1_1", LayerSpec.Conv2D.of(32, 3, 1, 1)).add("relu1_1", new LayerSpec.ReLU())
                .add("conv1_2", LayerSpec.Conv2D.of(32, 3, 1, 1)).add("relu1_2", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2_1", LayerSpec.Conv2D.of(64, 3, 1, 1)).add("relu2_1", new LayerSpec.ReLU())
                .add("conv2_2", LayerSpec.Conv2D.of(64, 3, 1, 1)).add("relu2_2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(128)).add("relu3", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /**
     * For 32×32×3 CIFAR-10: three stages of conv 3×3 pad 1 (16, 32, 64 filters) + ReLU + maxpool 2/2
     * (32 → 16 → 8 → 4), fc 64, ReLU, fc 10. Parameters: 448 + 4,640 + 18,496 + 65,600 + 650 = 89,834.
     */
    public static NetworkSpec cifarSmall() {
        return NetworkSpec.builder("Small CIFAR-10 net")
                .input(32, 32, 3)
                .add("conv1", LayerSpec.Conv2D.of(16, 3, 1, 1)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(32, 3, 1, 1)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("conv3", LayerSpec.Conv2D.of(64, 3, 1, 1)).add("relu3", new LayerSpec.ReLU())
                .add("pool3", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(64)).add("relu4", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /**
     * The peer benchmark's "resnet": a small residual network on 28×28×1 with the kinds of layer ResNet presets use.
     * Stem conv 16@3×3 pad 1, BatchNorm, ReLU → 28×28×16; three basic blocks (3×3 conv, BN, ReLU, 3×3 conv, BN,
     * Add with the shortcut, ReLU) of 16, 32 and 64 filters, the last two starting with a 3×3 stride-2 conv
     * (28 → 14 → 7) and taking a 1×1 stride-2 projection conv with BN as their shortcut; global average pooling,
     * fc 10. Convolutions before BN carry no bias. Stride-2 layers pad 1 (3×3) and 0 (1×1) on every side and floor,
     * as PyTorch does (floor mode: ⌊(28 − 3 + 2·1)/2⌋ + 1 = 14, the last padded row and column unused).
     */
    public static NetworkSpec resnetFashion() {
        NetworkSpec.Builder b = NetworkSpec.builder("ResNet-style (Fashion-MNIST)").floorMode(true)
                .input(28, 28, 1)
                .add("conv1", conv(16, 3, 1, 1, 1)).add("bn1", LayerSpec.BatchNorm.standard()).add("relu1", new LayerSpec.ReLU());
        int depth = 16;
        int[] filters = {16, 32, 64};
        for (int i = 0; i < filters.length; i++) {
            String block = "res" + (char) ('a' + i);
            String in = b.last();
            int stride = i == 0 ? 1 : 2;
            b.add(block + "/conv1", conv(filters[i], 3, stride, 1, 1)).add(block + "/bn1", LayerSpec.BatchNorm.standard())
                    .add(block + "/relu1", new LayerSpec.ReLU())
                    .add(block + "/conv2", conv(filters[i], 3, 1, 1, 1)).add(block + "/bn2", LayerSpec.BatchNorm.standard());
            String residual = b.last();
            String shortcut = in;
            if (stride != 1 || depth != filters[i]) {
                b.add(block + "/proj", conv(filters[i], 1, stride, 0, 1), in).add(block + "/proj_bn", LayerSpec.BatchNorm.standard());
                shortcut = b.last();
            }
            b.add(block + "/add", new LayerSpec.Add(), shortcut, residual).add(block + "/relu2", new LayerSpec.ReLU());
            depth = filters[i];
        }
        return b.add("pool", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /**
     * The peer benchmark's "mobilenet": MobileNet-style depthwise separable blocks on 28×28×1. Stem conv 32@3×3
     * pad 1, BN, ReLU; four blocks of a 3×3 depthwise conv (groups = depth, pad 1, stride 1, 2, 1, 2), BN, ReLU,
     * then a 1×1 pointwise conv to 64, 128, 128 and 256 filters, BN, ReLU (28 → 14 → 7); global average pooling,
     * fc 10. No conv biases; stride-2 layers floor, as PyTorch does (see {@link #resnetFashion()}).
     */
    public static NetworkSpec mobileNetFashion() {
        NetworkSpec.Builder b = NetworkSpec.builder("MobileNet-style (Fashion-MNIST)").floorMode(true)
                .input(28, 28, 1)
                .add("conv1", conv(32, 3, 1, 1, 1)).add("bn1", LayerSpec.BatchNorm.standard()).add("relu1", new LayerSpec.ReLU());
        int[][] blocks = {{64, 1}, {128, 2}, {128, 1}, {256, 2}};
        int depth = 32;
        for (int i = 0; i < blocks.length; i++) {
            String n = Integer.toString(i + 1);
            b.add("dw" + n, conv(depth, 3, blocks[i][1], 1, depth)).add("dw" + n + "_bn", LayerSpec.BatchNorm.standard())
                    .add("dw" + n + "_relu", new LayerSpec.ReLU())
                    .add("pw" + n, conv(blocks[i][0], 1, 1, 0, 1)).add("pw" + n + "_bn", LayerSpec.BatchNorm.standard())
                    .add("pw" + n + "_relu", new LayerSpec.ReLU());
            depth = blocks[i][0];
        }
        return b.add("pool", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /** F×F convolution without bias (BatchNorm follows), padding P on every side, in the given number of groups. */
    private static LayerSpec.Conv2D conv(int filters, int kernel, int stride, int padding, int groups) {
        return new LayerSpec.Conv2D(filters, kernel, kernel, stride, Padding.of(padding), 1, groups, false);
    }
}
