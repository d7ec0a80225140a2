package org.convas.engine.exchange;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Position;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model into a Convas network and its weights: the operators of the layer types Convas has, with the
 * attribute values Convas can compute exactly. The first node that cannot be mapped stops the import with a message
 * naming it and the reason ("node "Resize_12": operator Resize is not a layer type Convas has").
 *
 * <p>Mapped: Conv, MaxPool, AveragePool (counting padded zeros), GlobalAveragePool, Flatten (axis 1), Gemm (an FC
 * layer: weight O×I with transB=1, or I×O), BatchNormalization, LRN (odd sizes), Relu, LeakyRelu, Sigmoid, Tanh,
 * Dropout, Softmax, Add, Sum, Concat (channels), Identity (skipped), and a constant Pad before a convolution or
 * pooling layer (folded into its padding: even padding, or "same" when it splits as Convas's does; −∞ before max
 * pooling). Small graphs of shape operators on constants (Constant, ConstantOfShape, Concat, Reshape, Slice,
 * Transpose, Cast, Unsqueeze, Squeeze), which PyTorch writes to compute a pad list, are evaluated. Node ids come from the weight names
 * ({@code conv1.weight} → "conv1", as PyTorch names them) or the node names, made unique. The helper nodes
 * {@link OnnxExport} writes ({@code <id>/flatten}) fold back into their node, so export then import gives the same
 * network. Networks written elsewhere get floor mode when their windows only fit floored, as in PyTorch.
 */
public final class OnnxImport {

