package org.convas.app.cli;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.exchange.ExchangeException;
import org.convas.engine.exchange.ImportedNetwork;
import org.convas.engine.exchange.OnnxImport;
import org.convas.engine.exchange.PyTorchImport;
import org.convas.engine.model.Model;
import org.convas.engine.model.ModelException;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.train.Checkpoint;
import org.convas.engine.train.TrainingProgress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code import}: a model trained elsewhere into Convas. Reads an ONNX model, or a PyTorch state_dict written by an
 * exported model.py (train.py's trained.pt, its checkpoint last.pt, or weights.pt) with the network.json beside it,
 * prints the network's summary, and with {@code --out} saves a Convas checkpoint: the Train tab opens it (Load
 * checkpoint…) to show its filters, activation maps and confusion matrix, and {@code convas train DIR/network.json
 * --weights DIR} fine-tunes it. {@code --freeze} marks blocks whose parameters training leaves alone.
 */
public final class ImportCommand implements Command {

    @Override
    public String name() {
        return "import";
    }

    @Override
    public String arguments() {
        return "<model.onnx|weights.pt> [--network network.json] [--freeze ID,ID…] [--out DIR]";
    }

    @Override
    public String description() {
        return "read an ONNX model or a PyTorch state_dict of an exported model.py, print its summary, save it as a Convas checkpoint";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = new Options("import", args, Set.of("--network", "--freeze", "--out"), Set.of());
            if (o.positionals().size() != 1) {
                throw new UsageException("import: name one file, an ONNX model (.onnx) or a PyTorch state_dict (.pt)"
                        + (o.positionals().isEmpty() ? "" : " (given: " + String.join(" ", o.positionals()) + ")"));
            }
        } catch (UsageException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        }
        Path file = Path.of(o.positionals().get(0));
        try {
            if (!Files.isRegularFile(file)) throw new UsageException("import: " + file + ": no such file");
            String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
            Model model;
            List<String> notes = new ArrayList<>();
            if (lower.endsWith(".onnx")) {
                if (o.has("--network")) throw new UsageException("import: an ONNX model holds its network; --network is for state_dicts");
                ImportedNetwork imported = OnnxImport.read(file);
                notes.addAll(imported.notes());
                model = imported.toModel();
            } else {
                NetworkSpec spec = o.has("--network") ? NetworkJson.read(Path.of(o.string("--network", ""))) : null;
                model = PyTorchImport.read(file, spec);
            }
            NetworkSpec spec = model.spec();
            if (o.has("--freeze")) {
                for (String id : o.string("--freeze", "").split(",")) {
                    String t = id.trim();
                    if (t.isEmpty()) continue;
                    if (!spec.contains(t)) throw new UsageException("import: --freeze " + t + ": the network has no node \"" + t + "\"");
                    spec = spec.withTrainable(t, false);
                }
                Model frozen = Model.create(spec, org.convas.engine.model.Initializer.HE, 0);
                for (Map.Entry<String, float[]> e : model.tensors().entrySet()) frozen.setTensor(e.getKey(), e.getValue());
                model = frozen;
            }
            NetworkReport report = Calculator.analyze(spec);
            SummaryCommand.print(report, new NetworkSource(spec, null, file), SummaryCommand.DEFAULT_BATCH, out);
            for (String n : notes) out.println("Note: " + n);
            out.println("Weights: " + model.tensors().size() + " tensors read from " + file + " ("
                    + String.format(Locale.ROOT, "%,d", model.parameterCount()) + " parameters)");
            if (o.has("--out")) {
                Path dir = Path.of(o.string("--out", ""));
                Checkpoint.save(dir, model, Map.of(), new TrainingProgress(0, 0, 1, 0.01, 0.9, 1, Double.POSITIVE_INFINITY, 0, List.of()));
                out.println("Saved:   " + dir + " (a Convas checkpoint). Open it in the Train tab with Load Checkpoint…, or fine-tune:");
                out.println("         convas train " + dir.resolve(Checkpoint.NETWORK) + " --weights " + dir + " --data <dataset>");
            }
            return Cli.OK;
        } catch (UsageException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        } catch (SpecFormatException | IOException e) {
            err.println("import: " + e.getMessage());
            return Cli.USAGE;
        } catch (ExchangeException | ModelException e) {
            err.println("import: " + e.getMessage());
            return Cli.INVALID_NETWORK;
        }
    }
}
