package org.convas.app.cli;

import org.convas.engine.exchange.ExchangeException;
import org.convas.engine.exchange.OnnxExport;
import org.convas.engine.exchange.PyTorchExport;
import org.convas.engine.exchange.TrainingRecipe;
import org.convas.engine.exchange.Weights;
import org.convas.engine.data.Normalisation;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.ModelException;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.train.TrainingSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code export}: a network (and optionally its trained weights) as a PyTorch project folder (model.py, train.py,
 * weights.pt) or as an ONNX file. The training options are {@code train}'s: they become train.py's settings, so
 * the PyTorch run uses the data, preprocessing, augmentation, optimizer, schedule, batch, epochs and seed that
 * {@code convas train} with the same options would.
 */
public final class ExportCommand implements Command {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String arguments() {
        // train's options, each its own bracket so the usage wraps between them (Cli.WIDTH).
        return "<preset|file.json|model.onnx> --out DIR|FILE.onnx [--format pytorch|onnx] [--weights CHECKPOINT_DIR|weights.pt|model.onnx]"
                + " [--data D] [--epochs N] [--batch B] [--lr X] [--optimizer O] [--momentum M] [--weight-decay W] [--schedule S]"
                + " [--clip C] [--seed S] [--validation-fraction F] [--augment A] [--limit N]";
    }

    @Override
    public String description() {
        return "write a network as PyTorch code (model.py, train.py for one CPU, a GPU or torchrun; weights.pt) or as ONNX;"
                + " train's options become train.py's settings";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        // Our own options first; the rest are train's.
        String format = null, target = null, weights = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String key = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (key.equals("--format") || key.equals("--out") || key.equals("--weights")) {
                String value;
                if (a.contains("=")) {
                    value = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    err.println("export: " + key + " needs a value");
                    return Cli.USAGE;
                }
                switch (key) {
                    case "--format" -> format = value;
                    case "--out" -> target = value;
                    default -> weights = value;
                }
            } else {
                rest.add(a);
            }
        }
        if (target == null) {
            err.println("export: --out is required: a folder for PyTorch (model.py, train.py, weights.pt) or a .onnx file");
            return Cli.USAGE;
        }
        if (format == null) format = target.toLowerCase(Locale.ROOT).endsWith(".onnx") ? "onnx" : "pytorch";
        format = format.toLowerCase(Locale.ROOT);
        if (!format.equals("pytorch") && !format.equals("onnx")) {
            err.println("export: --format must be pytorch or onnx (it is \"" + format + "\")");
            return Cli.USAGE;
        }
        boolean dataGiven = rest.stream().anyMatch(a -> a.equals("--data") || a.startsWith("--data="));
        if (!dataGiven) {
            rest.add("--data");
            rest.add(org.convas.samples.data.BundledDatasets.FASHION_SUBSET);
        }
        TrainCommand.Config c;
        try {
            if (rest.stream().anyMatch(a -> a.equals("--resume") || a.equals("--checkpoint") || a.equals("--threads")
                    || a.equals("--progress-every"))) {
                throw new UsageException("export: --resume, --checkpoint, --threads and --progress-every are for convas train;"
                        + " train.py has its own --checkpoint and --resume");
            }
            c = TrainCommand.parse(rest);
        } catch (UsageException e) {
            err.println(e.getMessage().replaceFirst("^train:", "export:"));
            return Cli.USAGE;
        }
        Model model;
        String origin;
        try {
            NetworkSource source = NetworkSource.resolve(c.network());
            origin = source.describe();
            model = weights == null ? null : Weights.load(Path.of(weights), source.spec());
            if (model == null && format.equals("onnx")) {
                model = Model.create(source.spec(), Initializer.of(source.spec().weightInit()), c.seed());
                out.println("Weights: none given (--weights), so the ONNX file holds freshly initialised ones (He, seed " + c.seed() + ")");
            }
            if (format.equals("onnx")) {
                Path file = Path.of(target);
                if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
                OnnxExport.write(file, model);
                out.println("Wrote " + file + " (ONNX opset " + OnnxExport.OPSET + ", " + String.format(Locale.ROOT, "%,d", model.parameterCount())
                        + " parameters, " + Files.size(file) / 1024 + " KiB)");
                return Cli.OK;
            }
            TrainingRecipe.Data data = DataArgument.reference(c.data(), c.seed());
            TrainingSettings settings = TrainingSettings.builder().epochs(c.epochs()).batchSize(c.batch()).seed(c.seed())
                    .optimizer(c.optimizer()).schedule(c.schedule()).clipNorm(c.clip()).build();
            TrainingRecipe recipe = new TrainingRecipe(data, c.validationFraction() > 0 ? TrainingRecipe.Validation.HOLDOUT
                    : TrainingRecipe.Validation.NONE, c.validationFraction(), c.seed(), c.limit(), Normalisation.PER_CHANNEL,
                    c.augmentation(), settings);
            Path dir = Path.of(target);
            List<Path> files = PyTorchExport.write(dir, source.spec(), origin, recipe, model);
            out.println("Network: " + source.spec().name() + " (" + origin + ")");
            out.println("Data:    " + data.description() + (dataGiven ? "" : " (the default; choose with --data)"));
            for (Path f : files) out.println("Wrote   " + f);
            out.println("Run:     cd " + dir + " && python3 train.py   (or: torchrun --nproc_per_node=N train.py)");
            return Cli.OK;
        } catch (UsageException e) {
            err.println("export: " + e.getMessage());
            return Cli.USAGE;
        } catch (SpecFormatException | IOException e) {
            err.println("export: " + e.getMessage());
            return Cli.USAGE;
        } catch (org.convas.engine.data.DatasetException e) {
            err.println("export: cannot read the data: " + e.getMessage());
            return Cli.USAGE;
        } catch (ExchangeException | ModelException e) {
            err.println("export: " + e.getMessage());
            return Cli.INVALID_NETWORK;
        }
    }
}
