package org.convas.app.teach;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.Window;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;

import java.util.List;
import java.util.Locale;

import static org.convas.engine.calc.Numbers.grouped;

/**
 * "What this layer does", in a few sentences with the block's own numbers: the rule it applies, the lecture's
 * formula for its output size and its parameters filled in by the calculator, its multiply-adds and its receptive
 * field. Example, LeNet-5's conv1: "W2 = (W1 − F + 2P)/S + 1 = (32 − 5 + 2·0)/1 + 1 = 28 … (5·5·1 + 1)·6 = 156".
 */
public final class LayerExplanation {

    private LayerExplanation() {
    }

    /** The explanation of a node from its calculator report; the formulas are the report's own. */
    public static String of(LayerReport r) {
        LayerSpec layer = r.node().layer();
        Shape in = r.inputShapes().isEmpty() ? null : r.inputShapes().get(0);
        Shape out = r.output();
        String body;
        if (layer instanceof LayerSpec.Input i) {
            body = "The network's input volume, W×H×D = " + i.shape() + ": " + grouped(i.shape().size())
                    + " values per image (" + (i.depth() == 1 ? "one grey channel" : i.depth() == 3 ? "red, green and blue channels"
                    : i.depth() + " channels") + "). Every layer below works on the volume the one above it produces.";
        } else if (layer instanceof LayerSpec.Conv2D c) {
            body = conv(c, r, in, out);
        } else if (layer instanceof LayerSpec.MaxPool p) {
            body = pool("Max pooling keeps the largest value of each " + p.size() + "×" + p.size()
                    + " window, in every channel separately", p.size(), r, in, out);
        } else if (layer instanceof LayerSpec.AvgPool p) {
            body = pool("Average pooling replaces each " + p.size() + "×" + p.size()
                    + " window by its mean (padded zeros count), in every channel separately", p.size(), r, in, out);
        } else if (layer instanceof LayerSpec.GlobalAvgPool g) {
            body = in == null || out == null ? "Averages each whole map to one number."
                    : "Averages each whole " + in.width() + "×" + in.height() + " map to one number: " + in + " → " + out
                            + ", no parameters. GoogLeNet and ResNet use it instead of large FC layers at the top.";
        } else if (layer instanceof LayerSpec.Flatten f) {
            body = in == null ? "Lays the volume out as one vector." : "Lays the " + in
                    + " volume out as one vector of " + r.shapeFormula() + " values (channel by channel, as PyTorch "
                    + "does); no parameters, no arithmetic.";
        } else if (layer instanceof LayerSpec.FullyConnected f) {
            body = fullyConnected(f, r, in);
        } else if (layer instanceof LayerSpec.ReLU x) {
            body = "ReLU: max(0, x) for each of the " + count(r) + " values; negatives become 0, positives "
                    + "pass unchanged. No parameters; cheap, and its gradient does not vanish for x > 0.";
        } else if (layer instanceof LayerSpec.LeakyReLU l) {
            body = "Leaky ReLU: max(x, " + trim(l.slope()) + "·x) for each of the " + count(r)
                    + " values, so negative inputs keep a small slope (and a gradient). No parameters.";
        } else if (layer instanceof LayerSpec.Sigmoid s) {
            body = "Sigmoid: σ(x) = 1/(1 + e^−x) squashes each of the " + count(r) + " values into (0, 1). "
                    + "It saturates for large |x|, where its gradient vanishes. No parameters.";
        } else if (layer instanceof LayerSpec.Tanh t) {
            body = "Tanh squashes each of the " + count(r) + " values into (−1, 1), centred on 0; like the "
                    + "sigmoid it saturates for large |x|. No parameters.";
        } else if (layer instanceof LayerSpec.Dropout d) {
            body = "Dropout: while training, each of the " + count(r) + " values is set to 0 with "
                    + "probability p = " + trim(d.p()) + " and the rest are scaled by 1/(1 − p) = " + trim(1 / (1 - d.p()))
                    + "; at test time it passes everything through. No parameters.";
        } else if (layer instanceof LayerSpec.BatchNorm b) {
            body = "Batch normalisation, per channel: x̂ = (x − μ)/√(σ² + ε) with the batch's mean μ "
                    + "and variance σ² (ε = " + b.epsilon() + "), then y = γ·x̂ + β. Parameters: " + r.paramFormula()
                    + ". At test time it uses running averages of μ and σ².";
        } else if (layer instanceof LayerSpec.LocalResponseNorm n) {
            body = "Local response normalisation (AlexNet's NORM): each value is divided by "
                    + "(k + α/n·Σ a²)^β over n = " + n.size() + " neighbouring channels, with k = " + trim(n.k()) + ", α = "
                    + n.alpha() + ", β = " + trim(n.beta()) + ". No parameters.";
        } else if (layer instanceof LayerSpec.Add a) {
            body = "Adds its inputs value by value: " + r.shapeFormula() + ". In a residual block the "
                    + "layers learn F(x) = H(x) − x and this node adds x back (the skip connection). No parameters.";
        } else if (layer instanceof LayerSpec.Concat c) {
            body = "Stacks its inputs along the depth: " + r.shapeFormula()
                    + (out == null ? "" : ", giving " + out) + ". Inception modules join their branches this way. No parameters.";
        } else if (layer instanceof LayerSpec.ChannelScale x) {
            body = "Scales each channel of a volume by one weight: y[c, h, w] = x[c, h, w]·s[c], " + r.shapeFormula()
                    + ". In a Squeeze-and-Excitation block the weights come from the block's own maps (global average pool → "
                    + "FC → ReLU → FC → Sigmoid), so the network learns which channels to stress for each image. No parameters; one multiplication per value"
                    + (r.output() == null ? "." : ", " + grouped(r.output().size()) + " in all.");
        } else if (layer instanceof LayerSpec.Softmax s) {
            body = "Softmax turns the " + count(r) + " class scores s into probabilities "
                    + "e^sᵢ / Σⱼ e^sⱼ that are positive and sum to 1; in training it is fused with the cross-entropy loss.";
        } else {
            body = layer.label() + ".";
        }
        if (r.hasErrors()) body += "\n\nAs set now it does not fit: " + r.problems().get(0).text();
        return body;
    }

