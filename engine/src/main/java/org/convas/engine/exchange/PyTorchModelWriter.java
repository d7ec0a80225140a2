package org.convas.engine.exchange;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Window;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a network as a readable PyTorch {@code model.py}: one {@code nn.Module} whose submodules are named after the
 * nodes, and a {@code forward} with one line per node, so branches and skip connections read as they are drawn.
 *
 * <p>Every layer is mapped to the PyTorch computation that gives Convas's numbers exactly:
 * <ul>
 *   <li>padding as the calculator resolved it: symmetric padding is the module's {@code padding}; an uneven one
 *       ("same" padding where the total is odd, the extra row and column at the bottom and right, as in Convas and
 *       TensorFlow) is an explicit {@code F.pad} before the layer, with −∞ for max pooling (padded values never win)
 *       and zeros for average pooling (padded zeros count, PyTorch's {@code count_include_pad=True})</li>
 *   <li>floor mode: PyTorch floors too ({@code ceil_mode=False}); without floor mode Convas only accepts windows that
 *       fit, where floor and exact agree</li>
 *   <li>groups, dilation, biases, BatchNorm's ε and momentum (PyTorch's convention in both), LRN with α/n</li>
 *   <li>a fully connected layer on a spatial input flattens it first, in (C, H, W) order, as Convas does</li>
 *   <li>a Softmax on a volume normalises over all its values, as Convas's does</li>
 * </ul>
 * {@code forward} returns the scores before the final softmax (the logits {@code nn.CrossEntropyLoss} expects, and
 * what Convas trains on); {@code probabilities} applies the softmax.
 */
public final class PyTorchModelWriter {

    private PyTorchModelWriter() {
    }

