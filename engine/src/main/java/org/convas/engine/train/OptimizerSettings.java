package org.convas.engine.train;

/**
 * Which optimizer, with its hyperparameters, checked on creation. Create with a factory and adjust with
 * {@code with…}: {@code OptimizerSettings.momentum(0.01, 0.9).withWeightDecay(5e-4)}.
 *
 * @param kind        the update rule
 * @param learningRate η &gt; 0
 * @param momentum    μ in [0, 1) for SGD (0 = plain SGD) and RMSProp
 * @param weightDecay L2 coefficient λ ≥ 0: g ← g + λ·w on weights (not biases or BatchNorm's γ, β)
 * @param beta1       Adam's first-moment decay in [0, 1)
 * @param beta2       Adam's second-moment decay, RMSProp's α, in [0, 1)
 * @param epsilon     added to the denominator of Adam, RMSProp and AdaGrad, &gt; 0
 */
public record OptimizerSettings(Kind kind, double learningRate, double momentum, double weightDecay,
                                double beta1, double beta2, double epsilon) {

    public enum Kind {
        /** w ← w − η·g, or with momentum v ← μ·v + g, w ← w − η·v (PyTorch's form). */
        SGD,
        /** Nesterov momentum: v ← μ·v + g, w ← w − η·(g + μ·v). */
        NESTEROV,
        /** m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², w ← w − η·m̂/(√v̂ + ε) with bias corrections. */
        ADAM,
        /** v ← α·v + (1 − α)·g², w ← w − η·g/(√v + ε) (with momentum μ: b ← μ·b + g/(√v + ε), w ← w − η·b). */
        RMSPROP,
        /** s ← s + g², w ← w − η·g/(√s + ε). */
        ADAGRAD
    }

    public OptimizerSettings {
        if (kind == null) throw new IllegalArgumentException("optimizer kind is required");
        requireLearningRate(learningRate);
        requireMomentum(momentum);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be 0 or positive (it is " + weightDecay + "); 5e-4 is typical");
        }
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1) (it is " + beta1 + "); 0.9 is typical");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1) (it is " + beta2 + "); 0.999 is typical");
        if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon must be positive (it is " + epsilon + ")");
    }

    static void requireLearningRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("the learning rate must be positive (it is " + lr + "); 0.01 is a common start");
        }
    }

    static void requireMomentum(double m) {
        if (!(m >= 0 && m < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) (it is " + m + "); 0.9 is typical, 0 turns it off");
        }
    }

    public static OptimizerSettings sgd(double learningRate) {
        return new OptimizerSettings(Kind.SGD, learningRate, 0, 0, 0.9, 0.999, 1e-8);
    }

    public static OptimizerSettings momentum(double learningRate, double momentum) {
        return new OptimizerSettings(Kind.SGD, learningRate, momentum, 0, 0.9, 0.999, 1e-8);
    }

    public static OptimizerSettings nesterov(double learningRate, double momentum) {
        return new OptimizerSettings(Kind.NESTEROV, learningRate, momentum, 0, 0.9, 0.999, 1e-8);
    }

    /** Adam with PyTorch's defaults β1 = 0.9, β2 = 0.999, ε = 1e−8. */
    public static OptimizerSettings adam(double learningRate) {
        return new OptimizerSettings(Kind.ADAM, learningRate, 0, 0, 0.9, 0.999, 1e-8);
    }

    /** RMSProp with PyTorch's defaults α = 0.99, ε = 1e−8, no momentum. */
    public static OptimizerSettings rmsProp(double learningRate) {
        return new OptimizerSettings(Kind.RMSPROP, learningRate, 0, 0, 0.9, 0.99, 1e-8);
    }

    /** AdaGrad with PyTorch's ε = 1e−10. */
    public static OptimizerSettings adaGrad(double learningRate) {
        return new OptimizerSettings(Kind.ADAGRAD, learningRate, 0, 0, 0.9, 0.999, 1e-10);
    }

    public OptimizerSettings withLearningRate(double lr) {
        return new OptimizerSettings(kind, lr, momentum, weightDecay, beta1, beta2, epsilon);
    }

    public OptimizerSettings withMomentum(double m) {
        return new OptimizerSettings(kind, learningRate, m, weightDecay, beta1, beta2, epsilon);
    }

    public OptimizerSettings withWeightDecay(double wd) {
        return new OptimizerSettings(kind, learningRate, momentum, wd, beta1, beta2, epsilon);
    }

    public OptimizerSettings withBetas(double b1, double b2) {
        return new OptimizerSettings(kind, learningRate, momentum, weightDecay, b1, b2, epsilon);
    }

    public OptimizerSettings withEpsilon(double eps) {
        return new OptimizerSettings(kind, learningRate, momentum, weightDecay, beta1, beta2, eps);
    }

    /** Values of state kept per parameter: the figure {@code NetworkReport.memoryForBatch} asks for. */
    public int stateCopies() {
        return switch (kind) {
            case SGD, NESTEROV -> momentum > 0 || kind == Kind.NESTEROV ? 1 : 0;
            case ADAM -> 2;
            case RMSPROP -> momentum > 0 ? 2 : 1;
            case ADAGRAD -> 1;
        };
    }
}
