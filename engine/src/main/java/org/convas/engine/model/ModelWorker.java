package org.convas.engine.model;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's view of a {@link Model}: layers with their caches, an activation and a gradient buffer per
 * node (sized for {@code maxBatch} samples, allocated once), and its own parameter gradients. Runs the graph
 * in topological order; backward runs it in reverse, every consumer adding into its inputs' gradient
 * buffers, so a node feeding several others (a ResNet skip) sums their gradients.
 *
 * <p>Loss: softmax cross-entropy on the logits (the input of a final Softmax node, or the output itself),
 * L = −Σₙ log pₙ[yₙ] · scale, with dLogits = (p − onehot)·scale (the Softmax's own backward is skipped).
 */
public final class ModelWorker {

    /** Floats after the last image of every activation and gradient buffer (see the constructor). */
    static final int SLACK = 16;

    private final Model model;
    private final int maxBatch;
    private final Node[] nodes;
    private final Layer[] layers;
    private final int[][] inputsOf;
    private final int[] sizes;
    private final float[][] act;
    private final float[][] grad;
    private final float[][][] inScratch;
    private final float[][][] dInScratch;
    private final int inputIndex;
    private final int logitsIndex;
    private final boolean fusedSoftmax;
    private final float[] probabilities;
    private final int classes;
    private final List<Parameter> parameters;
    private final Map<String, List<Parameter>> parametersByNode = new HashMap<>();
    final List<BatchNormLayer> batchNorms = new ArrayList<>();
    final List<String> batchNormIds = new ArrayList<>();
    private int lastN;
    private boolean inputGradient;
    private final KernelThreads kernelThreads;
    /** fusedRelu[j] = the ReLU node fed only by conv node j, or −1; set by {@link #fuseActivations}. */
    private final int[] fusedRelu;
    /** Whether node i is a ReLU computed by the conv before it ({@link #fuseActivations}). */
    private final boolean[] fusedAway;
    /** Whether node i's gradient buffer is written, not added to, by its only consumer ({@link #fuseActivations}). */
    private final boolean[] overwritten;

    ModelWorker(Model model, int maxBatch, boolean ownGradients) {
        this(model, maxBatch, ownGradients, null);
    }

    ModelWorker(Model model, int maxBatch, boolean ownGradients, KernelThreads kernelThreads) {
        this.kernelThreads = kernelThreads;
        if (maxBatch < 1) throw new IllegalArgumentException("batch must be at least 1 (it is " + maxBatch + ")");
        this.model = model;
        this.maxBatch = maxBatch;
        List<Node> order = model.order();
        int count = order.size();
        nodes = order.toArray(new Node[0]);
        layers = new Layer[count];
        inputsOf = new int[count][];
        sizes = new int[count];
        act = new float[count][];
        grad = new float[count][];
        inScratch = new float[count][][];
        dInScratch = new float[count][][];
        fusedRelu = new int[count];
        Arrays.fill(fusedRelu, -1);
        fusedAway = new boolean[count];
        overwritten = new boolean[count];
        Map<String, Integer> index = new HashMap<>();
        Map<String, Parameter> params = new HashMap<>();
        List<Parameter> ordered = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            Parameter q = ownGradients ? new Parameter(p.name(), p.nodeId(), p.kind(), p.value(), new float[p.size()], p.trainable()) : p;
            params.put(q.name(), q);
            ordered.add(q);
        }
        parameters = List.copyOf(ordered);
        int inIdx = -1;
        for (int i = 0; i < count; i++) {
            Node node = nodes[i];
            index.put(node.id(), i);
            LayerReport r = model.report().layer(node.id());
            sizes[i] = Math.toIntExact(r.output().size());
            // SLACK floats past the last image: a vector kernel's masked tail at the very end of a buffer would
            // otherwise reach past the array, and the Vector API then checks its lanes one by one in Java.
            act[i] = new float[maxBatch * sizes[i] + SLACK];
            grad[i] = new float[maxBatch * sizes[i] + SLACK];
            inputsOf[i] = node.inputs().stream().mapToInt(index::get).toArray();
            inScratch[i] = new float[inputsOf[i].length][];
            dInScratch[i] = new float[inputsOf[i].length][];
            if (node.layer() instanceof LayerSpec.Input) {
                inIdx = i;
            } else {
                layers[i] = build(node, r, params);
                List<Parameter> own = layers[i].parameters();
                if (!own.isEmpty()) parametersByNode.put(node.id(), own);
            }
        }
        inputIndex = inIdx;
        int out = count - 1;
        while (!nodes[out].id().equals(model.outputId())) out--;
        fusedSoftmax = nodes[out].layer() instanceof LayerSpec.Softmax;
        logitsIndex = fusedSoftmax ? inputsOf[out][0] : out;
        classes = model.classes();
        probabilities = fusedSoftmax ? act[out] : new float[maxBatch * classes];
    }

    private Layer build(Node node, LayerReport r, Map<String, Parameter> params) {
        Shape in = r.inputShapes().get(0);
        Shape out = r.output();
        int size = Math.toIntExact(out.size());
        String id = node.id();
        LayerSpec spec = node.layer();
        if (spec instanceof LayerSpec.Conv2D c) {
            return new Conv2dLayer(in, out, r.window(), c.groups(), params.get(id + ".weight"), params.get(id + ".bias"),
                    maxBatch, kernelThreads);
        } else if (spec instanceof LayerSpec.FullyConnected) {
            return new FullyConnectedLayer(Math.toIntExact(in.size()), out.depth(), params.get(id + ".weight"), params.get(id + ".bias"));
        } else if (spec instanceof LayerSpec.MaxPool) {
            return new MaxPoolLayer(in, out, r.window(), maxBatch);
        } else if (spec instanceof LayerSpec.AvgPool) {
            return new AvgPoolLayer(in, out, r.window());
        } else if (spec instanceof LayerSpec.GlobalAvgPool) {
            return new ShapeLayers.GlobalAvgPool(in.depth(), in.width() * in.height());
        } else if (spec instanceof LayerSpec.Flatten) {
            return new ShapeLayers.Flatten(size);
        } else if (spec instanceof LayerSpec.ReLU) {
            return new ActivationLayers.Relu(size, 0f);
        } else if (spec instanceof LayerSpec.LeakyReLU l) {
            return new ActivationLayers.Relu(size, (float) l.slope());
        } else if (spec instanceof LayerSpec.Sigmoid) {
            return new ActivationLayers.Sigmoid(size);
        } else if (spec instanceof LayerSpec.Tanh) {
            return new ActivationLayers.Tanh(size);
        } else if (spec instanceof LayerSpec.Dropout d) {
            return new ActivationLayers.Dropout(size, d.p(), maxBatch);
        } else if (spec instanceof LayerSpec.BatchNorm b) {
            BatchNormLayer layer = new BatchNormLayer(out.depth(), out.width() * out.height(), b.epsilon(),
                    params.get(id + ".weight"), params.get(id + ".bias"),
                    model.tensor(id + ".running_mean"), model.tensor(id + ".running_var"), maxBatch);
            batchNorms.add(layer);
            batchNormIds.add(id);
            return layer;
        } else if (spec instanceof LayerSpec.LocalResponseNorm l) {
            return new LocalResponseNormLayer(out.depth(), out.width() * out.height(), l.size(), l.alpha(), l.beta(), l.k(), maxBatch);
        } else if (spec instanceof LayerSpec.Add) {
            return new ShapeLayers.Add(size);
        } else if (spec instanceof LayerSpec.ChannelScale) {
            int w = LayerSpec.ChannelScale.weightsInput(r.inputShapes().get(0), r.inputShapes().get(1));
            return new ShapeLayers.ChannelScale(out.depth(), out.width() * out.height(), w);
        } else if (spec instanceof LayerSpec.Concat) {
            int[] s = r.inputShapes().stream().mapToInt(x -> Math.toIntExact(x.size())).toArray();
            return new ShapeLayers.Concat(s);
        } else if (spec instanceof LayerSpec.Softmax) {
            return new SoftmaxLayer(size);
        }
        throw new ModelException("no engine layer for " + spec.type() + " at " + id);
    }

    /**
     * Lets a convolution or a BatchNorm compute the ReLU that follows it, when that ReLU (slope 0) is its only
     * consumer and it is not the output: the layer writes the ReLU's output in the same sweep over its own, and its
     * backward pass masks the ReLU's gradient while reading it, so the ReLU's passes, and the clearing and
     * accumulation of the layer's gradient buffer, are skipped. A BatchNorm, a ReLU that runs as a layer, an Add and
     * a convolution on a path without im2col write the gradient of an input they are the only consumer of instead
     * of adding to it, so that buffer is not cleared either. Outputs and parameter
     * gradients are bit-identical to the separate layers; only {@link #activationGradient} of such a layer is not
     * kept, nor {@link #activation} of such a BatchNorm (it writes the ReLU's output only). Training workers switch
     * it on; snapshots and gradient checks, which read every buffer, leave it off.
     *
     * @return the number of layer + ReLU pairs fused
     */
    public int fuseActivations() {
        int[] consumers = new int[nodes.length];
        for (int[] ins : inputsOf) for (int from : ins) consumers[from]++;
        int fused = 0;
        for (int i = 0; i < nodes.length; i++) {
            // A BatchNorm, a ReLU that runs as a layer, an Add or a convolution without im2col that is its input's
            // only consumer writes that input's gradient instead of adding to it, so the buffer need not be cleared.
            for (int k = 0; k < inputsOf[i].length; k++) {
                int j = inputsOf[i][k];
                if (consumers[j] != 1 || layers[j] == null) continue;
                if (layers[i] instanceof BatchNormLayer bn) {
                    bn.overwriteInputGradient(true);
                } else if (layers[i] instanceof ActivationLayers.Relu relu && !willFuse(i, consumers)) {
                    relu.overwriteInputGradient(true);
                } else if (layers[i] instanceof ShapeLayers.Add add) {
                    add.overwriteInputGradient(k, inputsOf[i].length);
                } else if (layers[i] instanceof Conv2dLayer conv && conv.overwriteInputGradient(true)) {
                    // written image by image (paths without im2col)
                } else {
                    continue;
                }
                overwritten[j] = true;
            }
            if (!willFuse(i, consumers)) continue;
            int j = inputsOf[i][0];
            fusedRelu[j] = i;
            fusedAway[i] = true;
            fused++;
        }
        return fused;
    }

    /** Whether ReLU node i is one that {@link #fuseActivations} lets the conv or BatchNorm before it compute. */
    private boolean willFuse(int i, int[] consumers) {
        if (!(layers[i] instanceof ActivationLayers.Relu relu) || !relu.isPlain() || inputsOf[i].length != 1) return false;
        int j = inputsOf[i][0];
        return (layers[j] instanceof Conv2dLayer || layers[j] instanceof BatchNormLayer) && consumers[j] == 1
                && j != logitsIndex && !nodes[j].id().equals(model.outputId());
    }

    /**
     * Lets FC layers hold their weight gradients back over several backward passes of up to {@code rows} samples
     * in all, computing them once in {@link #flushGradients} (a worker taking its slice in micro-batches calls it
     * at the end of the slice); without this, every backward pass adds them at once.
     */
    public void deferWeightGradients(int rows) {
        for (Layer layer : layers) if (layer instanceof FullyConnectedLayer fc) fc.deferWeightGradient(rows);
    }

    /** Adds the parameter gradients held back since the last call ({@link #deferWeightGradients}). */
    public void flushGradients() {
        for (Layer layer : layers) if (layer != null) layer.flush();
    }

    /**
     * Work units of one step, {@code units.get(0)} first (the one whose gradients the step uses): adds the FC weight
     * gradients all of them held back ({@link #deferWeightGradients}) onto the first unit's, one GEMM per layer
     * over the rows of all units in unit order, split over {@code parallelism} threads of {@code executor}
     * (null: the caller alone). The other units' FC weight gradients are not written; see
     * {@link #gatheredParameters}. Then adds any other gradient each unit held back onto its own.
     */
    public static void gatherGradients(List<ModelWorker> units, java.util.concurrent.Executor executor, int parallelism) {
        ModelWorker first = units.get(0);
        for (int i = 0; i < first.layers.length; i++) {
            if (!(first.layers[i] instanceof FullyConnectedLayer fc) || !fc.defers()) continue;
            List<FullyConnectedLayer> parts = new ArrayList<>(units.size());
            for (ModelWorker unit : units) parts.add((FullyConnectedLayer) unit.layers[i]);
            fc.flushAll(parts, executor, parallelism);
        }
        for (ModelWorker unit : units) unit.flushGradients();
    }

    /**
     * Which of {@link #parameters()} only {@link #gatherGradients} writes: the weights of FC layers that hold their
     * gradients back. In every unit but the first they stay 0, so a step need neither clear nor add them.
     */
    public boolean[] gatheredParameters() {
        boolean[] gathered = new boolean[parameters.size()];
        for (Layer layer : layers) {
            if (layer instanceof FullyConnectedLayer fc && fc.defers()) {
                for (int i = 0; i < gathered.length; i++) if (parameters.get(i) == fc.weight()) gathered[i] = true;
            }
        }
        return gathered;
    }

    /**
     * Clears this worker's parameter gradients, except those marked in {@code keep} (may be null), and drops any
     * FC rows held back from a step that was not gathered.
     */
    public void zeroParameterGradients(boolean[] keep) {
        for (int i = 0; i < parameters.size(); i++) {
            if (keep == null || !keep[i]) Arrays.fill(parameters.get(i).grad(), 0f);
        }
        for (Layer layer : layers) if (layer instanceof FullyConnectedLayer fc) fc.discardDeferred();
    }

    public int maxBatch() { return maxBatch; }

    public Model model() { return model; }

    /** This worker's parameters: the model's values with this worker's gradient arrays. */
    public List<Parameter> parameters() { return parameters; }

    /**
     * Runs the network on images {@code first … first+n−1} of {@code images} (each W·H·D values).
     *
     * @param noiseSeed seeds dropout for this pass (ignored in evaluation)
     */
    public void forward(float[] images, int first, int n, boolean training, long noiseSeed) {
        if (n < 1 || n > maxBatch) throw new IllegalArgumentException("batch " + n + " outside 1.." + maxBatch);
        lastN = n;
        LayerProfile profile = profiling();
        int inSize = sizes[inputIndex];
        System.arraycopy(images, first * inSize, act[inputIndex], 0, n * inSize);
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            if (layer == null) continue;
            float[][] ins = inScratch[i];
            for (int k = 0; k < ins.length; k++) ins[k] = act[inputsOf[i][k]];
            if (fusedAway[i]) continue;
            if (training) layer.reseed(noiseSeed * 1_000_003L + i);
            long cpu = profile == null ? 0 : profile.cpu(), wall = profile == null ? 0 : System.nanoTime();
            if (fusedRelu[i] >= 0 && layer instanceof Conv2dLayer conv) {
                conv.forward(ins, act[i], act[fusedRelu[i]], n, training);
            } else if (fusedRelu[i] >= 0) {
                ((BatchNormLayer) layer).forward(ins, act[i], act[fusedRelu[i]], n, training);
            } else {
                layer.forward(ins, act[i], n, training);
            }
            if (profile != null) profile.forward(i, profile.cpu() - cpu, System.nanoTime() - wall);
        }
        if (!fusedSoftmax) SoftmaxLayer.softmax(act[logitsIndex], probabilities, n, classes);
    }

    /**
     * Cross-entropy of the last forward pass against {@code labels[first … first+n−1]}; when
     * {@code withGradient}, also sets the logits' gradient to (p − onehot)·scale and clears every other
     * activation gradient, ready for {@link #backward()}.
     *
     * @return Σₙ −log pₙ[yₙ] (unscaled), computed as log-sum-exp − logit in double precision
     */
    public double loss(int[] labels, int first, int n, float scale, boolean withGradient) {
        float[] logits = act[logitsIndex];
        double total = 0;
        for (int s = 0; s < n; s++) {
            int y = labels[first + s];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " of image " + (first + s) + " is outside 0.." + (classes - 1));
            }
            int o = s * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) max = Math.max(max, logits[o + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp(logits[o + j] - max);
            total += Math.log(sum) + max - logits[o + y];
        }
        if (withGradient) {
            for (int i = 0; i < layers.length; i++) {
                if ((layers[i] != null || inputGradient) && fusedRelu[i] < 0 && !overwritten[i]) {
                    Arrays.fill(grad[i], 0, n * sizes[i], 0f);
                }
            }
            float[] g = grad[logitsIndex];
            for (int s = 0; s < n; s++) {
                int o = s * classes;
                for (int j = 0; j < classes; j++) g[o + j] = probabilities[o + j] * scale;
                g[o + labels[first + s]] -= scale;
            }
        }
        return total;
    }

    /**
     * Sets the gradient of the logits (the class scores before the softmax) to {@code dLogits}, N × classes for the
     * samples of the last forward pass, and clears every other activation gradient, ready for {@link #backward()}: the
     * gradient that {@link #loss} would set for a loss of Σ dLogits·logits. With a one-hot row this back-propagates
     * one class score S_c (saliency maps, Grad-CAM).
     */
    public void seedLogitGradient(float[] dLogits) {
        int n = lastN;
        if (dLogits.length < n * classes) {
            throw new IllegalArgumentException(n + " samples of " + classes + " classes need " + n * classes
                    + " logit gradients, got " + dLogits.length);
        }
        for (int i = 0; i < layers.length; i++) {
            if ((layers[i] != null || inputGradient) && fusedRelu[i] < 0) Arrays.fill(grad[i], 0, n * sizes[i], 0f);
        }
        System.arraycopy(dLogits, 0, grad[logitsIndex], 0, n * classes);
    }

    /** The class scores before the softmax of the last forward pass, N × classes (the live buffer). */
    public float[] logits() {
        return act[logitsIndex];
    }

    /** Number of samples of the last forward pass whose most probable class equals the label. */
    public int correct(int[] labels, int first, int n) {
        int right = 0;
        for (int s = 0; s < n; s++) {
            if (argmax(probabilities, s * classes, classes) == labels[first + s]) right++;
        }
        return right;
    }

    static int argmax(float[] v, int off, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) if (v[off + j] > v[off + best]) best = j;
        return best;
    }

    /** Back-propagates the gradient set by {@link #loss}, accumulating into this worker's parameter gradients. */
    public void backward() {
        int n = lastN;
        LayerProfile profile = profiling();
        for (int i = layers.length - 1; i >= 0; i--) {
            Layer layer = layers[i];
            if (layer == null || (fusedSoftmax && i == layers.length - 1 && layer instanceof SoftmaxLayer)) continue;
            if (fusedAway[i]) continue;
            float[][] ins = inScratch[i];
            float[][] dIns = dInScratch[i];
            for (int k = 0; k < ins.length; k++) {
                int from = inputsOf[i][k];
                ins[k] = act[from];
                dIns[k] = layers[from] == null && !inputGradient ? null : grad[from];
            }
            long cpu = profile == null ? 0 : profile.cpu(), wall = profile == null ? 0 : System.nanoTime();
            if (fusedRelu[i] >= 0 && layer instanceof Conv2dLayer conv) {
                conv.backward(ins, act[i], grad[fusedRelu[i]], dIns, n, true);
            } else if (fusedRelu[i] >= 0) {
                ((BatchNormLayer) layer).backwardThroughRelu(ins, act[fusedRelu[i]], grad[fusedRelu[i]], dIns, n);
            } else {
                layer.backward(ins, act[i], grad[i], dIns, n);
            }
            if (profile != null) profile.backward(i, profile.cpu() - cpu, System.nanoTime() - wall);
        }
    }

    /** The model's profile when one is being collected, with this executor's fused ReLUs marked in it; else null. */
    private LayerProfile profiling() {
        LayerProfile profile = model.profile();
        if (profile != null) for (int i = 0; i < fusedAway.length; i++) if (fusedAway[i]) profile.markFused(i);
        return profile;
    }

    /**
     * Whether {@link #backward()} also computes the gradient with respect to the input images (for saliency
     * maps and gradient checks); off by default, as training never needs it.
     */
    public void computeInputGradient(boolean on) {
        inputGradient = on;
    }

    /** dLoss/dInput of the last backward pass, N × (W·H·D), when {@link #computeInputGradient} is on. */
    public float[] inputGradient() {
        if (!inputGradient) throw new IllegalStateException("call computeInputGradient(true) before the backward pass");
        return grad[inputIndex];
    }

    /** Sets this worker's parameter gradients to zero. */
    public void zeroParameterGradients() {
        for (Parameter p : parameters) Arrays.fill(p.grad(), 0f);
    }

    /** Probabilities of the last forward pass, N × classes (valid for the first n rows). */
    public float[] probabilities() { return probabilities; }

    /** The live activation buffer of a node (first n·size values valid after a forward pass). */
    public float[] activation(String nodeId) {
        for (int i = 0; i < nodes.length; i++) if (nodes[i].id().equals(nodeId)) return act[i];
        throw new IllegalArgumentException("no node " + nodeId);
    }

    /** The gradient buffer of a node's output after {@link #backward()}. */
    public float[] activationGradient(String nodeId) {
        for (int i = 0; i < nodes.length; i++) if (nodes[i].id().equals(nodeId)) return grad[i];
        throw new IllegalArgumentException("no node " + nodeId);
    }

    /**
     * The first node (in evaluation order) whose output holds NaN or ±∞ in the last forward pass, or null. A
     * BatchNorm that computes its ReLU ({@link #fuseActivations}) is judged by the ReLU's output, which keeps NaN and
     * +∞ (not −∞: that one is then found at the next node it reaches).
     */
    public String firstNonFiniteNode() {
        for (int i = 0; i < nodes.length; i++) {
            float[] a = fusedRelu[i] >= 0 && layers[i] instanceof BatchNormLayer ? act[fusedRelu[i]] : act[i];
            for (int j = 0, m = lastN * sizes[i]; j < m; j++) {
                if (!Float.isFinite(a[j])) return nodes[i].id();
            }
        }
        return null;
    }

    int lastBatch() { return lastN; }

    List<Node> nodeList() { return List.of(nodes); }

    /** Pools the BatchNorm statistics of these workers' last training passes into the model's running statistics. */
    public static void updateRunningStatistics(List<ModelWorker> workers) {
        ModelWorker first = workers.get(0);
        for (int b = 0; b < first.batchNorms.size(); b++) {
            List<BatchNormLayer> same = new ArrayList<>(workers.size());
            for (ModelWorker w : workers) same.add(w.batchNorms.get(b));
            LayerSpec.BatchNorm spec = (LayerSpec.BatchNorm) first.model.spec().node(first.batchNormIds.get(b)).layer();
            BatchNormLayer.updateRunningStatistics(same, spec.momentum());
        }
    }
}
