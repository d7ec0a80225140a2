package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.convas.engine.calc.Numbers.decimal;
import static org.convas.engine.calc.Numbers.grouped;

/**
 * Shape inference without tensors: for every node, the output shape with its formula, parameters, MACs,
 * activation memory and receptive field, and every problem as a value. Pure and fast (microseconds for a
 * 50-node network), so the designer calls it on every edit.
 *
 * <p>The output size along one axis follows the lecture: W2 = (W1 − F + 2P)/S + 1, where a dilated kernel
 * counts as its effective size d·(F − 1) + 1. Example: AlexNet's conv1, (227 − 11 + 2·0)/4 + 1 = 55.
 */
public final class Calculator {

    private static final String MINUS = " − ";

    private Calculator() {
    }

    /**
     * Analyses a network. Every fix a problem proposes has been tried: the calculator applied it and analysed
     * the result, and only the fixes after which the node fits are named (see {@link Fix}).
     */
    public static NetworkReport analyze(NetworkSpec spec) {
        Draft draft = analyzeDraft(spec);
        return Fixes.finish(spec, draft.reports, draft.networkProblems, draft.sentences);
    }

    /** The analysis before its fixes are verified: what a fix's trial run needs (it must not verify in turn). */
    record Draft(List<LayerReport> reports, List<Problem> networkProblems, Map<Problem, Boolean> sentences) {
        NetworkReport report(NetworkSpec spec) {
            return new NetworkReport(spec, reports, networkProblems);
        }
    }

    static Draft analyzeDraft(NetworkSpec spec) {
        List<Problem> networkProblems = new ArrayList<>();
        Map<Problem, Boolean> sentences = new java.util.IdentityHashMap<>();
        List<Node> order = spec.topologicalOrder().orElse(null);
        Set<String> cyclic = Set.of();
        if (order == null) {
            cyclic = spec.nodesOnCycles();
            order = spec.nodes();
        }
        if (spec.inputs().isEmpty() && !spec.nodes().isEmpty()) {
            networkProblems.add(new Problem(Problem.Severity.ERROR, spec.nodes().get(0).id(), "", Problem.NO_INPUT,
                    "the network has no Input node: add one and connect it to the first layer", "add an Input node"));
        }
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, ReceptiveField> fields = new HashMap<>();
        Set<String> reachable = reachableFromInputs(spec);
        List<Node> outputs = unusedOutputs(spec, spec.outputs(), reachable, order);
        List<LayerReport> reports = new ArrayList<>(order.size());
        for (Node node : order) {
            LayerReport r = analyzeNode(spec, node, shapes, fields, cyclic.contains(node.id()), reachable, outputs, sentences);
            if (r.output() != null) shapes.put(node.id(), r.output());
            if (r.receptiveField() != null) fields.put(node.id(), r.receptiveField());
            reports.add(r);
        }
        return new Draft(reports, networkProblems, sentences);
    }

    /**
     * The outputs worth a "not used" warning: those reachable from the Input other than the network's real
     * output, which is the reachable output with the most blocks above it. A block that is not reachable (a
     * pasted block left dangling) has an error of its own and never makes the real output look unused.
     */
    private static List<Node> unusedOutputs(NetworkSpec spec, List<Node> outputs, Set<String> reachable, List<Node> order) {
        List<Node> live = outputs.stream().filter(o -> reachable.contains(o.id())).toList();
        if (live.size() < 2) return List.of();
        Map<String, Set<String>> above = new HashMap<>();
        for (Node n : order) {
            Set<String> a = new HashSet<>();
            for (String in : n.inputs()) {
                if (!spec.contains(in)) continue;
                a.add(in);
                a.addAll(above.getOrDefault(in, Set.of()));
            }
            above.put(n.id(), a);
        }
        Node main = live.get(0);
        for (Node o : live) if (above.getOrDefault(o.id(), Set.of()).size() >= above.getOrDefault(main.id(), Set.of()).size()) main = o;
        Node real = main;
        return live.stream().filter(o -> o != real).toList();
    }