    /**
     * @param origin where the network came from, for the header ("preset lenet5", a file name)
     * @throws ExchangeException when the network has errors, or is not one input and one output
     */
    public static String write(NetworkSpec spec, String origin) throws ExchangeException {
        NetworkReport report = Calculator.analyze(spec);
        Exportable.check(spec, report);
        Map<String, String> py = PythonNames.of(spec);
        List<Node> order = Exportable.order(spec);
        Node input = spec.inputs().get(0);
        Node output = spec.outputs().get(0);
        Shape in = report.layer(input.id()).output();
        boolean finalSoftmax = output.layer() instanceof LayerSpec.Softmax;
        String logitsId = finalSoftmax ? output.inputs().get(0) : output.id();

        StringBuilder init = new StringBuilder();
        StringBuilder fwd = new StringBuilder();
        Map<String, Boolean> spatial = new HashMap<>(); // whether a node's output is N×C×H×W (else N×D)
        List<String> frozen = new ArrayList<>();
        for (Node node : order) {
            LayerReport r = report.layer(node.id());
            String name = py.get(node.id());
            LayerSpec l = node.layer();
            if (!node.trainable() && r.parameters() > 0) frozen.add(name);
            String comment = "  # " + l.label() + (r.inputShapes().isEmpty() ? "" : ": " + joinShapes(r.inputShapes()) + " → " + r.output());
            if (l instanceof LayerSpec.Input) {
                spatial.put(node.id(), true);
                fwd.append("        ").append(name).append(" = x").append(comment).append('\n');
                continue;
            }
            String x = node.inputs().isEmpty() ? "x" : py.get(node.inputs().get(0));
            boolean xSpatial = node.inputs().isEmpty() || spatial.get(node.inputs().get(0));
            Shape inShape = r.inputShapes().isEmpty() ? null : r.inputShapes().get(0);
            String module = null;
            String expr;
            boolean outSpatial = xSpatial;
            if (l instanceof LayerSpec.Conv2D c) {
                Window w = r.window();
                String padding = symmetric(w) ? pair(w.padTop(), w.padLeft()) : "0";
                module = "nn.Conv2d(" + inShape.depth() + ", " + c.filters() + ", kernel_size=" + pair(c.kernelHeight(), c.kernelWidth())
                        + ", stride=" + pair(c.strideHeight(), c.strideWidth()) + ", padding=" + padding
                        + (c.dilation() != 1 ? ", dilation=" + c.dilation() : "") + (c.groups() != 1 ? ", groups=" + c.groups() : "")
                        + (c.bias() ? "" : ", bias=False") + ")";
                expr = "self." + name + "(" + padded(as4d(x, xSpatial, inShape), w, "") + ")";
                outSpatial = true;
            } else if (l instanceof LayerSpec.MaxPool p) {
                Window w = r.window();
                boolean inModule = symmetric(w) && w.padTop() <= p.size() / 2 && w.padLeft() <= p.size() / 2;
                module = "nn.MaxPool2d(" + p.size() + ", stride=" + pair(p.strideHeight(), p.strideWidth()) + (inModule && (w.padTop() > 0 || w.padLeft() > 0)
                        ? ", padding=" + pair(w.padTop(), w.padLeft()) : "") + ")";
                expr = "self." + name + "(" + (inModule ? as4d(x, xSpatial, inShape) : padded(as4d(x, xSpatial, inShape), w, ", value=float('-inf')")) + ")";
                outSpatial = true;
            } else if (l instanceof LayerSpec.AvgPool p) {
                Window w = r.window();
                boolean inModule = symmetric(w) && w.padTop() <= p.size() / 2 && w.padLeft() <= p.size() / 2;
                module = "nn.AvgPool2d(" + p.size() + ", stride=" + pair(p.strideHeight(), p.strideWidth()) + (inModule && (w.padTop() > 0 || w.padLeft() > 0)
                        ? ", padding=" + pair(w.padTop(), w.padLeft()) : "") + ")";
                expr = "self." + name + "(" + (inModule ? as4d(x, xSpatial, inShape) : padded(as4d(x, xSpatial, inShape), w, "")) + ")";
                outSpatial = true;
            } else if (l instanceof LayerSpec.GlobalAvgPool) {
                module = "nn.AdaptiveAvgPool2d(1)";
                expr = "torch.flatten(self." + name + "(" + as4d(x, xSpatial, inShape) + "), 1)";
                outSpatial = false;
            } else if (l instanceof LayerSpec.Flatten) {
                module = "nn.Flatten()";
                expr = "self." + name + "(" + x + ")";
                outSpatial = false;
            } else if (l instanceof LayerSpec.FullyConnected f) {
                module = "nn.Linear(" + inShape.size() + ", " + f.units() + (f.bias() ? "" : ", bias=False") + ")";
                expr = "self." + name + "(" + (xSpatial ? "torch.flatten(" + x + ", 1)" : x) + ")";
                outSpatial = false;
            } else if (l instanceof LayerSpec.BatchNorm b) {
                module = "nn.BatchNorm" + (xSpatial ? "2d" : "1d") + "(" + inShape.depth() + ", eps=" + number(b.epsilon())
                        + ", momentum=" + number(b.momentum()) + ")";
                expr = "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.LocalResponseNorm n) {
                module = "nn.LocalResponseNorm(" + n.size() + ", alpha=" + number(n.alpha()) + ", beta=" + number(n.beta())
                        + ", k=" + number(n.k()) + ")";
                expr = xSpatial ? "self." + name + "(" + x + ")" : "torch.flatten(self." + name + "(" + x + "[:, :, None, None]), 1)";
            } else if (l instanceof LayerSpec.ReLU) {
                module = "nn.ReLU()";
                expr = "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.LeakyReLU lr) {
                module = "nn.LeakyReLU(" + number(lr.slope()) + ")";
                expr = "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.Sigmoid) {
                module = "nn.Sigmoid()";
                expr = "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.Tanh) {
                module = "nn.Tanh()";
                expr = "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.Dropout d) {
                module = "nn.Dropout(" + number(d.p()) + ")";
                expr = "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.Softmax) {
                module = "nn.Softmax(dim=1)";
                expr = xSpatial ? "self." + name + "(torch.flatten(" + x + ", 1)).view_as(" + x + ")" : "self." + name + "(" + x + ")";
            } else if (l instanceof LayerSpec.Add || l instanceof LayerSpec.Concat) {
                boolean allSpatial = true;
                for (String i : node.inputs()) allSpatial &= spatial.get(i);
                List<String> parts = new ArrayList<>();
                for (String i : node.inputs()) parts.add(spatial.get(i) && !allSpatial ? "torch.flatten(" + py.get(i) + ", 1)" : py.get(i));
                expr = l instanceof LayerSpec.Add ? String.join(" + ", parts) : "torch.cat([" + String.join(", ", parts) + "], dim=1)";
                outSpatial = allSpatial;
            } else if (l instanceof LayerSpec.ChannelScale) {
                // The maps times one weight per channel: weights [N, C] broadcast as [N, C, 1, 1] over [N, C, H, W].
                int w = LayerSpec.ChannelScale.weightsInput(r.inputShapes().get(0), r.inputShapes().get(1));
                String maps = node.inputs().get(1 - w), weights = node.inputs().get(w);
                boolean mapsSpatial = spatial.get(maps), weightsSpatial = spatial.get(weights);
                expr = py.get(maps) + " * " + py.get(weights) + (mapsSpatial && !weightsSpatial ? "[:, :, None, None]" : "");
                outSpatial = mapsSpatial;
            } else {
                throw new ExchangeException("node \"" + node.id() + "\": " + l.type() + " has no PyTorch mapping");
            }
            spatial.put(node.id(), outSpatial);
            if (module != null) {
                String note = name.equals(node.id()) ? "" : "  (Convas node \"" + node.id() + "\")";
                init.append("        self.").append(name).append(" = ").append(module).append(comment).append(note).append('\n');
            }
            if (node == output && finalSoftmax) continue; // probabilities() applies it
            fwd.append("        ").append(name).append(" = ").append(expr).append(node == output || finalSoftmax ? "" : "").append('\n');
        }
        String logits = py.get(logitsId);
        if (spatial.get(logitsId)) logits = "torch.flatten(" + logits + ", 1)";

        StringBuilder s = new StringBuilder();
        s.append("\"\"\"").append(pyText(spec.name().isBlank() ? "Network" : spec.name())).append(" as a PyTorch module, written by Convas from ")
                .append(pyText(origin)).append(".\n\n");
        s.append("Submodules are named after the network's nodes, so the state_dict keys (\"")
                .append(firstKey(spec, py)).append("\") are the blocks of the designer.\n");
        s.append("Input: N×").append(in.depth()).append("×").append(in.height()).append("×").append(in.width())
                .append(" (N, C, H, W). forward() returns the class scores before the softmax (logits), as\n")
                .append("nn.CrossEntropyLoss expects; probabilities() applies ")
                .append(finalSoftmax ? "the network's softmax" : "a softmax").append(".\n\n");
        s.append("    model = Net()\n");
        s.append("    model.load_state_dict(torch.load('weights.pt'))   # weights from Convas or from train.py\n");
        s.append("\"\"\"\n");
        s.append("import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n");
        s.append("INPUT_SHAPE = (").append(in.depth()).append(", ").append(in.height()).append(", ").append(in.width()).append(")  # C, H, W\n");
        s.append("CLASSES = ").append(report.layer(output.id()).output().depth()).append("\n\n\n");
        s.append("class Net(nn.Module):\n");
        s.append("    # Blocks whose parameters are frozen in Convas (\"trainable\": false): training leaves them as they are.\n");
        s.append("    FROZEN = [").append(quotedList(frozen)).append("]\n\n");
        s.append("    def __init__(self):\n        super().__init__()\n");
        s.append(init);
        s.append("        self.reset_parameters()\n        self.freeze()\n\n");
        s.append("    def forward(self, x):\n");
        s.append(fwd);
        s.append("        return ").append(logits).append("\n\n");
        s.append("    def probabilities(self, x):\n");
        s.append("        return ").append(finalSoftmax ? "self." + py.get(output.id()) + "(self(x))" : "torch.softmax(self(x), dim=1)").append("\n\n");
        s.append("    def reset_parameters(self):\n");
        boolean xavier = spec.weightInit() == org.convas.engine.spec.WeightInit.XAVIER;
        s.append("        \"\"\"Convas's initialisation, the network's choice: ").append(xavier
                ? "Xavier uniform weights (±√(6/(fan-in + fan-out)))" : "He normal weights (std √(2/fan-in))")
                .append(", zero biases, BatchNorm γ 1 and β 0.\"\"\"\n");
        s.append("        for m in self.modules():\n");
        s.append("            if isinstance(m, (nn.Conv2d, nn.Linear)):\n");
        s.append(xavier ? "                nn.init.xavier_uniform_(m.weight)\n"
                : "                nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')\n");
        s.append("                if m.bias is not None:\n                    nn.init.zeros_(m.bias)\n");
        s.append("            elif isinstance(m, nn.modules.batchnorm._BatchNorm):\n                m.reset_parameters()\n\n");
        s.append("    def freeze(self):\n");
        s.append("        for name in self.FROZEN:\n            for p in getattr(self, name).parameters():\n                p.requires_grad_(False)\n\n\n");
        s.append("if __name__ == '__main__':\n");
        s.append("    import os\n    import sys\n");
        s.append("    model = Net().eval()\n");
        s.append("    here = os.path.dirname(os.path.abspath(__file__))\n");
        s.append("    weights = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'weights.pt')\n");
        s.append("    if os.path.exists(weights):\n        model.load_state_dict(torch.load(weights, map_location='cpu'))\n        print('weights:', weights)\n");
        s.append("    n = sum(p.numel() for p in model.parameters())\n");
        s.append("    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n");
        s.append("    with torch.no_grad():\n        out = model(torch.zeros(1, *INPUT_SHAPE))\n");
        s.append("    print('%s: %d parameters (%d trainable), input %s, output %s' % (")
                .append(pyString(spec.name())).append(", n, trainable, INPUT_SHAPE, tuple(out.shape)))\n");
        return s.toString();
    }

