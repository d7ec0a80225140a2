package org.convas.engine.model;

import org.convas.engine.kernel.Elementwise;

import java.util.SplittableRandom;

/** Element-wise layers: ReLU, LeakyReLU, Sigmoid, Tanh, Dropout. */
final class ActivationLayers {

    private ActivationLayers() {
    }

    /** y = max(x, a·x) (a = 0 is ReLU); dx += dy where x &gt; 0, a·dy elsewhere. */
    static final class Relu implements Layer {
        private final int size;
        private final float slope;

        Relu(int size, float slope) {
            this.size = size;
            this.slope = slope;
        }

        private boolean overwriteInput;

        /** Writes dx instead of adding to it: this layer is its input's only consumer ({@link ModelWorker#fuseActivations}). */
        void overwriteInputGradient(boolean on) {
            overwriteInput = on;
        }

        /** ReLU proper (slope 0), which a convolution can compute itself: {@link ModelWorker#fuseActivations}. */
        boolean isPlain() {
            return slope == 0f;
        }

        @Override
        public void forward(float[][] in, float[] y, int n, boolean training) {
            float[] x = in[0];
            if (slope == 0f) {
                Elementwise.relu(x, y, n * size);   // NaN stays NaN
            } else {
                for (int i = 0, m = n * size; i < m; i++) y[i] = x[i] > 0f ? x[i] : slope * x[i];
            }
        }

        @Override
        public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
            float[] dx = dIn[0];
            if (dx == null) return;
            float[] x = in[0];
            if (slope == 0f) {
                Elementwise.reluGradient(dy, x, dx, n * size, overwriteInput);
            } else {
                for (int i = 0, m = n * size; i < m; i++) dx[i] = (overwriteInput ? 0f : dx[i]) + (x[i] > 0f ? dy[i] : slope * dy[i]);
            }
        }
    }

    /** y = 1/(1 + e^−x); dx += dy·y·(1 − y). */
    static final class Sigmoid implements Layer {
        private final int size;

        Sigmoid(int size) {
            this.size = size;
        }

        @Override
        public void forward(float[][] in, float[] y, int n, boolean training) {
            float[] x = in[0];
            for (int i = 0, m = n * size; i < m; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
        }

        @Override
        public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
            float[] dx = dIn[0];
            if (dx == null) return;
            for (int i = 0, m = n * size; i < m; i++) dx[i] += dy[i] * y[i] * (1f - y[i]);
        }
    }

    /** y = tanh x; dx += dy·(1 − y²). */
    static final class Tanh implements Layer {
        private final int size;

        Tanh(int size) {
            this.size = size;
        }

        @Override
        public void forward(float[][] in, float[] y, int n, boolean training) {
            float[] x = in[0];
            for (int i = 0, m = n * size; i < m; i++) y[i] = (float) Math.tanh(x[i]);
        }

        @Override
        public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
            float[] dx = dIn[0];
            if (dx == null) return;
            for (int i = 0, m = n * size; i < m; i++) dx[i] += dy[i] * (1f - y[i] * y[i]);
        }
    }

    /**
     * Inverted dropout: in training y = x·mask with mask 0 (probability p) or 1/(1 − p); in evaluation y = x.
     * The mask comes from a generator reseeded for every batch from (run seed, epoch, batch, worker), so a
     * run and its resumption draw the same masks.
     */
    static final class Dropout implements Layer {
        private final int size;
        private final double p;
        private final float[] mask;
        private SplittableRandom random = new SplittableRandom(0);

        Dropout(int size, double p, int maxBatch) {
            this.size = size;
            this.p = p;
            this.mask = new float[maxBatch * size];
        }

        @Override
        public void reseed(long seed) {
            random = new SplittableRandom(seed);
        }

        @Override
        public void forward(float[][] in, float[] y, int n, boolean training) {
            float[] x = in[0];
            int m = n * size;
            if (!training || p == 0) {
                System.arraycopy(x, 0, y, 0, m);
                java.util.Arrays.fill(mask, 0, m, 1f);
                return;
            }
            float keep = (float) (1.0 / (1.0 - p));
            for (int i = 0; i < m; i++) {
                mask[i] = random.nextDouble() < p ? 0f : keep;
                y[i] = x[i] * mask[i];
            }
        }

        @Override
        public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
            float[] dx = dIn[0];
            if (dx == null) return;
            for (int i = 0, m = n * size; i < m; i++) dx[i] += dy[i] * mask[i];
        }
    }
}
