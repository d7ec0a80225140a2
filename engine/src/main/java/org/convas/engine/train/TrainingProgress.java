package org.convas.engine.train;

import java.util.List;

/**
 * Where a run stands: enough, with the weights and the optimizer state, to continue exactly as the uninterrupted
 * run would, after a whole epoch or (stopped with Ctrl+C or Stop) after any whole batch.
 *
 * @param epochsCompleted  epochs done
 * @param steps            optimizer steps done
 * @param seed             the run's seed (a resumption keeps it): with the epoch and the batch's number it fixes the
 *                         data order, the augmentation and the dropout masks, so no generator state is kept beyond it
 * @param baseLearningRate η₀ the schedule multiplies (changed by setLearningRate)
 * @param momentum         current momentum
 * @param plateauFactor    reduce-on-plateau's current factor (1 for other schedules)
 * @param plateauBest      best validation loss seen by reduce-on-plateau
 * @param plateauBadEpochs epochs since it improved
 * @param history          the epochs' statistics, to redraw the curves
 * @param optimizer        the optimizer the state belongs to (null in checkpoints written before it was kept)
 * @param partialEpoch     how far into epoch {@code epochsCompleted + 1} the run got, or null at an epoch's end
 */
public record TrainingProgress(int epochsCompleted, long steps, long seed, double baseLearningRate, double momentum,
                               double plateauFactor, double plateauBest, int plateauBadEpochs,
                               List<TrainingEvents.EpochStats> history, OptimizerSettings optimizer,
                               PartialEpoch partialEpoch) {

    /**
     * The part of an epoch done before the run stopped: its first {@code batches} batches of {@code batchSize} images,
     * with the sums its epoch line is made of.
     */
    public record PartialEpoch(int batches, int batchSize, double lossSum, long correct, long seen, double seconds) {
    }

    public TrainingProgress {
        history = List.copyOf(history == null ? List.of() : history);
        if (partialEpoch != null && partialEpoch.batches() == 0) partialEpoch = null;
    }

    /** The batches of the current epoch already done (0 at an epoch's end). */
    public int batchesIntoEpoch() {
        return partialEpoch == null ? 0 : partialEpoch.batches();
    }

    /**
     * Checks what a file may have got wrong (hand-edited, or written by a broken program): empty or not-a-number
     * figures, negative counts, a history that does not match the epochs.
     *
     * @return the first problem, or null
     */
    public String problem() {
        if (epochsCompleted < 0) return "epochsCompleted is " + epochsCompleted + "; it must be 0 or more";
        if (steps < 0) return "steps is " + steps + "; it must be 0 or more";
        if (!(baseLearningRate > 0) || Double.isInfinite(baseLearningRate)) {
            return "baseLearningRate is " + baseLearningRate + "; it must be a positive number";
        }
        if (!(momentum >= 0 && momentum < 1)) return "momentum is " + momentum + "; it must be in [0, 1)";
        if (!(plateauFactor > 0 && plateauFactor <= 1)) return "plateauFactor is " + plateauFactor + "; it must be in (0, 1]";
        if (Double.isNaN(plateauBest)) return "plateauBest is NaN";
        if (plateauBadEpochs < 0) return "plateauBadEpochs is " + plateauBadEpochs + "; it must be 0 or more";
        if (history.size() != epochsCompleted) {
            return "history lists " + history.size() + " epochs but epochsCompleted is " + epochsCompleted;
        }
        for (int i = 0; i < history.size(); i++) {
            TrainingEvents.EpochStats e = history.get(i);
            if (e == null) return "history entry " + (i + 1) + " is empty";
            if (e.epoch() != i + 1) return "history entry " + (i + 1) + " says epoch " + e.epoch();
        }
        if (partialEpoch != null) {
            PartialEpoch p = partialEpoch;
            if (p.batches() < 0 || p.batchSize() < 1 || p.correct() < 0 || p.seen() < 0 || p.correct() > p.seen() || !Double.isFinite(p.lossSum())
                    || !Double.isFinite(p.seconds())) {
                return "partialEpoch " + p + " is not a possible position in an epoch";
            }
        }
        return null;
    }
}