    /** Operators the import maps, for messages. */
    public static final List<String> OPERATORS = List.of("Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm",
            "BatchNormalization", "LRN", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Dropout", "Softmax", "Add", "Sum", "Concat", "Identity", "Mul", "Unsqueeze");

    /** The largest ONNX file read: 2 GiB, protobuf's limit on one message (larger models keep their weights in external files). */
    static final long MAX_BYTES = (1L << 31) - 1;

    private OnnxImport() {
    }

    public static ImportedNetwork read(Path file) throws ExchangeException, IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        ModelProto m;
        try {
            // Bounded as every file Convas reads (ReadFiles): protobuf's own limit on a message is 2 GiB.
            m = ModelProto.parseFrom(org.convas.engine.spec.ReadFiles.bytes(file, MAX_BYTES, "an ONNX model"));
        } catch (InvalidProtocolBufferException e) {
            throw new ExchangeException(file + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        String stem = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        return read(m, file.toString(), stem);
    }

    /** @param source names the model in messages; {@code fallbackName} names the network when the graph has no name */
    public static ImportedNetwork read(ModelProto m, String source, String fallbackName) throws ExchangeException {
        return new Reader(m, source).read(fallbackName);
    }

    private record Value(String node, boolean spatial) {
    }

    /** A constant tensor the import computes itself (the pad lists PyTorch writes as a little graph of shape operators). */
    private record Const(long[] shape, double[] values) {
        int size() {
            return values.length;
        }
    }

    private static final class Reader {
        private final ModelProto model;
        private final String source;
        private final GraphProto g;
        private final Map<String, TensorProto> initializers = new HashMap<>();
        private final Map<String, Value> values = new HashMap<>();    // tensor name → the Convas node that makes it
        private final Map<String, String> halfUnsqueezed = new HashMap<>(); // a vector made [N, C, 1] on its way to [N, C, 1, 1]
        private final Map<String, String> nodeNames = new HashMap<>(); // ONNX node name → Convas id
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private final Map<String, float[]> tensors = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final Set<String> ceilNodes = new HashSet<>();
        private final Map<String, Integer> consumers = new HashMap<>();
        private final Map<String, NodeProto> producer = new HashMap<>();
        private final Map<String, Const> consts = new HashMap<>();       // small tensors computed from constants (pad lists)
        private final Map<String, int[]> pendingPads = new HashMap<>();  // a Pad's output → {top, left, bottom, right, −∞?}
        private final long opset;

        Reader(ModelProto model, String source) throws ExchangeException {
            this.model = model;
            this.source = source;
            if (!model.hasGraph()) throw new ExchangeException(source + ": the ONNX model has no graph");
            this.g = model.getGraph();
            long v = -1;
            for (OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) v = o.getVersion();
            }
            if (v < 0) throw new ExchangeException(source + ": the model imports no standard ONNX operator set");
            if (v < 7) throw new ExchangeException(source + ": opset " + v + " is older than Convas reads (7 and later)");
            this.opset = v;
            for (TensorProto t : g.getInitializerList()) initializers.put(t.getName(), t);
            for (NodeProto n : g.getNodeList()) {
                for (String in : n.getInputList()) consumers.merge(in, 1, Integer::sum);
                for (String out : n.getOutputList()) producer.put(out, n);
                if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                    for (AttributeProto a : n.getAttributeList()) {
                        if (a.getName().equals("value") && a.hasT()) initializers.put(n.getOutput(0), a.getT().toBuilder().setName(n.getOutput(0)).build());
                    }
                }
            }
        }

        ImportedNetwork read(String fallbackName) throws ExchangeException {
            // The network input: the one graph input that is not a weight.
            List<ValueInfoProto> inputs = new ArrayList<>();
            for (ValueInfoProto v : g.getInputList()) if (!initializers.containsKey(v.getName())) inputs.add(v);
            if (inputs.size() != 1) {
                throw new ExchangeException(source + ": the graph has " + inputs.size() + " inputs besides its weights; Convas networks take one image input");
            }
            ValueInfoProto in = inputs.get(0);
            int[] chw = inputShape(in);
            String inputId = unique(sanitize(in.getName()));
            nodes.add(new Node(inputId, new LayerSpec.Input(chw[2], chw[1], chw[0])));
            values.put(in.getName(), new Value(inputId, true));

            for (NodeProto n : g.getNodeList()) node(n);

            if (g.getOutputCount() != 1) {
                throw new ExchangeException(source + ": the graph has " + g.getOutputCount() + " outputs; a Convas network ends in one vector of class scores");
            }
            Value out = values.get(g.getOutput(0).getName());
            if (out == null) throw new ExchangeException(source + ": the graph output " + g.getOutput(0).getName() + " is made by no node");

            Map<String, String> meta = new HashMap<>();
            for (StringStringEntryProto p : model.getMetadataPropsList()) meta.put(p.getKey(), p.getValue());
            String name = g.getName().isBlank() || g.getName().equals("torch_jit") || g.getName().equals("main_graph") ? fallbackName : g.getName();
            List<Node> finalNodes = frozen(meta);
            org.convas.engine.spec.WeightInit init = org.convas.engine.spec.WeightInit.HE;
            for (org.convas.engine.spec.WeightInit w : org.convas.engine.spec.WeightInit.values()) {
                if (w.key().equals(meta.get("convas.init"))) init = w;
            }
            NetworkSpec spec = new NetworkSpec(name, finalNodes, Boolean.parseBoolean(meta.getOrDefault("convas.floor", "false")), init,
                    layout(meta));
            NetworkReport report = Calculator.analyze(spec);
            if (!meta.containsKey("convas.floor") && report.errors().stream().anyMatch(p -> p.rule().equals(Problem.FIT))) {
                NetworkSpec floored = spec.withFloorMode(true);
                NetworkReport r2 = Calculator.analyze(floored);
                if (r2.isValid()) {
                    spec = floored;
                    report = r2;
                    notes.add("floor mode is on: some windows fit only when the leftover pixels are dropped, as PyTorch and ONNX do");
                }
            }
            for (Problem p : report.problems()) {
                if (ceilNodes.contains(p.nodeId()) && p.rule().equals(Problem.FIT)) {
                    throw new ExchangeException(source + ", node \"" + p.nodeId() + "\": ceil_mode=1 and the window does not fit exactly;"
                            + " Convas floors (PyTorch's default ceil_mode=False)");
                }
            }
            if (!report.isValid()) {
                StringBuilder sb = new StringBuilder(source + ": the imported network has errors:");
                for (Problem p : report.errors()) sb.append("\n  ").append(p);
                throw new ExchangeException(sb.toString());
            }
            return new ImportedNetwork(spec, tensors, notes);
        }

        private int[] inputShape(ValueInfoProto in) throws ExchangeException {
            String where = source + ", input \"" + in.getName() + "\"";
            if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
                throw new ExchangeException(where + ": no tensor shape; Convas needs N×C×H×W with fixed C, H and W");
            }
            if (in.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new ExchangeException(where + ": the input is not float32");
            }
            List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
            if (dims.size() != 4) throw new ExchangeException(where + ": " + dims.size() + " dimensions; Convas takes images N×C×H×W");
            int[] chw = new int[3];
            for (int i = 1; i < 4; i++) {
                if (!dims.get(i).hasDimValue() || dims.get(i).getDimValue() < 1) {
                    throw new ExchangeException(where + ": dimension " + i + " is not a fixed size; Convas needs C, H and W known");
                }
                chw[i - 1] = Math.toIntExact(dims.get(i).getDimValue());
            }
            return chw;
        }

        // ------------------------------------------------------------ one ONNX node

