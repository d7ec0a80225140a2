package org.convas.engine.train;

import java.nio.file.Path;

/**
 * Everything a training run needs besides the model and the data. Build with {@link #builder()}; every
 * setting has a default except none: {@code TrainingSettings.builder().epochs(5).batchSize(64).build()}.
 *
 * @param epochs            passes over the training data, ≥ 1
 * @param batchSize         images per step, ≥ 1
 * @param threads           worker threads, ≥ 1 (default: all cores); the batch is split across them
 * @param seed              seeds shuffling and dropout; same seed and threads give bit-identical curves
 * @param optimizer         the update rule and its hyperparameters
 * @param schedule          how the learning rate changes over epochs
 * @param clipNorm          clip the global gradient L2 norm to this value; 0 turns clipping off
 * @param shuffle           shuffle the training data every epoch
 * @param dropLastPartial   skip a last batch smaller than batchSize (as PyTorch's benchmark does)
 * @param normsEvery        report per-layer weight and gradient norms every this many batches (0: never)
 * @param checkpointDirectory write a checkpoint there after every epoch, or null
 */
public record TrainingSettings(int epochs, int batchSize, int threads, long seed, OptimizerSettings optimizer,
                               LearningRateSchedule schedule, double clipNorm, boolean shuffle, boolean dropLastPartial,
                               int normsEvery, Path checkpointDirectory) {

    public TrainingSettings {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1 (it is " + epochs + ")");
        if (batchSize < 1) throw new IllegalArgumentException("the batch size must be at least 1 (it is " + batchSize + "); 32 or 64 are common");
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1 (it is " + threads + ")");
        if (optimizer == null) throw new IllegalArgumentException("an optimizer is required");
        if (schedule == null) throw new IllegalArgumentException("a learning-rate schedule is required (use Constant)");
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("the gradient clipping norm must be 0 (off) or positive (it is " + clipNorm + ")");
        }
        if (normsEvery < 0) throw new IllegalArgumentException("normsEvery must be 0 (never) or positive (it is " + normsEvery + ")");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs; b.batchSize = batchSize; b.threads = threads; b.seed = seed; b.optimizer = optimizer;
        b.schedule = schedule; b.clipNorm = clipNorm; b.shuffle = shuffle; b.dropLastPartial = dropLastPartial;
        b.normsEvery = normsEvery; b.checkpointDirectory = checkpointDirectory;
        return b;
    }

    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 64;
        private int threads = Runtime.getRuntime().availableProcessors();
        private long seed = 1;
        private OptimizerSettings optimizer = OptimizerSettings.momentum(0.01, 0.9);
        private LearningRateSchedule schedule = new LearningRateSchedule.Constant();
        private double clipNorm;
        private boolean shuffle = true;
        private boolean dropLastPartial;
        private int normsEvery = 20;
        private Path checkpointDirectory;

        private Builder() {
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder optimizer(OptimizerSettings v) { optimizer = v; return this; }
        public Builder schedule(LearningRateSchedule v) { schedule = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder shuffle(boolean v) { shuffle = v; return this; }
        public Builder dropLastPartial(boolean v) { dropLastPartial = v; return this; }
        public Builder normsEvery(int v) { normsEvery = v; return this; }
        public Builder checkpointDirectory(Path v) { checkpointDirectory = v; return this; }

        public TrainingSettings build() {
            return new TrainingSettings(epochs, batchSize, threads, seed, optimizer, schedule, clipNorm, shuffle,
                    dropLastPartial, normsEvery, checkpointDirectory);
        }
    }
}
