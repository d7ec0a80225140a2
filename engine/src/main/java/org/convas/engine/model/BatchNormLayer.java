package org.convas.engine.model;

import org.convas.engine.kernel.Normalization;

import java.util.List;

/**
 * Batch normalisation per channel c over the M = N·H·W values of the batch:
 * x̂ = (x − μ_c)/√(σ²_c + ε), y = γ_c·x̂ + β_c.
 *
 * <p>Training uses the batch's μ and biased σ² (from one pass of sums shifted by the running mean) and remembers them so the trainer can update the running
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
    /** μ and 1/√(σ² + ε) of the last forward pass (the batch's in training, the running ones in evaluation). */
    private final float[] meanUsed;
    private final float[] invStd;
    private boolean overwriteInput;
    /** Batch mean and biased variance of the last training forward pass, and its M. */
    final float[] batchMean;
    final float[] batchVar;
    int batchCount;
    /** M of the whole batch in the last shared training pass (all workers' values). */
    float batchTotal;
    /** The last forward pass used the running statistics (evaluation): backward is then that of a fixed affine map. */
    private boolean lastEvaluation;

    BatchNormLayer(int channels, int plane, double epsilon, Parameter gamma, Parameter beta,
                   float[] runningMean, float[] runningVar, int maxBatch) {
        this.channels = channels;
        this.plane = plane;
        this.epsilon = (float) epsilon;
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.invStd = new float[channels];
        this.meanUsed = new float[channels];
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
        forward(in, y, null, n, training);
    }

    /**
     * Forward pass; with {@code relu} non-null, the ReLU that only this layer feeds ({@link ModelWorker#fuseActivations})
     * is computed in the same pass and written there, and y itself is not written (nothing else reads it).
     */
    void forward(float[][] in, float[] y, float[] relu, int n, boolean training) {
        float[] x = in[0];
        int stride = channels * plane;
        lastEvaluation = !training;
        if (training) {
            // One pass over x: S₁ = Σ(x − K) and S₂ = Σ(x − K)² per channel, K its running mean (the same in every
            // worker during a step, and near the batch mean, which keeps S₂/M − (S₁/M)² accurate); each image's run
            // summed in float lanes (Normalization), the runs added in double, over this pass's images, and over the
            // whole batch when the workers share their sums (BatchStatistics: one exchange).
            double[] sums = new double[2 * channels];
            float[] run = new float[2];
            double count = (double) n * plane;
            // Image by image, its channels in order: one sequential sweep over x (channel by channel, image by image
            // jumped a whole image at every plane). Each channel's runs are still added in image order.
            for (int s = 0; s < n; s++) {
                for (int c = 0; c < channels; c++) {
                    Normalization.shiftedSums(x, s * stride + c * plane, plane, runningMean[c], run);
                    sums[c] += run[0];
                    sums[channels + c] += run[1];
                }
            }
            double m = exchange(sums, count);
            for (int c = 0; c < channels; c++) {
                double d = sums[c] / m;
                batchMean[c] = (float) (runningMean[c] + d);
                batchVar[c] = (float) Math.max(sums[channels + c] / m - d * d, 0);
            }
            batchCount = n * plane;
            batchTotal = (float) m;
        }
        float[] g = gamma.value();
        float[] b = beta.value();
        float[] out = relu == null ? y : null;
        for (int c = 0; c < channels; c++) {
            float mean = training ? batchMean[c] : runningMean[c];
            float var = training ? batchVar[c] : runningVar[c];
            invStd[c] = (float) (1.0 / Math.sqrt(var + epsilon));
            meanUsed[c] = mean;
        }
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                Normalization.normalize(x, s * stride + c * plane, plane, meanUsed[c], invStd[c], g[c], b[c], out, relu);
            }
        }
    }

    /**
     * With shared statistics, replaces {@code sums} by the whole batch's (all workers', added in worker order)
     * and returns the batch's M; otherwise leaves them and returns {@code count}, this pass's M.
     */
    private double exchange(double[] sums, double count) {
        if (shared == null) return count;
        double[] total = new double[sums.length], totalCount = new double[1];
        shared.exchange(worker, sums, count, total, totalCount);
        System.arraycopy(total, 0, sums, 0, sums.length);
        return totalCount[0];
    }

    @Override
    public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
        backwardThroughRelu(in, null, dy, dIn, n);
    }

    /**
     * dγ and dβ get this pass's Σdy·x̂ and Σdy (the trainer adds the workers' gradients up); dx uses the sums
     * and M of the whole batch, exchanged with the other workers when they share statistics. With a fused ReLU,
     * {@code relu} is its output and {@code dy} its output's gradient, masked here by relu &gt; 0. x̂ is recomputed
     * from the input x and the forward pass's μ and 1/σ. dx is written over rather than added to when this layer
     * is its input's only consumer ({@link #overwriteInputGradient}).
     */
    void backwardThroughRelu(float[][] in, float[] relu, float[] dy, float[][] dIn, int n) {
        float[] x = in[0];
        float[] dx = dIn[0];
        float[] g = gamma.value();
        float[] dg = gamma.grad();
        float[] db = beta.grad();
        int stride = channels * plane;
        if (lastEvaluation) {
            evaluationBackward(x, relu, dy, dx, n);
            return;
        }
        double[] sums = new double[2 * channels];   // Σdy per channel, then Σdy·x̂ per channel
        float[] run = new float[2];
        for (int s = 0; s < n; s++) {   // one sequential sweep, each channel's runs added in image order
            for (int c = 0; c < channels; c++) {
                Normalization.gradientSums(dy, relu, x, s * stride + c * plane, plane, meanUsed[c], invStd[c], run);
                sums[c] += run[0];
                sums[channels + c] += run[1];
            }
        }
        for (int c = 0; c < channels; c++) {
            dg[c] += (float) sums[channels + c];
            db[c] += (float) sums[c];
        }
        float m = (float) exchange(sums, (double) n * plane);
        if (dx == null) return;
        float[] k = new float[channels];
        for (int c = 0; c < channels; c++) k[c] = g[c] * invStd[c] / m;
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                Normalization.inputGradient(dy, relu, x, s * stride + c * plane, plane, meanUsed[c], invStd[c], k[c], m,
                        (float) sums[c], (float) sums[channels + c], dx, overwriteInput);
            }
        }
    }

    /**
     * Backward after an evaluation pass (saliency maps, Grad-CAM: gradients of a trained network at an image): μ and σ²
     * are the running statistics, constants, so y = γ·(x − μ)/√(σ² + ε) + β is affine in x and
     * dx += γ/√(σ² + ε)·dy, dγ += Σ dy·x̂, dβ += Σ dy, with x̂ = (x − μ)/√(σ² + ε) recomputed from x. With a fused ReLU,
     * dy counts where its output is positive only; dx is written over when this layer is its input's only consumer.
     */
    private void evaluationBackward(float[] x, float[] relu, float[] dy, float[] dx, int n) {
        float[] g = gamma.value();
        int stride = channels * plane;
        for (int c = 0; c < channels; c++) {
            double sumDy = 0, sumDyXhat = 0;
            float k = g[c] * invStd[c], mean = meanUsed[c], inv = invStd[c];
            for (int s = 0; s < n; s++) {
                int o = s * stride + c * plane;
                for (int p = 0; p < plane; p++) {
                    float d = relu == null || relu[o + p] > 0f ? dy[o + p] : 0f;
                    sumDy += d;
                    sumDyXhat += d * ((x[o + p] - mean) * inv);
                    if (dx != null) {
                        if (overwriteInput) dx[o + p] = k * d;
                        else dx[o + p] += k * d;
                    }
                }
            }
            gamma.grad()[c] += (float) sumDyXhat;
            beta.grad()[c] += (float) sumDy;
        }
    }

    /**
     * Lets the backward pass write dx instead of adding to it: the {@link ModelWorker} says so when this layer is the
     * only consumer of its input, and then does not clear that gradient buffer before the backward pass.
     */
    void overwriteInputGradient(boolean on) {
        overwriteInput = on;
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
