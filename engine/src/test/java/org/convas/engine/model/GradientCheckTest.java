package org.convas.engine.model;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer type and option against central finite differences of the cross-entropy loss. Each network
 * puts a small convolution ("pre") before the layer under test, so the check of pre's weights also checks the
 * gradient the layer sends to its input.
 *
 * The gradient with respect to the input images is checked as well.
 *
 * <p>The engine computes in float, so the difference quotient uses h = 2e−3 and the comparison is on the
 * norm of each tensor's error: ‖analytic − numeric‖ ≤ 2e−2·‖numeric‖ + 1e−4·√n. Points where the one-sided
 * quotients disagree (a ReLU or a max switched within ±h, so the loss has no derivative there) are skipped,
 * at most one in ten.
 */
class GradientCheckTest {

    private static final int BATCH = 3;
    private static final int CLASSES = 3;

    /** Input W×H×D → conv 3×3 pad 1 to 4 channels → the layers given → FC to 3 classes → Softmax. */
    private static NetworkSpec chain(int w, int h, int d, LayerSpec... layers) {
        NetworkSpec.Builder b = NetworkSpec.builder("check").input(w, h, d);
        b.add("pre", new LayerSpec.Conv2D(4, 3, 3, 1, Padding.of(1), 1, 1, true));
        for (LayerSpec l : layers) b.add(l);
        b.add("fc", LayerSpec.FullyConnected.of(CLASSES));
        b.add("softmax", new LayerSpec.Softmax());
        return b.build();
    }

    private static void check(NetworkSpec spec) {
        Model model = Model.create(spec, Initializer.XAVIER, 7);
        SplittableRandom r = new SplittableRandom(11);
        // Non-zero biases and BatchNorm shifts so every path is exercised.
        for (Parameter p : model.parameters()) {
            if (p.kind() != Parameter.Kind.WEIGHT) for (int i = 0; i < p.size(); i++) p.value()[i] += (float) (r.nextDouble() - 0.5) * 0.4f;
        }
        int in = Math.toIntExact(model.inputShape().size());
        float[] x = new float[BATCH * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) y[i] = r.nextInt(CLASSES);
        ModelWorker ex = model.newWorker(BATCH, false);
        ex.computeInputGradient(true);
        ex.zeroParameterGradients();
        ex.forward(x, 0, BATCH, true, 5);
        ex.loss(y, 0, BATCH, 1f, true);
        ex.backward();
        compare("input", ex.inputGradient().clone(), x, ex, x, y, spec);
        for (Parameter p : model.parameters()) compare(p.name(), p.grad().clone(), p.value(), ex, x, y, spec);
    }

    /** Compares an analytic gradient with central differences of the loss, perturbing {@code values}. */
    private static void compare(String name, float[] analytic, float[] values, ModelWorker ex, float[] x, int[] y, NetworkSpec spec) {
        int n = values.length;
        int stride = Math.max(1, n / 40);
        double errSq = 0, numSq = 0;
        int count = 0, kinks = 0;
        float h = 2e-3f;
        for (int i = 0; i < n; i += stride) {
            float keep = values[i];
            ex.forward(x, 0, BATCH, true, 5);
            double centre = ex.loss(y, 0, BATCH, 1f, false);
            values[i] = keep + h;
            ex.forward(x, 0, BATCH, true, 5);
            double plus = ex.loss(y, 0, BATCH, 1f, false);
            values[i] = keep - h;
            ex.forward(x, 0, BATCH, true, 5);
            double minus = ex.loss(y, 0, BATCH, 1f, false);
            values[i] = keep;
            double right = (plus - centre) / h, left = (centre - minus) / h;
            if (Math.abs(right - left) > 0.2 * (Math.abs(right) + Math.abs(left)) + 1e-2) {
                kinks++;   // a ReLU or max switched inside [w − h, w + h]: no derivative to compare with
                continue;
            }
            double numeric = (plus - minus) / (2.0 * h);
            errSq += (analytic[i] - numeric) * (analytic[i] - numeric);
            numSq += numeric * numeric;
            count++;
        }
        String where = name + " in " + spec.nodes().get(Math.min(2, spec.size() - 1)).layer().label();
        assertTrue(kinks * 10 <= count + kinks, where + ": " + kinks + " of " + (count + kinks) + " points sit on a kink");
        double err = Math.sqrt(errSq), norm = Math.sqrt(numSq);
        assertTrue(norm > 1e-6, where + ": the gradient is zero, the check would prove nothing");
        assertTrue(err <= 2e-2 * norm + 1e-4 * Math.sqrt(count), where + ": error " + err + " vs norm " + norm);
    }

