package org.convas.engine.train;

/**
 * How the learning rate changes over epochs, as a multiplier of the base rate η₀: η(epoch) = η₀·factor.
 * Epochs count from 0. Reduce-on-plateau is stateful: the trainer feeds it each epoch's validation loss.
 */
public sealed interface LearningRateSchedule {

    /** η = η₀. */
    record Constant() implements LearningRateSchedule {
    }

    /** η = η₀·γ^⌊epoch/every⌋. Example: every 10, γ 0.1: epochs 0–9 at η₀, 10–19 at η₀/10. */
    record Step(int every, double gamma) implements LearningRateSchedule {
        public Step {
            if (every < 1) throw new IllegalArgumentException("step schedule: every must be at least 1 epoch (it is " + every + ")");
            if (!(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException("step schedule: gamma must be in (0, 1] (it is " + gamma + ")");
        }
    }

    /**
     * Cosine annealing: η = η_min + (η₀ − η_min)·(1 + cos(π·epoch/epochs))/2, written as a factor with
     * η_min = η₀·minFactor. Example: 10 epochs, minFactor 0: epoch 5 runs at η₀/2.
     */
    record Cosine(int epochs, double minFactor) implements LearningRateSchedule {
        public Cosine {
            if (epochs < 1) throw new IllegalArgumentException("cosine schedule: epochs must be at least 1 (it is " + epochs + ")");
            if (!(minFactor >= 0 && minFactor <= 1)) throw new IllegalArgumentException("cosine schedule: minFactor must be in [0, 1] (it is " + minFactor + ")");
        }
    }

    /**
     * Multiplies the rate by {@code factor} when the validation loss has not improved (by more than a relative
     * 1e−4) for {@code patience} epochs, never below η₀·minFactor (PyTorch's ReduceLROnPlateau).
     */
    record ReduceOnPlateau(double factor, int patience, double minFactor) implements LearningRateSchedule {
        public ReduceOnPlateau {
            if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("plateau schedule: factor must be in (0, 1) (it is " + factor + ")");
            if (patience < 0) throw new IllegalArgumentException("plateau schedule: patience must be 0 or more (it is " + patience + ")");
            if (!(minFactor >= 0 && minFactor <= 1)) throw new IllegalArgumentException("plateau schedule: minFactor must be in [0, 1] (it is " + minFactor + ")");
        }
    }

    static LearningRateSchedule constant() { return new Constant(); }

    /** The multiplier for an epoch; {@code plateauFactor} is the current factor of a plateau schedule. */
    default double factor(int epoch, double plateauFactor) {
        if (this instanceof Step s) return Math.pow(s.gamma(), epoch / s.every());
        if (this instanceof Cosine c) {
            double t = Math.min(epoch, c.epochs()) / (double) c.epochs();
            return c.minFactor() + (1 - c.minFactor()) * (1 + Math.cos(Math.PI * t)) / 2;
        }
        if (this instanceof ReduceOnPlateau) return plateauFactor;
        return 1.0;
    }
}
