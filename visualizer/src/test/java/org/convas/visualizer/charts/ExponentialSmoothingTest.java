package org.convas.visualizer.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExponentialSmoothingTest {

    @Test
    void workedExampleFromTheJavadoc() {
        ExponentialSmoothing ema = new ExponentialSmoothing(0.6);
        assertEquals(2.0, ema.next(2.0), 1e-12);
        assertEquals(1.375, ema.next(1.0), 1e-12);
    }

    @Test
    void matchesTheDirectWeightedAverage() {
        // Debiased EMA = Σ β^(t−i)(1−β)x_i / (1 − β^t): compute both ways over a few values.
        double beta = 0.9;
        double[] xs = {3.0, 2.5, 2.7, 1.9, 2.2, 1.4};
        ExponentialSmoothing ema = new ExponentialSmoothing(beta);
        for (int t = 1; t <= xs.length; t++) {
            double got = ema.next(xs[t - 1]);
            double num = 0;
            for (int i = 1; i <= t; i++) num += Math.pow(beta, t - i) * (1 - beta) * xs[i - 1];
            assertEquals(num / (1 - Math.pow(beta, t)), got, 1e-12);
        }
    }

    @Test
    void zeroFactorGivesTheRawCurveAndNaNIsSkipped() {
        ExponentialSmoothing raw = new ExponentialSmoothing(0);
        assertEquals(4.0, raw.next(4.0));
        assertEquals(4.0, raw.next(Double.NaN), "a NaN batch does not poison the curve");
        assertEquals(1.0, raw.next(1.0));
    }

    @Test
    void factorOutsideZeroToOneIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExponentialSmoothing(1));
        assertTrue(e.getMessage().contains("0 ≤ β < 1"));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialSmoothing(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialSmoothing(Double.NaN));
    }
}
