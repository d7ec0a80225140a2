package org.convas.engine.model;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A trainable network built from a {@link NetworkSpec}: owns the weights, their gradients and BatchNorm's
 * running statistics. Shapes and padding come from the {@link Calculator}'s report, so the engine computes
 * exactly the shapes the designer shows (floor mode included).
 *
 * <p>Tensor names and layouts are PyTorch's, so weights exchange with a PyTorch state_dict one to one:
 * <ul>
 *   <li>{@code <node>.weight} of a Conv2D: K × (C/G) × Fh × Fw; {@code <node>.bias}: K</li>
 *   <li>{@code <node>.weight} of a FullyConnected: O × I (I in the input's C, H, W order); {@code .bias}: O</li>
 *   <li>{@code <node>.weight}/{@code .bias} of a BatchNorm: γ and β, C each;
 *       {@code .running_mean}/{@code .running_var}: C each (not learned)</li>
 * </ul>
 * The network must have one Input and one output node whose shape is a vector of class scores; a Softmax
 * there is fused with the cross-entropy loss in training. Without a Softmax the output counts as logits.
 *
 * <p>Not thread-safe: one training run or one caller at a time.
 */
public final class Model {

    private final NetworkSpec spec;
    private final NetworkReport report;
    private final List<Node> order;
    private final List<Parameter> parameters;
    private final Map<String, float[]> tensors;
    private final Node input;
    private final Node output;
    private ModelWorker inference;
    private volatile LayerProfile profile;

    private Model(NetworkSpec spec, NetworkReport report, List<Node> order, Node input, Node output) {
        this.spec = spec;
        this.report = report;
        this.order = order;
        this.input = input;
        this.output = output;
        List<Parameter> params = new ArrayList<>();
        Map<String, float[]> all = new LinkedHashMap<>();
        for (Node node : order) {
            LayerReport r = report.layer(node.id());
            String id = node.id();
            if (node.layer() instanceof LayerSpec.Conv2D c) {
                params.add(param(id, "weight", Parameter.Kind.WEIGHT, Math.toIntExact(r.weights())));
                if (c.bias()) params.add(param(id, "bias", Parameter.Kind.BIAS, c.filters()));
            } else if (node.layer() instanceof LayerSpec.FullyConnected f) {
                params.add(param(id, "weight", Parameter.Kind.WEIGHT, Math.toIntExact(r.weights())));
                if (f.bias()) params.add(param(id, "bias", Parameter.Kind.BIAS, f.units()));
            } else if (node.layer() instanceof LayerSpec.BatchNorm) {
                int c = r.output().depth();
                params.add(param(id, "weight", Parameter.Kind.NORM, c));
                params.add(param(id, "bias", Parameter.Kind.NORM, c));
            }
        }
        for (Parameter p : params) all.put(p.name(), p.value());
        for (Node node : order) {
            if (node.layer() instanceof LayerSpec.BatchNorm) {
                int c = report.layer(node.id()).output().depth();
                all.put(node.id() + ".running_mean", new float[c]);
                all.put(node.id() + ".running_var", new float[c]);
            }
        }
        this.parameters = List.copyOf(params);
        this.tensors = Collections.unmodifiableMap(all);
    }

    private Parameter param(String node, String name, Parameter.Kind kind, int size) {
        return new Parameter(node + "." + name, node, kind, new float[size], new float[size], spec.node(node).trainable());
    }

    /** Builds a model and initialises its weights the way the network says ({@link NetworkSpec#weightInit()}). */
    public static Model create(NetworkSpec spec, long seed) {
        return create(spec, Initializer.of(spec.weightInit()), seed);
    }

    /**
     * Builds a model and initialises its weights.
     *
     * @throws ModelException when the spec has calculator errors or is not a classifier with one input and one output
     */
    public static Model create(NetworkSpec spec, Initializer initializer, long seed) {
        NetworkReport report = Calculator.analyze(spec);
        if (!report.isValid()) {
            StringBuilder sb = new StringBuilder("the network \"" + spec.name() + "\" cannot be trained until its errors are fixed:");
            for (Problem p : report.errors()) sb.append("\n  ").append(p);
            throw new ModelException(sb.toString());
        }
        List<Node> inputs = spec.inputs();
        if (inputs.size() != 1) {
            throw new ModelException("a trainable network needs exactly one Input node; \"" + spec.name() + "\" has " + inputs.size());
        }
        List<Node> outputs = spec.outputs();
        if (outputs.size() != 1) {
            throw new ModelException("a trainable network needs exactly one output (a node nothing consumes); \""
                    + spec.name() + "\" has " + outputs.size() + ": "
                    + outputs.stream().map(Node::id).toList() + ". Connect or delete the extra ones");
        }
        Node out = outputs.get(0);
        Shape outShape = report.layer(out.id()).output();
        if (!outShape.isVector()) {
            throw new ModelException("the output " + out.id() + " gives " + outShape + ", but a classifier ends in a vector of"
                    + " class scores: add Flatten and a FullyConnected layer with one unit per class");
        }
        Model m = new Model(spec, report, spec.topologicalOrder().orElseThrow(), inputs.get(0), out);
        m.initialize(initializer, seed);
        return m;
    }

    /** Re-draws every weight from the initialiser with this seed; biases 0, γ 1, β 0, running mean 0, variance 1. */
    public void initialize(Initializer initializer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : parameters) {
            float[] v = p.value();
            switch (p.kind()) {
                case WEIGHT -> {
                    LayerSpec layer = spec.node(p.nodeId()).layer();
                    LayerReport r = report.layer(p.nodeId());
                    int fanIn, fanOut;
                    if (layer instanceof LayerSpec.Conv2D c) {
                        int area = c.kernelHeight() * c.kernelWidth();
                        fanIn = r.inputShapes().get(0).depth() / c.groups() * area;
                        fanOut = c.filters() * area;
                    } else {
                        fanIn = Math.toIntExact(r.inputShapes().get(0).size());
                        fanOut = r.output().depth();
                    }
                    initializer.fill(v, fanIn, fanOut, random.split());
                }
                case BIAS -> java.util.Arrays.fill(v, 0f);
                case NORM -> java.util.Arrays.fill(v, p.name().endsWith(".weight") ? 1f : 0f);
            }
        }
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            if (e.getKey().endsWith(".running_mean")) java.util.Arrays.fill(e.getValue(), 0f);
            if (e.getKey().endsWith(".running_var")) java.util.Arrays.fill(e.getValue(), 1f);
        }
    }

    /**
     * A model with the same network and a copy of every tensor (weights and running statistics), to read on another
     * thread while this one trains (taken between two steps, it is one consistent state). Costs one copy of the
     * parameters: no initialisation, no shape analysis.
     */
    public Model copy() {
        Model m = new Model(spec, report, order, input, output);
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            System.arraycopy(e.getValue(), 0, m.tensors.get(e.getKey()), 0, e.getValue().length);
        }
        return m;
    }

    public NetworkSpec spec() { return spec; }

    public NetworkReport report() { return report; }

    /** Nodes in evaluation order. */
    public List<Node> order() { return order; }

    /** Learned tensors with their (model-level) gradients, in evaluation order. */
    public List<Parameter> parameters() { return parameters; }

    /** Every named tensor (parameters and running statistics) in a fixed order; the arrays are live. */
    public Map<String, float[]> tensors() { return tensors; }

    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor \"" + name + "\"; the model has " + tensors.keySet());
        return t;
    }

    /** Copies values into a named tensor; the length must match. */
    public void setTensor(String name, float[] values) {
        float[] t = tensor(name);
        if (values.length != t.length) {
            throw new IllegalArgumentException("tensor " + name + " holds " + t.length + " values, not " + values.length);
        }
        System.arraycopy(values, 0, t, 0, t.length);
    }

    public Shape inputShape() { return report.layer(input.id()).output(); }

    public int classes() { return report.layer(output.id()).output().depth(); }

    public String inputId() { return input.id(); }

    public String outputId() { return output.id(); }

    /**
     * Bytes the convolutions keep per image of a training pass beyond the activations the calculator counts: the
     * im2col columns (C/G·Fh·Fw·Ho·Wo floats) where the columns are cached for the backward pass, or the padded
     * input and the padded output gradient of a convolution that goes without columns ({@link ShiftedConvolution},
     * {@link StridedConvolution}, {@link DepthwiseConvolution}).
     */
    public long convolutionBytesPerImage() {
        return convolutionBytesPerImage(report);
    }

    /** {@link #convolutionBytesPerImage()} of a network not built yet, from its (valid) calculator report. */
    public static long convolutionBytesPerImage(NetworkReport report) {
        long bytes = 0;
        for (LayerReport r : report.layers()) {
            if (!(r.node().layer() instanceof LayerSpec.Conv2D conv) || r.output() == null) continue;
            Shape in = r.inputShapes().get(0), out = r.output();
            if (DepthwiseConvolution.applies(in, out, r.window(), conv.groups())) {
                bytes += DepthwiseConvolution.heldFloatsPerImage(in, out, r.window()) * 4L;
            } else if (ShiftedConvolution.applies(in, out, r.window(), conv.groups())) {
                bytes += ShiftedConvolution.heldFloatsPerImage(in, out, r.window(), conv.groups()) * 4L;
            } else if (StridedConvolution.applies(in, out, r.window(), conv.groups())) {
                bytes += StridedConvolution.heldFloatsPerImage(in, out, r.window(), conv.groups()) * 4L;
            } else {
                bytes += (long) in.depth() * r.window().kernelH() * r.window().kernelW() * out.width() * out.height() * 4L;
            }
        }
        return bytes;
    }

    /**
     * Starts timing every layer of every executor of this model (training and evaluation), from now until
     * {@link #stopProfile()}; returns the profile that collects the times. For benchmarks: it costs two clock reads
     * per layer and pass.
     */
    public LayerProfile startProfile() {
        LayerProfile p = new LayerProfile(this);
        profile = p;
        return p;
    }

    /** Stops timing layers ({@link #startProfile()}). */
    public void stopProfile() {
        profile = null;
    }

    /** The profile being collected, or null. */
    LayerProfile profile() {
        return profile;
    }

    /** Total learned values. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.size();
        return n;
    }

    /**
     * A worker's runtime for batches of up to {@code maxBatch}: its own activations, caches and (when
     * {@code ownGradients}) gradient buffers; the weights are this model's.
     */
    public ModelWorker newWorker(int maxBatch, boolean ownGradients) {
        return new ModelWorker(this, maxBatch, ownGradients);
    }

    /**
     * An executor whose convolutions split their filters across {@code kernelThreads} when a batch has fewer
     * samples than threads (snapshots, single predictions).
     */
    public ModelWorker newWorker(int maxBatch, boolean ownGradients, KernelThreads kernelThreads) {
        return new ModelWorker(this, maxBatch, ownGradients, kernelThreads);
    }

    /**
     * Class probabilities for {@code count} images (evaluation mode), N × classes.
     *
     * @param images count × (W·H·D) values in (C, H, W) order
     */
    public float[] predict(float[] images, int count) {
        int in = Math.toIntExact(inputShape().size());
        if (images.length < (long) count * in) {
            throw new IllegalArgumentException(count + " images need " + (long) count * in + " values, got " + images.length);
        }
        int chunk = 64;
        if (inference == null) inference = new ModelWorker(this, chunk, true);
        int k = classes();
        float[] probs = new float[count * k];
        for (int start = 0; start < count; start += chunk) {
            int n = Math.min(chunk, count - start);
            inference.forward(images, start, n, false, 0);
            System.arraycopy(inference.probabilities(), 0, probs, start * k, n * k);
        }
        return probs;
    }
}
