package org.convas.engine.exchange;

import com.google.protobuf.ByteString;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The import's messages name the file, the node and the rule, for files it cannot read. */
class OnnxImportErrorsTest {

    private static ValueInfoProto input(int... chw) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : chw) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static ModelProto model(NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(input(1, 4, 4));
        for (NodeProto n : nodes) g.addNode(n);
        g.addOutput(ValueInfoProto.newBuilder().setName(nodes[nodes.length - 1].getOutput(0)));
        return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    private static NodeProto node(String op, String name, String in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addInput(in).addOutput(out).build();
    }

    @Test
    void namesTheFirstOperatorConvasDoesNotHave() {
        ModelProto m = model(node("Relu", "relu", "x", "a"), node("Resize", "upsample_1", "a", "b"), node("Erf", "erf", "b", "c"));
        ExchangeException e = assertThrows(ExchangeException.class, () -> OnnxImport.read(m, "net.onnx", "net"));
        assertEquals(true, e.getMessage().startsWith("net.onnx, node \"upsample_1\" (Resize): operator Resize is not a layer type Convas has"),
                e.getMessage());
    }

    @Test
    void refusesUnevenPaddingThatIsNotSame() {
        TensorProto w = TensorProto.newBuilder().setName("c.weight").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1).addDims(1).addDims(3).addDims(3).setRawData(ByteString.copyFrom(new byte[36])).build();
        NodeProto conv = NodeProto.newBuilder().setOpType("Conv").setName("c").addInput("x").addInput("c.weight").addOutput("y")
                .addAttribute(AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS)
                        .addInts(2).addInts(0).addInts(0).addInts(0)).build();
        ModelProto m = model(conv).toBuilder().setGraph(model(conv).getGraph().toBuilder().addInitializer(w)).build();
        ExchangeException e = assertThrows(ExchangeException.class, () -> OnnxImport.read(m, "p.onnx", "p"));
        assertTrue(e.getMessage().contains("node \"c\" (Conv): uneven padding (top 2, left 0, bottom 0, right 0)"), e.getMessage());
    }

    @Test
    void saysWhenAFileIsNotOnnx(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("x.onnx"), new byte[] {1, 2, 3, (byte) 0xFF, (byte) 0xFF});
        ExchangeException e = assertThrows(ExchangeException.class, () -> OnnxImport.read(f));
        assertTrue(e.getMessage().contains("x.onnx: not an ONNX model"), e.getMessage());
        ModelProto noOpset = ModelProto.newBuilder().setGraph(GraphProto.newBuilder()).build();
        assertTrue(assertThrows(ExchangeException.class, () -> OnnxImport.read(noOpset, "y.onnx", "y")).getMessage()
                .contains("no standard ONNX operator set"));
    }
}