    /** Input → the layers given → FC to 3 classes → Softmax: pooling right on the input, so ties stay rare. */
    private static NetworkSpec direct(int w, int h, int d, LayerSpec... layers) {
        NetworkSpec.Builder b = NetworkSpec.builder("check").input(w, h, d);
        for (LayerSpec l : layers) b.add(l);
        b.add("fc", LayerSpec.FullyConnected.of(CLASSES));
        b.add("softmax", new LayerSpec.Softmax());
        return b.build();
    }

    @Test
    void convolutionWithStrideAndPadding() {
        check(chain(7, 7, 2, new LayerSpec.Conv2D(3, 3, 3, 2, Padding.of(1), 1, 1, true)));
    }

    @Test
    void convolutionWithAsymmetricSamePadding() {
        // 6 wide, 3×3 at stride 2, "same": output 3, padding 0 before and 1 after.
        check(chain(6, 6, 2, new LayerSpec.Conv2D(3, 3, 3, 2, Padding.SAME, 1, 1, true)));
    }

    @Test
    void convolutionWithDilationAndRectangularKernel() {
        check(chain(8, 7, 2, new LayerSpec.Conv2D(2, 2, 3, 1, Padding.of(1, 2), 2, 1, true)));
    }

    @Test
    void groupedConvolutionWithoutBias() {
        check(chain(5, 5, 2, new LayerSpec.Conv2D(6, 3, 3, 1, Padding.of(1), 1, 2, false)));
    }

    @Test
    void depthwiseConvolution() {
        check(chain(5, 5, 2, new LayerSpec.Conv2D(4, 3, 3, 1, Padding.of(1), 1, 4, true)));
    }

    @Test
    void validConvolutionAtStrideOneWithRectangularKernel() {
        // Wo = 6 < W = 7 at stride 1 without padding: the input gradient is laid on the input's row width.
        check(chain(7, 6, 2, new LayerSpec.Conv2D(3, 3, 2, 1, Padding.NONE, 1, 1, true)));
    }

    @Test
    void groupedValidConvolution() {
        check(chain(6, 6, 4, new LayerSpec.Conv2D(4, 3, 3, 1, Padding.NONE, 1, 2, true)));
    }

    @Test
    void pointwiseConvolution() {
        check(chain(4, 4, 2, new LayerSpec.Conv2D(3, 1, 1, 1, Padding.NONE, 1, 1, true)));
    }

    @Test
    void convolutionWithPerAxisStrides() {
        // 3×3, stride 2 down and 1 across, padding 1: 9×8 → 8 wide, 5 high.
        check(chain(8, 9, 2, new LayerSpec.Conv2D(3, 3, 3, 2, 1, Padding.of(1), 1, 1, true)));
        // 2×3, stride 1 down and 3 across, dilation 2.
        check(chain(11, 6, 1, new LayerSpec.Conv2D(2, 2, 3, 1, 3, Padding.of(0, 3), 2, 1, true)));
    }

    @Test
    void depthwiseAndWideConvolutionsWithPerAxisStridesTakeTheIm2colPath() {
        // Where a square stride would take the depthwise stencil or the phase-split strided path.
        check(chain(9, 9, 4, new LayerSpec.Conv2D(4, 3, 3, 2, 1, Padding.of(1), 1, 4, true)));
        check(chain(9, 9, 2, new LayerSpec.Conv2D(8, 3, 3, 1, 2, Padding.of(1), 1, 1, true)));
    }

