package org.convas.app.cli;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.data.Split;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.ModelException;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Shape;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.train.Checkpoint;
import org.convas.engine.train.Evaluation;
import org.convas.engine.train.LearningRateSchedule;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents;
import org.convas.engine.train.TrainingException;
import org.convas.engine.train.TrainingProgress;
import org.convas.engine.spec.ReadFiles;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code train}: trains a preset or a network file on a dataset from the command line, with a progress bar,
 * a line per epoch and a final test-set evaluation. Exit codes: {@link Cli#OK}; {@link Cli#INVALID_NETWORK}
 * when the network cannot be trained (calculator errors, an input that is not grey or RGB, too few output
 * units for the classes); {@link Cli#USAGE} for bad options (the message names the option and the rule),
 * unreadable data, network or checkpoint, and a batch that does not fit in memory; {@link Cli#DIVERGED} when
 * the loss stops being finite. Ctrl+C stops after the current batch and, with {@code --checkpoint}, saves.
 */
public final class TrainCommand implements Command {

    static final Set<String> VALUED = Set.of("--data", "--epochs", "--batch", "--lr", "--optimizer", "--momentum",
            "--weight-decay", "--schedule", "--clip", "--threads", "--seed", "--checkpoint", "--resume",
            "--validation-fraction", "--augment", "--limit", "--progress-every", "--weights");

    /** Everything the options say, checked. */
    record Config(String network, String data, int epochs, int batch, OptimizerSettings optimizer,
                  LearningRateSchedule schedule, String scheduleText, double clip, int threads, long seed,
                  Path checkpoint, Path resume, double validationFraction, Augmentation augmentation, int limit,
                  int progressEvery, Path weights, Set<String> given) {

        /** Whether the option was on the command line (not a default). */
        boolean given(String option) {
            return given.contains(option);
        }
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String arguments() {
        return "<preset|file.json> --data <dataset> [--epochs N] [--batch B] [--lr X] [--optimizer sgd|momentum|nesterov|adam|rmsprop|adagrad]"
                + " [--momentum M] [--weight-decay W] [--schedule constant|step:EVERY:GAMMA|cosine|plateau[:FACTOR:PATIENCE]] [--clip C]"
                + " [--threads T] [--seed S] [--checkpoint DIR] [--resume DIR] [--validation-fraction F]"
                + " [--augment shift=2,flip,rotate=10,scale=0.9-1.1] [--limit N] [--progress-every N]"
                + " [--weights CHECKPOINT_DIR|weights.pt|model.onnx]";
    }

    @Override
    public String description() {
        return "train a network on a dataset (bundled id " + DataArgument.bundledIds()
                + ", or a folder of IDX files, CIFAR binaries or class sub-folders of images)";
    }

    // ---------------------------------------------------------------- options

    static Config parse(List<String> args) throws UsageException {
        Options o = new Options("train", args, VALUED, Set.of());
        List<String> pos = o.positionals();
        if (pos.size() > 1) throw new UsageException("train: one network please (given: " + String.join(" ", pos) + ")");
        Path resume = o.has("--resume") ? Path.of(o.string("--resume", "")) : null;
        if (resume != null && o.has("--weights")) {
            throw new UsageException("train: --weights starts a new run from trained weights, --resume continues one; give one of them");
        }
        if (pos.isEmpty() && resume == null) {
            throw new UsageException("train: name the network to train (a preset such as lenet-fmnist, or a network .json file),"
                    + " or continue one with --resume DIR");
        }
        if (!o.has("--data")) {
            throw new UsageException("train: --data is required: a bundled dataset (" + DataArgument.bundledIds()
                    + ") or a folder");
        }
        int epochs = o.integer("--epochs", 5, 1, 100_000, "a whole number of at least 1");
        int batch = o.integer("--batch", 64, 1, 1 << 20, "at least 1 (32 or 64 are common)");
        int threads = o.integer("--threads", Runtime.getRuntime().availableProcessors(), 1, 1024, "at least 1");
        if (threads > batch) {
            throw new UsageException("train: --threads " + threads + " is more than --batch " + batch
                    + ": each thread takes a slice of every batch, so use at most " + batch + " threads");
        }
        long seed;
        try {
            seed = Long.parseLong(o.string("--seed", "1").trim());
        } catch (NumberFormatException e) {
            throw new UsageException("train: --seed must be a whole number (it is \"" + o.string("--seed", "") + "\")");
        }
        double lr = o.number("--lr", 0.01, v -> v > 0, "must be above 0; 0.01 is a common start for SGD, 0.001 for Adam");
        String kind = Options.lower(o.string("--optimizer", "momentum"));
        boolean momentumGiven = o.has("--momentum");
        double momentum = o.number("--momentum", 0.9, v -> v >= 0 && v < 1, "must be in [0, 1); 0.9 is typical, 0 turns it off");
        double weightDecay = o.number("--weight-decay", 0, v -> v >= 0, "must be 0 or positive; 5e-4 is typical");
        OptimizerSettings optimizer = switch (kind) {
            case "sgd" -> OptimizerSettings.momentum(lr, momentumGiven ? momentum : 0);
            case "momentum" -> OptimizerSettings.momentum(lr, momentum);
            case "nesterov" -> {
                if (momentum == 0) throw new UsageException("train: --momentum must be above 0 for nesterov (it is 0); 0.9 is typical");
                yield OptimizerSettings.nesterov(lr, momentum);
            }
            case "adam", "adagrad" -> {
                if (momentumGiven) {
                    throw new UsageException("train: --momentum does not apply to " + kind + " (it keeps its own running averages);"
                            + " use sgd, momentum, nesterov or rmsprop with --momentum");
                }
                yield kind.equals("adam") ? OptimizerSettings.adam(lr) : OptimizerSettings.adaGrad(lr);
            }
            case "rmsprop" -> OptimizerSettings.rmsProp(lr).withMomentum(momentumGiven ? momentum : 0);
            default -> throw new UsageException("train: --optimizer must be sgd, momentum, nesterov, adam, rmsprop or adagrad"
                    + " (it is \"" + o.string("--optimizer", "") + "\")");
        };
        optimizer = optimizer.withWeightDecay(weightDecay);
        String scheduleText = o.string("--schedule", "constant");
        LearningRateSchedule schedule = schedule(scheduleText, epochs);
        double clip = o.number("--clip", 0, v -> v >= 0, "must be 0 (off) or a positive gradient norm such as 5");
        double fraction = o.number("--validation-fraction", 0.1, v -> v >= 0 && v < 1,
                "must be at least 0 and below 1 (0.1 keeps 10% of the training images for validation)");
        int limit = o.integer("--limit", 0, 0, Integer.MAX_VALUE, "0 (all) or a positive number of training images");
        int every = o.integer("--progress-every", 50, 1, Integer.MAX_VALUE, "at least 1 batch");
        Augmentation augmentation = augmentation(o.string("--augment", ""), seed);
        Path checkpoint = o.has("--checkpoint") ? Path.of(o.string("--checkpoint", "")) : null;
        Set<String> given = new java.util.HashSet<>();
        for (String option : VALUED) if (o.has(option)) given.add(option);
        return new Config(pos.isEmpty() ? null : pos.get(0), o.string("--data", ""), epochs, batch, optimizer, schedule,
                scheduleText, clip, threads, seed, checkpoint, resume, fraction, augmentation, limit, every,
                o.has("--weights") ? Path.of(o.string("--weights", "")) : null, Set.copyOf(given));
    }

    /** constant | step:EVERY:GAMMA | cosine | plateau[:FACTOR:PATIENCE] (default factor 0.5, patience 2). */
    static LearningRateSchedule schedule(String text, int epochs) throws UsageException {
        String[] p = Options.lower(text.trim()).split(":", -1);
        String rule = "--schedule must be constant, step:EVERY:GAMMA (e.g. step:10:0.1), cosine or plateau[:FACTOR:PATIENCE]"
                + " (e.g. plateau:0.5:2)";
        try {
            switch (p[0]) {
                case "constant" -> {
                    if (p.length == 1) return new LearningRateSchedule.Constant();
                }
                case "cosine" -> {
                    if (p.length == 1) return new LearningRateSchedule.Cosine(epochs, 0);
                }
                case "step" -> {
                    if (p.length == 3) return new LearningRateSchedule.Step(Integer.parseInt(p[1]), Double.parseDouble(p[2]));
                }
                case "plateau" -> {
                    if (p.length == 1) return org.convas.app.training.TrainingSettingsForm.PLATEAU; // the window's default too
                    if (p.length == 3) return new LearningRateSchedule.ReduceOnPlateau(Double.parseDouble(p[1]), Integer.parseInt(p[2]), 0);
                }
                default -> {
                }
            }
        } catch (NumberFormatException e) {
            throw new UsageException("train: " + rule + " (it is \"" + text + "\": " + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: --schedule " + text + ": " + e.getMessage());
        }
        throw new UsageException("train: " + rule + " (it is \"" + text + "\")");
    }

    /** "shift=2,flip,rotate=10,scale=0.9-1.1": each item optional, any order; "" or "none" for none. */
    static Augmentation augmentation(String text, long seed) throws UsageException {
        String spec = text.trim();
        if (spec.isEmpty() || spec.equalsIgnoreCase("none")) return Augmentation.none();
        Augmentation.Builder b = Augmentation.builder().seed(seed);
        String rule = "--augment takes comma-separated items shift=PIXELS, flip, rotate=DEGREES, scale=MIN-MAX"
                + " (e.g. shift=2,flip,rotate=10,scale=0.9-1.1)";
        for (String item : spec.split(",")) {
            String it = item.trim();
            int eq = it.indexOf('=');
            String key = Options.lower(eq < 0 ? it : it.substring(0, eq));
            String value = eq < 0 ? null : it.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "flip" -> {
                        if (value != null) throw new UsageException("train: --augment flip takes no value (given \"" + it + "\")");
                        b.horizontalFlip(true);
                    }
                    case "shift" -> b.shift(Integer.parseInt(required(value, it, rule)));
                    case "rotate" -> b.rotation(Double.parseDouble(required(value, it, rule)));
                    case "scale" -> {
                        String v = required(value, it, rule);
                        int dash = v.indexOf('-', 1);
                        if (dash < 0) throw new UsageException("train: --augment " + it + ": scale needs a range MIN-MAX such as 0.9-1.1");
                        b.scale(Double.parseDouble(v.substring(0, dash)), Double.parseDouble(v.substring(dash + 1)));
                    }
                    default -> throw new UsageException("train: unknown --augment item \"" + it + "\"; " + rule);
                }
            } catch (NumberFormatException e) {
                throw new UsageException("train: --augment " + it + ": not a number; " + rule);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: --augment " + text + ": " + e.getMessage());
        }
    }

    private static String required(String value, String item, String rule) throws UsageException {
        if (value == null || value.isEmpty()) throw new UsageException("train: --augment " + item + " needs a value; " + rule);
        return value;
    }

    // ---------------------------------------------------------------- the run

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Config c;
        try {
            c = parse(args);
        } catch (UsageException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        }
        // The network: from the checkpoint when resuming, else the preset or file (its model is built once the data is
        // in memory and the memory check has passed: a large FC layer alone may not fit).
        Model model = null;
        NetworkSpec spec;
        Checkpoint checkpoint = null;
        String networkName;
        if (c.resume() != null) {
            try {
                checkpoint = Checkpoint.load(c.resume());
            } catch (IOException | RuntimeException e) {
                err.println("train: cannot resume from " + c.resume() + ": " + ReadFiles.message(e));
                return Cli.USAGE;
            }
            model = checkpoint.model();
            spec = model.spec();
            networkName = model.spec().name() + " (checkpoint " + c.resume() + ", " + checkpoint.progress().epochsCompleted()
                    + " epochs done)";
            if (checkpoint.progress().epochsCompleted() >= c.epochs()) {
                err.println("train: the checkpoint in " + c.resume() + " has already trained " + checkpoint.progress().epochsCompleted()
                        + " epochs; --epochs is the total, so ask for more than that (e.g. --epochs "
                        + (checkpoint.progress().epochsCompleted() + 5) + ")");
                return Cli.USAGE;
            }
            if (c.network() != null) out.println("Resuming: the network is the checkpoint's; \"" + c.network() + "\" is not read.");
            try {
                c = resumedConfig(c, checkpoint.progress(), out);
            } catch (UsageException e) {
                err.println(e.getMessage());
                return Cli.USAGE;
            }
        } else {
            NetworkSource source;
            try {
                source = NetworkSource.resolve(c.network());
            } catch (UsageException | SpecFormatException | IOException e) {
                err.println("train: " + e.getMessage());
                return Cli.USAGE;
            }
            Optional<String> invalid = invalidForTraining(source.spec());
            if (invalid.isPresent()) {
                err.println("train: " + source.describe() + " cannot be trained: " + invalid.get());
                return Cli.INVALID_NETWORK;
            }
            spec = source.spec();
            networkName = source.spec().name() + " (" + source.describe() + ")";
            if (c.weights() != null) {
                // Fine-tuning: start from trained weights (frozen blocks keep theirs).
                try {
                    model = org.convas.engine.exchange.Weights.load(c.weights(), source.spec());
                } catch (org.convas.engine.exchange.ExchangeException | IOException e) {
                    err.println("train: --weights " + c.weights() + ": " + e.getMessage());
                    return Cli.USAGE;
                }
                networkName += ", starting from the weights in " + c.weights();
            }
        }

        if (c.checkpoint() != null) {
            boolean sameRun = c.resume() != null && c.resume().toAbsolutePath().normalize().equals(c.checkpoint().toAbsolutePath().normalize());
            Optional<String> existing = sameRun ? Optional.empty() : Checkpoint.describeExisting(c.checkpoint());
            if (existing.isPresent()) {
                err.println("train: --checkpoint " + c.checkpoint() + " " + existing.get() + "; this run would replace it. Continue"
                        + " that run with --resume " + c.checkpoint() + ", choose another folder, or delete it first");
                return Cli.USAGE;
            }
            try {
                Checkpoint.checkWritable(c.checkpoint());
            } catch (IOException e) {
                err.println("train: --checkpoint " + c.checkpoint() + ": " + ReadFiles.message(e));
                return Cli.USAGE;
            }
        }

        // The data, brought to the network's input.
        DataArgument data;
        try {
            data = DataArgument.load(c.data(), c.seed());
        } catch (UsageException e) {
            err.println("train: " + e.getMessage());
            return Cli.USAGE;
        } catch (DatasetException e) {
            err.println("train: cannot read the data: " + e.getMessage());
            return Cli.USAGE;
        }
        Dataset all = data.data().train();
        NetworkReport report = Calculator.analyze(spec);
        String outputId = spec.outputs().get(0).id();
        int classes = report.layer(outputId).output().depth();
        if (all.classCount() > classes) {
            err.println("train: the data has " + all.classCount() + " classes but the network's output " + outputId + " gives "
                    + classes + " scores: set the last layer's units to " + all.classCount());
            return Cli.INVALID_NETWORK;
        }
        out.println("Network: " + networkName);
        out.println("Data:    " + data.description());
        for (String note : data.notes()) out.println("         " + note);
        if (c.limit() > 0 && c.limit() < all.size()) {
            int[] first = new int[c.limit()];
            for (int i = 0; i < first.length; i++) first[i] = i;
            all = all.subset(first, all.source() + " (first " + c.limit() + ")");
            out.println("         --limit: the first " + c.limit() + " training images");
        }
        Dataset trainSet = all;
        Dataset validationSet = null;
        if (c.validationFraction() > 0) {
            Split split = Split.holdout(all, c.validationFraction(), c.seed());
            trainSet = split.train();
            validationSet = split.validation();
        }
        Shape input = report.layer(spec.inputs().get(0).id()).output();
        String resize = resizeNote(all, input);
        if (!resize.isEmpty()) out.println("Input:   " + resize);
        FittedPreprocessing fitted;
        PreparedDataset validation = null;
        PreparedDataset test;
        try {
            fitted = Preprocessing.builder(input).normalisation(Normalisation.PER_CHANNEL).build().fit(trainSet);
            if (validationSet != null && !validationSet.isEmpty()) validation = fitted.apply(validationSet);
            test = fitted.apply(data.data().test());
        } catch (DatasetException e) {
            err.println("train: cannot prepare the data: " + e.getMessage());
            return Cli.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            return Cli.INVALID_NETWORK;
        }
        out.println("         normalised per channel with the training split's mean " + floats(fitted.statistics().channelMean())
                + " and std " + floats(fitted.statistics().channelStd()) + " (values in [0, 1] first)");
        out.println(String.format(Locale.ROOT, "Split:   %d training, %d validation (%s), %d test images",
                fitted.train().size(), validation == null ? 0 : validation.size(),
                validation == null ? "none" : Math.round(c.validationFraction() * 100) + "% held out, seed " + c.seed(), test.size()));
        out.println("Setup:   " + describe(c));
        if (!c.augmentation().isNone()) out.println("         augmentation: " + c.augmentation());

        TrainingSettings settings = TrainingSettings.builder().epochs(c.epochs()).batchSize(c.batch()).threads(c.threads())
                .seed(c.seed()).optimizer(c.optimizer()).schedule(c.schedule()).clipNorm(c.clip()).normsEvery(0)
                .checkpointDirectory(c.checkpoint()).build();
        DatasetBatchSource trainSource = DatasetBatchSource.training(fitted.train(), c.augmentation());
        DatasetBatchSource validationSource = validation == null ? null : DatasetBatchSource.evaluation(validation);
        TrainingRun run;
        try {
            // With the data in memory, what is free now is what the run may take; the memory check comes before the
            // model's weights are allocated (a large FC layer alone may not fit).
            // Trained weights (--weights) are in memory already: their run checks the memory the training adds.
            run = checkpoint != null ? TrainingRun.resume(checkpoint, trainSource, validationSource, settings)
                    : model != null ? TrainingRun.create(model, trainSource, validationSource, settings)
                    : TrainingRun.create(spec, Initializer.of(spec.weightInit()), c.seed(), trainSource, validationSource, settings);
        } catch (TrainingException e) {
            err.println("train: " + e.getMessage());
            return Cli.USAGE;
        } catch (ModelException e) {
            err.println("train: " + e.getMessage());
            return Cli.INVALID_NETWORK;
        }
        if (checkpoint != null) {
            // Changed deliberately on the command line (and said so in the Setup line): from the first step on.
            if (c.given("--lr")) run.setLearningRate(c.optimizer().learningRate());
            if (c.given("--momentum")) run.setMomentum(c.optimizer().momentum());
        }
        run.addListener(ProgressPrinter.forStreams(out, err, c.progressEvery(), c.epochs(), c.batch()));

        // Ctrl+C: the hook asks the run to stop after this batch, then waits until the checkpoint is saved.
        CountDownLatch saved = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.cancel();
            try {
                saved.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "convas-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingEvents.RunEnd end;
        try {
            end = run.runHere();
            return finish(c, run, end, test, out, err);
        } finally {
            saved.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (Ctrl+C): the hook is running and has just been released.
            }
        }
    }

    private static int finish(Config c, TrainingRun run, TrainingEvents.RunEnd end, PreparedDataset test, PrintStream out,
                              PrintStream err) {
        switch (end.status()) {
            case DIVERGED -> {
                err.println("train: the training diverged: " + end.message());
                err.println("       try a smaller --lr (it is " + ProgressPrinter.number(c.optimizer().learningRate())
                        + "), gradient clipping (--clip 5) or another optimizer");
                return Cli.DIVERGED;
            }
            case FAILED -> {
                err.println("train: " + end.message());
                return Cli.USAGE;
            }
            case CANCELLED -> {
                out.println("Cancelled after " + end.epochsCompleted() + " whole epochs (" + end.steps() + " steps).");
                if (c.checkpoint() != null) {
                    try {
                        run.saveCheckpoint(c.checkpoint());
                        int into = run.progress().batchesIntoEpoch();
                        out.println("Checkpoint saved to " + c.checkpoint() + (into > 0 ? " (epoch " + (end.epochsCompleted() + 1)
                                + ", after batch " + into + "; it replaces the end-of-epoch checkpoint there)" : "")
                                + "; continue with --resume " + c.checkpoint() + " --batch " + c.batch()
                                + (into > 0 ? ": the run goes on exactly as it would have without the interruption" : ""));
                    } catch (IOException e) {
                        err.println("train: could not save the checkpoint to " + c.checkpoint() + ": " + ReadFiles.message(e)
                                + "; the checkpoint there from before is kept");
                    }
                }
                return Cli.CANCELLED;
            }
            default -> {
            }
        }
        long t0 = System.nanoTime();
        Evaluation.Result r = run.evaluate(DatasetBatchSource.evaluation(test));
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println(String.format(Locale.ROOT, "Test:    loss %.4f, accuracy %.2f%% on %d images (%s images/s)", r.loss(),
                100 * r.accuracy(), r.count(), ProgressPrinter.grouped(r.count() / Math.max(seconds, 1e-9))));
        if (c.checkpoint() != null) out.println("Checkpoint: " + c.checkpoint() + " (after epoch " + end.epochsCompleted() + ")");
        return Cli.OK;
    }

    /**
     * The settings a resumed run really uses, said in a line: the checkpoint's optimizer, learning rate, momentum,
     * weight decay and seed, except for what was given on the command line, which changes them deliberately. Another
     * optimizer is refused (its state would not fit), and so is another seed (it fixes the data order).
     */
    static Config resumedConfig(Config c, TrainingProgress progress, PrintStream out) throws UsageException {
        OptimizerSettings saved = progress.optimizer();
        List<String> changes = new java.util.ArrayList<>();
        if (c.given("--seed") && c.seed() != progress.seed()) {
            throw new UsageException("train: --seed " + c.seed() + ": the checkpoint's run has seed " + progress.seed()
                    + ", which fixes its data order and augmentation; leave --seed out to continue it");
        }
        OptimizerSettings o;
        if (saved == null) {
            o = c.optimizer(); // written before checkpoints kept their optimizer: the options, as before
        } else {
            if (c.given("--optimizer") && c.optimizer().kind() != saved.kind()) {
                String was = Options.lower(saved.kind().name());
                throw new UsageException("train: --optimizer " + Options.lower(c.optimizer().kind().name()) + ": the checkpoint was"
                        + " trained with " + was + ", whose state cannot continue as another optimizer; leave --optimizer out"
                        + " (or give " + was + ") to continue it");
            }
            o = saved.withLearningRate(progress.baseLearningRate()).withMomentum(progress.momentum());
            if (c.given("--lr") && c.optimizer().learningRate() != o.learningRate()) {
                changes.add("learning rate " + ProgressPrinter.number(o.learningRate()) + " → " + ProgressPrinter.number(c.optimizer().learningRate()));
                o = o.withLearningRate(c.optimizer().learningRate());
            }
            if (c.given("--momentum") && c.optimizer().momentum() != o.momentum()) {
                changes.add("momentum " + ProgressPrinter.number(o.momentum()) + " → " + ProgressPrinter.number(c.optimizer().momentum()));
                o = o.withMomentum(c.optimizer().momentum());
            }
            if (c.given("--weight-decay") && c.optimizer().weightDecay() != o.weightDecay()) {
                changes.add("weight decay " + ProgressPrinter.number(o.weightDecay()) + " → " + ProgressPrinter.number(c.optimizer().weightDecay()));
                o = o.withWeightDecay(c.optimizer().weightDecay());
            }
        }
        out.println("Resuming: " + (saved == null ? "the checkpoint does not record its optimizer; the options' is used"
                : changes.isEmpty() ? "the checkpoint's optimizer settings" : "the checkpoint's optimizer settings, changed by the"
                + " options: " + String.join(", ", changes)) + "; seed " + progress.seed() + " (the checkpoint's)");
        // The augmentation draws from the run's seed too: the checkpoint's, or the resumed epochs would see other shifts.
        Augmentation a = c.augmentation();
        Augmentation augmentation = a.isNone() ? a : Augmentation.builder().shift(a.maxShift()).horizontalFlip(a.horizontalFlip())
                .rotation(a.maxRotationDegrees()).scale(a.minScale(), a.maxScale()).seed(progress.seed()).build();
        return new Config(c.network(), c.data(), c.epochs(), c.batch(), o, c.schedule(), c.scheduleText(), c.clip(), c.threads(),
                progress.seed(), c.checkpoint(), c.resume(), c.validationFraction(), augmentation, c.limit(), c.progressEvery(),
                c.weights(), c.given());
    }

    /** Why a spec cannot be trained here, before any weights are made: calculator errors, the input depth. */
    static Optional<String> invalidForTraining(NetworkSpec spec) {
        NetworkReport report = Calculator.analyze(spec);
        if (!report.isValid()) {
            StringBuilder sb = new StringBuilder(report.errors().size() + " error" + (report.errors().size() == 1 ? "" : "s"));
            for (Problem p : report.errors()) sb.append("\n  error at ").append(p.nodeId()).append(p.field().isEmpty() ? "" : ", " + p.field())
                    .append(": ").append(p.text());
            return Optional.of(sb.toString());
        }
        if (spec.inputs().size() == 1) {
            Shape in = report.layer(spec.inputs().get(0).id()).output();
            if (in.depth() != 1 && in.depth() != 3) {
                return Optional.of("its input " + in + " has depth " + in.depth() + "; images are grey (depth 1) or RGB (depth 3)");
            }
        }
        return Optional.empty();
    }

    /** "the images are 28×28×1 and the network takes 32×32×1: each is resized (bilinear) to 32×32", or "". */
    static String resizeNote(Dataset data, Shape input) {
        Optional<Shape> common = data.commonShape();
        String target = input.width() + "×" + input.height();
        if (common.isEmpty()) {
            return "the images differ in size; each is centre-cropped to the network's aspect ratio and resized to " + target
                    + (input.depth() == 1 ? ", grey" : ", RGB");
        }
        Shape s = common.get();
        if (s.equals(input)) return "";
        StringBuilder note = new StringBuilder("the images are " + s + " and the network takes " + input + ": ");
        if (s.width() != input.width() || s.height() != input.height()) {
            boolean sameAspect = (long) s.width() * input.height() == (long) s.height() * input.width();
            note.append(sameAspect ? "" : "each is centre-cropped to the aspect ratio, ")
                    .append(s.width() < input.width() ? "enlarged" : "shrunk").append(" (bilinear) to ").append(target);
            if (s.width() < input.width()) note.append(" (enlarging adds no detail; a padded first layer is the other way)");
        }
        if (s.depth() != input.depth()) {
            if (s.width() != input.width() || s.height() != input.height()) note.append(", and ");
            note.append(s.depth() == 3 ? "converted to grey (luma 0.299 R + 0.587 G + 0.114 B)" : "the grey plane is copied to R, G and B");
        }
        return note.toString();
    }

    private static String describe(Config c) {
        OptimizerSettings o = c.optimizer();
        StringBuilder s = new StringBuilder();
        s.append(c.epochs()).append(" epochs, batch ").append(c.batch()).append(", ").append(Options.lower(o.kind().name()))
                .append(" lr ").append(ProgressPrinter.number(o.learningRate()));
        if (o.momentum() > 0) s.append(" momentum ").append(ProgressPrinter.number(o.momentum()));
        if (o.weightDecay() > 0) s.append(" weight decay ").append(ProgressPrinter.number(o.weightDecay()));
        s.append(", schedule ").append(c.scheduleText());
        if (c.clip() > 0) s.append(", clip ").append(ProgressPrinter.number(c.clip()));
        s.append(", ").append(c.threads()).append(c.threads() == 1 ? " thread" : " threads").append(", seed ").append(c.seed());
        return s.toString();
    }

    private static String floats(float[] v) {
        StringBuilder s = new StringBuilder(v.length == 1 ? "" : "(");
        for (int i = 0; i < v.length; i++) s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
        return s.append(v.length == 1 ? "" : ")").toString();
    }
}