        private void node(NodeProto n) throws ExchangeException {
            String op = n.getOpType();
            String where = source + ", node \"" + (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + "\" (" + op + ")";
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new ExchangeException(where + ": operator " + n.getDomain() + "." + op + " is not a layer type Convas has");
            }
            if (op.equals("Constant")) return;
            if (foldConstant(n)) return;
            List<String> data = new ArrayList<>();
            for (String i : n.getInputList()) if (!i.isEmpty() && !isConst(i)) data.add(i);
            if (op.equals("Pad")) {
                pad(n, data, where);
                return;
            }
            for (String i : data) {
                if (pendingPads.containsKey(i) && !List.of("Conv", "MaxPool", "AveragePool").contains(op)) {
                    throw new ExchangeException(where + ": takes the output of a Pad; Convas pads only as part of a convolution or pooling layer");
                }
            }
            if (op.equals("Unsqueeze")) {
                unsqueeze(n, data, where);
                return;
            }
            for (String i : data) {
                if (!values.containsKey(i)) throw new ExchangeException(where + ": input " + i + " is made by no node before it");
            }
            if (n.getOutputCount() < 1) throw new ExchangeException(where + ": the node has no output");
            String output = n.getOutput(0);
            Value x = data.isEmpty() ? null : values.get(data.get(0));
            switch (op) {
                case "Identity" -> {
                    values.put(output, one(x, where));
                    return;
                }
                case "Flatten" -> {
                    Value v = one(x, where);
                    if (attrInt(n, "axis", 1) != 1) throw new ExchangeException(where + ": axis " + attrInt(n, "axis", 1) + "; Convas flattens from axis 1");
                    if (isHelper(n, v)) {
                        values.put(output, new Value(v.node(), false));
                        nodeNames.put(n.getName(), v.node());
                        return;
                    }
                    add(n, output, new LayerSpec.Flatten(), v, false, null);
                    return;
                }
                default -> {
                }
            }
            switch (op) {
                case "Conv" -> conv(n, one(x, where), output, where);
                case "MaxPool", "AveragePool" -> pool(n, one(x, where), output, where);
                case "GlobalAveragePool" -> add(n, output, new LayerSpec.GlobalAvgPool(), one(x, where), false, null);
                case "Gemm" -> gemm(n, one(x, where), output, where);
                case "BatchNormalization" -> batchNorm(n, one(x, where), output, where);
                case "LRN" -> {
                    int size = (int) attrInt(n, "size", 0);
                    if (size < 1) throw new ExchangeException(where + ": size is missing");
                    if (size % 2 == 0) {
                        throw new ExchangeException(where + ": an even size (" + size + ") centres the window differently in ONNX than in"
                                + " Convas and PyTorch");
                    }
                    add(n, output, new LayerSpec.LocalResponseNorm(size, attrFloat(n, "alpha", 1e-4), attrFloat(n, "beta", 0.75),
                            attrFloat(n, "bias", 1.0)), one(x, where), true, null);
                }
                case "Relu" -> add(n, output, new LayerSpec.ReLU(), one(x, where), null, null);
                case "LeakyRelu" -> add(n, output, new LayerSpec.LeakyReLU(attrFloat(n, "alpha", 0.01)), one(x, where), null, null);
                case "Sigmoid" -> add(n, output, new LayerSpec.Sigmoid(), one(x, where), null, null);
                case "Tanh" -> add(n, output, new LayerSpec.Tanh(), one(x, where), null, null);
                case "Dropout" -> {
                    double p = attrFloat(n, "ratio", 0.5);
                    if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
                        float[] r = floats(n.getInput(1), where);
                        if (r.length == 1) p = exact(r[0]);
                    }
                    add(n, output, new LayerSpec.Dropout(p), one(x, where), null, null);
                }
                case "Softmax" -> {
                    Value v = one(x, where);
                    long axis = attrInt(n, "axis", opset >= 13 ? -1 : 1);
                    if (v.spatial() && !(opset < 13 && axis == 1)) {
                        throw new ExchangeException(where + ": a softmax along axis " + axis + " of a 4-D tensor; Convas's Softmax takes a vector of scores");
                    }
                    if (axis != 1 && axis != -1) throw new ExchangeException(where + ": axis " + axis + "; Convas's softmax runs over the scores (axis 1)");
                    add(n, output, new LayerSpec.Softmax(), v, false, null);
                }
                case "Add", "Sum" -> merge(n, data, output, new LayerSpec.Add(), where);
                case "Mul" -> {
                    if (data.size() != 2) {
                        throw new ExchangeException(where + ": multiplies " + (n.getInputCount() - data.size()) + " constant tensor(s);"
                                + " Convas multiplies maps by per-channel weights computed by layers (Scale) only");
                    }
                    merge(n, data, output, new LayerSpec.ChannelScale(), where);
                }
                case "Concat" -> {
                    long axis = attrInt(n, "axis", 1);
                    if (axis != 1) throw new ExchangeException(where + ": concatenation along axis " + axis + "; Convas concatenates channels (axis 1)");
                    merge(n, data, output, new LayerSpec.Concat(), where);
                }
                default -> throw new ExchangeException(where + ": operator " + op + " is not a layer type Convas has (Convas reads "
                        + String.join(", ", OPERATORS) + ")");
            }
        }

        /**
         * A vector [N, C] made [N, C, 1, 1] to scale maps: OnnxExport's "<id>/unsqueeze" (axes 2 and 3 at once) or
         * PyTorch's {@code s[:, :, None, None]} (axes 2, then 3): the same Convas node, now as 1×1 maps.
         */
        private void unsqueeze(NodeProto n, List<String> data, String where) throws ExchangeException {
            if (data.size() != 1) throw new ExchangeException(where + ": unsqueezes " + data.size() + " tensors");
            String in = data.get(0);
            List<Long> axes = new ArrayList<>(attrInts(n, "axes"));
            if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
                for (double d : constant(n.getInput(1), where).values()) axes.add((long) d);
            }
            java.util.Collections.sort(axes);
            String output = n.getOutput(0);
            if (halfUnsqueezed.containsKey(in) && axes.equals(List.of(3L))) {
                values.put(output, new Value(halfUnsqueezed.get(in), true));
                nodeNames.put(n.getName(), halfUnsqueezed.get(in));
                return;
            }
            Value v = values.get(in);
            if (v != null && !v.spatial() && axes.equals(List.of(2L, 3L))) {
                values.put(output, new Value(v.node(), true));
                nodeNames.put(n.getName(), v.node());
                return;
            }
            if (v != null && !v.spatial() && axes.equals(List.of(2L))) {
                halfUnsqueezed.put(output, v.node());
                return;
            }
            throw new ExchangeException(where + ": unsqueezing axes " + axes + " of " + (v == null ? "that tensor" : v.spatial() ? "a 4-D tensor"
                    : "a vector") + " is not a layer type Convas has (it reads a vector made [N, C, 1, 1] to scale channels)");
        }

        /** A Flatten that {@link OnnxExport} added to a node: named "<id>/flatten" after or before the node named id. */
        private boolean isHelper(NodeProto n, Value input) {
            String name = n.getName();
            if (!name.contains("/")) return false;
            String owner = name.substring(0, name.lastIndexOf('/'));
            String role = name.substring(name.lastIndexOf('/') + 1);
            if (!role.startsWith("flatten")) return false;
            // after: global pooling's 1×1 map; before: the node that consumes it has the owner's name
            if (owner.equals(input.node()) && nodeNames.containsValue(owner)) return true;
            for (NodeProto c : g.getNodeList()) {
                if (c.getName().equals(owner) && c.getInputList().contains(n.getOutput(0))) return true;
            }
            return false;
        }

        private void conv(NodeProto n, Value x, String output, String where) throws ExchangeException {
            needSpatial(x, where);
            String wName = n.getInputCount() > 1 ? n.getInput(1) : "";
            TensorProto w = initializer(wName, where, "weight");
            if (w.getDimsCount() != 4) throw new ExchangeException(where + ": the weight has " + w.getDimsCount() + " dimensions, not 4");
            int k = (int) w.getDims(0), kh = (int) w.getDims(2), kw = (int) w.getDims(3);
            List<Long> kernel = attrInts(n, "kernel_shape");
            if (!kernel.isEmpty() && (kernel.get(0) != kh || kernel.get(1) != kw)) {
                throw new ExchangeException(where + ": kernel_shape " + kernel + " differs from the weight's " + kh + "×" + kw);
            }
            int[] stride = pair(attrInts(n, "strides"), 1, where, "strides");
            int dilation = square(attrInts(n, "dilations"), 1, where, "dilations");
            int groups = (int) attrInt(n, "group", 1);
            boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            Padding padding = padding(n, where, kh, kw, stride[0], stride[1], dilation, n.getInput(0), x, false);
            LayerSpec.Conv2D c = new LayerSpec.Conv2D(k, kh, kw, stride[0], stride[1], padding, dilation, groups, bias);
            String id = add(n, output, c, x, true, stripSuffix(wName, ".weight"));
            tensors.put(id + ".weight", floats(wName, where));
            if (bias) tensors.put(id + ".bias", floats(n.getInput(2), where));
        }

        private void pool(NodeProto n, Value x, String output, String where) throws ExchangeException {
            needSpatial(x, where);
            List<Long> kernel = attrInts(n, "kernel_shape");
            if (kernel.size() != 2) throw new ExchangeException(where + ": kernel_shape " + kernel + "; Convas pools over 2-D windows");
            if (!kernel.get(0).equals(kernel.get(1))) {
                throw new ExchangeException(where + ": a " + kernel.get(0) + "×" + kernel.get(1) + " window; Convas pools over square windows");
            }
            int size = kernel.get(0).intValue();
            int[] stride = pair(attrInts(n, "strides"), 1, where, "strides");
            if (square(attrInts(n, "dilations"), 1, where, "dilations") != 1) throw new ExchangeException(where + ": dilated pooling is not a layer type Convas has");
            Padding padding = padding(n, where, size, size, stride[0], stride[1], 1, n.getInput(0), x, n.getOpType().equals("MaxPool"));
            boolean avg = n.getOpType().equals("AveragePool");
            // Its own padding must count (a Pad before it has put real zeros there, which count anyway).
            boolean ownPadding = attrInts(n, "pads").stream().anyMatch(v -> v != 0) || attrString(n, "auto_pad", "NOTSET").startsWith("SAME");
            if (avg && attrInt(n, "count_include_pad", 0) == 0 && ownPadding) {
                throw new ExchangeException(where + ": count_include_pad=0 with padding; Convas averages padded zeros too (PyTorch's default)");
            }
            String id = add(n, output, avg ? new LayerSpec.AvgPool(size, stride[0], stride[1], padding)
                    : new LayerSpec.MaxPool(size, stride[0], stride[1], padding), x, true, null);
            if (attrInt(n, "ceil_mode", 0) != 0) ceilNodes.add(id);
        }

        /**
         * The node's padding plus that of a Pad before it, as a Convas padding: even padding is explicit; an uneven one
         * must be the split Convas's "same" makes for this input (the extra row and column last).
         */
        private Padding padding(NodeProto n, String where, int kh, int kw, int strideH, int strideW, int dilation, String input, Value x,
                                boolean max) throws ExchangeException {
            String auto = attrString(n, "auto_pad", "NOTSET");
            int[] pre = pendingPads.get(input);
            if (pre != null) {
                if (max != (pre[4] == 1)) {
                    throw new ExchangeException(where + (max ? ": pads with a finite value before max pooling; Convas's padded values never win (−∞)"
                            : ": pads with −∞ before a layer that adds; Convas pads convolutions and average pooling with zeros"));
                }
                if (!auto.equals("NOTSET")) throw new ExchangeException(where + ": a Pad before a layer with auto_pad " + auto);
            }
            switch (auto) {
                case "SAME_UPPER" -> {
                    return Padding.SAME;
                }
                case "VALID" -> {
                    return Padding.VALID;
                }
                case "SAME_LOWER" -> throw new ExchangeException(where + ": auto_pad SAME_LOWER puts the extra padding first; Convas's \"same\""
                        + " puts it last (SAME_UPPER)");
                case "NOTSET" -> {
                }
                default -> throw new ExchangeException(where + ": unknown auto_pad " + auto);
            }
            List<Long> pads = attrInts(n, "pads");
            if (!pads.isEmpty() && pads.size() != 4) throw new ExchangeException(where + ": pads " + pads + "; expected 4 numbers (top, left, bottom, right)");
            long t = pads.isEmpty() ? 0 : pads.get(0), l = pads.isEmpty() ? 0 : pads.get(1);
            long b = pads.isEmpty() ? 0 : pads.get(2), r = pads.isEmpty() ? 0 : pads.get(3);
            if (pre != null) {
                t += pre[0];
                l += pre[1];
                b += pre[2];
                r += pre[3];
            }
            if (t == b && l == r) return Padding.of((int) t, (int) l);
            // Uneven: is it Convas's "same" for this input?
            // Floor mode while reading: PyTorch and ONNX floor, and the import decides on floor mode at the end.
            org.convas.engine.spec.Shape in = Calculator.analyze(new NetworkSpec("", nodes, true, Map.of())).layer(x.node()).output();
            if (in != null && same(in.height(), kh, strideH, dilation, t, b) && same(in.width(), kw, strideW, dilation, l, r)) return Padding.SAME;
            throw new ExchangeException(where + ": uneven padding (top " + t + ", left " + l + ", bottom " + b + ", right " + r
                    + ") of a " + (in == null ? "?" : in.width() + "×" + in.height()) + " input; Convas pads evenly, or with \"same\""
                    + " (the extra row and column at the bottom and right)");
        }

        private static boolean same(int n, int k, int s, int d, long before, long after) {
            int out = (n + s - 1) / s;
            int total = Math.max((out - 1) * s + d * (k - 1) + 1 - n, 0);
            return before == total / 2 && after == total - total / 2;
        }

        /** A constant Pad of the height and width: remembered, and folded into the convolution or pooling after it. */
        private void pad(NodeProto n, List<String> data, String where) throws ExchangeException {
            if (data.size() != 1) throw new ExchangeException(where + ": pads " + data.size() + " tensors");
            Value x = values.get(data.get(0));
            needSpatial(x, where);
            String mode = attrString(n, "mode", "constant");
            if (!mode.equals("constant")) throw new ExchangeException(where + ": " + mode + " padding; Convas pads with constants only");
            double[] pads;
            double value = attrFloat(n, "value", 0);
            if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
                pads = constant(n.getInput(1), where).values();
                if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) value = constant(n.getInput(2), where).values()[0];
            } else {
                List<Long> p = attrInts(n, "pads");
                pads = new double[p.size()];
                for (int i = 0; i < pads.length; i++) pads[i] = p.get(i);
            }
            if (pads.length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
                throw new ExchangeException(where + ": pads " + java.util.Arrays.toString(pads) + "; Convas pads height and width only");
            }
            boolean minusInfinity = value == Double.NEGATIVE_INFINITY || value <= -3.0e38;
            if (value != 0 && !minusInfinity) throw new ExchangeException(where + ": pads with " + value + "; Convas pads with 0 (or −∞ for max pooling)");
            int[] prev = pendingPads.get(data.get(0));
            int[] p = {(int) pads[2], (int) pads[3], (int) pads[6], (int) pads[7], minusInfinity ? 1 : 0};
            if (prev != null) for (int i = 0; i < 4; i++) p[i] += prev[i];
            pendingPads.put(n.getOutput(0), p);
            values.put(n.getOutput(0), x);
        }

        private void gemm(NodeProto n, Value x, String output, String where) throws ExchangeException {
            if (attrFloat(n, "alpha", 1) != 1 || attrFloat(n, "beta", 1) != 1) {
                throw new ExchangeException(where + ": alpha and beta other than 1 are not a fully connected layer");
            }
            if (attrInt(n, "transA", 0) != 0) throw new ExchangeException(where + ": transA=1 is not a fully connected layer on a batch");
            String wName = n.getInput(1);
            TensorProto w = initializer(wName, where, "weight");
            if (w.getDimsCount() != 2) throw new ExchangeException(where + ": the weight has " + w.getDimsCount() + " dimensions, not 2");
            boolean transB = attrInt(n, "transB", 0) != 0;
            int units = (int) (transB ? w.getDims(0) : w.getDims(1));
            int fanIn = (int) (transB ? w.getDims(1) : w.getDims(0));
            float[] weight = floats(wName, where);
            if (!transB) {
                float[] t = new float[weight.length];
                for (int i = 0; i < fanIn; i++) for (int o = 0; o < units; o++) t[o * fanIn + i] = weight[i * units + o];
                weight = t;
            }
            boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            float[] b = null;
            if (bias) {
                b = floats(n.getInput(2), where);
                if (b.length != units) {
                    throw new ExchangeException(where + ": the bias has " + b.length + " values for " + units
                            + " units (broadcast biases are not a fully connected layer)");
                }
            }
            String id = add(n, output, new LayerSpec.FullyConnected(units, bias), x, false, stripSuffix(wName, ".weight"));
            tensors.put(id + ".weight", weight);
            if (bias) tensors.put(id + ".bias", b);
        }

        private void batchNorm(NodeProto n, Value x, String output, String where) throws ExchangeException {
            if (n.getInputCount() != 5) throw new ExchangeException(where + ": expected 5 inputs (X, scale, B, mean, var)");
            if (attrInt(n, "training_mode", 0) != 0) throw new ExchangeException(where + ": training_mode=1; Convas reads inference graphs");
            double eps = attrFloat(n, "epsilon", 1e-5);
            double momentum = new BigDecimal(1 - attrFloat(n, "momentum", 0.9)).round(new MathContext(7)).doubleValue();
            String id = add(n, output, new LayerSpec.BatchNorm(eps, momentum), x, null, stripSuffix(n.getInput(1), ".weight"));
            String[] names = {"weight", "bias", "running_mean", "running_var"};
            for (int i = 0; i < 4; i++) tensors.put(id + "." + names[i], floats(n.getInput(i + 1), where));
        }

        private void merge(NodeProto n, List<String> data, String output, LayerSpec layer, String where) throws ExchangeException {
            for (String i : n.getInputList()) {
                if (isConst(i)) {
                    throw new ExchangeException(where + ": adds or joins a constant tensor (" + i + "); Convas merges the outputs of layers only");
                }
            }
            if (data.size() < 2) {
                if (data.size() == 1) {
                    values.put(output, values.get(data.get(0)));
                    return;
                }
                throw new ExchangeException(where + ": no inputs");
            }
            List<String> ins = new ArrayList<>();
            boolean spatial = true;
            for (String d : data) {
                Value v = values.get(d);
                ins.add(v.node());
                spatial &= v.spatial();
            }
            String id = unique(idFor(n, null));
            nodes.add(new Node(id, layer, ins));
            values.put(output, new Value(id, spatial));
            nodeNames.put(n.getName(), id);
        }

        /** Adds a one-input node; {@code spatialOut} null keeps the input's kind. Returns its id. */
        private String add(NodeProto n, String output, LayerSpec layer, Value x, Boolean spatialOut, String preferredId) {
            String id = unique(idFor(n, preferredId));
            nodes.add(new Node(id, layer, List.of(x.node())));
            values.put(output, new Value(id, spatialOut == null ? x.spatial() : spatialOut));
            nodeNames.put(n.getName(), id);
            return id;
        }

        private String idFor(NodeProto n, String preferred) {
            if (preferred != null && !preferred.isBlank() && !ids.contains(preferred)) return preferred;
            if (!n.getName().isBlank()) return sanitize(n.getName());
            return n.getOpType().toLowerCase(java.util.Locale.ROOT);
        }

        private String unique(String base) {
            String id = base;
            for (int k = 2; ids.contains(id); k++) id = base + "_" + k;
            ids.add(id);
            return id;
        }

        private List<Node> frozen(Map<String, String> meta) throws ExchangeException {
            String json = meta.get("convas.frozen");
            if (json == null) return nodes;
            Set<String> frozen = new HashSet<>();
            try {
                for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) frozen.add(e.getAsString());
            } catch (RuntimeException e) {
                throw new ExchangeException(source + ": metadata convas.frozen is not a JSON list of node ids");
            }
            List<Node> out = new ArrayList<>();
            for (Node node : nodes) out.add(frozen.contains(node.id()) ? node.withTrainable(false) : node);
            return out;
        }

        private Map<String, Position> layout(Map<String, String> meta) {
            Map<String, Position> layout = new LinkedHashMap<>();
            String json = meta.get("convas.layout");
            if (json == null) return layout;
            try {
                JsonObject o = JsonParser.parseString(json).getAsJsonObject();
                for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                    JsonArray xy = e.getValue().getAsJsonArray();
                    if (ids.contains(e.getKey())) layout.put(e.getKey(), new Position(xy.get(0).getAsDouble(), xy.get(1).getAsDouble()));
                }
            } catch (RuntimeException e) {
                notes.add("the block layout in the metadata could not be read; the designer lays the network out itself");
                layout.clear();
            }
            return layout;
        }

        // ------------------------------------------------------------ constants

        private boolean isConst(String name) {
            return initializers.containsKey(name) || consts.containsKey(name);
        }

        private Const constant(String name, String where) throws ExchangeException {
            Const c = consts.get(name);
            if (c != null) return c;
            TensorProto t = initializers.get(name);
            if (t == null) throw new ExchangeException(where + ": " + name + " is not a constant");
            c = constOf(t, where);
            consts.put(name, c);
            return c;
        }

        private Const constOf(TensorProto t, String where) throws ExchangeException {
            String name = t.getName();
            long[] shape = new long[t.getDimsCount()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.getDims(i);
                n *= shape[i];
            }
            if (n > 1 << 16) throw new ExchangeException(where + ": " + name + " is too large to compute with");
            double[] v = new double[(int) n];
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            boolean hasRaw = !t.getRawData().isEmpty();
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (t.getDataType()) {
                    case TensorProto.DataType.INT64_VALUE -> hasRaw ? raw.getLong() : t.getInt64Data(i);
                    case TensorProto.DataType.INT32_VALUE -> hasRaw ? raw.getInt() : t.getInt32Data(i);
                    case TensorProto.DataType.FLOAT_VALUE -> hasRaw ? raw.getFloat() : t.getFloatData(i);
                    case TensorProto.DataType.DOUBLE_VALUE -> hasRaw ? raw.getDouble() : t.getDoubleData(i);
                    default -> throw new ExchangeException(where + ": " + name + " is of ONNX data type " + t.getDataType());
                };
            }
            return new Const(shape, v);
        }

        /** Evaluates a shape operator whose inputs are all constants; false when the node is not one. */
        private boolean foldConstant(NodeProto n) throws ExchangeException {
            String op = n.getOpType();
            if (!List.of("Identity", "ConstantOfShape", "Concat", "Reshape", "Slice", "Transpose", "Cast", "Unsqueeze", "Squeeze").contains(op)) {
                return false;
            }
            for (String i : n.getInputList()) if (!i.isEmpty() && !isConst(i)) return false;
            if (n.getInputCount() == 0) return false;
            String where = source + ", node \"" + n.getName() + "\" (" + op + ")";
            if (op.equals("Identity") && initializers.containsKey(n.getInput(0))) {
                initializers.put(n.getOutput(0), initializers.get(n.getInput(0)).toBuilder().setName(n.getOutput(0)).build());
                return true;
            }
            Const a = constant(n.getInput(0), where);
            Const r = switch (op) {
                case "Identity", "Cast" -> a;
                case "ConstantOfShape" -> {
                    double fill = 0;
                    for (AttributeProto at : n.getAttributeList()) {
                        if (at.getName().equals("value")) fill = constOf(at.getT(), where).values()[0];
                    }
                    long[] shape = new long[a.size()];
                    long count = 1;
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = (long) a.values()[i];
                        count *= shape[i];
                    }
                    double[] v = new double[(int) count];
                    java.util.Arrays.fill(v, fill);
                    yield new Const(shape, v);
                }
                case "Concat" -> {
                    List<Double> all = new ArrayList<>();
                    for (String i : n.getInputList()) {
                        Const c = constant(i, where);
                        if (c.shape().length > 1) throw new ExchangeException(where + ": concatenates " + c.shape().length + "-D constants");
                        for (double d : c.values()) all.add(d);
                    }
                    double[] v = new double[all.size()];
                    for (int i = 0; i < v.length; i++) v[i] = all.get(i);
                    yield new Const(new long[] {v.length}, v);
                }
                case "Reshape" -> {
                    double[] target = constant(n.getInput(1), where).values();
                    long[] shape = new long[target.length];
                    long known = 1;
                    int unknown = -1;
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = (long) target[i];
                        if (shape[i] == 0) shape[i] = a.shape()[i];
                        if (shape[i] == -1) unknown = i;
                        else known *= shape[i];
                    }
                    if (unknown >= 0) shape[unknown] = a.size() / Math.max(known, 1);
                    yield new Const(shape, a.values());
                }
                case "Unsqueeze", "Squeeze" -> {
                    List<Long> dims = new ArrayList<>();
                    for (long d : a.shape()) dims.add(d);
                    List<Long> axes = new ArrayList<>(attrInts(n, "axes"));
                    if (n.getInputCount() > 1) for (double d : constant(n.getInput(1), where).values()) axes.add((long) d);
                    if (op.equals("Unsqueeze")) {
                        java.util.Collections.sort(axes);
                        for (long ax : axes) dims.add((int) (ax < 0 ? ax + dims.size() + 1 : ax), 1L);
                    } else {
                        dims.removeIf(d -> d == 1);
                    }
                    long[] shape = new long[dims.size()];
                    for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i);
                    yield new Const(shape, a.values());
                }
                case "Transpose" -> {
                    if (a.shape().length != 2) throw new ExchangeException(where + ": transposes a " + a.shape().length + "-D constant");
                    int rows = (int) a.shape()[0], cols = (int) a.shape()[1];
                    double[] v = new double[a.size()];
                    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) v[j * rows + i] = a.values()[i * cols + j];
                    yield new Const(new long[] {cols, rows}, v);
                }
                case "Slice" -> slice(a, n, where);
                default -> throw new IllegalStateException(op);
            };
            consts.put(n.getOutput(0), r);
            return true;
        }

        /** Slice of a 1-D or 2-D constant along its first axis (what PyTorch's pad lists use; steps may be negative). */
        private Const slice(Const a, NodeProto n, String where) throws ExchangeException {
            double[] starts = constant(n.getInput(1), where).values(), ends = constant(n.getInput(2), where).values();
            double[] axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? constant(n.getInput(3), where).values() : new double[] {0};
            double[] steps = n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? constant(n.getInput(4), where).values() : new double[] {1};
            if (starts.length != 1 || axes[0] != 0 || a.shape().length > 2) throw new ExchangeException(where + ": a slice Convas does not compute");
            long dim = a.shape()[0];
            long row = a.shape().length == 2 ? a.shape()[1] : 1;
            long step = (long) steps[0];
            long start = clamp((long) starts[0], dim, step < 0), end = clamp((long) Math.max(Math.min(ends[0], 9.2e18), -9.2e18), dim, step < 0);
            List<Long> picked = new ArrayList<>();
            for (long i = start; step > 0 ? i < end : i > end; i += step) picked.add(i);
            double[] v = new double[(int) (picked.size() * row)];
            for (int k = 0; k < picked.size(); k++) System.arraycopy(a.values(), (int) (picked.get(k) * row), v, (int) (k * row), (int) row);
            return new Const(a.shape().length == 2 ? new long[] {picked.size(), row} : new long[] {picked.size()}, v);
        }

        private static long clamp(long i, long dim, boolean backwards) {
            if (i < 0) i += dim;
            return backwards ? Math.max(-1, Math.min(i, dim - 1)) : Math.max(0, Math.min(i, dim));
        }


        // ------------------------------------------------------------ attributes and tensors

        private static Value one(Value x, String where) throws ExchangeException {
            if (x == null) throw new ExchangeException(where + ": it takes no input from another node");
            return x;
        }

        private static void needSpatial(Value x, String where) throws ExchangeException {
            if (!x.spatial()) throw new ExchangeException(where + ": works on a flattened vector; Convas convolves and pools W×H×D volumes");
        }

        /** A per-axis pair (height, width), e.g. strides [2, 1]; {dflt, dflt} when absent. */
        private static int[] pair(List<Long> v, int dflt, String where, String what) throws ExchangeException {
            if (v.isEmpty()) return new int[] {dflt, dflt};
            if (v.size() != 2) throw new ExchangeException(where + ": " + what + " " + v + "; Convas works on 2-D maps (height, width)");
            return new int[] {v.get(0).intValue(), v.get(1).intValue()};
        }

        private static int square(List<Long> v, int dflt, String where, String what) throws ExchangeException {
            if (v.isEmpty()) return dflt;
            if (v.size() != 2 || !v.get(0).equals(v.get(1))) {
                throw new ExchangeException(where + ": " + what + " " + v + "; Convas uses the same value for height and width");
            }
            return v.get(0).intValue();
        }

        private TensorProto initializer(String name, String where, String what) throws ExchangeException {
            TensorProto t = initializers.get(name);
            if (t == null && consts.containsKey(name)) {
                Const c = consts.get(name);
                TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
                for (long d : c.shape()) b.addDims(d);
                for (double v : c.values()) b.addFloatData((float) v);
                t = b.build();
            }
            if (t == null) throw new ExchangeException(where + ": its " + what + " (" + name + ") is not a constant of the model; Convas needs the weights stored in the file");
            return t;
        }

        private float[] floats(String name, String where) throws ExchangeException {
            if (!initializers.containsKey(name) && consts.containsKey(name)) {
                double[] v = consts.get(name).values();
                float[] out = new float[v.length];
                for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
                return out;
            }
            TensorProto t = initializer(name, where, "tensor");
            long n = 1;
            for (long d : t.getDimsList()) n *= d;
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new ExchangeException(where + ": " + name + " is stored in an external data file; save the model with the weights inside it");
            }
            float[] out = new float[Math.toIntExact(n)];
            switch (t.getDataType()) {
                case TensorProto.DataType.FLOAT_VALUE -> {
                    if (!t.getRawData().isEmpty()) {
                        if (t.getRawData().size() != out.length * 4) {
                            throw new ExchangeException(where + ": " + name + " holds " + t.getRawData().size() + " bytes for " + out.length + " floats");
                        }
                        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                    } else {
                        if (t.getFloatDataCount() != out.length) {
                            throw new ExchangeException(where + ": " + name + " holds " + t.getFloatDataCount() + " values for shape " + t.getDimsList());
                        }
                        for (int i = 0; i < out.length; i++) out[i] = t.getFloatData(i);
                    }
                }
                case TensorProto.DataType.DOUBLE_VALUE -> {
                    if (!t.getRawData().isEmpty()) {
                        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                        for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble();
                    } else {
                        for (int i = 0; i < out.length; i++) out[i] = (float) t.getDoubleData(i);
                    }
                }
                default -> throw new ExchangeException(where + ": " + name + " is of ONNX data type " + t.getDataType() + "; Convas reads float weights");
            }
            return out;
        }

        private static long attrInt(NodeProto n, String name, long dflt) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
            return dflt;
        }

        private static double attrFloat(NodeProto n, String name, double dflt) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return exact(a.getF());
            return dflt;
        }

        private static String attrString(NodeProto n, String name, String dflt) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getS().toStringUtf8();
            return dflt;
        }

        private static List<Long> attrInts(NodeProto n, String name) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getIntsList();
            return List.of();
        }
    }

    /**
     * The decimal a float attribute was written from: ONNX stores 32-bit floats, so 1e-5 comes back as
     * 9.99999974e-6; the shortest decimal that gives the same float is the value the writer meant.
     */
    static double exact(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static String stripSuffix(String name, String suffix) {
        return name != null && name.endsWith(suffix) ? sanitize(name.substring(0, name.length() - suffix.length())) : null;
    }

    /** A node id from an ONNX name: PyTorch's "/features/features.0/Conv" becomes "features.0". */
    static String sanitize(String name) {
        String s = name.strip();
        if (s.startsWith("/") && s.lastIndexOf('/') > 0) {
            String[] parts = s.substring(1).split("/");
            s = parts.length >= 2 ? parts[parts.length - 2] : parts[0];
        }
        return s.isEmpty() ? "node" : s;
    }
}
