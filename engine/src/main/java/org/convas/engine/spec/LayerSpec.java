package org.convas.engine.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * What one node of a network is: its layer type and hyperparameters, and nothing else. Immutable; weights
 * live in a model built from a spec, never here.
 *
 * <p>Each record carries the JSON type tag ({@link #type()}) and checks its own hyperparameters'
 * domains ({@link #fieldRules()}); whether the layer fits its input is the calculator's business.
 */
public sealed interface LayerSpec {

    /** The JSON type tag, e.g. "conv2d". */
    String type();

    /** How many inputs the node takes: 0 for Input, 1 for most, at least 2 for Add and Concat. */
    default Arity arity() {
        return Arity.ONE;
    }

    /** Hyperparameters outside their domain (filters &lt; 1, p ≥ 1, ...); empty when all are fine. */
    default List<FieldRule> fieldRules() {
        return List.of();
    }

    /** A short label for blocks and tables, e.g. "Conv 11×11/4, 96". */
    String label();

    enum Arity { NONE, ONE, MANY }

    /**
     * The largest width, height, kernel side, stride, padding, dilation and pooling window: 65,536. Together with
     * {@link #MAX_CHANNELS} it keeps every size the calculator works out exact in 64-bit arithmetic.
     */
    int MAX_SIZE = 65_536;
    /** The largest depth, number of filters, units, groups and LRN window: 1,048,576 (2^20). */
    int MAX_CHANNELS = 1 << 20;

    /** The upper limit of a whole-number field by its JSON name, or {@link Integer#MAX_VALUE} for one without. */
    static long maxOf(String field) {
        return switch (field) {
            case "width", "height", "kernel", "stride", "padding", "dilation" -> MAX_SIZE;
            case "depth", "filters", "units", "groups" -> MAX_CHANNELS;
            default -> Integer.MAX_VALUE;
        };
    }

    // ---------------------------------------------------------------- records, one per layer type

    /** The network's input volume W×H×D. */
    record Input(int width, int height, int depth) implements LayerSpec {
        public String type() { return "input"; }
        public Arity arity() { return Arity.NONE; }
        public Shape shape() { return new Shape(width, height, depth); }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            within(r, "width", width, 1, MAX_SIZE);
            within(r, "height", height, 1, MAX_SIZE);
            within(r, "depth", depth, 1, MAX_CHANNELS);
            return r;
        }
        public String label() { return "Input " + shape(); }
    }

    /**
     * 2-D convolution: K filters of Fh×Fw, stride Sh×Sw (down the rows, across the columns), padding P, dilation,
     * groups (groups = D is depthwise), optional bias.
     */
    record Conv2D(int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding,
                  int dilation, int groups, boolean bias) implements LayerSpec {
        public Conv2D {
            if (padding == null) padding = Padding.NONE;
        }
        /** The same stride S on both axes. */
        public Conv2D(int filters, int kernelHeight, int kernelWidth, int stride, Padding padding, int dilation, int groups, boolean bias) {
            this(filters, kernelHeight, kernelWidth, stride, stride, padding, dilation, groups, bias);
        }
        /** The stride when it is the same on both axes; throws when they differ (read strideHeight and strideWidth). */
        public int stride() { return sameStride("Conv2D", strideHeight, strideWidth); }
        /** K filters of F×F, stride S, padding P, no dilation, one group, with bias. */
        public static Conv2D of(int filters, int kernel, int stride, int padding) {
            return new Conv2D(filters, kernel, kernel, stride, Padding.of(padding), 1, 1, true);
        }
        public static Conv2D of(int filters, int kernel, int stride, Padding padding) {
            return new Conv2D(filters, kernel, kernel, stride, padding, 1, 1, true);
        }
        public String type() { return "conv2d"; }
        public Conv2D withFilters(int k) { return new Conv2D(k, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, dilation, groups, bias); }
        public Conv2D withKernel(int fh, int fw) { return new Conv2D(filters, fh, fw, strideHeight, strideWidth, padding, dilation, groups, bias); }
        public Conv2D withStride(int s) { return withStride(s, s); }
        public Conv2D withStride(int sh, int sw) { return new Conv2D(filters, kernelHeight, kernelWidth, sh, sw, padding, dilation, groups, bias); }
        public Conv2D withPadding(Padding p) { return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, p, dilation, groups, bias); }
        public Conv2D withDilation(int d) { return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, d, groups, bias); }
        public Conv2D withGroups(int g) { return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, dilation, g, bias); }
        public Conv2D withBias(boolean b) { return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, dilation, groups, b); }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            within(r, "filters", filters, 1, MAX_CHANNELS);
            atLeast(r, "kernel", Math.min(kernelHeight, kernelWidth), 1);
            atMost(r, "kernel", Math.max(kernelHeight, kernelWidth), MAX_SIZE);
            strideRules(r, strideHeight, strideWidth);
            within(r, "dilation", dilation, 1, MAX_SIZE);
            within(r, "groups", groups, 1, MAX_CHANNELS);
            paddingRules(r, padding);
            long effective = (long) dilation * (Math.max(kernelHeight, kernelWidth) - 1) + 1;
            if (r.isEmpty() && effective > MAX_SIZE) {
                r.add(new FieldRule("dilation", "the dilated kernel dilation·(kernel − 1) + 1 = " + grouped(effective)
                        + " must be at most " + grouped(MAX_SIZE)));
            }
            if (groups >= 1 && filters >= 1 && filters % groups != 0) {
                r.add(new FieldRule("groups", "groups (" + groups + ") must divide the number of filters (" + filters + ")"));
            }
            return r;
        }
        public String label() {
            String k = kernelHeight == kernelWidth ? kernelHeight + "×" + kernelHeight : kernelHeight + "×" + kernelWidth;
            String g = groups > 1 ? ", groups " + groups : "";
            String d = dilation > 1 ? ", dilation " + dilation : "";
            return "Conv " + k + "/" + strideText(strideHeight, strideWidth) + ", " + filters + g + d;
        }
    }

    /** Max pooling F×F, stride Sh×Sw, padding P. Backward routes the gradient to the argmax ("switches"). */
    record MaxPool(int size, int strideHeight, int strideWidth, Padding padding) implements LayerSpec {
        public MaxPool {
            if (padding == null) padding = Padding.NONE;
        }
        /** The same stride S on both axes. */
        public MaxPool(int size, int stride, Padding padding) { this(size, stride, stride, padding); }
        public static MaxPool of(int size, int stride) { return new MaxPool(size, stride, Padding.NONE); }
        /** The stride when it is the same on both axes; throws when they differ (read strideHeight and strideWidth). */
        public int stride() { return sameStride("MaxPool", strideHeight, strideWidth); }
        public String type() { return "maxpool"; }
        public List<FieldRule> fieldRules() { return poolRules(size, strideHeight, strideWidth, padding); }
        public String label() { return "MaxPool " + size + "×" + size + "/" + strideText(strideHeight, strideWidth); }
    }

    /** Average pooling F×F, stride Sh×Sw, padding P (padded zeros count in the average, as in PyTorch's default). */
    record AvgPool(int size, int strideHeight, int strideWidth, Padding padding) implements LayerSpec {
        public AvgPool {
            if (padding == null) padding = Padding.NONE;
        }
        /** The same stride S on both axes. */
        public AvgPool(int size, int stride, Padding padding) { this(size, stride, stride, padding); }
        public static AvgPool of(int size, int stride) { return new AvgPool(size, stride, Padding.NONE); }
        /** The stride when it is the same on both axes; throws when they differ (read strideHeight and strideWidth). */
        public int stride() { return sameStride("AvgPool", strideHeight, strideWidth); }
        public String type() { return "avgpool"; }
        public List<FieldRule> fieldRules() { return poolRules(size, strideHeight, strideWidth, padding); }
        public String label() { return "AvgPool " + size + "×" + size + "/" + strideText(strideHeight, strideWidth); }
    }

    /** Average over the whole W×H of each channel: W×H×D to 1×1×D. */
    record GlobalAvgPool() implements LayerSpec {
        public String type() { return "globalavgpool"; }
        public String label() { return "GlobalAvgPool"; }
    }

    /** W×H×D to 1×1×(W·H·D), channel-major (C, H, W) as PyTorch flattens. */
    record Flatten() implements LayerSpec {
        public String type() { return "flatten"; }
        public String label() { return "Flatten"; }
    }

    /** Fully connected (dense) layer with the given number of units. A spatial input is flattened first. */
    record FullyConnected(int units, boolean bias) implements LayerSpec {
        public static FullyConnected of(int units) { return new FullyConnected(units, true); }
        public String type() { return "fc"; }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            within(r, "units", units, 1, MAX_CHANNELS);
            return r;
        }
        public String label() { return "FC " + units; }
    }

    record ReLU() implements LayerSpec {
        public String type() { return "relu"; }
        public String label() { return "ReLU"; }
    }

    /** max(x, slope·x). */
    record LeakyReLU(double slope) implements LayerSpec {
        public String type() { return "leakyrelu"; }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            if (!(slope >= 0 && slope < 1)) r.add(new FieldRule("slope", "slope must be in [0, 1) (it is " + slope + ")"));
            return r;
        }
        public String label() { return "LeakyReLU " + slope; }
    }

    record Sigmoid() implements LayerSpec {
        public String type() { return "sigmoid"; }
        public String label() { return "Sigmoid"; }
    }

    record Tanh() implements LayerSpec {
        public String type() { return "tanh"; }
        public String label() { return "Tanh"; }
    }

    /** Inverted dropout: in training each value is zeroed with probability p and the rest scaled by 1/(1−p). */
    record Dropout(double p) implements LayerSpec {
        public String type() { return "dropout"; }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            if (!(p >= 0 && p < 1)) r.add(new FieldRule("p", "p must be in [0, 1) (it is " + p + ")"));
            return r;
        }
        public String label() { return "Dropout " + p; }
    }

    /**
     * Batch normalisation per channel: x̂ = (x − μ)/√(σ² + ε), then γ·x̂ + β. Batch statistics in training,
     * running statistics (updated with {@code momentum}, PyTorch's convention) in evaluation.
     */
    record BatchNorm(double epsilon, double momentum) implements LayerSpec {
        public static BatchNorm standard() { return new BatchNorm(1e-5, 0.1); }
        public String type() { return "batchnorm"; }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            if (!(epsilon > 0)) r.add(new FieldRule("epsilon", "epsilon must be positive (it is " + epsilon + ")"));
            if (!(momentum >= 0 && momentum <= 1)) r.add(new FieldRule("momentum", "momentum must be in [0, 1] (it is " + momentum + ")"));
            return r;
        }
        public String label() { return "BatchNorm"; }
    }

    /**
     * Local response normalisation across channels (AlexNet's NORM):
     * b = a / (k + α/n · Σ a²)^β over n neighbouring channels (PyTorch's convention of α/n).
     */
    record LocalResponseNorm(int size, double alpha, double beta, double k) implements LayerSpec {
        public static LocalResponseNorm alexNet() { return new LocalResponseNorm(5, 1e-4, 0.75, 2.0); }
        public String type() { return "lrn"; }
        public List<FieldRule> fieldRules() {
            List<FieldRule> r = new ArrayList<>();
            within(r, "size", size, 1, MAX_CHANNELS);
            if (!(k > 0)) r.add(new FieldRule("k", "k must be positive (it is " + k + ")"));
            return r;
        }
        public String label() { return "LRN " + size; }
    }

    /** Element-wise sum of two or more inputs of the same shape (ResNet's skip connection). */
    record Add() implements LayerSpec {
        public String type() { return "add"; }
        public Arity arity() { return Arity.MANY; }
        public String label() { return "Add"; }
    }

    /** Stacks two or more inputs of the same W×H along depth (Inception's filter concatenation). */
    record Concat() implements LayerSpec {
        public String type() { return "concat"; }
        public Arity arity() { return Arity.MANY; }
        public String label() { return "Concat"; }
    }

    /**
     * Multiplies each channel of a volume by one number: two inputs, the values W×H×C and the weights 1×1×C (the
     * vector one; the second input when both are vectors), y[c, h, w] = x[c, h, w]·s[c]. The last step of a
     * Squeeze-and-Excitation block (Hu et al. 2018): global average pool → FC C/r → ReLU → FC C → Sigmoid → Scale.
     */
    record ChannelScale() implements LayerSpec {
        public String type() { return "scale"; }
        public Arity arity() { return Arity.MANY; }
        public String label() { return "Scale"; }

        /**
         * Which of two input shapes holds the weights: the one that is a vector while the other is not, the second when
         * both are vectors; −1 when neither is a vector.
         */
        public static int weightsInput(Shape first, Shape second) {
            if (second.isVector()) return 1;
            return first.isVector() ? 0 : -1;
        }
    }

    /** Softmax output; in training it is fused with the cross-entropy loss. */
    record Softmax() implements LayerSpec {
        public String type() { return "softmax"; }
        public String label() { return "Softmax"; }
    }

    // ---------------------------------------------------------------- shared checks

    private static void atLeast(List<FieldRule> rules, String field, int value, int min) {
        if (value < min) rules.add(new FieldRule(field, field + " must be at least " + min + " (it is " + value + ")"));
    }

    /** min ≤ value ≤ max, with the limit stated: "stride must be at most 65,536 (it is 2,147,483,647)". */
    private static void within(List<FieldRule> rules, String field, int value, int min, int max) {
        atLeast(rules, field, value, min);
        atMost(rules, field, value, max);
    }

    private static void atMost(List<FieldRule> rules, String field, int value, int max) {
        if (value > max) {
            rules.add(new FieldRule(field, field + " must be at most " + grouped(max) + " (it is " + grouped(value) + ")"));
        }
    }

    private static String grouped(long v) {
        return String.format(java.util.Locale.ROOT, "%,d", v);
    }

    private static void paddingRules(List<FieldRule> rules, Padding padding) {
        if (padding.mode() == Padding.Mode.EXPLICIT && (padding.height() < 0 || padding.width() < 0)) {
            rules.add(new FieldRule("padding", "padding must not be negative (it is " + padding + ")"));
        } else if (padding.mode() == Padding.Mode.EXPLICIT && Math.max(padding.height(), padding.width()) > MAX_SIZE) {
            rules.add(new FieldRule("padding", "padding must be at most " + grouped(MAX_SIZE) + " (it is "
                    + grouped(Math.max(padding.height(), padding.width())) + ")"));
        }
    }

    private static List<FieldRule> poolRules(int size, int strideHeight, int strideWidth, Padding padding) {
        List<FieldRule> r = new ArrayList<>();
        within(r, "size", size, 1, MAX_SIZE);
        strideRules(r, strideHeight, strideWidth);
        paddingRules(r, padding);
        return r;
    }

    /** Each stride 1 … {@link #MAX_SIZE}; one rule for the field, naming the value out of range. */
    private static void strideRules(List<FieldRule> rules, int height, int width) {
        within(rules, "stride", height < 1 || height > MAX_SIZE ? height : width, 1, MAX_SIZE);
    }

    /** "2" for a square stride, "2×1" (rows × columns) otherwise. */
    static String strideText(int height, int width) {
        return height == width ? Integer.toString(height) : height + "×" + width;
    }

    private static int sameStride(String type, int height, int width) {
        if (height != width) {
            throw new IllegalStateException(type + " has different strides down and across (" + height + "×" + width
                    + "): read strideHeight() and strideWidth()");
        }
        return height;
    }
}
