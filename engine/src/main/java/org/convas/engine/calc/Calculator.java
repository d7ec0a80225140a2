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

    public static NetworkReport analyze(NetworkSpec spec) {
        List<Problem> networkProblems = new ArrayList<>();
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
        List<Node> outputs = spec.outputs();
        List<LayerReport> reports = new ArrayList<>(order.size());
        for (Node node : order) {
            LayerReport r = analyzeNode(spec, node, shapes, fields, cyclic.contains(node.id()), reachable, outputs);
            if (r.output() != null) shapes.put(node.id(), r.output());
            if (r.receptiveField() != null) fields.put(node.id(), r.receptiveField());
            reports.add(r);
        }
        return new NetworkReport(spec, reports, networkProblems);
    }

    private static Set<String> reachableFromInputs(NetworkSpec spec) {
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
        Shape output;
        String formula = "";
        long weights;
        long biases;
        String paramFormula = "";
        boolean inPlace;
        long macs;
        ReceptiveField rf;
        Window window;

        Acc(Node node, boolean floorMode) {
            this.node = node;
            this.floorMode = floorMode;
        }

        void error(String field, String rule, String text, String fix) {
            problems.add(new Problem(Problem.Severity.ERROR, node.id(), field, rule, text, fix));
        }

        void warning(String field, String rule, String text, String fix) {
            problems.add(new Problem(Problem.Severity.WARNING, node.id(), field, rule, text, fix));
        }
    }

    private static LayerReport analyzeNode(NetworkSpec spec, Node node, Map<String, Shape> shapes,
                                           Map<String, ReceptiveField> fields, boolean onCycle, Set<String> reachable,
                                           List<Node> outputs) {
        Acc a = new Acc(node, spec.floorMode());
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
                pool(a, "window", p.size(), p.stride(), p.padding(), in, rf0);
            } else if (layer instanceof LayerSpec.AvgPool p) {
                pool(a, "window", p.size(), p.stride(), p.padding(), in, rf0);
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
            } else {
                // Element-wise layers: ReLU, LeakyReLU, Sigmoid, Tanh, Dropout, LRN, Softmax.
                a.output = in;
                a.formula = "same shape";
                a.inPlace = layer instanceof LayerSpec.ReLU || layer instanceof LayerSpec.LeakyReLU
                        || layer instanceof LayerSpec.Dropout;
                a.rf = rf0;
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
            a.error("inputs", Problem.CONNECTION, "not connected to the network's input", "connect it to a path from the Input");
            fatal = true;
        }
        if (outputs.size() > 1 && outputs.stream().anyMatch(o -> o.id().equals(id)) && outputs.get(outputs.size() - 1) != node) {
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

    private static void window(Acc a, String what, int kh, int kw, int s, int d, Padding padding, Shape in) {
        Axis ax = axis(in.width(), kw, s, d, padding, false);
        Axis ay = axis(in.height(), kh, s, d, padding, true);
        a.window = new Window(kh, kw, s, d, (int) ay.padBefore, (int) ax.padBefore, (int) ay.padAfter, (int) ax.padAfter);
        boolean square = in.width() == in.height() && kh == kw && ax.padBefore == ay.padBefore && ax.padAfter == ay.padAfter;
        a.formula = square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula;
        long effH = (long) d * (kh - 1) + 1;
        long effW = (long) d * (kw - 1) + 1;
        String kernel = kh == kw ? kh + "×" + kh : kh + "×" + kw;
        String desc = "a " + kernel + " " + what + (d > 1 ? " (dilation " + d + ", effective " + effH + "×" + effW + ")" : "")
                + " at stride " + s + (padding.mode() == Padding.Mode.EXPLICIT && (padding.height() > 0 || padding.width() > 0)
                ? " with padding " + padding : "");
        String inText = in.width() + "×" + in.height() + " input";
        if (ax.out < 1 || ay.out < 1 || ax.remainder < 0 || ay.remainder < 0) {
            long needW = Math.max(0, (effW - in.width() + 1) / 2);
            long needH = Math.max(0, (effH - in.height() + 1) / 2);
            long need = Math.max(needW, needH);
            String fix = need > 0 ? "padding " + need + " or a smaller " + what : "a smaller " + what;
            a.error(what.equals("filter") ? "kernel" : "size", Problem.EMPTY_OUTPUT,
                    (square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula) + ": " + desc
                            + " is larger than the " + padded(in, ax, ay) + "; " + fix + " would fit", fix);
            return;
        }
        if (ax.out > Integer.MAX_VALUE || ay.out > Integer.MAX_VALUE) {
            a.error("padding", Problem.TOO_LARGE, (square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula)
                    + ": an output " + grouped(Math.max(ax.out, ay.out)) + " wide is more than the " + grouped(Integer.MAX_VALUE)
                    + " a side may have", "less padding");
            return;
        }
        if (ax.remainder != 0 || ay.remainder != 0) {
            Axis bad = ax.remainder != 0 ? ax : ay;
            boolean badIsHeight = bad == ay;
            long n = badIsHeight ? in.height() : in.width();
            long eff = badIsHeight ? effH : effW;
            String fix = fitSuggestion(n, eff, s, bad.padBefore, padding.mode() == Padding.Mode.EXPLICIT || padding.mode() == Padding.Mode.VALID);
            String formula = square ? ax.formula : "W: " + ax.formula + "; H: " + ay.formula;
            if (a.floorMode) {
                long wp = in.width() + ax.padBefore + ax.padAfter;
                long hp = in.height() + ay.padBefore + ay.padAfter;
                long dropped = wp * hp - (wp - Math.max(ax.remainder, 0)) * (hp - Math.max(ay.remainder, 0));
                a.warning("stride", Problem.FIT, formula + ", floored to " + ax.out + "×" + ay.out + ": " + desc
                        + " leaves " + leftover(ax.remainder, ay.remainder) + " of the " + padded(in, ax, ay) + " unused ("
                        + grouped(dropped) + " pixels per channel dropped)", fix);
            } else {
                a.error("stride", Problem.FIT, formula + ": " + desc + " does not fit " + article(in.width()) + " " + inText
                        + (fix.isEmpty() ? "" : "; " + fix + " would fit"), fix);
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
     * The smallest extra padding, and the largest smaller stride, that make (n − F' + 2P) divisible by S. At most
     * S ≤ 65,536 tries each (the stride's limit), in 64-bit arithmetic.
     */
    private static String fitSuggestion(long n, long eff, long s, long p, boolean canPad) {
        List<String> fixes = new ArrayList<>();
        if (canPad) {
            for (long q = p + 1; q <= p + s && q <= LayerSpec.MAX_SIZE; q++) {
                if (n - eff + 2 * q >= 0 && (n - eff + 2 * q) % s == 0) {
                    fixes.add("padding " + q);
                    break;
                }
            }
        }
        for (long t = s - 1; t >= 1; t--) {
            if ((n - eff + 2 * p) % t == 0) {
                fixes.add("stride " + t);
                break;
            }
        }
        return String.join(" or ", fixes);
    }

    private static void conv(Acc a, LayerSpec.Conv2D c, Shape in, ReceptiveField rf) {
        int d1 = in.depth();
        if (d1 % c.groups() != 0) {
            a.error("groups", Problem.GROUPS, "groups (" + c.groups() + ") must divide the input depth (" + d1 + ")"
                    + (c.groups() == c.filters() ? "; for a depthwise convolution set groups and filters to " + d1 : ""),
                    // The suggestion must also divide the filters, or it would only trade this error for another.
                    "groups " + largestDivisorAtMost(gcd(d1, c.filters()), c.groups()));
            return;
        }
        window(a, "filter", c.kernelHeight(), c.kernelWidth(), c.stride(), c.dilation(), c.padding(), in);
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

    private static void pool(Acc a, String what, int size, int stride, Padding padding, Shape in, ReceptiveField rf) {
        window(a, what, size, size, stride, 1, padding, in);
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
                String fix = s.depth() != first.depth() && s.width() == first.width() && s.height() == first.height()
                        ? "a 1×1 convolution with " + first.depth() + " filters on " + id
                        : s.width() != first.width() && s.width() % first.width() == 0 && s.width() / first.width() == s.height() / first.height()
                        ? "a 1×1 convolution with " + first.depth() + " filters and stride " + (s.width() / first.width()) + " on " + id
                        : "";
                a.error("inputs", Problem.MERGE_SHAPE, "Add needs inputs of one shape: " + firstId + " gives " + first + " but " + id
                        + " gives " + s + " (" + detail + ")" + (fix.isEmpty() ? "" : "; " + fix + " would fit"), fix);
                return;
            }
            if (!add && (s.width() != first.width() || s.height() != first.height())) {
                a.error("inputs", Problem.MERGE_SHAPE, "Concat stacks maps of one width and height: " + firstId + " gives " + first
                        + " but " + id + " gives " + s + " (" + first.width() + "×" + first.height() + " ≠ " + s.width() + "×" + s.height() + ")",
                        "");
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
                saturatedMultiply(rf.jumpX(), w.stride()),
                saturatedMultiply(rf.jumpY(), w.stride()),
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
