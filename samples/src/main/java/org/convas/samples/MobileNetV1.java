package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

/**
 * MobileNet v1 (Howard et al. 2017, Table 1) at width 1.0 on 224×224×3: conv1 32@3×3/2, then 13 depthwise
 * separable blocks, global average pool, fc 1000, softmax.
 *
 * <p>A depthwise separable block: a 3×3 depthwise convolution (groups = input depth D, one filter per channel,
 * 3·3·D weights) with BN and ReLU, then a 1×1 pointwise convolution to D' channels (D·D' weights) with BN and
 * ReLU; the lecture's C·(k·k + C') instead of C·k·k·C'. Convolutions carry no bias (BN follows). Stride-2
 * layers use "same" padding so 224 → 112 → 56 → 28 → 14 → 7 exactly.
 */
public final class MobileNetV1 {

    /** Pointwise filters and depthwise stride of the 13 blocks, from Table 1. */
    private static final int[][] BLOCKS = {
            {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
            {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
    };

    private MobileNetV1() {
    }

    public static NetworkSpec build() {
        NetworkSpec.Builder b = NetworkSpec.builder("MobileNet v1")
                .input(224, 224, 3)
                .add("conv1", conv(32, 3, 2, 1)).add("conv1_bn", LayerSpec.BatchNorm.standard())
                .add("conv1_relu", new LayerSpec.ReLU());
        int depth = 32;
        for (int i = 0; i < BLOCKS.length; i++) {
            String n = Integer.toString(i + 1);
            int filters = BLOCKS[i][0];
            int stride = BLOCKS[i][1];
            b.add("conv_dw_" + n, conv(depth, 3, stride, depth)).add("conv_dw_" + n + "_bn", LayerSpec.BatchNorm.standard())
                    .add("conv_dw_" + n + "_relu", new LayerSpec.ReLU())
                    .add("conv_pw_" + n, conv(filters, 1, 1, 1)).add("conv_pw_" + n + "_bn", LayerSpec.BatchNorm.standard())
                    .add("conv_pw_" + n + "_relu", new LayerSpec.ReLU());
            depth = filters;
        }
        return b.add("avgpool", new LayerSpec.GlobalAvgPool())
                .add("fc", LayerSpec.FullyConnected.of(1000))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }

    /** F×F convolution without bias in the given number of groups; stride 1 pads (F − 1)/2, stride 2 "same". */
    private static LayerSpec.Conv2D conv(int filters, int kernel, int stride, int groups) {
        Padding padding = stride == 1 ? Padding.of((kernel - 1) / 2) : Padding.SAME;
        return new LayerSpec.Conv2D(filters, kernel, kernel, stride, padding, 1, groups, false);
    }
}
