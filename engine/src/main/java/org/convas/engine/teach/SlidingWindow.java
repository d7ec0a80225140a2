package org.convas.engine.teach;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.calc.Window;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A convolution or pooling layer worked through one output value at a time, with the actual numbers: where the
 * window sits on the (zero-padded) input, which input values it covers, the products with the filter's weights
 * and the bias, or which input wins a max pool. This is what the lecture's slides animate ("a 3×3 filter sliding
 * over a 7×7 input at stride 1, 2, 3").
 *
 * <p>Shapes come from the {@link Calculator}: the layer is analysed on a two-node network (input → layer), so the
 * formula, the output size and the "does not fit" message are the designer's own. When the window does not fit
 * ({@code (7 − 3 + 2·0)/3 + 1 = 2.33}) the walk covers the positions that do fit (as floor mode would) and adds,
 * after the last window of each row (and after the last row), a step for the window that would come next and
 * falls off the input; its value is NaN.
 *
 * <p>Order of the steps: output map by map (filter 0 over every position, then filter 1, as the CS231n demo does;
 * for pooling, channel by channel), each map row by row. Example: 7×7 input, 3×3 filter, stride 3: per map the
 * steps are (0,0) (0,1) (0,2 does not fit) (1,0) (1,1) (1,2 does not fit) (2,0 does not fit) — 7 steps, 4 values.
 *
 * <p>Conventions as in the engine: weights K × (D/G) × F × F (PyTorch's layout); average pooling counts padded
 * zeros (PyTorch's default); a max pool's first maximum in row order wins a tie.
 */
public final class SlidingWindow {

    /** What the window computes. */
    public enum Operation {
        CONVOLUTION("Convolution"), MAX_POOL("Max pooling"), AVG_POOL("Average pooling");

        private final String title;

        Operation(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * One input value under the window: its channel, row and column in input coordinates (negative or past the
     * edge for padding), its value (0 for padding) and the filter weight it meets (1 for pooling).
     */
    public record Term(int depth, int row, int col, double input, double weight, boolean padding) {
        public double product() {
            return input * weight;
        }
    }

    /**
     * One output value, worked out.
     *
     * @param index  position in the walk, from 0
     * @param map    the output map: filter k of a convolution, channel d of a pooling layer
     * @param outRow output row (equal to the output height for the window that falls off the bottom)
     * @param outCol output column (equal to the output width for the window that falls off the right)
     * @param fits   false for the window that would come next but falls off the input
     * @param top    the window's first input row (negative inside the top padding)
     * @param left   the window's first input column
     * @param terms  the input values under the window, channel by channel, row by row
     * @param bias   the filter's bias (0 for pooling)
     * @param value  the output value (NaN when it does not fit)
     * @param winner index into {@code terms} of a max pool's winner; −1 otherwise
     * @param lines  the computation as text with the numbers, one line per channel and a result line
     */
    public record Step(int index, int map, int outRow, int outCol, boolean fits, int top, int left,
                       List<Term> terms, double bias, double value, int winner, List<String> lines) {
    }

    /** Terms shown per line before "…"; the sums always cover every term. */
    static final int TERMS_PER_LINE = 27;
    /** Channels whose products are listed one line each; deeper inputs list the first few and the sums of the rest. */
    static final int CHANNEL_LINES = 4;

    private final Operation operation;
    private final Volume input;
    private final LayerSpec layer;
    private final double[] weights;
    private final double[] biases;
    private final NetworkReport report;
    private final LayerReport strict;
    private final Window window;
    private final Shape output;
    private final int maps;
    private final int groups;
    private final boolean ghostColumn;
    private final boolean ghostRow;

    private SlidingWindow(Operation operation, Volume input, LayerSpec layer, double[] weights, double[] biases) {
        this.operation = operation;
        this.input = input;
        this.layer = layer;
        this.weights = weights;
        this.biases = biases;
        NetworkSpec spec = network(input.shape(), layer, false);
        this.report = Calculator.analyze(spec);
        this.strict = report.layer("layer");
        // When the window does not fit, floor mode gives the positions that do: the walk shows those.
        LayerReport fitted = strict.isKnown() ? strict : Calculator.analyze(network(input.shape(), layer, true)).layer("layer");
        this.window = fitted.isKnown() ? fitted.window() : null;
        this.output = fitted.isKnown() ? fitted.output() : null;
        this.groups = layer instanceof LayerSpec.Conv2D c ? c.groups() : 1;
        this.maps = output == null ? 0 : output.depth();
        if (window != null) {
            int spanW = input.width() + window.padLeft() + window.padRight() - window.effectiveKernelW();
            int spanH = input.height() + window.padTop() + window.padBottom() - window.effectiveKernelH();
            ghostColumn = spanW % window.strideW() != 0;
            ghostRow = spanH % window.strideH() != 0;
        } else {
            ghostColumn = ghostRow = false;
        }
    }

    /**
     * A convolution of {@code input} with K filters.
     *
     * @param weights K × (D/G) × Fh × Fw values (PyTorch's layout)
     * @param biases  K values (ignored, and may be null, when the layer has no bias)
     */
    public static SlidingWindow convolution(Volume input, LayerSpec.Conv2D conv, double[] weights, double[] biases) {
        int perGroup = conv.groups() >= 1 ? input.depth() / Math.max(1, conv.groups()) : input.depth();
        long need = (long) conv.filters() * perGroup * conv.kernelHeight() * conv.kernelWidth();
        if (weights.length != need) {
            throw new IllegalArgumentException(conv.filters() + " filters of " + conv.kernelHeight() + "×" + conv.kernelWidth()
                    + "×" + perGroup + " need " + need + " weights, not " + weights.length);
        }
        double[] b = new double[conv.filters()];
        if (conv.bias() && biases != null) {
            if (biases.length != conv.filters()) {
                throw new IllegalArgumentException(conv.filters() + " filters need " + conv.filters() + " biases, not " + biases.length);
            }
            System.arraycopy(biases, 0, b, 0, b.length);
        }
        return new SlidingWindow(Operation.CONVOLUTION, input, conv, weights.clone(), b);
    }

    /** A max or average pooling layer over {@code input}. */
    public static SlidingWindow pooling(Volume input, LayerSpec pool) {
        if (pool instanceof LayerSpec.MaxPool) return new SlidingWindow(Operation.MAX_POOL, input, pool, new double[0], new double[0]);
        if (pool instanceof LayerSpec.AvgPool) return new SlidingWindow(Operation.AVG_POOL, input, pool, new double[0], new double[0]);
        throw new IllegalArgumentException("pooling takes MaxPool or AvgPool, not " + pool.label());
    }

    private static NetworkSpec network(Shape in, LayerSpec layer, boolean floor) {
        return NetworkSpec.builder("teach").floorMode(floor).input(in.width(), in.height(), in.depth()).add("layer", layer).build();
    }

    // ---------------------------------------------------------------- what the calculator says

    public Operation operation() { return operation; }

    public Volume input() { return input; }

    public LayerSpec layer() { return layer; }

    /** The calculator's report of input → layer (strict: a window that does not fit is an error). */
    public LayerReport report() { return strict; }

    /** "(7 − 3 + 2·0)/3 + 1 = 2.33", the calculator's shape formula. */
    public String shapeFormula() { return strict.shapeFormula(); }

    /** The calculator's problem at this layer (does not fit, larger than the input, …), if any. */
    public Optional<Problem> problem() {
        return strict.problems().stream().findFirst();
    }

    /** True when the window fits the input exactly (no problem at all). */
    public boolean fits() {
        return strict.isKnown() && strict.problems().isEmpty();
    }

    /** The resolved window (padding on each side), or empty when no window position fits at all. */
    public Optional<Window> window() { return Optional.ofNullable(window); }

    /** The output shape of the positions that fit (the floor when it does not fit exactly), or empty when none fits. */
    public Optional<Shape> output() { return Optional.ofNullable(output); }

    /** True when the walk shows, after each row, a window that falls off the right edge. */
    public boolean hasColumnThatFallsOff() { return ghostColumn; }

    /** True when the walk shows, after the last row, a window that falls off the bottom edge. */
    public boolean hasRowThatFallsOff() { return ghostRow; }

    /** Output maps: K filters for a convolution, D channels for pooling. */
    public int maps() { return maps; }

    public int filterHeight() { return window == null ? kernelOf(layer)[0] : window.kernelH(); }

    public int filterWidth() { return window == null ? kernelOf(layer)[1] : window.kernelW(); }

    /** Channels each filter spans: D/G (D for groups = 1; 1 for depthwise). */
    public int filterDepth() {
        return operation == Operation.CONVOLUTION ? input.depth() / groups : 1;
    }

    /** Weight of filter k at channel d (within its group), row i, column j. */
    public double weight(int k, int d, int i, int j) {
        int fh = filterHeight(), fw = filterWidth();
        return weights[((k * filterDepth() + d) * fh + i) * fw + j];
    }

    public double bias(int k) {
        return operation == Operation.CONVOLUTION ? biases[k] : 0;
    }

    private static int[] kernelOf(LayerSpec layer) {
        if (layer instanceof LayerSpec.Conv2D c) return new int[] {c.kernelHeight(), c.kernelWidth()};
        if (layer instanceof LayerSpec.MaxPool p) return new int[] {p.size(), p.size()};
        if (layer instanceof LayerSpec.AvgPool p) return new int[] {p.size(), p.size()};
        return new int[] {1, 1};
    }

    // ---------------------------------------------------------------- the walk

    private int cellsPerRow() {
        return output.width() + (ghostColumn ? 1 : 0);
    }

    private int stepsPerMap() {
        return output.height() * cellsPerRow() + (ghostRow ? 1 : 0);
    }

    /** Number of steps: every output value, plus the windows that would fall off. 0 when no window fits. */
    public int steps() {
        return output == null ? 0 : maps * stepsPerMap();
    }

    /** Output values that fit: W2·H2·maps. */
    public int values() {
        return output == null ? 0 : Math.toIntExact(output.size());
    }

    /** The step that computes output (map, row, column). */
    public int stepOf(int map, int row, int col) {
        return map * stepsPerMap() + row * cellsPerRow() + col;
    }

    /** Step {@code index} (0 ≤ index &lt; {@link #steps()}), computed on demand. */
    public Step step(int index) {
        if (index < 0 || index >= steps()) {
            throw new IndexOutOfBoundsException("step " + index + " is outside 0.." + (steps() - 1));
        }
        int perMap = stepsPerMap();
        int map = index / perMap;
        int j = index % perMap;
        int row, col;
        if (j < output.height() * cellsPerRow()) {
            row = j / cellsPerRow();
            col = j % cellsPerRow();
        } else {
            row = output.height();
            col = 0;
        }
        return compute(index, map, row, col);
    }

    /** The output value at (map, row, column) of the positions that fit. */
    public double value(int map, int row, int col) {
        if (output == null || row < 0 || row >= output.height() || col < 0 || col >= output.width() || map < 0 || map >= maps) {
            throw new IndexOutOfBoundsException("output (" + map + ", " + row + ", " + col + ") is outside "
                    + (output == null ? "an empty output" : output));
        }
        return compute(-1, map, row, col).value();
    }

    private Step compute(int index, int map, int row, int col) {
        int dil = window.dilation();
        int top = row * window.strideH() - window.padTop();
        int left = col * window.strideW() - window.padLeft();
        boolean fits = row < output.height() && col < output.width();
        List<Term> terms = new ArrayList<>();
        int firstChannel, channels;
        if (operation == Operation.CONVOLUTION) {
            int perGroup = filterDepth();
            int filtersPerGroup = maps / groups;
            firstChannel = (map / filtersPerGroup) * perGroup;
            channels = perGroup;
        } else {
            firstChannel = map;
            channels = 1;
        }
        for (int dd = 0; dd < channels; dd++) {
            int d = firstChannel + dd;
            for (int i = 0; i < window.kernelH(); i++) {
                for (int jj = 0; jj < window.kernelW(); jj++) {
                    int r = top + i * dil, c = left + jj * dil;
                    boolean pad = !input.inside(r, c);
                    double w = operation == Operation.CONVOLUTION ? weight(map, dd, i, jj) : 1;
                    terms.add(new Term(d, r, c, input.at(d, r, c), w, pad));
                }
            }
        }
        double bias = bias(map);
        if (!fits) {
            return new Step(index, map, row, col, false, top, left, List.copyOf(terms), bias, Double.NaN, -1, offTheEdge(row, col, top, left));
        }
        double value;
        int winner = -1;
        List<String> lines = new ArrayList<>();
        switch (operation) {
            case CONVOLUTION -> {
                double total = 0;
                List<Double> sums = new ArrayList<>();
                if (window.kernelH() * window.kernelW() == 1 && channels > 1) {
                    // A 1×1 filter: one dot product along the depth column, as the lecture puts it.
                    for (Term t : terms) total += t.product();
                    value = total + bias;
                    lines.add("depth column at row " + row + ", column " + col + ": " + products(terms) + " = " + number(total));
                    boolean hasBias = layer instanceof LayerSpec.Conv2D c && c.bias();
                    lines.add("out[" + map + "][" + row + "][" + col + "] = " + number(total)
                            + (hasBias ? " + bias " + factor(bias) + " = " + number(value) : ""));
                    break;
                }
                int per = window.kernelH() * window.kernelW();
                for (int dd = 0; dd < channels; dd++) {
                    List<Term> part = terms.subList(dd * per, (dd + 1) * per);
                    double sum = 0;
                    for (Term t : part) sum += t.product();
                    total += sum;
                    sums.add(sum);
                    // Deep inputs: the first channels' products in full, the rest as their sums.
                    if (channels <= CHANNEL_LINES || dd < CHANNEL_LINES - 1) {
                        lines.add((channels > 1 ? "channel " + (firstChannel + dd) + ": " : "") + products(part) + " = " + number(sum));
                    }
                }
                if (channels > CHANNEL_LINES) {
                    List<Double> rest = sums.subList(CHANNEL_LINES - 1, channels);
                    lines.add("channels " + (firstChannel + CHANNEL_LINES - 1) + "–" + (firstChannel + channels - 1) + ", sums: "
                            + String.join(", ", rest.stream().limit(TERMS_PER_LINE).map(SlidingWindow::number).toList())
                            + (rest.size() > TERMS_PER_LINE ? ", … (" + (rest.size() - TERMS_PER_LINE) + " more)" : ""));
                }
                value = total + bias;
                String sumText = channels <= 1 ? number(total)
                        : channels <= CHANNEL_LINES * 2 ? String.join(" + ", sums.stream().map(SlidingWindow::factor).toList())
                        : number(total) + " (the " + channels + " channel sums)";
                boolean hasBias = layer instanceof LayerSpec.Conv2D c && c.bias();
                lines.add("out[" + map + "][" + row + "][" + col + "] = " + sumText
                        + (hasBias ? " + bias " + factor(bias) + " = " + number(value) : channels > 1 ? " = " + number(value) : ""));
            }
            case MAX_POOL -> {
                winner = 0;
                for (int t = 1; t < terms.size(); t++) if (terms.get(t).input() > terms.get(winner).input()) winner = t;
                value = terms.get(winner).input();
                Term w = terms.get(winner);
                lines.add("max(" + list(terms, ", ") + ") = " + number(value));
                lines.add("out[" + map + "][" + row + "][" + col + "] = " + number(value) + ": the input at row " + w.row()
                        + ", column " + w.col() + (w.padding() ? " (padding)" : "") + " wins");
            }
            case AVG_POOL -> {
                double sum = 0;
                for (Term t : terms) sum += t.input();
                value = sum / terms.size();
                lines.add("(" + list(terms, " + ") + ")/" + terms.size() + " = " + number(sum) + "/" + terms.size() + " = " + number(value));
                lines.add("out[" + map + "][" + row + "][" + col + "] = " + number(value));
            }
            default -> throw new IllegalStateException();
        }
        return new Step(index, map, row, col, true, top, left, List.copyOf(terms), bias, value, winner, List.copyOf(lines));
    }

    /** The explanation of a window that falls off the input, with the calculator's formula. */
    private List<String> offTheEdge(int row, int col, int top, int left) {
        List<String> lines = new ArrayList<>();
        int lastCol = input.width() - 1 + window.padRight();
        int lastRow = input.height() - 1 + window.padBottom();
        if (col >= output.width()) {
            int right = left + window.effectiveKernelW() - 1;
            lines.add("The next window would cover columns " + left + "–" + right + ", but the "
                    + (window.padLeft() + window.padRight() > 0 ? "padded input ends at column " : "input ends at column ") + lastCol
                    + ": " + plural(right - lastCol, "column") + " would fall off the edge.");
        } else {
            int bottom = top + window.effectiveKernelH() - 1;
            lines.add("The next row of windows would cover rows " + top + "–" + bottom + ", but the "
                    + (window.padTop() + window.padBottom() > 0 ? "padded input ends at row " : "input ends at row ") + lastRow
                    + ": " + plural(bottom - lastRow, "row") + " would fall off the edge.");
        }
        lines.add(problem().map(Problem::text).orElse(strict.shapeFormula()));
        return lines;
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static String products(List<Term> terms) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(terms.size(), TERMS_PER_LINE);
        for (int i = 0; i < shown; i++) {
            Term t = terms.get(i);
            if (i > 0) sb.append(" + ");
            sb.append(factor(t.input())).append('·').append(factor(t.weight()));
        }
        if (shown < terms.size()) sb.append(" + … (").append(terms.size() - shown).append(" more)");
        return sb.toString();
    }

    private static String list(List<Term> terms, String separator) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(terms.size(), TERMS_PER_LINE);
        for (int i = 0; i < shown; i++) {
            if (i > 0) sb.append(separator);
            sb.append(number(terms.get(i).input()));
        }
        if (shown < terms.size()) sb.append(separator).append("… (").append(terms.size() - shown).append(" more)");
        return sb.toString();
    }

    /** A number inside a product or sum: negative numbers in parentheses, "(−1)". */
    static String factor(double v) {
        String s = number(v);
        return s.startsWith("−") ? "(" + s + ")" : s;
    }

    /** 3.0 → "3", −1.0 → "−1", 0.333… → "0.33", 1e-7 → "0" (two decimals, a true minus sign). */
    public static String number(double v) {
        if (Double.isNaN(v)) return "—";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            long l = (long) v;
            return l < 0 ? "−" + (-l) : Long.toString(l);
        }
        String s = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        if (s.equals("-0")) s = "0";
        return s.startsWith("-") ? "−" + s.substring(1) : s;
    }
}
