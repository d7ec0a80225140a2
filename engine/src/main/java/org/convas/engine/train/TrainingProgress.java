package org.convas.engine.train;

import java.util.List;

/**
 * Where a run stands after a whole epoch: enough, with the weights and the optimizer state, to continue
 * exactly as the uninterrupted run would.
 *
 * @param epochsCompleted  epochs done
 * @param steps            optimizer steps done
 * @param seed             the run's seed (a resumption keeps it)
 * @param baseLearningRate η₀ the schedule multiplies (changed by setLearningRate)
 * @param momentum         current momentum
 * @param plateauFactor    reduce-on-plateau's current factor (1 for other schedules)
 * @param plateauBest      best validation loss seen by reduce-on-plateau
 * @param plateauBadEpochs epochs since it improved
 * @param history          the epochs' statistics, to redraw the curves
 */
public record TrainingProgress(int epochsCompleted, long steps, long seed, double baseLearningRate, double momentum,
                               double plateauFactor, double plateauBest, int plateauBadEpochs,
                               List<TrainingEvents.EpochStats> history) {

    public TrainingProgress {
        history = List.copyOf(history == null ? List.of() : history);
    }
}
