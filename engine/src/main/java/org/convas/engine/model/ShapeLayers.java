package org.convas.engine.model;

import org.convas.engine.kernel.Elementwise;

/** Layers that only move or sum values: Flatten, GlobalAvgPool, Add, Concat. */
final class ShapeLayers {

    private ShapeLayers() {
    }

    /** Flatten: (C, H, W) memory order is already PyTorch's flatten order, so it is a copy. */
    static final class Flatten implements Layer {
        private final int size;

        Flatten(int size) {
            this.size = size;
        }

        @Override
        public void forward(float[][] in, float[] out, int n, boolean training) {
            System.arraycopy(in[0], 0, out, 0, n * size);
        }

        @Override
        public void backward(float[][] in, float[] out, float[] dOut, float[][] dIn, int n) {
            if (dIn[0] == null) return;
            float[] dx = dIn[0];
            for (int i = 0, m = n * size; i < m; i++) dx[i] += dOut[i];
        }
    }

    /** Mean of each H×W map: y[n, c] = Σ x[n, c, ·, ·] / (H·W); backward spreads dy/(H·W). */
    static final class GlobalAvgPool implements Layer {
        private final int channels;
        private final int plane;

        GlobalAvgPool(int channels, int plane) {
            this.channels = channels;
            this.plane = plane;
        }

        @Override
        public void forward(float[][] in, float[] out, int n, boolean training) {
            float[] x = in[0];
            float inv = 1f / plane;
            for (int i = 0, m = n * channels; i < m; i++) {
                float s = 0f;
                int o = i * plane;
                for (int p = 0; p < plane; p++) s += x[o + p];
                out[i] = s * inv;
            }
        }

        @Override
        public void backward(float[][] in, float[] out, float[] dOut, float[][] dIn, int n) {
            float[] dx = dIn[0];
            if (dx == null) return;
            float inv = 1f / plane;
            for (int i = 0, m = n * channels; i < m; i++) {
                float g = dOut[i] * inv;
                int o = i * plane;
                for (int p = 0; p < plane; p++) dx[o + p] += g;
            }
        }
    }

    /** Element-wise sum of equally shaped inputs; each input receives dOut unchanged. */
    static final class Add implements Layer {
        private final int size;
        /** Per input: write its gradient instead of adding to it (this layer is its only consumer). */
        private boolean[] overwriteInput = new boolean[0];

        Add(int size) {
            this.size = size;
        }

        void overwriteInputGradient(int input, int inputs) {
            if (overwriteInput.length < inputs) overwriteInput = java.util.Arrays.copyOf(overwriteInput, inputs);
            overwriteInput[input] = true;
        }

        @Override
        public void forward(float[][] in, float[] out, int n, boolean training) {
            int m = n * size;
            if (in.length == 2) {
                Elementwise.sum(in[0], in[1], out, m);
                return;
            }
            System.arraycopy(in[0], 0, out, 0, m);
            for (int k = 1; k < in.length; k++) {
                float[] x = in[k];
                for (int i = 0; i < m; i++) out[i] += x[i];
            }
        }

        @Override
        public void backward(float[][] in, float[] out, float[] dOut, float[][] dIn, int n) {
            int m = n * size;
            for (int k = 0; k < dIn.length; k++) {
                if (dIn[k] != null) Elementwise.accumulate(dOut, dIn[k], m, k < overwriteInput.length && overwriteInput[k]);
            }
        }
    }

    /**
     * Scale: y[c, p] = x[c, p]·s[c] for a volume x (C × plane per sample) and weights s (C per sample), the input
     * {@code weights} of the two. Backward: dx += dy·s, ds[c] += Σ_p dy[c, p]·x[c, p].
     */
    static final class ChannelScale implements Layer {
        private final int channels;
        private final int plane;
        private final int weights;

        ChannelScale(int channels, int plane, int weightsInput) {
            this.channels = channels;
            this.plane = plane;
            this.weights = weightsInput;
        }

        @Override
        public void forward(float[][] in, float[] out, int n, boolean training) {
            float[] x = in[1 - weights], s = in[weights];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    float g = s[i * channels + c];
                    int o = (i * channels + c) * plane;
                    for (int p = 0; p < plane; p++) out[o + p] = x[o + p] * g;
                }
            }
        }

        @Override
        public void backward(float[][] in, float[] out, float[] dOut, float[][] dIn, int n) {
            float[] x = in[1 - weights], s = in[weights];
            float[] dx = dIn[1 - weights], ds = dIn[weights];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    float g = s[i * channels + c];
                    int o = (i * channels + c) * plane;
                    double sum = 0;
                    for (int p = 0; p < plane; p++) {
                        if (dx != null) dx[o + p] += dOut[o + p] * g;
                        sum += dOut[o + p] * x[o + p];
                    }
                    if (ds != null) ds[i * channels + c] += (float) sum;
                }
            }
        }
    }

    /** Stacks inputs along depth: per sample, input k's C_k·H·W block follows the blocks of inputs before it. */
    static final class Concat implements Layer {
        private final int[] sizes;
        private final int total;

        Concat(int[] sizes) {
            this.sizes = sizes.clone();
            int t = 0;
            for (int s : sizes) t += s;
            this.total = t;
        }

        @Override
        public void forward(float[][] in, float[] out, int n, boolean training) {
            for (int s = 0; s < n; s++) {
                int o = s * total;
                for (int k = 0; k < in.length; k++) {
                    System.arraycopy(in[k], s * sizes[k], out, o, sizes[k]);
                    o += sizes[k];
                }
            }
        }

        @Override
        public void backward(float[][] in, float[] out, float[] dOut, float[][] dIn, int n) {
            for (int s = 0; s < n; s++) {
                int o = s * total;
                for (int k = 0; k < in.length; k++) {
                    float[] dx = dIn[k];
                    if (dx != null) {
                        int d = s * sizes[k];
                        for (int i = 0; i < sizes[k]; i++) dx[d + i] += dOut[o + i];
                    }
                    o += sizes[k];
                }
            }
        }
    }
}
