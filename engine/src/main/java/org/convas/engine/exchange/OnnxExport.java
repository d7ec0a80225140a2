package org.convas.engine.exchange;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.model.Model;
import org.convas.engine.spec.AtomicFiles;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a network and its weights as an ONNX model (opset {@value #OPSET}), with Convas's own protobuf classes
 * generated from the official {@code onnx.proto}.
 *
 * <p>Each Convas node becomes one ONNX node of the same name whose output tensor is named after the node, so a
 * viewer such as Netron shows the designer's ids. Where ONNX needs a helper node, it is named {@code <id>/<role>}
 * ({@code fc1/flatten} before a fully connected layer on a volume, {@code gap/flatten} after global pooling, whose
 * ONNX output keeps its 1×1 map); {@link OnnxImport} folds those back into their node. Weights are initializers
 * under Convas's tensor names ({@code conv1.weight}, {@code bn1.running_mean}). Padding: "same" is
 * {@code auto_pad=SAME_UPPER} (the extra row and column at the end, as in Convas), "valid" is {@code VALID},
 * explicit padding is {@code pads}. BatchNorm's momentum is ONNX's 1 − momentum. What ONNX cannot hold of a Convas
 * network (floor mode, a Xavier initialisation, the block layout, frozen blocks) is kept in {@code metadata_props} under "convas.*".
 */
public final class OnnxExport {

    public static final int OPSET = 13;
    /** ONNX IR version 7 goes with opset 13. */
    static final int IR_VERSION = 7;
    static final String PRODUCER = "Convas";

    private OnnxExport() {
    }

    public static void write(Path file, Model model) throws ExchangeException, IOException {
        AtomicFiles.writeBytes(file, build(model).toByteArray());
    }

    /** The ONNX model of a network with the model's weights. */
    public static ModelProto build(Model model) throws ExchangeException {
        NetworkSpec spec = model.spec();
        NetworkReport report = Calculator.analyze(spec);
        Exportable.check(spec, report);
        GraphProto.Builder g = GraphProto.newBuilder().setName(spec.name().isBlank() ? "network" : spec.name());
        Map<String, Boolean> spatial = new HashMap<>();
        Node inputNode = spec.inputs().get(0);
        Node outputNode = spec.outputs().get(0);
        for (Node node : Exportable.order(spec)) {
            LayerReport r = report.layer(node.id());
            String id = node.id();
            LayerSpec l = node.layer();
            String where = "node \"" + id + "\" (" + l.label() + ")";
            if (l instanceof LayerSpec.Input) {
                Shape s = r.output();
                g.addInput(valueInfo(id, s.depth(), s.height(), s.width()));
                spatial.put(id, true);
                continue;
            }
            String x = node.inputs().get(0);
            boolean xSpatial = spatial.get(x);
            boolean outSpatial = xSpatial;
            if (l instanceof LayerSpec.Conv2D c) {
                needSpatial(xSpatial, where);
                NodeProto.Builder n = node("Conv", id, List.of(x, id + ".weight"), id);
                if (c.bias()) n.addInput(id + ".bias");
                n.addAttribute(ints("kernel_shape", c.kernelHeight(), c.kernelWidth()));
                n.addAttribute(ints("strides", c.strideHeight(), c.strideWidth()));
                n.addAttribute(ints("dilations", c.dilation(), c.dilation()));
                n.addAttribute(integer("group", c.groups()));
                padding(n, c.padding());
                g.addNode(n);
                initializer(g, model, id + ".weight", c.filters(), r.inputShapes().get(0).depth() / c.groups(), c.kernelHeight(), c.kernelWidth());
                if (c.bias()) initializer(g, model, id + ".bias", c.filters());
            } else if (l instanceof LayerSpec.MaxPool p) {
                needSpatial(xSpatial, where);
                NodeProto.Builder n = node("MaxPool", id, List.of(x), id);
                n.addAttribute(ints("kernel_shape", p.size(), p.size()));
                n.addAttribute(ints("strides", p.strideHeight(), p.strideWidth()));
                padding(n, p.padding());
                g.addNode(n);
            } else if (l instanceof LayerSpec.AvgPool p) {
                needSpatial(xSpatial, where);
                NodeProto.Builder n = node("AveragePool", id, List.of(x), id);
                n.addAttribute(ints("kernel_shape", p.size(), p.size()));
                n.addAttribute(ints("strides", p.strideHeight(), p.strideWidth()));
                n.addAttribute(integer("count_include_pad", 1));
                padding(n, p.padding());
                g.addNode(n);
            } else if (l instanceof LayerSpec.GlobalAvgPool) {
                needSpatial(xSpatial, where);
                g.addNode(node("GlobalAveragePool", id, List.of(x), id + "/pooled"));
                g.addNode(node("Flatten", id + "/flatten", List.of(id + "/pooled"), id).addAttribute(integer("axis", 1)));
                outSpatial = false;
            } else if (l instanceof LayerSpec.Flatten) {
                g.addNode(node("Flatten", id, List.of(x), id).addAttribute(integer("axis", 1)));
                outSpatial = false;
            } else if (l instanceof LayerSpec.FullyConnected f) {
                String in = x;
                if (xSpatial) {
                    in = id + "/flatten";
                    g.addNode(node("Flatten", id + "/flatten", List.of(x), in).addAttribute(integer("axis", 1)));
                }
                NodeProto.Builder n = node("Gemm", id, List.of(in, id + ".weight"), id);
                if (f.bias()) n.addInput(id + ".bias");
                n.addAttribute(integer("transB", 1));
                g.addNode(n);
                initializer(g, model, id + ".weight", f.units(), (int) r.inputShapes().get(0).size());
                if (f.bias()) initializer(g, model, id + ".bias", f.units());
                outSpatial = false;
            } else if (l instanceof LayerSpec.BatchNorm b) {
                NodeProto.Builder n = node("BatchNormalization", id,
                        List.of(x, id + ".weight", id + ".bias", id + ".running_mean", id + ".running_var"), id);
                n.addAttribute(real("epsilon", b.epsilon()));
                n.addAttribute(real("momentum", 1 - b.momentum())); // ONNX: running = running·momentum + batch·(1 − momentum)
                g.addNode(n);
                int ch = r.output().depth();
                for (String t : List.of("weight", "bias", "running_mean", "running_var")) initializer(g, model, id + "." + t, ch);
            } else if (l instanceof LayerSpec.LocalResponseNorm n) {
                needSpatial(xSpatial, where);
                if (n.size() % 2 == 0) {
                    throw new ExchangeException(where + ": ONNX's LRN centres an even window of " + n.size() + " channels on c−"
                            + (n.size() / 2 - 1) + "…c+" + n.size() / 2 + ", Convas and PyTorch on c−" + n.size() / 2 + "…c+"
                            + (n.size() / 2 - 1) + "; an odd size exports exactly");
                }
                g.addNode(node("LRN", id, List.of(x), id).addAttribute(integer("size", n.size())).addAttribute(real("alpha", n.alpha()))
                        .addAttribute(real("beta", n.beta())).addAttribute(real("bias", n.k())));
            } else if (l instanceof LayerSpec.ReLU) {
                g.addNode(node("Relu", id, List.of(x), id));
            } else if (l instanceof LayerSpec.LeakyReLU lr) {
                g.addNode(node("LeakyRelu", id, List.of(x), id).addAttribute(real("alpha", lr.slope())));
            } else if (l instanceof LayerSpec.Sigmoid) {
                g.addNode(node("Sigmoid", id, List.of(x), id));
            } else if (l instanceof LayerSpec.Tanh) {
                g.addNode(node("Tanh", id, List.of(x), id));
            } else if (l instanceof LayerSpec.Dropout d) {
                g.addNode(node("Dropout", id, List.of(x, id + ".ratio"), id));
                g.addInitializer(TensorProto.newBuilder().setName(id + ".ratio").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData((float) d.p()));
            } else if (l instanceof LayerSpec.Softmax) {
                if (xSpatial && !r.output().isVector()) {
                    throw new ExchangeException(where + ": a Softmax over a " + r.output() + " volume; the ONNX export takes a Softmax"
                            + " over a vector of scores (after Flatten or a fully connected layer)");
                }
                String in = x;
                if (xSpatial) {
                    in = id + "/flatten";
                    g.addNode(node("Flatten", id + "/flatten", List.of(x), in).addAttribute(integer("axis", 1)));
                }
                g.addNode(node("Softmax", id, List.of(in), id).addAttribute(integer("axis", 1)));
                outSpatial = false;
            } else if (l instanceof LayerSpec.Add || l instanceof LayerSpec.Concat) {
                boolean allSpatial = true;
                for (String i : node.inputs()) allSpatial &= spatial.get(i);
                List<String> ins = new ArrayList<>();
                int k = 0;
                for (String i : node.inputs()) {
                    k++;
                    if (spatial.get(i) && !allSpatial) {
                        String flat = id + "/flatten" + k;
                        g.addNode(node("Flatten", flat, List.of(i), flat).addAttribute(integer("axis", 1)));
                        ins.add(flat);
                    } else {
                        ins.add(i);
                    }
                }
                if (l instanceof LayerSpec.Concat) {
                    g.addNode(node("Concat", id, ins, id).addAttribute(integer("axis", 1)));
                } else {
                    g.addNode(node(ins.size() == 2 ? "Add" : "Sum", id, ins, id));
                }
                outSpatial = allSpatial;
            } else if (l instanceof LayerSpec.ChannelScale) {
                // Mul with broadcasting: the maps [N, C, H, W] times the weights [N, C] made [N, C, 1, 1] by an
                // Unsqueeze helper "<id>/unsqueeze" (axes 2 and 3, an int64 initializer as opset 13 wants).
                int w = LayerSpec.ChannelScale.weightsInput(r.inputShapes().get(0), r.inputShapes().get(1));
                String maps = node.inputs().get(1 - w), weights = node.inputs().get(w);
                String in = weights;
                if (!spatial.get(weights) && spatial.get(maps)) {
                    in = id + "/unsqueeze";
                    g.addInitializer(TensorProto.newBuilder().setName(id + "/axes").setDataType(TensorProto.DataType.INT64_VALUE)
                            .addDims(2).addInt64Data(2).addInt64Data(3));
                    g.addNode(node("Unsqueeze", id + "/unsqueeze", List.of(weights, id + "/axes"), in));
                }
                g.addNode(node("Mul", id, List.of(maps, in), id));
                outSpatial = spatial.get(maps);
            } else {
                throw new ExchangeException(where + ": " + l.type() + " has no ONNX mapping");
            }
            spatial.put(id, outSpatial);
        }
        String out = outputNode.id();
        int classes = report.layer(out).output().depth();
        if (spatial.get(out)) {
            g.addNode(node("Flatten", out + "/flatten", List.of(out), out + "/scores").addAttribute(integer("axis", 1)));
            out = out + "/scores";
        }
        g.addOutput(valueInfo(out, classes));
        g.setDocString("Exported by Convas from the network \"" + spec.name() + "\" (input " + inputNode.id() + ", "
                + report.layer(inputNode.id()).output() + ").");

        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion("0.1")
                .setModelVersion(1)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g);
        m.addMetadataProps(meta("convas.floor", Boolean.toString(spec.floorMode())));
        // How the weights start when the network is trained again (He unless the network chose Xavier).
        if (spec.weightInit() != org.convas.engine.spec.WeightInit.HE) m.addMetadataProps(meta("convas.init", spec.weightInit().key()));
        List<String> frozen = new ArrayList<>();
        for (Node n : spec.nodes()) if (!n.trainable()) frozen.add(n.id());
        JsonArray frozenJson = new JsonArray();
        frozen.forEach(frozenJson::add);
        m.addMetadataProps(meta("convas.frozen", frozenJson.toString()));
        if (!spec.layout().isEmpty()) {
            JsonObject layout = new JsonObject();
            spec.layout().forEach((id, p) -> {
                JsonArray xy = new JsonArray();
                xy.add(p.x());
                xy.add(p.y());
                layout.add(id, xy);
            });
            m.addMetadataProps(meta("convas.layout", layout.toString()));
        }
        return m.build();
    }

    private static void needSpatial(boolean spatial, String where) throws ExchangeException {
        if (!spatial) {
            throw new ExchangeException(where + " works on a vector (the output of Flatten or a fully connected layer); the ONNX"
                    + " export takes convolution, pooling and LRN on W×H×D volumes only");
        }
    }

    private static void padding(NodeProto.Builder n, Padding p) {
        switch (p.mode()) {
            case SAME -> n.addAttribute(string("auto_pad", "SAME_UPPER"));
            case VALID -> n.addAttribute(string("auto_pad", "VALID"));
            case EXPLICIT -> n.addAttribute(ints("pads", p.height(), p.width(), p.height(), p.width()));
        }
    }

    private static void initializer(GraphProto.Builder g, Model model, String name, long... dims) {
        float[] v = model.tensor(name);
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        g.addInitializer(t);
    }

    private static NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static ValueInfoProto valueInfo(String name, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : dims) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) a.addInts(v);
        return a.build();
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto real(String name, double value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) value).build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    private static StringStringEntryProto meta(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
