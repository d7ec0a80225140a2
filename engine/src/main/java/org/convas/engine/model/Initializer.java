package org.convas.engine.model;

import java.util.SplittableRandom;

/**
 * How weights start. Biases and BatchNorm's β start at 0, BatchNorm's γ at 1, running variance at 1.
 *
 * <p>Fan-in and fan-out as PyTorch counts them: a convolution with K filters of Fh×Fw over C channels in G
 * groups has fan-in (C/G)·Fh·Fw and fan-out K·Fh·Fw; a fully connected layer I → O has fan-in I, fan-out O.
 * Example: LeNet's conv1 (6 filters 5×5 over 1 channel) has fan-in 25, so He's σ = √(2/25) ≈ 0.283.
 */
public enum Initializer {

    /** He (Kaiming) normal: w ~ N(0, 2/fan-in). Suits ReLU networks. */
    HE {
        @Override
        void fill(float[] w, int fanIn, int fanOut, SplittableRandom random) {
            double std = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * std);
        }
    },

    /** Xavier (Glorot) uniform: w ~ U(−a, a), a = √(6/(fan-in + fan-out)). Suits tanh and sigmoid. */
    XAVIER {
        @Override
        void fill(float[] w, int fanIn, int fanOut, SplittableRandom random) {
            double a = Math.sqrt(6.0 / (fanIn + fanOut));
            for (int i = 0; i < w.length; i++) w[i] = (float) ((random.nextDouble() * 2 - 1) * a);
        }
    };

    abstract void fill(float[] w, int fanIn, int fanOut, SplittableRandom random);

    /** The initialiser a network's setting names. */
    public static Initializer of(org.convas.engine.spec.WeightInit init) {
        return switch (init) {
            case HE -> HE;
            case XAVIER -> XAVIER;
        };
    }
}