    private static String conv(LayerSpec.Conv2D c, LayerReport r, Shape in, Shape out) {
        StringBuilder sb = new StringBuilder();
        String k = c.kernelHeight() == c.kernelWidth() ? c.kernelHeight() + "×" + c.kernelWidth() : c.kernelHeight() + "×" + c.kernelWidth();
        int d1 = in == null ? 0 : in.depth();
        int perGroup = c.groups() > 0 && d1 > 0 ? d1 / c.groups() : d1;
        boolean depthwise = c.groups() > 1 && c.groups() == d1;
        sb.append("A convolution slides K = ").append(c.filters()).append(" filters of ").append(k).append("×")
                .append(perGroup).append(" over the input at stride ")
                .append(c.strideHeight() == c.strideWidth() ? Integer.toString(c.strideHeight())
                        : c.strideHeight() + " down and " + c.strideWidth() + " across").append(paddingText(c.padding(), r.window()))
                .append(". Each output value is the dot product of one filter with the ").append(k).append("×")
                .append(perGroup).append(" region under it");
        if (c.bias()) sb.append(", plus the filter's bias");
        sb.append(": ").append(c.kernelHeight() * c.kernelWidth() * perGroup).append(" multiplications.");
        if (depthwise) sb.append(" With groups = depth (").append(d1).append(") it is depthwise: each filter sees one channel only.");
        else if (c.groups() > 1) sb.append(" With ").append(c.groups()).append(" groups, each filter sees ").append(perGroup)
                .append(" of the ").append(d1).append(" channels.");
        if (c.kernelHeight() == 1 && c.kernelWidth() == 1) sb.append(" A 1×1 filter still spans the whole depth: it mixes channels and changes the depth, not the size.");
        if (c.dilation() > 1) sb.append(" Dilation ").append(c.dilation()).append(" spaces the filter's taps, so it covers ")
                .append(c.dilation() * (c.kernelHeight() - 1) + 1).append(" pixels per side.");
        if (out != null) {
            sb.append("\n\nOutput size: W2 = (W1 − F + 2P)/S + 1 = ").append(r.shapeFormula()).append(", so ").append(out)
                    .append(": one ").append(out.width()).append("×").append(out.height()).append(" map per filter.");
            sb.append("\nParameters: (F·F·D1/G + 1)·K = ").append(r.paramFormula()).append(", shared by all ")
                    .append(grouped((long) out.width() * out.height())).append(" positions (parameter sharing).");
            sb.append("\nMultiply-adds: ").append(grouped(out.size())).append(" outputs × ")
                    .append(c.kernelHeight() * c.kernelWidth() * perGroup).append(" = ").append(grouped(r.macs())).append('.');
            if (r.receptiveField() != null) sb.append("\nEach output value sees ").append(r.receptiveField().sizeText())
                    .append(" pixels of the network's input (its receptive field).");
        }
        return sb.toString();
    }

