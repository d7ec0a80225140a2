package org.convas.engine.inspect;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerStatisticsTest {

    static NetworkSpec net() {
        return NetworkSpec.builder("stats").input(6, 6, 1)
                .add("conv", LayerSpec.Conv2D.of(4, 3, 1, 1)).add("relu", new LayerSpec.ReLU())
                .add("flatten", new LayerSpec.Flatten()).add("fc", LayerSpec.FullyConnected.of(8))
                .add("sig", new LayerSpec.Sigmoid()).add("out", LayerSpec.FullyConnected.of(3)).build();
    }

    @Test
    void aFilterThatNeverFiresIsADeadReluAndHugeWeightsSaturateTheSigmoid() {
        Model model = Model.create(net(), Initializer.HE, 2);
        // Filter 1: zero weights and bias −1, so its ReLU output is 0 for every image.
        Arrays.fill(model.tensor("conv.weight"), 9, 18, 0f);
        model.tensor("conv.bias")[1] = -1f;
        float[] fc = model.tensor("fc.weight");
        for (int i = 0; i < fc.length; i++) fc[i] *= 40;
        SplittableRandom r = new SplittableRandom(1);
        int n = 20;
        float[] probe = new float[n * 36];
        for (int i = 0; i < probe.length; i++) probe[i] = (float) r.nextGaussian();
        LayerStatistics.Report report = LayerStatistics.compute(model, probe, n);
        assertEquals(0.25, report.activations("relu").deadFraction(), 0, "1 of 4 channels");
        assertTrue(Double.isNaN(report.activations("conv").deadFraction()));
        // Direct count of the saturated sigmoid outputs.
        float[] sig = new float[n * 8];
        var ex = model.newWorker(n, true);
        ex.forward(probe, 0, n, false, 0);
        System.arraycopy(ex.activation("sig"), 0, sig, 0, sig.length);
        long tails = 0;
        for (float v : sig) if (v < 0.01f || v > 0.99f) tails++;
        assertEquals((double) tails / sig.length, report.activations("sig").saturatedFraction(), 0);
        assertTrue(tails > sig.length / 2, "the large weights saturate most outputs: " + tails);
        assertEquals(n * 8L, report.activations("sig").distribution().histogram().total());
        assertEquals(3, report.weights().size());
        assertEquals(36L, report.weights("conv.weight").distribution().histogram().total());
    }

    @Test
    void distributionAgainstASortedCopy() {
        float[] v = new float[1001];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        v[3] = Float.NaN;
        LayerStatistics.Distribution d = LayerStatistics.distribution(v, 0, v.length);
        float[] finite = new float[1000];
        int m = 0;
        double sum = 0;
        for (float x : v) if (!Float.isNaN(x)) { finite[m++] = x; sum += x; }
        Arrays.sort(finite);
        assertEquals(finite[0], d.percentiles()[0], 0);
        assertEquals(finite[500], d.percentiles()[4], 0, "median: rank round(0.5·999) = 500");
        assertEquals(finite[999], d.percentiles()[8], 0);
        assertEquals(sum / 1000, d.mean(), 1e-9);
        assertEquals(1, d.histogram().nonFinite());
        assertEquals(1000, d.histogram().total());
        // The bin of the median holds it.
        int bin = (int) ((finite[500] - d.histogram().min()) / d.histogram().binWidth());
        long below = 0;
        for (int b = 0; b < bin; b++) below += d.histogram().counts()[b];
        assertTrue(below <= 500 && below + d.histogram().counts()[bin] > 500);
    }

    @Test
    void aLargeTensorsPercentilesComeFromAnEvenSampleAndItsCountsFromEveryValue() {
        int n = 300_001;
        float[] v = new float[n];
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        LayerStatistics.Distribution d = LayerStatistics.distribution(v, 0, n);
        float[] sorted = v.clone();
        Arrays.sort(sorted);
        assertEquals(sorted[0], d.percentiles()[0], 0, "min exact");
        assertEquals(sorted[n - 1], d.percentiles()[8], 0, "max exact");
        for (int i = 1; i < 8; i++) {
            double exact = sorted[(int) Math.round(LayerStatistics.PERCENTILES[i] * (n - 1))];
            assertEquals(exact, d.percentiles()[i], 0.02, "percentile " + LayerStatistics.PERCENTILES[i]);
        }
        assertEquals(n, d.histogram().total());
    }

    @Test
    void aConstantTensorGetsAUnitRange() {
        LayerStatistics.Distribution d = LayerStatistics.distribution(new float[] {2, 2, 2}, 0, 3);
        assertEquals(1.5, d.histogram().min(), 0);
        assertEquals(2.5, d.histogram().max(), 0);
        assertEquals(3, d.histogram().counts()[LayerStatistics.BINS / 2]);
        assertEquals(0, d.std(), 0);
    }
}
