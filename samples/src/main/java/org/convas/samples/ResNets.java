package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

/**
 * Residual networks (He et al. 2015, Table 1) on 224×224×3.
 *
 * <p>Stem: conv1 64@7×7/2 → 112×112×64, BatchNorm, ReLU, max pool 3×3/2 → 56. Four stages res2 … res5 of 64,
 * 128, 256, 512 base filters; each stage after the first halves W and H in its first block. Global average
 * pool, fc 1000, softmax.
 *
 * <p>A basic block (ResNet-18/34): 3×3 conv, BN, ReLU, 3×3 conv, BN, then Add with the shortcut and ReLU. A
 * bottleneck block (ResNet-50): 1×1 reduce, 3×3, 1×1 expand to 4× the base filters. Where the shape changes
 * the shortcut is a 1×1 projection conv with BN (option B of the paper); otherwise it is the identity.
 * Convolutions followed by BatchNorm carry no bias (BN's β does that job).
 *
 * <p>Layers of stride 2 use "same" padding (⌈W/S⌉, 224 → 112 → 56 → 28 → 14 → 7 exactly; the odd extra row goes
 * bottom/right as in TensorFlow). PyTorch pads 1 (3 for conv1) on every side and floors instead: the same
 * sizes, parameters and multiply-adds. ResNet-50 puts the stride on the first 1×1 of a block, as the paper
 * and its Caffe model do (3.9 G multiply-adds); torchvision's "v1.5" moves it to the 3×3 (4.1 G).
 * Ids follow the Caffe models: res3a/branch2a is block a of stage 3, branch 2 (the residual), layer a.
 */
public final class ResNets {

    private ResNets() {
    }

    /** ResNet-18: basic blocks [2, 2, 2, 2], 11,689,512 parameters, 1.8 G multiply-adds. */
    public static NetworkSpec resnet18() {
        return build("ResNet-18", new int[] {2, 2, 2, 2}, false);
    }

    /** ResNet-34: basic blocks [3, 4, 6, 3], 21,797,672 parameters, 3.6 G multiply-adds. */
    public static NetworkSpec resnet34() {
        return build("ResNet-34", new int[] {3, 4, 6, 3}, false);
    }

    /** ResNet-50: bottleneck blocks [3, 4, 6, 3], 25,557,032 parameters, 3.8 G multiply-adds. */
    public static NetworkSpec resnet50() {
        return build("ResNet-50", new int[] {3, 4, 6, 3}, true);
    }

    /**
     * SE-ResNet-50 (Hu et al. 2018, "Squeeze-and-Excitation Networks"): ResNet-50 with a Squeeze-and-Excitation
     * branch in every block, reduction r = 16, on the residual before the Add: global average pool → FC C/16 → ReLU →
     * FC C → Sigmoid → Scale. 28,088,024 parameters: ResNet-50's 25,557,032 plus Σ over the 16 blocks of
     * 2·C²/16 weights and C/16 + C biases (2,514,944 + 16,048; the paper: "∼2.5 million additional parameters").
     */
    public static NetworkSpec seResnet50() {
        return build("SE-ResNet-50", new int[] {3, 4, 6, 3}, true, 16);
    }