    private static String pool(String rule, int size, LayerReport r, Shape in, Shape out) {
        StringBuilder sb = new StringBuilder(rule).append(". No parameters.");
        if (out != null && in != null) {
            sb.append("\n\nOutput size: W2 = (W1 − F + 2P)/S + 1 = ").append(r.shapeFormula()).append(", so ").append(in)
                    .append(" → ").append(out).append(" (the depth stays ").append(out.depth()).append(").");
            long kept = out.size(), all = in.size();
            if (all > 0 && kept < all) {
                sb.append(String.format(Locale.ROOT, " It keeps %s of %s values (%.0f%% dropped).", grouped(kept), grouped(all),
                        100.0 * (all - kept) / all));
            }
            if (r.receptiveField() != null) sb.append("\nEach output value sees ").append(r.receptiveField().sizeText())
                    .append(" pixels of the network's input.");
        }
        return sb.toString();
    }

    private static String fullyConnected(LayerSpec.FullyConnected f, LayerReport r, Shape in) {
        StringBuilder sb = new StringBuilder("Fully connected: each of the ").append(f.units()).append(" units computes a dot product of ");
        if (in == null) return sb.append("all its inputs with its own weights").append(f.bias() ? ", plus a bias." : ".").toString();
        sb.append("all ").append(grouped(in.size())).append(" input values");
        if (!in.isVector()) sb.append(" (the ").append(in).append(" volume, flattened)");
        sb.append(" with its own weights").append(f.bias() ? ", plus a bias." : ".");
        sb.append("\n\nParameters: ").append(r.paramFormula()).append(". Multiply-adds: ").append(grouped(r.macs())).append('.');
        sb.append("\nNo sharing: every weight is used once per image, which is why FC layers hold most of a classic "
                + "network's parameters.");
        return sb.toString();
    }

    private static String paddingText(Padding p, Window w) {
        if (p.mode() == Padding.Mode.SAME) {
            return w == null ? " with \"same\" padding" : " with \"same\" padding (" + w.padTop() + " before, " + w.padBottom() + " after)";
        }
        if (p.mode() == Padding.Mode.VALID || (p.height() == 0 && p.width() == 0)) return ", without padding";
        return p.height() == p.width() ? " with " + p.height() + " zero" + (p.height() == 1 ? "" : "s") + " of padding on each side"
                : " with padding " + p;
    }

    private static String count(LayerReport r) {
        return r.output() == null ? "input" : grouped(r.output().size());
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Layer types that the explorer can step through. */
    public static boolean canStepThrough(LayerSpec layer) {
        return layer instanceof LayerSpec.Conv2D || layer instanceof LayerSpec.MaxPool || layer instanceof LayerSpec.AvgPool;
    }

    static List<String> lines(String text) {
        return List.of(text.split("\n"));
    }
}
