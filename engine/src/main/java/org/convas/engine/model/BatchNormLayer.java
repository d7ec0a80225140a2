package org.convas.engine.model;

import java.util.List;

/**
 * Batch normalisation per channel c over the M = N·H·W values of the batch:
 * x̂ = (x − μ_c)/√(σ²_c + ε), y = γ_c·x̂ + β_c.
 *
 * <p>Training uses the batch's μ and biased σ² and remembers them so the trainer can update the running
 * statistics once per step (PyTorch: running = (1 − m)·running + m·batch, with the unbiased variance
 * σ²·M/(M − 1)). Evaluation uses the running statistics.
 *
 * <p>Backward (training): dγ += Σ dy·x̂, dβ += Σ dy,
 * dx += γ/(M·√(σ² + ε)) · (M·dy − Σ dy − x̂·Σ dy·x̂).
 */
final class BatchNormLayer implements Layer {

    private final int channels;
    private final int plane;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final float[] runningMean;
    private final float[] runningVar;
    private final float[] xhat;
    private final float[] invStd;
    /** Batch mean and biased variance of the last training forward pass, and its M. */
    final float[] batchMean;
    final float[] batchVar;
    int batchCount;
    /** M of the whole batch in the last shared training pass (all workers' values). */
    float batchTotal;

    BatchNormLayer(int channels, int plane, double epsilon, Parameter gamma, Parameter beta,
                   float[] runningMean, float[] runningVar, int maxBatch) {
        this.channels = channels;
        this.plane = plane;
        this.epsilon = (float) epsilon;
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.xhat = new float[maxBatch * channels * plane];
        this.invStd = new float[channels];
        this.batchMean = new float[channels];
        this.batchVar = new float[channels];
    }

    /** Whole-batch statistics shared with the other workers, or null: {@link BatchStatistics}. */
    private BatchStatistics.Node shared;
    private int worker;

    int channels() {
        return channels;
    }

    void share(BatchStatistics.Node node, int worker) {
        this.shared = node;
        this.worker = worker;
    }