    @Test
    void poolingWithPerAxisStrides() {
        check(direct(8, 6, 2, new LayerSpec.MaxPool(2, 1, 2, Padding.NONE)));
        check(chain(7, 7, 1, new LayerSpec.AvgPool(3, 2, 1, Padding.of(1))));
    }

    @Test
    void maxPoolNonOverlapping() {
        check(direct(6, 6, 2, LayerSpec.MaxPool.of(2, 2)));
    }

    @Test
    void maxPoolOverlappingWithPadding() {
        check(direct(7, 7, 2, new LayerSpec.MaxPool(3, 2, Padding.of(1))));
    }

    @Test
    void averagePoolOverlappingWithPadding() {
        check(chain(7, 7, 1, new LayerSpec.AvgPool(3, 2, Padding.of(1))));
    }

    @Test
    void averagePoolNonOverlapping() {
        check(chain(6, 6, 1, LayerSpec.AvgPool.of(2, 2)));
    }

    @Test
    void globalAveragePoolAndFlatten() {
        check(chain(5, 5, 1, new LayerSpec.GlobalAvgPool(), new LayerSpec.Flatten()));
    }

    @Test
    void activations() {
        check(chain(4, 4, 1, new LayerSpec.ReLU()));
        check(chain(4, 4, 1, new LayerSpec.LeakyReLU(0.1)));
        check(chain(4, 4, 1, new LayerSpec.Sigmoid()));
        check(chain(4, 4, 1, new LayerSpec.Tanh()));
    }

    @Test
    void dropoutInTraining() {
        check(chain(4, 4, 1, new LayerSpec.Dropout(0.3)));
    }

    @Test
    void batchNormInTraining() {
        check(chain(4, 4, 1, LayerSpec.BatchNorm.standard()));
    }

    @Test
    void localResponseNorm() {
        check(chain(3, 3, 1, new LayerSpec.LocalResponseNorm(3, 0.5, 0.75, 1.0)));
        check(chain(3, 3, 1, new LayerSpec.LocalResponseNorm(2, 0.3, 0.6, 2.0)));
    }

    @Test
    void softmaxInsideTheNetwork() {
        check(chain(3, 3, 1, new LayerSpec.Flatten(), new LayerSpec.Softmax(), LayerSpec.FullyConnected.of(5)));
    }

    @Test
    void addWithSkipConnection() {
        NetworkSpec spec = NetworkSpec.builder("skip").input(5, 5, 2)
                .add("pre", new LayerSpec.Conv2D(4, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("a", new LayerSpec.Conv2D(4, 3, 3, 1, Padding.of(1), 1, 1, true), "pre")
                .add("t", new LayerSpec.Tanh(), "a")
                .add("sum", new LayerSpec.Add(), "t", "pre")
                .add("fc", LayerSpec.FullyConnected.of(CLASSES), "sum")
                .add("softmax", new LayerSpec.Softmax(), "fc")
                .build();
        check(spec);
    }

    @Test
    void concatOfTwoBranches() {
        NetworkSpec spec = NetworkSpec.builder("inception").input(5, 5, 2)
                .add("pre", new LayerSpec.Conv2D(4, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("a", new LayerSpec.Conv2D(2, 1, 1, 1, Padding.NONE, 1, 1, true), "pre")
                .add("b", new LayerSpec.Conv2D(3, 3, 3, 1, Padding.of(1), 1, 1, true), "pre")
                .add("cat", new LayerSpec.Concat(), "a", "b", "pre")
                .add("fc", LayerSpec.FullyConnected.of(CLASSES), "cat")
                .add("softmax", new LayerSpec.Softmax(), "fc")
                .build();
        check(spec);
    }

    @Test
    void logitsWithoutFinalSoftmax() {
        NetworkSpec spec = NetworkSpec.builder("logits").input(4, 4, 1)
                .add("pre", new LayerSpec.Conv2D(2, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("fc", LayerSpec.FullyConnected.of(CLASSES))
                .build();
        check(spec);
    }
}
