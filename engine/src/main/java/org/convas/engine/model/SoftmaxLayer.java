package org.convas.engine.model;

/**
 * p_i = e^(x_i − max x) / Σ_j e^(x_j − max x) per sample. In training the network fuses it with the
 * cross-entropy loss (dLogits = p − onehot), so this backward only runs when Softmax sits elsewhere:
 * dx_i += p_i·(dy_i − Σ_j dy_j·p_j).
 */
final class SoftmaxLayer implements Layer {

    private final int classes;

    SoftmaxLayer(int classes) {
        this.classes = classes;
    }

    @Override
    public void forward(float[][] in, float[] y, int n, boolean training) {
        softmax(in[0], y, n, classes);
    }

    static void softmax(float[] x, float[] p, int n, int classes) {
        for (int s = 0; s < n; s++) {
            int o = s * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < classes; i++) max = Math.max(max, x[o + i]);
            double sum = 0;
            for (int i = 0; i < classes; i++) sum += Math.exp(x[o + i] - max);
            for (int i = 0; i < classes; i++) p[o + i] = (float) (Math.exp(x[o + i] - max) / sum);
        }
    }

    @Override
    public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
        float[] dx = dIn[0];
        if (dx == null) return;
        for (int s = 0; s < n; s++) {
            int o = s * classes;
            double dot = 0;
            for (int i = 0; i < classes; i++) dot += dy[o + i] * y[o + i];
            for (int i = 0; i < classes; i++) dx[o + i] += (float) (y[o + i] * (dy[o + i] - dot));
        }
    }
}