    @Override
    public void forward(float[][] in, float[] y, int n, boolean training) {
        if (training && shared != null) {
            forwardShared(in[0], y, n);
            return;
        }
        float[] x = in[0];
        float[] g = gamma.value();
        float[] b = beta.value();
        int stride = channels * plane;
        for (int c = 0; c < channels; c++) {
            float mean;
            float var;
            if (training) {
                double sum = 0;
                for (int s = 0; s < n; s++) {
                    int o = s * stride + c * plane;
                    for (int p = 0; p < plane; p++) sum += x[o + p];
                }
                double m = sum / ((double) n * plane);
                double sq = 0;
                for (int s = 0; s < n; s++) {
                    int o = s * stride + c * plane;
                    for (int p = 0; p < plane; p++) {
                        double d = x[o + p] - m;
                        sq += d * d;
                    }
                }
                mean = (float) m;
                var = (float) (sq / ((double) n * plane));
                batchMean[c] = mean;
                batchVar[c] = var;
            } else {
                mean = runningMean[c];
                var = runningVar[c];
            }
            float inv = (float) (1.0 / Math.sqrt(var + epsilon));
            invStd[c] = inv;
            float gc = g[c], bc = b[c];
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) {
                    float h = (x[o + p] - mean) * inv;
                    xhat[o + p] = h;
                    y[o + p] = gc * h + bc;
                }
            }
        }
        if (training) batchCount = n * plane;
    }

    /**
     * Training forward pass with the statistics of the whole batch: Σx over this worker's slice, exchanged for
     * the batch's total (→ μ), then Σ(x − μ)², exchanged likewise (→ σ²), each summed in double.
     */
    private void forwardShared(float[] x, float[] y, int n) {
        int stride = channels * plane;
        double[] local = new double[channels], total = new double[channels], count = new double[1];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) sum += x[o + p];
            }
            local[c] = sum;
        }
        shared.exchange(worker, local, (double) n * plane, total, count);
        double m = count[0];
        float[] mean = batchMean;
        for (int c = 0; c < channels; c++) {
            double mc = total[c] / m;
            mean[c] = (float) mc;
            double sq = 0;
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) {
                    double d = x[o + p] - mc;
                    sq += d * d;
                }
            }
            local[c] = sq;
        }
        shared.exchange(worker, local, (double) n * plane, total, count);
        float[] g = gamma.value();
        float[] b = beta.value();
        for (int c = 0; c < channels; c++) {
            float var = (float) (total[c] / m);
            batchVar[c] = var;
            float inv = (float) (1.0 / Math.sqrt(var + epsilon));
            invStd[c] = inv;
            float mu = mean[c], gc = g[c], bc = b[c];
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) {
                    float h = (x[o + p] - mu) * inv;
                    xhat[o + p] = h;
                    y[o + p] = gc * h + bc;
                }
            }
        }
        batchCount = n * plane;
        batchTotal = (float) m;
    }

    @Override
    public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
        if (shared != null) {
            backwardShared(dy, dIn[0], n);
            return;
        }
        float[] dx = dIn[0];
        float[] g = gamma.value();
        float[] dg = gamma.grad();
        float[] db = beta.grad();
        int stride = channels * plane;
        float m = (float) n * plane;
        for (int c = 0; c < channels; c++) {
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) {
                    sumDy += dy[o + p];
                    sumDyXhat += dy[o + p] * xhat[o + p];
                }
            }
            dg[c] += (float) sumDyXhat;
            db[c] += (float) sumDy;
            if (dx == null) continue;
            float k = g[c] * invStd[c] / m;
            float sd = (float) sumDy, sdx = (float) sumDyXhat;
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) dx[o + p] += k * (m * dy[o + p] - sd - xhat[o + p] * sdx);
            }
        }
    }

    /**
     * Backward pass with whole-batch sums: dγ and dβ get this slice's Σdy·x̂ and Σdy (the trainer adds the
     * workers' gradients up), dx uses the batch's, exchanged with the other workers, and the batch's M.
     */
    private void backwardShared(float[] dy, float[] dx, int n) {
        float[] g = gamma.value();
        float[] dg = gamma.grad();
        float[] db = beta.grad();
        int stride = channels * plane;
        double[] local = new double[2 * channels], total = new double[2 * channels], count = new double[1];
        for (int c = 0; c < channels; c++) {
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) {
                    sumDy += dy[o + p];
                    sumDyXhat += dy[o + p] * xhat[o + p];
                }
            }
            dg[c] += (float) sumDyXhat;
            db[c] += (float) sumDy;
            local[c] = sumDy;
            local[channels + c] = sumDyXhat;
        }
        shared.exchange(worker, local, (double) n * plane, total, count);
        if (dx == null) return;
        float m = (float) count[0];
        for (int c = 0; c < channels; c++) {
            float k = g[c] * invStd[c] / m;
            float sd = (float) total[c], sdx = (float) total[channels + c];
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) dx[o + p] += k * (m * dy[o + p] - sd - xhat[o + p] * sdx);
            }
        }
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    /**
     * Folds the batch statistics that the workers saw into the running statistics, once per step. With one
     * worker, or workers sharing whole-batch statistics ({@link BatchStatistics}), this is PyTorch's update;
     * with several independent workers, their statistics are pooled (the exact mean and variance of the union of
     * their samples), workers taken in a fixed order.
     */
    static void updateRunningStatistics(List<BatchNormLayer> workers, double momentum) {
        BatchNormLayer first = workers.get(0);
        if (first.shared != null && first.batchCount > 0) {
            // Every worker normalised with the whole batch's statistics: take them once.
            double count = first.batchTotal;
            if (count >= 2) {
                for (int c = 0; c < first.channels; c++) {
                    double var = (double) first.batchVar[c] * count / (count - 1);
                    first.runningMean[c] = (float) ((1 - momentum) * first.runningMean[c] + momentum * first.batchMean[c]);
                    first.runningVar[c] = (float) ((1 - momentum) * first.runningVar[c] + momentum * var);
                }
            }
            for (BatchNormLayer w : workers) w.batchCount = 0;
            return;
        }
        for (int c = 0; c < first.channels; c++) {
            double count = 0, sum = 0, sumSq = 0;
            for (BatchNormLayer w : workers) {
                if (w.batchCount == 0) continue;
                double mc = w.batchCount;
                count += mc;
                sum += mc * w.batchMean[c];
                sumSq += mc * ((double) w.batchVar[c] + (double) w.batchMean[c] * w.batchMean[c]);
            }
            if (count < 2) continue;
            double mean = sum / count;
            double var = Math.max(sumSq / count - mean * mean, 0) * count / (count - 1);
            first.runningMean[c] = (float) ((1 - momentum) * first.runningMean[c] + momentum * mean);
            first.runningVar[c] = (float) ((1 - momentum) * first.runningVar[c] + momentum * var);
        }
        for (BatchNormLayer w : workers) w.batchCount = 0;
    }
}
