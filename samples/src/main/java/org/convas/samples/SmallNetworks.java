package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;

/**
 * Small networks that train in seconds to minutes on a CPU: for watching filters learn, and the two networks
 * of the PyTorch peer benchmark (shared/peers/README.md), defined exactly as there so the timings compare.
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
}
