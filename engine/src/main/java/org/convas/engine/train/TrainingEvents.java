package org.convas.engine.train;

import org.convas.engine.spec.Shape;

import java.util.List;

/** The plain records a training run sends to its {@link TrainingListener}s. Epochs and batches count from 1. */
public final class TrainingEvents {

    private TrainingEvents() {
    }

    /**
     * After every step.
     *
     * @param loss            mean cross-entropy of this batch
     * @param accuracy        fraction of this batch classified right (before the step)
     * @param learningRate    the rate this step used
     * @param imagesPerSecond training throughput since the epoch began
     */
    public record BatchStats(int epoch, int batch, int batchesPerEpoch, double loss, double accuracy,
                             double learningRate, double imagesPerSecond) {
    }

    /**
     * After every epoch's validation pass. Validation figures are NaN without a validation set.
     *
     * @param trainLoss mean batch loss over the epoch; trainAccuracy likewise (measured while weights changed)
     * @param seconds   wall time of the epoch, validation included
     */
    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                             double validationAccuracy, double seconds, double learningRate) {
        /** The same figures with another duration (to compare runs, whose timings always differ). */
        public EpochStats withSeconds(double s) {
            return new EpochStats(epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, s, learningRate);
        }
    }

    /** L2 norms of one parameter tensor and of its gradient at a step. */
    public record ParameterNorm(String parameter, String nodeId, double weightNorm, double gradientNorm) {
    }

    /** Per-layer weight and gradient norms, every {@code normsEvery} batches. */
    public record LayerNorms(int epoch, int batch, List<ParameterNorm> norms) {
    }

    /** The output of one node for the snapshot image: {@code values} is D×H×W in (C, H, W) order. */
    public record ActivationMap(String nodeId, Shape shape, float[] values) {
    }

    /**
     * The filters of one convolution: {@code weights} is K × depth × height × width (PyTorch's layout), depth
     * being the channels one filter sees (C/groups).
     */
    public record FilterBank(String nodeId, int filters, int depth, int height, int width, float[] weights) {
    }

    /**
     * Taken on request between two batches, in evaluation mode, from copies: listeners may keep it.
     *
     * @param label         the image's label, or −1 when the image came from outside a data set
     * @param activations   every node's output, in evaluation order (input first)
     * @param probabilities class probabilities
     */
    public record Snapshot(int epoch, int batch, Shape imageShape, float[] image, int label,
                           List<ActivationMap> activations, List<FilterBank> filters, float[] probabilities,
                           int predicted) {
    }

    /** How a run ended. */
    public enum Status {
        /** All epochs ran. */
        COMPLETED,
        /** {@link TrainingRun#cancel()} stopped it; the weights are those after the last whole step. */
        CANCELLED,
        /** The loss or a gradient became NaN or infinite; the weights are those of the last good step. */
        DIVERGED,
        /** Something else went wrong (see the message). */
        FAILED
    }

    /** The last event of a run. */
    public record RunEnd(Status status, int epochsCompleted, long steps, String message) {
    }
}
