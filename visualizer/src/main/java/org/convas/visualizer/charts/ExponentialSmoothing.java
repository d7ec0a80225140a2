package org.convas.visualizer.charts;

/**
 * The exponential moving average TensorBoard draws over a noisy loss, with its start-up bias removed.
 *
 * <p>With smoothing factor β (0 ≤ β &lt; 1) and raw values x₁, x₂, …:
 * s₀ = 0, sₜ = β·sₜ₋₁ + (1 − β)·xₜ, and the value shown is sₜ / (1 − βᵗ). Without the division the curve would
 * start near 0 and creep up; the division makes the first shown value equal x₁.
 * Worked example, β = 0.6, losses 2.0 then 1.0: s₁ = 0.8 → 0.8 / 0.4 = 2.0; s₂ = 0.48 + 0.4 = 0.88 →
 * 0.88 / (1 − 0.36) = 1.375. β = 0 shows the raw values; β = 0.99 averages over roughly the last 100 batches.
 */
public final class ExponentialSmoothing {

    private final double beta;
    private double state;
    private double betaPower = 1;

    /** @throws IllegalArgumentException unless 0 ≤ β &lt; 1 */
    public ExponentialSmoothing(double beta) {
        this.beta = checkFactor(beta);
    }

    /** Checks a smoothing factor, naming the rule. */
    public static double checkFactor(double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("smoothing factor β must satisfy 0 ≤ β < 1 (0 = raw curve), got "
                    + beta);
        }
        return beta;
    }

    /** Feeds the next raw value and returns the smoothed value to plot. Non-finite values are skipped. */
    public double next(double x) {
        if (!Double.isFinite(x)) {
            return betaPower == 1 ? Double.NaN : state / (1 - betaPower);
        }
        state = beta * state + (1 - beta) * x;
        betaPower *= beta;
        return state / (1 - betaPower);
    }

    public double factor() {
        return beta;
    }
}