    /**
     * A small SE-ResNet for 32×32×3 images (CIFAR-10) that trains on a CPU: a 3×3 stem of 16 filters with BatchNorm
     * and ReLU, then three basic blocks of 16, 32 and 64 filters (the last two halve W and H), each with a
     * Squeeze-and-Excitation branch of reduction 4 (16 → 4 → 16), global average pool, FC 10. 80,870 parameters (as PyTorch counts the same network).
     */
    public static NetworkSpec seResnetCifar() {
        NetworkSpec.Builder b = NetworkSpec.builder("SE-ResNet (CIFAR)")
                .input(32, 32, 3)
                .add("conv1", conv(16, 3, 1)).add("bn_conv1", LayerSpec.BatchNorm.standard())
                .add("conv1_relu", new LayerSpec.ReLU());
        int depth = 16;
        for (int stage = 0; stage < 3; stage++) {
            depth = basicBlock(b, "res" + (stage + 2) + "a", depth, 16 << stage, stage == 0 ? 1 : 2, 4);
        }
        return b.add("pool5", new LayerSpec.GlobalAvgPool())
                .add("fc10", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    private static NetworkSpec build(String name, int[] blocks, boolean bottleneck) {
        return build(name, blocks, bottleneck, 0);
    }

    /** {@code seReduction} 0: no Squeeze-and-Excitation; r &gt; 0: an SE branch of reduction r in every block. */
    private static NetworkSpec build(String name, int[] blocks, boolean bottleneck, int seReduction) {
        NetworkSpec.Builder b = NetworkSpec.builder(name)
                .input(224, 224, 3)
                .add("conv1", conv(64, 7, 2)).add("bn_conv1", LayerSpec.BatchNorm.standard())
                .add("conv1_relu", new LayerSpec.ReLU())
                .add("pool1", new LayerSpec.MaxPool(3, 2, Padding.SAME));
        int depth = 64;
        for (int stage = 0; stage < 4; stage++) {
            int filters = 64 << stage;
            for (int i = 0; i < blocks[stage]; i++) {
                String block = "res" + (stage + 2) + (char) ('a' + i);
                int stride = stage > 0 && i == 0 ? 2 : 1;
                depth = bottleneck ? bottleneckBlock(b, block, depth, filters, stride, seReduction)
                        : basicBlock(b, block, depth, filters, stride, seReduction);
            }
        }
        return b.add("pool5", new LayerSpec.GlobalAvgPool())
                .add("fc1000", LayerSpec.FullyConnected.of(1000))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /** Two 3×3 convolutions; returns the block's output depth. */
    private static int basicBlock(NetworkSpec.Builder b, String block, int inDepth, int filters, int stride, int se) {
        String in = b.last();
        b.add(block + "/branch2a", conv(filters, 3, stride)).add(block + "/bn2a", LayerSpec.BatchNorm.standard())
                .add(block + "/relu2a", new LayerSpec.ReLU())
                .add(block + "/branch2b", conv(filters, 3, 1)).add(block + "/bn2b", LayerSpec.BatchNorm.standard());
        if (se > 0) squeezeExcitation(b, block, filters, se);
        merge(b, block, in, inDepth, filters, stride);
        return filters;
    }

    /** 1×1 reduce (carrying the stride), 3×3, 1×1 expand to 4·filters; returns the block's output depth. */
    private static int bottleneckBlock(NetworkSpec.Builder b, String block, int inDepth, int filters, int stride, int se) {
        String in = b.last();
        b.add(block + "/branch2a", conv(filters, 1, stride)).add(block + "/bn2a", LayerSpec.BatchNorm.standard())
                .add(block + "/relu2a", new LayerSpec.ReLU())
                .add(block + "/branch2b", conv(filters, 3, 1)).add(block + "/bn2b", LayerSpec.BatchNorm.standard())
                .add(block + "/relu2b", new LayerSpec.ReLU())
                .add(block + "/branch2c", conv(4 * filters, 1, 1)).add(block + "/bn2c", LayerSpec.BatchNorm.standard());
        if (se > 0) squeezeExcitation(b, block, 4 * filters, se);
        merge(b, block, in, inDepth, 4 * filters, stride);
        return 4 * filters;
    }

    /**
     * A Squeeze-and-Excitation branch on the last node (C channels): squeeze (global average pool to 1×1×C), excite
     * (FC C/r, ReLU, FC C, Sigmoid: one weight in (0, 1) per channel), then Scale multiplies the maps by them.
     */
    static void squeezeExcitation(NetworkSpec.Builder b, String block, int channels, int reduction) {
        String maps = b.last();
        b.add(block + "/se_pool", new LayerSpec.GlobalAvgPool())
                .add(block + "/se_fc1", LayerSpec.FullyConnected.of(channels / reduction)).add(block + "/se_relu", new LayerSpec.ReLU())
                .add(block + "/se_fc2", LayerSpec.FullyConnected.of(channels)).add(block + "/se_sigmoid", new LayerSpec.Sigmoid())
                .add(block + "/se_scale", new LayerSpec.ChannelScale(), maps, block + "/se_sigmoid");
    }

    /** Adds the shortcut (identity, or a 1×1 projection with BN when the shape changes), the Add and the ReLU. */
    private static void merge(NetworkSpec.Builder b, String block, String in, int inDepth, int outDepth, int stride) {
        String residual = b.last();
        String shortcut = in;
        if (stride != 1 || inDepth != outDepth) {
            b.add(block + "/branch1", conv(outDepth, 1, stride), in).add(block + "/bn1", LayerSpec.BatchNorm.standard());
            shortcut = b.last();
        }
        b.add(block, new LayerSpec.Add(), shortcut, residual).add(block + "/relu", new LayerSpec.ReLU());
    }

    /** F×F convolution without bias; stride 1 pads (F − 1)/2, stride 2 pads "same". */
    private static LayerSpec.Conv2D conv(int filters, int kernel, int stride) {
        Padding padding = stride == 1 ? Padding.of((kernel - 1) / 2) : Padding.SAME;
        return new LayerSpec.Conv2D(filters, kernel, kernel, stride, padding, 1, 1, false);
    }
}
