package org.convas.app.cli;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.MemoryEstimate;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.SpecFormatException;
import org.convas.visualizer.summary.SummaryText;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import static org.convas.app.cli.TextTable.Align.LEFT;
import static org.convas.app.cli.TextTable.Align.RIGHT;
import static org.convas.engine.calc.Numbers.bytes;
import static org.convas.engine.calc.Numbers.compact;
import static org.convas.engine.calc.Numbers.grouped;

/**
 * {@code summary <preset|file.json> [--batch N] [--json]}: the per-layer table the window shows (same
 * columns, same texts), the totals, the training memory for a batch, then the problems. Exit code 0 when
 * the network has no errors, 1 when it has some, 2 when the file cannot be read.
 */
public final class SummaryCommand implements Command {

    /** The batch size of the memory estimate when none is given; the window's default too. */
    public static final int DEFAULT_BATCH = 64;

    /** SGD with momentum keeps one velocity per parameter. */
    static final int MOMENTUM_STATE_COPIES = 1;

    @Override
    public String name() {
        return "summary";
    }

    @Override
    public String arguments() {
        return "<preset|file.json> [--batch N] [--json]";
    }

    @Override
    public String description() {
        return "print each layer's output shape, formulas, parameters, MACs, memory and receptive field, then the problems";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        String network = null;
        int batch = DEFAULT_BATCH;
        boolean json = false;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--json")) {
                    json = true;
                } else if (a.equals("--batch") || a.startsWith("--batch=")) {
                    String v = a.startsWith("--batch=") ? a.substring("--batch=".length())
                            : i + 1 < args.size() ? args.get(++i) : null;
                    batch = batchSize(v);
                } else if (a.startsWith("--")) {
                    throw new UsageException("unknown option " + a + " (summary takes --batch N and --json)");
                } else if (network == null) {
                    network = a;
                } else {
                    throw new UsageException("one network at a time: \"" + network + "\" and \"" + a + "\" were given");
                }
            }
            if (network == null) throw new UsageException("which network? give a preset (see \"presets\") or a network JSON file");
            NetworkSource source = NetworkSource.resolve(network);
            NetworkReport report = Calculator.analyze(source.spec());
            if (json) {
                out.println(ReportJson.toJson(report, batch));
            } else {
                print(report, source, batch, out);
            }
            return report.isValid() ? Cli.OK : Cli.INVALID_NETWORK;
        } catch (UsageException e) {
            err.println("summary: " + e.getMessage());
            err.println("Usage: summary " + arguments());
            return Cli.USAGE;
        } catch (SpecFormatException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        } catch (IOException e) {
            // The message names the file and the reason: "net.json: permission denied", "/dev/zero: larger than …".
            err.println("summary: cannot read " + org.convas.engine.spec.ReadFiles.message(e));
            return Cli.USAGE;
        }
    }

    private static int batchSize(String v) throws UsageException {
        if (v == null) throw new UsageException("--batch needs a number, e.g. --batch 64");
        try {
            int b = Integer.parseInt(v);
            if (b < 1) throw new UsageException("--batch must be at least 1 (it is " + b + ")");
            return b;
        } catch (NumberFormatException e) {
            throw new UsageException("--batch needs a whole number, not \"" + v + "\"");
        }
    }

    /** The human-readable summary. */
    static void print(NetworkReport report, NetworkSource source, int batch, PrintStream out) {
        String name = report.spec().name().isEmpty() ? "(unnamed network)" : report.spec().name();
        out.println(name + " (" + source.describe() + "): " + report.layers().size() + " nodes");
        out.println();
        TextTable t = new TextTable()
                .column("Layer", LEFT).column("Type", LEFT).column("Output", LEFT).column("Shape formula", LEFT)
                .column("Parameters", RIGHT).column("Parameter formula", LEFT).column("MACs", RIGHT)
                .column("Memory", RIGHT).column("Receptive field", RIGHT);
        for (LayerReport l : report.layers()) {
            t.row(SummaryText.id(l), SummaryText.label(l), SummaryText.output(l), SummaryText.shapeFormula(l),
                    SummaryText.parameters(l), SummaryText.parameterFormula(l), SummaryText.macs(l),
                    SummaryText.memory(l), SummaryText.receptiveField(l));
        }
        int width = t.print(out);
        out.println("=".repeat(width));
        boolean partial = report.layers().stream().anyMatch(l -> !l.isKnown());
        if (partial) out.println("Totals count only the layers whose output shape is known (\"?\" marks the others).");
        out.println(key("Total parameters") + grouped(report.totalParameters()) + " (weights " + grouped(report.totalWeights())
                + " + biases " + grouped(report.totalBiases()) + ")" + report.frozenSuffix());
        out.println(key("MACs per image") + compact(report.totalMacs()) + " (" + grouped(report.totalMacs()) + ")");
        out.println(key("Activations per image") + grouped(report.totalActivations()) + " values");
        out.println(key("Forward memory / image") + bytes(report.forwardBytesPerImage())
                + " (forward + backward " + bytes(report.trainingBytesPerImage()) + ")");
        MemoryEstimate m = report.memoryForBatch(batch, MOMENTUM_STATE_COPIES);
        out.println(key("Training, batch " + batch) + bytes(m.totalBytes()) + " with SGD + momentum (activations and their gradients " + bytes(m.activationBytes())
                + ", parameters " + bytes(m.parameterBytes()) + ", gradients " + bytes(m.gradientBytes())
                + ", momentum " + bytes(m.optimizerBytes()) + ")");
        out.println("=".repeat(width));
        List<Problem> problems = report.problems();
        if (problems.isEmpty()) {
            out.println("No problems: every layer fits.");
            return;
        }
        out.println("Problems: " + count(report.errors().size(), "error") + ", " + count(report.warnings().size(), "warning"));
        for (Problem p : report.errors()) out.println("  " + line(p));
        for (Problem p : report.warnings()) out.println("  " + line(p));
    }

    /** "Total parameters:" padded so the values of the totals line up. */
    private static String key(String k) {
        return k + ":" + " ".repeat(Math.max(1, 25 - k.length()));
    }

    private static String line(Problem p) {
        return (p.isError() ? "error" : "warning") + " at " + p.nodeId() + (p.field().isEmpty() ? "" : ", " + p.field()) + ": " + p.text();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
