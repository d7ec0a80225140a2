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
        return "<model.onnx|weights.pt> [--network network.json] [--freeze ID,ID…] [--out DIR]"
                + " [--data DATASET [--seed S] [--validation-fraction F]]";
    }

    @Override
    public String description() {
        return "read an ONNX model or a PyTorch state_dict of an exported model.py, print its summary, save it as a Convas checkpoint";
    }

    /**
     * The test-set loss and accuracy of the imported weights, with the preprocessing {@code train} (and train.py)
     * uses: per-channel statistics of the training part left after the validation holdout of this seed.
     */
    private static void evaluate(Model model, Options o, PrintStream out) throws UsageException, org.convas.engine.data.DatasetException {
        long seed;
        try {
            seed = Long.parseLong(o.string("--seed", "1").trim());
        } catch (NumberFormatException e) {
            throw new UsageException("import: --seed must be a whole number (it is \"" + o.string("--seed", "") + "\")");
        }
        double fraction = o.number("--validation-fraction", 0.1, v -> v >= 0 && v < 1, "must be at least 0 and below 1");
        DataArgument data = DataArgument.load(o.string("--data", ""), seed);
        org.convas.engine.data.Dataset train = data.data().train();
        if (fraction > 0) train = org.convas.engine.data.Split.holdout(train, fraction, seed).train();
        org.convas.engine.data.FittedPreprocessing fitted = org.convas.engine.data.Preprocessing.builder(model.inputShape())
                .normalisation(org.convas.engine.data.Normalisation.PER_CHANNEL).build().fit(train);
        org.convas.engine.data.PreparedDataset test = fitted.apply(data.data().test());
        org.convas.engine.train.Evaluation.Result r = org.convas.engine.train.Evaluation.evaluate(model,
                org.convas.engine.data.DatasetBatchSource.evaluation(test), 256, Runtime.getRuntime().availableProcessors());
        out.println(String.format(Locale.ROOT, "Test:    loss %.4f, accuracy %.2f%% on %d images of %s (normalised with the training"
                + " split's statistics, %d%% held out, seed %d)", r.loss(), 100 * r.accuracy(), r.count(), o.string("--data", ""),
                Math.round(fraction * 100), seed));
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = new Options("import", args, Set.of("--network", "--freeze", "--out", "--data", "--seed", "--validation-fraction"), Set.of());
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
            if (o.has("--data")) evaluate(model, o, out);
            if (o.has("--out")) {
                Path dir = Path.of(o.string("--out", ""));
                Checkpoint.save(dir, model, Map.of(), new TrainingProgress(0, 0, 1, 0.01, 0.9, 1, Double.POSITIVE_INFINITY, 0, List.of(), null, null));
                out.println("Saved:   " + dir + " (a Convas checkpoint). Open it in the Train tab with Load Checkpoint…, or fine-tune:");
                out.println("         convas train " + dir.resolve(Checkpoint.NETWORK) + " --weights " + dir + " --data <dataset>");
            }
            return Cli.OK;
        } catch (UsageException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        } catch (org.convas.engine.data.DatasetException e) {
            err.println("import: cannot read the data: " + e.getMessage());
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
