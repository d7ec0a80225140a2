package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

/**
 * GoogLeNet, Inception v1 (Szegedy et al. 2014, Table 1), on 224×224×3.
 *
 * <p>Stem: conv1 64@7×7/2 → 112×112×64, pool1 3×3/2 → 56, norm1, conv2 reduce 64@1×1, conv2 192@3×3 → 56×56×192,
 * norm2, pool2 → 28. Then nine inception modules (3a, 3b, pool3, 4a … 4e, pool4, 5a, 5b), average pool 7×7
 * → 1×1×1024, dropout 40 %, a linear layer of 1000 and softmax.
 *
 * <p>An inception module feeds its input to four branches whose outputs meet in a Concat:
 * 1×1; 1×1 "3×3 reduce" then 3×3 pad 1; 1×1 "5×5 reduce" then 5×5 pad 2; max pool 3×3/1 pad 1 then 1×1 "pool
 * proj". Output depth = #1×1 + #3×3 + #5×5 + pool proj, e.g. 3a: 64 + 128 + 32 + 32 = 256.
 *
 * <p>Layers of stride 2 use "same" padding (⌈W/S⌉: 224 → 112 → 56 → 28 → 14 → 7 exactly, the odd extra row
 * bottom/right). The paper's Caffe model padded conv1 by 3 and rounded the pools up (ceil mode): the same
 * sizes, parameters and multiply-adds. The two auxiliary classifiers used only in training are left out,
 * as Table 1 leaves them out.
 */
public final class GoogLeNet {

    /** Table 1's branch widths for one module: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj. */
    record Module(String name, int oneByOne, int reduce3, int threeByThree, int reduce5, int fiveByFive, int poolProj) {
        int outputDepth() {
            return oneByOne + threeByThree + fiveByFive + poolProj;
        }
    }

    /** Table 1 of the paper, in network order. */
    static final Module[] MODULES = {
            new Module("3a", 64, 96, 128, 16, 32, 32),
            new Module("3b", 128, 128, 192, 32, 96, 64),
            new Module("4a", 192, 96, 208, 16, 48, 64),
            new Module("4b", 160, 112, 224, 24, 64, 64),
            new Module("4c", 128, 128, 256, 24, 64, 64),
            new Module("4d", 112, 144, 288, 32, 64, 64),
            new Module("4e", 256, 160, 320, 32, 128, 128),
            new Module("5a", 256, 160, 320, 32, 128, 128),
            new Module("5b", 384, 192, 384, 48, 128, 128),
    };

    private GoogLeNet() {
    }

    public static NetworkSpec build() {
        NetworkSpec.Builder b = NetworkSpec.builder("GoogLeNet")
                .input(224, 224, 3)
                .add("conv1/7x7_s2", LayerSpec.Conv2D.of(64, 7, 2, Padding.SAME)).add("conv1/relu", new LayerSpec.ReLU())
                .add("pool1/3x3_s2", new LayerSpec.MaxPool(3, 2, Padding.SAME))
                .add("pool1/norm1", LayerSpec.LocalResponseNorm.alexNet())
                .add("conv2/3x3_reduce", LayerSpec.Conv2D.of(64, 1, 1, 0)).add("conv2/relu_reduce", new LayerSpec.ReLU())
                .add("conv2/3x3", LayerSpec.Conv2D.of(192, 3, 1, 1)).add("conv2/relu", new LayerSpec.ReLU())
                .add("conv2/norm2", LayerSpec.LocalResponseNorm.alexNet())
                .add("pool2/3x3_s2", new LayerSpec.MaxPool(3, 2, Padding.SAME));
        for (Module m : MODULES) {
            if (m.name().equals("4a")) b.add("pool3/3x3_s2", new LayerSpec.MaxPool(3, 2, Padding.SAME));
            if (m.name().equals("5a")) b.add("pool4/3x3_s2", new LayerSpec.MaxPool(3, 2, Padding.SAME));
            inception(b, m);
        }
        return b.add("pool5/7x7_s1", LayerSpec.AvgPool.of(7, 1))
                .add("pool5/drop", new LayerSpec.Dropout(0.4))
                .add("flatten", new LayerSpec.Flatten())
                .add("classifier", LayerSpec.FullyConnected.of(1000))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /** Adds one module fed by the builder's last node; leaves the module's Concat as the last node. */
    private static void inception(NetworkSpec.Builder b, Module m) {
        String in = b.last();
        String p = "inception" + m.name() + "/";
        b.add(p + "1x1", conv1x1(m.oneByOne()), in).add(p + "relu_1x1", new LayerSpec.ReLU());
        b.add(p + "3x3_reduce", conv1x1(m.reduce3()), in).add(p + "relu_3x3_reduce", new LayerSpec.ReLU())
                .add(p + "3x3", LayerSpec.Conv2D.of(m.threeByThree(), 3, 1, 1)).add(p + "relu_3x3", new LayerSpec.ReLU());
        b.add(p + "5x5_reduce", conv1x1(m.reduce5()), in).add(p + "relu_5x5_reduce", new LayerSpec.ReLU())
                .add(p + "5x5", LayerSpec.Conv2D.of(m.fiveByFive(), 5, 1, 2)).add(p + "relu_5x5", new LayerSpec.ReLU());
        b.add(p + "pool", new LayerSpec.MaxPool(3, 1, Padding.of(1)), in)
                .add(p + "pool_proj", conv1x1(m.poolProj())).add(p + "relu_pool_proj", new LayerSpec.ReLU());
        b.add(p + "output", new LayerSpec.Concat(),
                p + "relu_1x1", p + "relu_3x3", p + "relu_5x5", p + "relu_pool_proj");
    }

    private static LayerSpec.Conv2D conv1x1(int filters) {
        return LayerSpec.Conv2D.of(filters, 1, 1, 0);
    }
}
