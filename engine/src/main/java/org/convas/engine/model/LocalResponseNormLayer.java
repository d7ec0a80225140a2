package org.convas.engine.model;

/**
 * Local response normalisation across channels (PyTorch's convention):
 * s_c = k + α/n · Σ_{c' = c − ⌊n/2⌋}^{c + ⌊(n−1)/2⌋} a_{c'}², b_c = a_c · s_c^(−β).
 *
 * <p>Backward: da_j += dy_j·s_j^(−β) − (2αβ/n)·a_j·Σ_{c whose window holds j} dy_c·a_c·s_c^(−β−1).
 * Example: AlexNet's n = 5, α = 1e−4, β = 0.75, k = 2.
 */
final class LocalResponseNormLayer implements Layer {

    private final int channels;
    private final int plane;
    private final int size;
    private final double alpha;
    private final double beta;
    private final double k;
    private final float[] scale;

    LocalResponseNormLayer(int channels, int plane, int size, double alpha, double beta, double k, int maxBatch) {
        this.channels = channels;
        this.plane = plane;
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
        this.scale = new float[maxBatch * channels * plane];
    }

    @Override
    public void forward(float[][] in, float[] y, int n, boolean training) {
        float[] a = in[0];
        int before = size / 2, after = (size - 1) / 2;
        for (int s = 0; s < n; s++) {
            int base = s * channels * plane;
            for (int c = 0; c < channels; c++) {
                int lo = Math.max(0, c - before), hi = Math.min(channels - 1, c + after);
                for (int p = 0; p < plane; p++) {
                    double sum = 0;
                    for (int j = lo; j <= hi; j++) {
                        double v = a[base + j * plane + p];
                        sum += v * v;
                    }
                    double sc = k + alpha / size * sum;
                    int i = base + c * plane + p;
                    scale[i] = (float) sc;
                    y[i] = (float) (a[i] * Math.pow(sc, -beta));
                }
            }
        }
    }

    @Override
    public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
        float[] dx = dIn[0];
        if (dx == null) return;
        float[] a = in[0];
        int before = size / 2, after = (size - 1) / 2;
        double coef = 2 * alpha * beta / size;
        for (int s = 0; s < n; s++) {
            int base = s * channels * plane;
            for (int j = 0; j < channels; j++) {
                // Channels c whose window [c − before, c + after] holds j.
                int lo = Math.max(0, j - after), hi = Math.min(channels - 1, j + before);
                for (int p = 0; p < plane; p++) {
                    int ij = base + j * plane + p;
                    double cross = 0;
                    for (int c = lo; c <= hi; c++) {
                        int ic = base + c * plane + p;
                        cross += dy[ic] * a[ic] * Math.pow(scale[ic], -beta - 1);
                    }
                    dx[ij] += (float) (dy[ij] * Math.pow(scale[ij], -beta) - coef * a[ij] * cross);
                }
            }
        }
    }
}