    static Set<String> reachableFromInputs(NetworkSpec spec) {
        Set<String> seen = new HashSet<>();
        ArrayList<String> stack = new ArrayList<>();
        for (Node n : spec.inputs()) stack.add(n.id());
        Map<String, List<String>> consumers = new HashMap<>();
        for (Node n : spec.nodes()) for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.id());
        while (!stack.isEmpty()) {
            String id = stack.remove(stack.size() - 1);
            if (seen.add(id)) stack.addAll(consumers.getOrDefault(id, List.of()));
        }
        return seen;
    }

    // ---------------------------------------------------------------- one node

    /** Mutable scratch for one node's result. */
    private static final class Acc {
        final Node node;
        final boolean floorMode;
        final List<Problem> problems = new ArrayList<>();
        final NetworkSpec spec;
        /** Problems whose verified fixes end their text as "; … would fit" (true) or only fill the fix (false). */
        final Map<Problem, Boolean> sentences;
        Shape output;
        String formula = "";
        long weights;
        long biases;
        String paramFormula = "";
        boolean inPlace;
        long macs;
        ReceptiveField rf;
        Window window;

        Acc(Node node, NetworkSpec spec, Map<Problem, Boolean> sentences) {
            this.node = node;
            this.spec = spec;
            this.floorMode = spec.floorMode();
            this.sentences = sentences;
        }

        void error(String field, String rule, String text, String fix) {
            problems.add(new Problem(Problem.Severity.ERROR, node.id(), field, rule, text, fix));
        }

        void warning(String field, String rule, String text, String fix) {
            problems.add(new Problem(Problem.Severity.WARNING, node.id(), field, rule, text, fix));
        }

        /**
         * A problem with candidate fixes, to be tried once the whole network is analysed ({@link Fixes}); the
         * ones that work are named after {@code text} ("; padding 2 or same padding would fit") when
         * {@code sentence}, else only in the problem's fix.
         */
        void withFixes(Problem.Severity severity, String field, String rule, String text, List<Fix> candidates, boolean sentence) {
            Problem p = new Problem(severity, node.id(), field, rule, text, "", candidates);
            problems.add(p);
            if (!candidates.isEmpty()) sentences.put(p, sentence);
        }
    }

    private static LayerReport analyzeNode(NetworkSpec spec, Node node, Map<String, Shape> shapes,
                                           Map<String, ReceptiveField> fields, boolean onCycle, Set<String> reachable,
                                           List<Node> outputs, Map<Problem, Boolean> sentences) {
        Acc a = new Acc(node, spec, sentences);
        LayerSpec layer = node.layer();
        List<Shape> ins = new ArrayList<>();
        List<ReceptiveField> inFields = new ArrayList<>();
        boolean inputsKnown = true;
        for (String in : node.inputs()) {
            Shape s = shapes.get(in);
            ins.add(s);
            inFields.add(fields.get(in));
            if (s == null) inputsKnown = false;
        }

        boolean structural = structuralProblems(spec, node, a, onCycle, reachable, outputs);
        for (var rule : layer.fieldRules()) a.error(rule.field(), Problem.RANGE, rule.message(), "");
        boolean ranged = a.problems.stream().anyMatch(p -> p.rule().equals(Problem.RANGE));

        if (layer instanceof LayerSpec.Input in) {
            if (!ranged) {
                a.output = in.shape();
                a.formula = "input " + in.shape();
                a.rf = ReceptiveField.PIXEL;
            }
        } else if (!structural && !ranged && inputsKnown && !ins.isEmpty()) {
            ReceptiveField rf0 = inFields.get(0);
            Shape in = ins.get(0);
            if (layer instanceof LayerSpec.Conv2D c) {
                conv(a, c, in, rf0);
            } else if (layer instanceof LayerSpec.MaxPool p) {
                pool(a, "window", p.size(), p.strideHeight(), p.strideWidth(), p.padding(), in, rf0);
            } else if (layer instanceof LayerSpec.AvgPool p) {
                pool(a, "window", p.size(), p.strideHeight(), p.strideWidth(), p.padding(), in, rf0);
            } else if (layer instanceof LayerSpec.GlobalAvgPool) {
                a.output = Shape.vector(in.depth());
                a.formula = "average of each " + in.width() + "×" + in.height() + " map → 1×1×" + in.depth();
                a.rf = wholeInput(rf0, in);
            } else if (layer instanceof LayerSpec.Flatten) {
                if (in.size() > Integer.MAX_VALUE) {
                    a.error("inputs", Problem.TOO_LARGE, in.width() + "·" + in.height() + "·" + in.depth() + " = " + grouped(in.size())
                            + " values: more than the " + grouped(Integer.MAX_VALUE) + " a flat vector may hold", "pool or stride first");
                } else {
                    a.output = Shape.vector((int) in.size());
                }
                if (a.output != null) {
                    a.formula = in.width() + "·" + in.height() + "·" + in.depth() + " = " + grouped(in.size());
                    a.inPlace = true;
                    // The layer after a Flatten (an FC) reads the whole vector, i.e. every position of the volume: the
                    // flat units report the span of the whole input, so an FC after them does too.
                    a.rf = wholeInput(rf0, in);
                }
            } else if (layer instanceof LayerSpec.FullyConnected f) {
                fullyConnected(a, f, in, rf0);
            } else if (layer instanceof LayerSpec.BatchNorm) {
                a.output = in;
                a.formula = "same shape, normalised per channel";
                a.weights = in.depth();
                a.biases = in.depth();
                a.paramFormula = "2·" + in.depth() + " = " + grouped(2L * in.depth()) + " (scale γ and shift β)";
                a.rf = rf0;
            } else if (layer instanceof LayerSpec.Add) {
                merge(a, ins, inFields, true);
            } else if (layer instanceof LayerSpec.Concat) {
                merge(a, ins, inFields, false);
            } else if (layer instanceof LayerSpec.ChannelScale) {
                channelScale(a, ins, inFields);
            } else if (layer instanceof LayerSpec.ReLU || layer instanceof LayerSpec.LeakyReLU || layer instanceof LayerSpec.Sigmoid
                    || layer instanceof LayerSpec.Tanh || layer instanceof LayerSpec.Dropout || layer instanceof LayerSpec.LocalResponseNorm
                    || layer instanceof LayerSpec.Softmax) {
                // Element-wise layers keep the shape. Listed by name: a new layer type must get its own rule
                // here, never this one by default (docs/adding-a-layer.md).
                a.output = in;
                a.formula = "same shape";
                a.inPlace = layer instanceof LayerSpec.ReLU || layer instanceof LayerSpec.LeakyReLU
                        || layer instanceof LayerSpec.Dropout;
                a.rf = rf0;
            } else {
                throw new IllegalStateException("the calculator has no rule for layer type \"" + layer.type() + "\" ("
                        + layer.getClass().getSimpleName() + "): add one to Calculator.analyzeNode (docs/adding-a-layer.md)");
            }
        }
        if (a.output != null && volume(a.output) > MAX_VALUES) {
            long v = volume(a.output);
            a.error("", Problem.TOO_LARGE, "the output " + a.output + " = " + (v == Long.MAX_VALUE ? "more than 9.2·10^18"
                    : grouped(v)) + " values is more than the "
                    + grouped(MAX_VALUES) + " (2^53) a layer may give", "stride, pool or fewer channels");
            a.output = null;
        }
        if (a.output == null && a.formula.isEmpty()) {
            a.formula = "unknown: " + (a.problems.isEmpty() ? "an input above has a problem" : "see the problem");
        }
        long acts = a.output == null ? 0 : a.output.size();
        return new LayerReport(node, ins, a.output, a.formula, a.weights, a.biases, a.paramFormula, acts, a.inPlace,
                a.macs, a.output == null ? null : a.rf, a.window, a.problems);
    }

    /** Connection problems; true when they make the node's output unknowable. */
    private static boolean structuralProblems(NetworkSpec spec, Node node, Acc a, boolean onCycle,
                                              Set<String> reachable, List<Node> outputs) {
        boolean fatal = false;
        String id = node.id();
        if (onCycle) {
            a.error("inputs", Problem.CYCLE, "this node is on a cycle: a network must flow one way, from the input to the output",
                    "remove one connection of the cycle");
            fatal = true;
        }
        for (String in : node.inputs()) {
            if (!spec.contains(in)) {
                a.error("inputs", Problem.CONNECTION, "input \"" + in + "\" does not exist", "connect an existing node");
                fatal = true;
            }
        }
        int n = node.inputs().size();
        switch (node.layer().arity()) {
            case NONE -> {
                if (n > 0) {
                    a.error("inputs", Problem.CONNECTION, "an Input node takes no inputs", "remove its incoming connections");
                    fatal = true;
                }
            }
            case ONE -> {
                if (n == 0) {
                    a.error("inputs", Problem.CONNECTION, "not connected: " + node.layer().label() + " has no input",
                            "connect a layer's output to it");
                    fatal = true;
                } else if (n > 1) {
                    a.error("inputs", Problem.CONNECTION, node.layer().label() + " takes one input but has " + n
                            + "; merge them first with Add or Concat", "insert an Add or a Concat");
                    fatal = true;
                }
            }
            case MANY -> {
                if (n < 2) {
                    a.error("inputs", Problem.CONNECTION, node.layer().label() + " merges two or more inputs but has " + n,
                            "connect another branch to it");
                    fatal = true;
                }
            }
        }
        if (!fatal && !reachable.contains(id) && !(node.layer() instanceof LayerSpec.Input)) {
            // Cut off because a block above is cut off: that block reports the cause once, and this one only
            // has no shape (Fixes counts it into the cause's message).
            boolean fedByCutOff = node.inputs().stream().anyMatch(in -> spec.contains(in) && !reachable.contains(in));
            if (!fedByCutOff) a.error("inputs", Problem.CONNECTION, "not connected to the network's input", "connect it to a path from the Input");
            fatal = true;
        }
        if (outputs.stream().anyMatch(o -> o.id().equals(id))) {
            a.warning("", Problem.UNUSED, "the output of " + id + " is not used by any layer", "connect it or delete it");
        }
        return fatal;
    }

    // ---------------------------------------------------------------- window layers

    /** One axis of a window layer; long, so that no combination of fields within their limits can overflow. */
    private record Axis(long out, double exact, long padBefore, long padAfter, long remainder, String formula) {
        boolean fits() { return remainder == 0 && out >= 1 && exact >= 1; }
    }

    /**
     * W2 = (W1 − F' + 2P)/S + 1 with F' = d·(F − 1) + 1; "same" padding gives ⌈W1/S⌉ with the padding split
     * top/left-first like TensorFlow. Exact in 64 bits: W1 &lt; 2^31 and F', S, P ≤ 65,536 (their limits).
     */
    private static Axis axis(long n, long k, long s, long d, Padding padding, boolean height) {
        long eff = d * (k - 1) + 1;
        if (padding.mode() == Padding.Mode.SAME) {
            long out = (n + s - 1) / s;
            long total = Math.max((out - 1) * s + eff - n, 0);
            long before = total / 2;
            return new Axis(out, out, before, total - before, 0,
                    "⌈" + n + "/" + s + "⌉ = " + out + " (same padding: " + before + " before, " + (total - before) + " after)");
        }
        long p = padding.mode() == Padding.Mode.VALID ? 0 : (height ? padding.height() : padding.width());
        long num = n - eff + 2 * p;
        double exact = (double) num / s + 1;
        long out = Math.floorDiv(num, s) + 1;
        long rem = Math.floorMod(num, s);
        String formula = "(" + n + MINUS + eff + " + 2·" + p + ")/" + s + " + 1 = " + decimal(exact);
        return new Axis(out, exact, p, p, num < 0 ? -1 : rem, formula);
    }

    private static void window(Acc a, String what, int kh, int kw, int sh, int sw, int d, Padding padding, Shape in) {
        Axis ax = axis(in.width(), kw, sw, d, padding, false);
        Axis ay = axis(in.height(), kh, sh, d, padding, true);
        a.window = new Window(kh, kw, sh, sw, d, (int) ay.padBefore, (int) ax.padBefore, (int) ay.padAfter, (int) ax.padAfter);
        boolean square = in.width() == in.height() && kh == kw && sh == sw && ax.padBefore == ay.padBefore && ax.padAfter == ay.padAfter;
        a.formula = square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula;
        long effH = (long) d * (kh - 1) + 1;
        long effW = (long) d * (kw - 1) + 1;
        String kernel = kh == kw ? kh + "×" + kh : kh + "×" + kw;
        String desc = "a " + kernel + " " + what + (d > 1 ? " (dilation " + d + ", effective " + effH + "×" + effW + ")" : "")
                + " at stride " + (sh == sw ? Integer.toString(sh) : sh + "×" + sw) + (padding.mode() == Padding.Mode.EXPLICIT && (padding.height() > 0 || padding.width() > 0)
                ? " with padding " + padding : "");
        String inText = in.width() + "×" + in.height() + " input";
        if (ax.out < 1 || ay.out < 1 || ax.remainder < 0 || ay.remainder < 0) {
            a.withFixes(Problem.Severity.ERROR, what.equals("filter") ? "kernel" : "size", Problem.EMPTY_OUTPUT,
                    (square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula) + ": " + desc
                            + " is larger than the " + padded(in, ax, ay),
                    windowFixes(a, what, in, kh, kw, sh, sw, d, padding, true), true);
            return;
        }
        if (ax.out > Integer.MAX_VALUE || ay.out > Integer.MAX_VALUE) {
            a.error("padding", Problem.TOO_LARGE, (square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula)
                    + ": an output " + grouped(Math.max(ax.out, ay.out)) + " wide is more than the " + grouped(Integer.MAX_VALUE)
                    + " a side may have", "less padding");
            return;
        }
        if (ax.remainder != 0 || ay.remainder != 0) {
            String formula = square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula;
            List<Fix> fixes = windowFixes(a, what, in, kh, kw, sh, sw, d, padding, false);
            if (a.floorMode) {
                long wp = in.width() + ax.padBefore + ax.padAfter;
                long hp = in.height() + ay.padBefore + ay.padAfter;
                long dropped = wp * hp - (wp - Math.max(ax.remainder, 0)) * (hp - Math.max(ay.remainder, 0));
                a.withFixes(Problem.Severity.WARNING, "stride", Problem.FIT, formula + ", floored to " + ax.out + "×" + ay.out + ": " + desc
                        + " leaves " + leftover(ax.remainder, ay.remainder) + " of the " + padded(in, ax, ay) + " unused ("
                        + grouped(dropped) + " pixels per channel dropped)", fixes, false);
            } else {
                a.withFixes(Problem.Severity.ERROR, "stride", Problem.FIT, formula + ": " + desc + " does not fit "
                        + article(in.width()) + " " + inText, fixes, true);
                return;
            }
        }
        a.output = new Shape((int) ax.out, (int) ay.out, in.depth());
    }

    private static String padded(Shape in, Axis ax, Axis ay) {
        long wp = in.width() + ax.padBefore + ax.padAfter;
        long hp = in.height() + ay.padBefore + ay.padAfter;
        return wp == in.width() && hp == in.height() ? in.width() + "×" + in.height() + " input"
                : "padded " + wp + "×" + hp + " input";
    }

    private static String leftover(long rw, long rh) {
        List<String> parts = new ArrayList<>();
        if (rw > 0) parts.add("the last " + rw + (rw == 1 ? " column" : " columns"));
        if (rh > 0) parts.add((parts.isEmpty() ? "the last " : "") + rh + (rh == 1 ? " row" : " rows"));
        return String.join(" and ", parts);
    }

    /**
     * Candidate fixes for a window that does not fit, in the order they are offered: the least padding that
     * fits, the largest smaller stride that fits, a smaller kernel (only when it is larger than the input),
     * "same" padding, and floor mode. Each is only a candidate: {@link Fixes} applies it and keeps it only if
     * the calculator then finds the node fitting.
     */
    private static List<Fix> windowFixes(Acc a, String what, Shape in, int kh, int kw, int sh, int sw, int d, Padding padding, boolean tooLarge) {
        LayerSpec layer = a.node.layer();
        String id = a.node.id();
        List<Fix> out = new ArrayList<>();
        boolean explicit = padding.mode() != Padding.Mode.SAME;
        int ph = padding.mode() == Padding.Mode.EXPLICIT ? padding.height() : 0;
        int pw = padding.mode() == Padding.Mode.EXPLICIT ? padding.width() : 0;
        long effH = (long) d * (kh - 1) + 1;
        long effW = (long) d * (kw - 1) + 1;
        if (explicit) {
            long qh = fits(in.height(), effH, sh, ph) ? ph : leastPadding(in.height(), effH, sh, ph + 1);
            long qw = fits(in.width(), effW, sw, pw) ? pw : leastPadding(in.width(), effW, sw, pw + 1);
            long most = maxPadding(layer);
            if (qh >= 0 && qw >= 0 && qh <= most && qw <= most) {
                Padding q = Padding.of((int) qh, (int) qw);
                windowWith(layer, null, null, null, q).ifPresent(l -> out.add(new Fix("padding " + q, new Fix.SetLayer(id, l))));
            }
            if (!tooLarge && sh == sw) {   // a smaller stride is offered for a square stride only
                for (int t = sh - 1; t >= 1; t--) {
                    if (fits(in.height(), effH, t, ph) && fits(in.width(), effW, t, pw)) {
                        int stride = t;
                        windowWith(layer, null, null, stride, null).ifPresent(l -> out.add(new Fix("stride " + stride, new Fix.SetLayer(id, l))));
                        break;
                    }
                }
            }
        }
        if (tooLarge) {
            for (int k = Math.max(kh, kw) - 1; k >= 1; k--) {
                int fh = Math.min(kh, k);
                int fw = Math.min(kw, k);
                long eh = (long) d * (fh - 1) + 1;
                long ew = (long) d * (fw - 1) + 1;
                boolean ok = padding.mode() == Padding.Mode.SAME || (fits(in.height(), eh, sh, ph) && fits(in.width(), ew, sw, pw));
                if (ok) {
                    String size = fh == fw ? fh + "×" + fh : fh + "×" + fw;
                    windowWith(layer, fh, fw, null, null).ifPresent(l -> out.add(new Fix("a " + size + " " + what, new Fix.SetLayer(id, l))));
                    break;
                }
            }
        }
        if (explicit) windowWith(layer, null, null, null, Padding.SAME).ifPresent(l -> out.add(new Fix("same padding", new Fix.SetLayer(id, l))));
        if (!tooLarge && !a.floorMode) out.add(new Fix("floor mode (a network setting)", new Fix.SetFloorMode(true)));
        return out;
    }

    /**
     * The most padding worth proposing: a window must see at least one real pixel, so a convolution pads less
     * than its kernel, and a pooling at most half its window (PyTorch refuses more).
     */
    private static long maxPadding(LayerSpec layer) {
        if (layer instanceof LayerSpec.Conv2D c) {
            return Math.min(LayerSpec.MAX_SIZE, (long) c.dilation() * (Math.max(c.kernelHeight(), c.kernelWidth()) - 1));
        }
        if (layer instanceof LayerSpec.MaxPool p) return p.size() / 2;
        if (layer instanceof LayerSpec.AvgPool p) return p.size() / 2;
        return 0;
    }

    /** True when (n − F' + 2P) is a non-negative multiple of S. */
    private static boolean fits(long n, long eff, long s, long p) {
        long num = n - eff + 2 * p;
        return num >= 0 && num % s == 0;
    }

    /**
     * The least padding from {@code from} on that fits; −1 if none up to padding's limit. Whether P fits repeats
     * with period S once (n − F' + 2P) ≥ 0, so at most S ≤ 65,536 values are tried.
     */
    private static long leastPadding(long n, long eff, long s, long from) {
        long first = Math.max(Math.max(0, from), (eff - n + 1) / 2);
        for (long q = first; q <= first + s && q <= LayerSpec.MAX_SIZE; q++) if (fits(n, eff, s, q)) return q;
        return -1;
    }

    /** A conv or pooling layer with some settings changed (null keeps one); empty for other layers or a non-square pool. */
    private static java.util.Optional<LayerSpec> windowWith(LayerSpec layer, Integer kh, Integer kw, Integer stride, Padding padding) {
        if (layer instanceof LayerSpec.Conv2D c) {
            LayerSpec.Conv2D out = c;
            if (kh != null) out = out.withKernel(kh, kw);
            if (stride != null) out = out.withStride(stride);
            if (padding != null) out = out.withPadding(padding);
            return java.util.Optional.of(out);
        }
        if (kh != null && !kh.equals(kw)) return java.util.Optional.empty();
        if (layer instanceof LayerSpec.MaxPool p) {
            return java.util.Optional.of(new LayerSpec.MaxPool(kh == null ? p.size() : kh, stride == null ? p.strideHeight() : stride,
                    stride == null ? p.strideWidth() : stride, padding == null ? p.padding() : padding));
        }
        if (layer instanceof LayerSpec.AvgPool p) {
            return java.util.Optional.of(new LayerSpec.AvgPool(kh == null ? p.size() : kh, stride == null ? p.strideHeight() : stride,
                    stride == null ? p.strideWidth() : stride, padding == null ? p.padding() : padding));
        }
        return java.util.Optional.empty();
    }

    private static void conv(Acc a, LayerSpec.Conv2D c, Shape in, ReceptiveField rf) {
        int d1 = in.depth();
        if (d1 % c.groups() != 0) {
            // The suggestion must also divide the filters, or it would only trade this error for another.
            int g = largestDivisorAtMost(gcd(d1, c.filters()), c.groups());
            a.withFixes(Problem.Severity.ERROR, "groups", Problem.GROUPS, "groups (" + c.groups() + ") must divide the input depth (" + d1 + ")"
                    + (c.groups() == c.filters() ? "; for a depthwise convolution set groups and filters to " + d1 : ""),
                    List.of(new Fix("groups " + g, new Fix.SetLayer(a.node.id(), c.withGroups(g)))), false);
            return;
        }
        window(a, "filter", c.kernelHeight(), c.kernelWidth(), c.strideHeight(), c.strideWidth(), c.dilation(), c.padding(), in);
        if (a.output == null) return;
        a.output = new Shape(a.output.width(), a.output.height(), c.filters());
        int perGroup = d1 / c.groups();
        long fan = (long) perGroup * c.kernelHeight() * c.kernelWidth();  // ≤ 2^20 · 2^16 · 2^16
        a.weights = product(a, "filters", "weights", c.filters(), fan);
        a.macs = product(a, "filters", "multiply-adds", volume(a.output), fan);
        if (a.weights < 0 || a.macs < 0) {
            a.output = null;
            a.weights = 0;
            a.macs = 0;
            return;
        }
        a.biases = c.bias() ? c.filters() : 0;
        String fanText = c.kernelHeight() + "·" + c.kernelWidth() + "·" + perGroup;
        a.paramFormula = (c.bias() ? "(" + fanText + " + 1)·" : "(" + fanText + ")·") + c.filters() + " = " + grouped(a.weights + a.biases)
                + (c.groups() > 1 ? " (" + c.groups() + " groups of " + perGroup + " channels)" : "");
        a.rf = step(rf, a.window);
    }

    /** The most values a layer's output, and the most weights or multiply-adds a layer, may count: 2^53. */
    public static final long MAX_VALUES = 1L << 53;

    /** W·H·D exactly, or {@link Long#MAX_VALUE} when it does not fit in 64 bits. */
    private static long volume(Shape s) {
        try {
            return Math.multiplyExact((long) s.width() * s.height(), (long) s.depth());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * x·y exactly, or −1 with an error on {@code field} when it exceeds {@link #MAX_VALUES} (never a wrapped number).
     */
    private static long product(Acc a, String field, String what, long x, long y) {
        long p;
        try {
            p = Math.multiplyExact(x, y);
        } catch (ArithmeticException e) {
            p = Long.MAX_VALUE;
        }
        if (p > MAX_VALUES) {
            a.error(field, Problem.TOO_LARGE, "the layer would have " + (p == Long.MAX_VALUE ? "more than 9.2·10^18"
                    : grouped(p)) + " " + what + ", more than the " + grouped(MAX_VALUES) + " (2^53) Convas counts",
                    "fewer " + field);
            return -1;
        }
        return p;
    }

    private static void pool(Acc a, String what, int size, int sh, int sw, Padding padding, Shape in, ReceptiveField rf) {
        window(a, what, size, size, sh, sw, 1, padding, in);
        if (a.output != null) a.rf = step(rf, a.window);
    }

    private static void fullyConnected(Acc a, LayerSpec.FullyConnected f, Shape in, ReceptiveField rf) {
        long fanIn = in.size();
        String fan = in.isVector() ? Long.toString(fanIn) : in.width() + "·" + in.height() + "·" + in.depth();
        a.output = Shape.vector(f.units());
        a.formula = in.isVector() ? fanIn + " → " + f.units() + " units"
                : "flattens " + in + " = " + grouped(fanIn) + " values, then → " + f.units() + " units";
        a.weights = product(a, "units", "weights", fanIn, f.units());
        if (a.weights < 0) {
            a.output = null;
            a.weights = 0;
            return;
        }
        a.biases = f.bias() ? f.units() : 0;
        a.paramFormula = (f.bias() ? "(" + fan + " + 1)·" : fan + "·") + f.units() + " = " + grouped(a.weights + a.biases);
        a.macs = a.weights;
        a.rf = wholeInput(rf, in);
    }

    /**
     * Scale: a volume W×H×C times one weight per channel, 1×1×C; the output has the volume's shape (each value costs one
     * multiplication, no multiply-add, as in BatchNorm). Its units see what the volume's units see and what the weights saw (after
     * a global pooling, the whole input): the larger field of the two.
     */
    private static void channelScale(Acc a, List<Shape> ins, List<ReceptiveField> rfs) {
        if (ins.size() != 2) {
            a.error("inputs", Problem.CONNECTION, "Scale multiplies one volume by one weight per channel: it takes exactly 2 inputs, "
                    + "not " + ins.size(), "keep the feature maps and the 1×1×C weights (e.g. GlobalAvgPool → FC → ReLU → FC → Sigmoid)");
            return;
        }
        int w = LayerSpec.ChannelScale.weightsInput(ins.get(0), ins.get(1));
        if (w < 0) {
            a.error("inputs", Problem.MERGE_SHAPE, "Scale needs one input of 1×1×C weights, one per channel: " + a.node.inputs().get(0)
                    + " gives " + ins.get(0) + " and " + a.node.inputs().get(1) + " gives " + ins.get(1),
                    "compute the weights with GlobalAvgPool → FC → ReLU → FC → Sigmoid");
            return;
        }
        Shape values = ins.get(1 - w), weights = ins.get(w);
        if (weights.depth() != values.depth()) {
            a.error("inputs", Problem.MERGE_SHAPE, "Scale needs one weight per channel: " + a.node.inputs().get(1 - w) + " gives " + values
                    + " (" + values.depth() + " channels) but " + a.node.inputs().get(w) + " gives " + weights + " ("
                    + weights.depth() + " weights)", "give the last FC before the Sigmoid " + values.depth() + " units");
            return;
        }
        a.output = values;
        a.formula = values + " · 1×1×" + weights.depth() + ", one weight per channel";
        // One multiplication per value and no additions: counted like BatchNorm's, i.e. not among the multiply-adds.
        ReceptiveField first = rfs.get(1 - w), second = rfs.get(w);
        a.rf = second != null && (first == null || second.width() * second.height() > first.width() * first.height())
                ? new ReceptiveField(second.width(), second.height(), first == null ? second.jumpX() : first.jumpX(),
                        first == null ? second.jumpY() : first.jumpY(), first == null ? second.startX() : first.startX(),
                        first == null ? second.startY() : first.startY())
                : first;
    }

    private static void merge(Acc a, List<Shape> ins, List<ReceptiveField> rfs, boolean add) {
        Shape first = ins.get(0);
        String firstId = a.node.inputs().get(0);
        int depth = 0;
        for (int i = 0; i < ins.size(); i++) {
            Shape s = ins.get(i);
            String id = a.node.inputs().get(i);
            if (add && !s.equals(first)) {
                String detail = s.depth() != first.depth() ? "depth " + first.depth() + " ≠ " + s.depth()
                        : "size " + first.width() + "×" + first.height() + " ≠ " + s.width() + "×" + s.height();
                List<Fix> fixes = new ArrayList<>();
                if (s.width() % first.width() == 0 && s.height() % first.height() == 0 && s.width() / first.width() == s.height() / first.height()) {
                    int stride = s.width() / first.width();
                    String what = "a 1×1 convolution with " + first.depth() + " filters" + (stride > 1 ? ", stride " + stride : "");
                    fixes.add(new Fix(what.replace(", stride", " and stride") + " on " + id,
                            new Fix.InsertOnConnection(id, a.node.id(), LayerSpec.Conv2D.of(first.depth(), 1, stride, 0))));
                    // 1×1 at stride 2 on an even size leaves a column unused (PyTorch floors it); "same" padding fits exactly.
                    if (stride > 1) fixes.add(new Fix(what + " and same padding on " + id,
                            new Fix.InsertOnConnection(id, a.node.id(), LayerSpec.Conv2D.of(first.depth(), 1, stride, Padding.SAME))));
                }
                a.withFixes(Problem.Severity.ERROR, "inputs", Problem.MERGE_SHAPE, "Add needs inputs of one shape: " + firstId + " gives "
                        + first + " but " + id + " gives " + s + " (" + detail + ")", fixes, true);
                return;
            }
            if (!add && (s.width() != first.width() || s.height() != first.height())) {
                a.withFixes(Problem.Severity.ERROR, "inputs", Problem.MERGE_SHAPE, "Concat stacks maps of one width and height: " + firstId
                        + " gives " + first + " but " + id + " gives " + s + " (" + first.width() + "×" + first.height() + " ≠ "
                        + s.width() + "×" + s.height() + ")", concatFixes(a, id, s, firstId, first), true);
                return;
            }
            depth += s.depth();
            if (depth > LayerSpec.MAX_CHANNELS) {
                a.error("inputs", Problem.TOO_LARGE, "Concat stacks more than " + grouped(LayerSpec.MAX_CHANNELS)
                        + " channels (the most a volume may have)", "fewer or narrower inputs");
                return;
            }
        }
        if (add) {
            a.output = first;
            a.formula = ins.size() + " inputs of " + first + ", summed";
        } else {
            a.output = new Shape(first.width(), first.height(), depth);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ins.size(); i++) sb.append(i == 0 ? "" : " + ").append(ins.get(i).depth());
            a.formula = "depth " + sb + " = " + depth;
        }
        ReceptiveField best = rfs.get(0);
        for (ReceptiveField r : rfs) if (r != null && (best == null || r.width() * r.height() > best.width() * best.height())) best = r;
        a.rf = best;
    }

    /**
     * Candidates for a Concat whose inputs differ in width and height: on either side, give the branch's last
     * window layer the padding that makes its maps the other's size (or "same" padding), or pool the larger
     * maps down by a whole factor. {@link Fixes} keeps those after which the Concat fits.
     */
    private static List<Fix> concatFixes(Acc a, String id, Shape s, String firstId, Shape first) {
        List<Fix> out = new ArrayList<>();
        padToMatch(a, id, s, first, out);
        padToMatch(a, firstId, first, s, out);
        poolToMatch(a, id, s, first, out);
        poolToMatch(a, firstId, first, s, out);
        return out;
    }

    private static void padToMatch(Acc a, String branch, Shape have, Shape want, List<Fix> out) {
        LayerSpec layer = a.spec.node(branch).layer();
        Padding p;
        int sh, sw;
        if (layer instanceof LayerSpec.Conv2D c) {
            p = c.padding();
            sh = c.strideHeight();
            sw = c.strideWidth();
        } else if (layer instanceof LayerSpec.MaxPool m) {
            p = m.padding();
            sh = m.strideHeight();
            sw = m.strideWidth();
        } else if (layer instanceof LayerSpec.AvgPool m) {
            p = m.padding();
            sh = m.strideHeight();
            sw = m.strideWidth();
        } else {
            return;
        }
        if (p.mode() == Padding.Mode.EXPLICIT) {
            long dh = ((long) want.height() - have.height()) * sh;
            long dw = ((long) want.width() - have.width()) * sw;
            long most = maxPadding(layer);
            if (dh % 2 == 0 && dw % 2 == 0 && p.height() + dh / 2 >= 0 && p.width() + dw / 2 >= 0
                    && p.height() + dh / 2 <= most && p.width() + dw / 2 <= most) {
                Padding q = Padding.of((int) (p.height() + dh / 2), (int) (p.width() + dw / 2));
                windowWith(layer, null, null, null, q).ifPresent(l -> out.add(new Fix("padding " + q + " on " + branch, new Fix.SetLayer(branch, l))));
            }
        }
        if (p.mode() != Padding.Mode.SAME) {
            windowWith(layer, null, null, null, Padding.SAME).ifPresent(l -> out.add(new Fix("same padding on " + branch, new Fix.SetLayer(branch, l))));
        }
    }

    private static void poolToMatch(Acc a, String branch, Shape have, Shape want, List<Fix> out) {
        if (have.width() <= want.width() || have.width() % want.width() != 0 || have.height() % want.height() != 0) return;
        int f = have.width() / want.width();
        if (have.height() / want.height() != f) return;
        out.add(new Fix("a " + f + "×" + f + " max pooling at stride " + f + " on " + branch,
                new Fix.InsertOnConnection(branch, a.node.id(), LayerSpec.MaxPool.of(f, f))));
    }

    /** A window that covers the whole input (FC, global pooling): the receptive field spans everything its input sees. */
    private static ReceptiveField wholeInput(ReceptiveField rf, Shape in) {
        if (rf == null) return null;
        return step(rf, new Window(in.height(), in.width(), 1, 1, 0, 0, 0, 0));
    }

    private static ReceptiveField step(ReceptiveField rf, Window w) {
        if (rf == null) return null;
        long effW = w.effectiveKernelW();
        long effH = w.effectiveKernelH();
        return new ReceptiveField(
                saturatedAdd(rf.width(), saturatedMultiply(effW - 1, rf.jumpX())),
                saturatedAdd(rf.height(), saturatedMultiply(effH - 1, rf.jumpY())),
                saturatedMultiply(rf.jumpX(), w.strideW()),
                saturatedMultiply(rf.jumpY(), w.strideH()),
                rf.startX() + ((effW - 1) / 2.0 - w.padLeft()) * rf.jumpX(),
                rf.startY() + ((effH - 1) / 2.0 - w.padTop()) * rf.jumpY());
    }

    /** a + b for a, b ≥ 0, or Long.MAX_VALUE when the sum does not fit: a total never wraps round to a negative. */
    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** a · b for a, b ≥ 0, or Long.MAX_VALUE when the product does not fit. */
    static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** "an" before numbers read with a vowel sound (8, 11, 18, 80…, 11,000…), "a" otherwise: "an 8×8 input". */
    static String article(int n) {
        String digits = Integer.toString(n);
        boolean eleven = (digits.startsWith("11") || digits.startsWith("18")) && digits.length() % 3 == 2;
        return digits.startsWith("8") || eleven ? "an" : "a";
    }

    private static int largestDivisorAtMost(int n, int limit) {
        for (int g = Math.min(n, limit); g >= 1; g--) if (n % g == 0) return g;
        return 1;
    }
}
