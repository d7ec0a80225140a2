package org.convas.samples.exchange;

import org.convas.engine.data.Rng;
import org.convas.engine.exchange.StateDicts;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Networks and weights for the exchange tests: small networks that use every mapping rule of the exports (uneven
 * "same" padding, non-square kernels and inputs, dilation, groups, padded pooling, LRN, BatchNorm on volumes and
 * vectors, merges of vectors, a softmax inside the network, floor mode, node ids that are not Python names, frozen
 * blocks), and deterministic weights that Python can recompute without a file ({@link #formulaWeights}).
 */
final class ExchangeNets {

    private ExchangeNets() {
    }

    /** Every layer type and padding case, on a 13×11×3 input. */
    static NetworkSpec zoo() {
        NetworkSpec.Builder b = NetworkSpec.builder("zoo");
        b.input(13, 11, 3);
        b.add("c1", new LayerSpec.Conv2D(8, 4, 4, 2, Padding.SAME, 1, 1, true));          // uneven same padding 1/2
        b.add("bn1", LayerSpec.BatchNorm.standard());
        b.add("lrelu", new LayerSpec.LeakyReLU(0.1));
        b.add("c2", new LayerSpec.Conv2D(8, 3, 5, 1, Padding.of(2, 4), 2, 2, false));      // non-square, dilated, grouped, no bias
        b.add("lrn", new LayerSpec.LocalResponseNorm(3, 2e-4, 0.75, 1.5));
        b.add("mp", new LayerSpec.MaxPool(3, 2, Padding.SAME));                             // padded max pooling
        String trunk = b.last();
        b.add("branch_a", new LayerSpec.Conv2D(4, 1, 1, 1, Padding.NONE, 1, 1, true), trunk);
        b.add("tanh", new LayerSpec.Tanh());
        b.add("branch_b", new LayerSpec.AvgPool(3, 1, Padding.of(1)), trunk);              // padded zeros count
        b.add("sig", new LayerSpec.Sigmoid());
        b.add("cat", new LayerSpec.Concat(), "tanh", "sig");
        b.add("c3", new LayerSpec.Conv2D(12, 3, 3, 1, Padding.SAME, 1, 1, true));
        b.add("skip", new LayerSpec.Conv2D(12, 1, 1, 1, Padding.VALID, 1, 1, true), "cat");
        b.add("sum", new LayerSpec.Add(), "c3", "skip");
        b.add("ap", new LayerSpec.AvgPool(2, 2, Padding.SAME));                             // uneven padding, zeros counted
        b.add("relu", new LayerSpec.ReLU());
        b.add("drop", new LayerSpec.Dropout(0.3));
        b.add("gap", new LayerSpec.GlobalAvgPool());
        b.add("bn2", LayerSpec.BatchNorm.standard());                                       // BatchNorm on a vector
        b.add("fc", LayerSpec.FullyConnected.of(7));
        b.add("softmax", new LayerSpec.Softmax());
        return b.build();
    }

    /** Vectors: merges of FC outputs, LRN and a softmax inside the network, FC on a volume, an FC without bias. */
    static NetworkSpec vectors() {
        NetworkSpec.Builder b = NetworkSpec.builder("vectors");
        b.input(6, 6, 2);
        b.add("fc_a", LayerSpec.FullyConnected.of(12));                                     // flattens a 6×6×2 volume
        b.add("fc_b", new LayerSpec.FullyConnected(12, false), "input");
        b.add("add", new LayerSpec.Add(), "fc_a", "fc_b");
        b.add("norm", new LayerSpec.LocalResponseNorm(5, 1e-2, 0.75, 2.0));
        b.add("inner_softmax", new LayerSpec.Softmax());
        b.add("flat", new LayerSpec.Flatten(), "input");
        b.add("fc_c", LayerSpec.FullyConnected.of(5));
        b.add("cat", new LayerSpec.Concat(), "inner_softmax", "fc_c");
        b.add("out", LayerSpec.FullyConnected.of(4));
        return b.build();
    }

    /** Node ids that are not Python names, a frozen block, a softmax over a volume, floor mode. */
    static NetworkSpec awkward() {
        NetworkSpec.Builder b = NetworkSpec.builder("awkward 'names'").floorMode(true);
        b.input(9, 9, 1);
        b.add("conv-1", LayerSpec.Conv2D.of(3, 2, 2, 0));                                   // 9 → 4, floored
        b.add("class", new LayerSpec.ReLU());
        b.add("2nd/conv", LayerSpec.Conv2D.of(4, 3, 1, 1));
        b.add("forward", new LayerSpec.Softmax());                                          // over the whole 4×4×4 volume
        b.add("pool.x", LayerSpec.MaxPool.of(3, 2));                                        // 4 → 1, floored
        b.add("fc", LayerSpec.FullyConnected.of(3));
        NetworkSpec spec = b.build();
        return spec.withTrainable("conv-1", false);
    }

    /**
     * The layers of issue 16: per-axis strides on a convolution and both poolings, a Squeeze-and-Excitation branch
     * (Scale with weights from a vector), a Scale whose weights are 1×1 maps (a 1×1 convolution after global pooling,
     * as SENet's Caffe model computes them) and listed first, and Xavier initialisation, on a 10×11×3 input.
     */
    static NetworkSpec strides() {
        NetworkSpec.Builder b = NetworkSpec.builder("strides and scales").weightInit(org.convas.engine.spec.WeightInit.XAVIER);
        b.input(10, 11, 3);
        b.add("c1", new LayerSpec.Conv2D(8, 3, 3, 2, 1, Padding.of(1), 1, 1, true));            // 11 high, 10 wide → 6×10
        b.add("mp", new LayerSpec.MaxPool(2, 1, 2, Padding.NONE));                            // → 5×5
        b.add("se_pool", new LayerSpec.GlobalAvgPool());
        b.add("se_fc1", LayerSpec.FullyConnected.of(2));
        b.add("se_relu", new LayerSpec.ReLU());
        b.add("se_fc2", LayerSpec.FullyConnected.of(8));
        b.add("se_sig", new LayerSpec.Sigmoid());
        b.add("scale", new LayerSpec.ChannelScale(), "mp", "se_sig");
        b.add("ap", new LayerSpec.AvgPool(3, 2, 1, Padding.of(1)));                          // → 3×5
        b.add("gate_pool", new LayerSpec.GlobalAvgPool(), "mp");
        b.add("flat_gate", new LayerSpec.Flatten());
        b.add("gate", LayerSpec.FullyConnected.of(8));
        b.add("gate_sig", new LayerSpec.Sigmoid());
        b.add("scale2", new LayerSpec.ChannelScale(), "gate_sig", "ap");                      // the weights listed first
        b.add("fc", LayerSpec.FullyConnected.of(4));
        b.add("softmax", new LayerSpec.Softmax());
        return b.build();
    }

    /**
     * Fills every tensor with the values {@code run_exported.py} computes from formula.json: value i of a tensor is
     * ((i·2654435761 + seed) mod 2³² / 2³² − 0.5)·scale + offset in float32, seed = CRC-32 of the state_dict key.
     * Weights get scale √(24/fan-in) (He's variance), biases 0.2, BatchNorm's γ and running variance 0.5 around 1.
     * Writes formula.json into {@code dir} when it is not null.
     */
    static void formulaWeights(Model model, Path dir) throws IOException {
        JsonObject table = new JsonObject();
        for (StateDicts.Entry e : StateDicts.layout(model)) {
            JsonObject o = new JsonObject();
            JsonArray shape = new JsonArray();
            for (long d : e.shape()) shape.add(d);
            o.add("shape", shape);
            CRC32 crc = new CRC32();
            crc.update(e.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            long seed = crc.getValue();
            float scale, offset = 0f;
            String name = e.tensor() == null ? "" : e.tensor();
            if (name.endsWith(".running_var") || (name.endsWith(".weight") && e.shape().length == 1)) {
                scale = 0.5f;
                offset = 1f;
            } else if (name.endsWith(".weight")) {
                long fanIn = 1;
                for (int i = 1; i < e.shape().length; i++) fanIn *= e.shape()[i];
                scale = (float) Math.sqrt(24.0 / fanIn);
            } else {
                scale = 0.2f;
            }
            o.addProperty("seed", seed);
            o.addProperty("scale_bits", Float.floatToIntBits(scale));
            o.addProperty("offset_bits", Float.floatToIntBits(offset));
            o.addProperty("dtype", e.tensor() == null ? "int64" : "float32");
            table.add(e.key(), o);
            if (e.tensor() == null) continue;
            float[] v = model.tensor(e.tensor());
            for (int i = 0; i < v.length; i++) {
                long u = (i * 2654435761L + seed) % 4294967296L;
                float f = (float) u;
                f = f / 4294967296f;
                f = f - 0.5f;
                v[i] = f * scale + offset;
            }
        }
        if (dir != null) Files.writeString(dir.resolve("formula.json"), table.toString());
    }

    /** A model with formula weights. */
    static Model model(NetworkSpec spec) throws IOException {
        Model m = Model.create(spec, Initializer.XAVIER, 3); // overwritten: the cheaper initialiser
        formulaWeights(m, null);
        return m;
    }

    /** count images of the model's input, uniform in [−1, 1), from a fixed seed. */
    static float[] input(Model model, int count, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[Math.toIntExact(count * model.inputShape().size())];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    /** Convas's evaluation forward pass: the logits (the input of a final softmax) and the probabilities. */
    static float[][] forward(Model model, float[] x, int count) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        ModelWorker e = model.newWorker(count, false, new org.convas.engine.model.KernelThreads(pool, 2));
        try {
            e.forward(x, 0, count, false, 0);
        } finally {
            pool.shutdown();
        }
        var out = model.spec().node(model.outputId());
        String logitsId = out.layer() instanceof LayerSpec.Softmax ? out.inputs().get(0) : out.id();
        float[] logits = java.util.Arrays.copyOf(e.activation(logitsId), count * model.classes());
        float[] probs = java.util.Arrays.copyOf(e.probabilities(), count * model.classes());
        return new float[][] {logits, probs};
    }

    static void writeFloats(Path file, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(file, b.array());
    }

    static float[] readFloats(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        float[] v = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    static List<NetworkSpec> all() {
        return List.of(zoo(), vectors(), awkward(), strides());
    }
}