    private static boolean symmetric(Window w) {
        return w.padTop() == w.padBottom() && w.padLeft() == w.padRight();
    }

    /** F.pad(x, (left, right, top, bottom)) when the padding is uneven; the module pads an even one itself. */
    private static String padded(String x, Window w, String value) {
        if (symmetric(w)) return x;
        return "F.pad(" + x + ", (" + w.padLeft() + ", " + w.padRight() + ", " + w.padTop() + ", " + w.padBottom() + ")" + value + ")";
    }

    private static String as4d(String x, boolean spatial, Shape shape) {
        return spatial ? x : x + ".view(-1, " + shape.depth() + ", " + shape.height() + ", " + shape.width() + ")";
    }

    private static String pair(int a, int b) {
        return a == b ? Integer.toString(a) : "(" + a + ", " + b + ")";
    }

    /** A Python float literal that reads back as the same double. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%.1f", v);
        return Double.toString(v).replace("E", "e");
    }

    private static String joinShapes(List<Shape> shapes) {
        List<String> parts = new ArrayList<>();
        for (Shape s : shapes) parts.add(String.valueOf(s));
        return String.join(" + ", parts);
    }

    private static String quotedList(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) q.add("'" + n + "'");
        return String.join(", ", q);
    }

    private static String firstKey(NetworkSpec spec, Map<String, String> py) {
        for (Node n : spec.nodes()) {
            if (n.layer() instanceof LayerSpec.Conv2D || n.layer() instanceof LayerSpec.FullyConnected) return py.get(n.id()) + ".weight";
        }
        return "conv1.weight";
    }

    /** Text for a docstring: no triple quotes or backslashes. */
    private static String pyText(String s) {
        return s.replace("\\", "/").replace("\"\"\"", "'''");
    }

    /** A Python string literal. */
    static String pyString(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == '\'') b.append('\\').append(c);
            else if (c == '\n') b.append("\\n");
            else if (c < 0x20) b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            else b.append(c);
        }
        return b.append('\'').toString();
    }
}
