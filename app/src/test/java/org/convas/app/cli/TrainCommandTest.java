package org.convas.app.cli;

import org.convas.engine.data.Augmentation;
import org.convas.engine.train.Checkpoint;
import org.convas.engine.train.LearningRateSchedule;
import org.convas.engine.train.OptimizerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCommandTest {

    private static CliTest.Run train(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliTest.run(all);
    }

    private static void assertUsage(String expected, String... args) {
        CliTest.Run r = train(args);
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected \"" + expected + "\" in: " + r.err());
    }

    @Test
    void impossibleHyperparametersNameTheOptionAndTheRule() {
        assertUsage("--lr must be above 0", "lenet-fmnist", "--data", "synthetic-bars", "--lr", "-0.1");
        assertUsage("--lr must be a number", "lenet-fmnist", "--data", "synthetic-bars", "--lr", "fast");
        assertUsage("--batch must be at least 1", "lenet-fmnist", "--data", "synthetic-bars", "--batch", "0");
        assertUsage("--epochs must be a whole number of at least 1", "lenet-fmnist", "--data", "synthetic-bars", "--epochs", "0");
        assertUsage("--epochs must be a whole number", "lenet-fmnist", "--data", "synthetic-bars", "--epochs", "2.5");
        assertUsage("--momentum must be in [0, 1)", "lenet-fmnist", "--data", "synthetic-bars", "--momentum", "1");
        assertUsage("--threads 8 is more than --batch 4", "lenet-fmnist", "--data", "synthetic-bars", "--batch", "4", "--threads", "8");
        assertUsage("--validation-fraction must be at least 0 and below 1", "lenet-fmnist", "--data", "synthetic-bars",
                "--validation-fraction", "1");
        assertUsage("--momentum does not apply to adam", "lenet-fmnist", "--data", "synthetic-bars", "--optimizer", "adam",
                "--momentum", "0.5");
        assertUsage("--data is required", "lenet-fmnist");
        assertUsage("unknown option --learning-rate", "lenet-fmnist", "--data", "synthetic-bars", "--learning-rate", "0.1");
    }

    @Test
    void unknownOptimizerListsTheKnownOnes() {
        assertUsage("--optimizer must be sgd, momentum, nesterov, adam, rmsprop or adagrad (it is \"lbfgs\")",
                "lenet-fmnist", "--data", "synthetic-bars", "--optimizer", "lbfgs");
    }

    @Test
    void badAugmentItemsAreExplained() {
        assertUsage("unknown --augment item \"mirror\"", "lenet-fmnist", "--data", "synthetic-bars", "--augment", "mirror");
        assertUsage("--augment shift=two: not a number", "lenet-fmnist", "--data", "synthetic-bars", "--augment", "shift=two");
        assertUsage("scale needs a range MIN-MAX", "lenet-fmnist", "--data", "synthetic-bars", "--augment", "scale=1.1");
        assertUsage("the rotation must be between 0 and 180 degrees", "lenet-fmnist", "--data", "synthetic-bars",
                "--augment", "rotate=200");
    }

    @Test
    void optionsBecomeEngineSettings() throws UsageException {
        TrainCommand.Config c = TrainCommand.parse(List.of("lenet-fmnist", "--data=synthetic-bars", "--optimizer", "nesterov",
                "--lr", "0.05", "--momentum", "0.8", "--weight-decay", "5e-4", "--schedule", "step:3:0.5", "--epochs", "7",
                "--augment", "shift=2,flip,rotate=10,scale=0.9-1.1", "--seed", "9", "--threads", "1"));
        assertEquals(OptimizerSettings.Kind.NESTEROV, c.optimizer().kind());
        assertEquals(0.05, c.optimizer().learningRate());
        assertEquals(0.8, c.optimizer().momentum());
        assertEquals(5e-4, c.optimizer().weightDecay());
        assertEquals(new LearningRateSchedule.Step(3, 0.5), c.schedule());
        Augmentation a = c.augmentation();
        assertEquals(2, a.maxShift());
        assertTrue(a.horizontalFlip());
        assertEquals(10, a.maxRotationDegrees());
        assertEquals(0.9, a.minScale());
        assertEquals(1.1, a.maxScale());
        // Plain sgd has no momentum unless asked; cosine anneals over the run's epochs.
        TrainCommand.Config sgd = TrainCommand.parse(List.of("x", "--data", "d", "--optimizer", "sgd", "--schedule", "cosine",
                "--epochs", "4"));
        assertEquals(0, sgd.optimizer().momentum());
        assertEquals(new LearningRateSchedule.Cosine(4, 0), sgd.schedule());
        assertThrows(UsageException.class, () -> TrainCommand.schedule("step:0:0.5", 3));
        assertThrows(UsageException.class, () -> TrainCommand.schedule("exponential", 3));
    }

    @Test
    void shortRunOnSyntheticBarsPrintsEpochLineAndTestFigure() {
        CliTest.Run r = train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "320", "--threads", "1",
                "--progress-every", "2");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("epoch 1/1  train loss "), r.out());
        assertTrue(r.out().contains("validation loss "), r.out());
        assertTrue(r.out().contains("Test:    loss "), r.out());
        assertTrue(r.out().contains("on 1000 images"), "the whole bars test set, 4 × 250: " + r.out());
        // Not a terminal: a progress line every 2 batches, with images/s and the ETA.
        assertTrue(r.err().contains("epoch 1/1 [") && r.err().contains("img/s  ETA "), r.err());
    }

    @Test
    void smallerImagesAreResizedToTheNetworkInputAndSaidSo() {
        // LeNet-5 takes 32×32×1; the bars are 28×28×1.
        CliTest.Run r = train("lenet5", "--data", "synthetic-bars", "--epochs", "1", "--limit", "128", "--threads", "1");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("the images are 28×28×1 and the network takes 32×32×1: enlarged (bilinear) to 32×32"), r.out());
    }

    @Test
    void divergingRunExitsWithThreeAndTheEnginesMessage() {
        CliTest.Run r = train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "640", "--threads", "1",
                "--lr", "1e6", "--optimizer", "sgd");
        assertEquals(Cli.DIVERGED, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("train: the training diverged: "), r.err());
        assertTrue(r.err().contains("try a smaller --lr (it is 1e+06)"), r.err());
    }

    @Test
    void invalidNetworkExitsWithOneAndNamesTheLayer(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Too big a filter",
                 "nodes": [
                   {"id": "input", "type": "input", "width": 28, "height": 28, "depth": 1},
                   {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 4, "kernel": 31, "stride": 1, "padding": 0},
                   {"id": "flat", "type": "flatten", "inputs": ["conv1"]},
                   {"id": "fc", "type": "fc", "inputs": ["flat"], "units": 4}
                 ]}
                """);
        CliTest.Run r = train(file.toString(), "--data", "synthetic-bars");
        assertEquals(Cli.INVALID_NETWORK, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cannot be trained") && r.err().contains("error at conv1"), r.err());
    }

    @Test
    void tooFewOutputUnitsForTheClassesIsAnInvalidNetwork(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("two.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Two scores",
                 "nodes": [
                   {"id": "input", "type": "input", "width": 28, "height": 28, "depth": 1},
                   {"id": "flat", "type": "flatten", "inputs": ["input"]},
                   {"id": "fc", "type": "fc", "inputs": ["flat"], "units": 2}
                 ]}
                """);
        CliTest.Run r = train(file.toString(), "--data", "synthetic-bars");
        assertEquals(Cli.INVALID_NETWORK, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the data has 4 classes but the network's output fc gives 2 scores"), r.err());
    }

    @Test
    void missingDataFolderExitsWithTwoNamingThePath(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-folder");
        CliTest.Run r = train("lenet-fmnist", "--data", missing.toString());
        assertEquals(Cli.USAGE, r.code());
        assertTrue(r.err().contains(missing + ": no such folder"), r.err());
        assertTrue(r.err().contains("synthetic-bars"), "lists the bundled ids: " + r.err());
    }

    @Test
    void checkpointIsLoadableAndResumeContinues(@TempDir Path dir) throws IOException {
        Path ck = dir.resolve("ck");
        CliTest.Run first = train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "256", "--threads", "1",
                "--checkpoint", ck.toString());
        assertEquals(Cli.OK, first.code(), first.out() + first.err());
        Checkpoint loaded = Checkpoint.load(ck);
        assertEquals(1, loaded.progress().epochsCompleted());
        assertEquals("LeNet (Fashion-MNIST)", loaded.model().spec().name());

        CliTest.Run again = train("--resume", ck.toString(), "--data", "synthetic-bars", "--epochs", "1", "--limit", "256",
                "--threads", "1");
        assertEquals(Cli.USAGE, again.code(), "1 epoch is already done");
        assertTrue(again.err().contains("has already trained 1 epochs; --epochs is the total"), again.err());

        CliTest.Run resumed = train("--resume", ck.toString(), "--data", "synthetic-bars", "--epochs", "2", "--limit", "256",
                "--threads", "1", "--checkpoint", ck.toString());
        assertEquals(Cli.OK, resumed.code(), resumed.out() + resumed.err());
        assertFalse(resumed.out().contains("epoch 1/2 "), "epoch 1 is not trained again: " + resumed.out());
        assertTrue(resumed.out().contains("epoch 2/2  train loss"), resumed.out());
        assertEquals(2, Checkpoint.load(ck).progress().epochsCompleted());
    }

    @Test
    void unreadableCheckpointExitsWithTwo(@TempDir Path dir) {
        CliTest.Run r = train("--resume", dir.toString(), "--data", "synthetic-bars", "--epochs", "2");
        assertEquals(Cli.USAGE, r.code());
        assertTrue(r.err().contains("cannot resume from " + dir) && r.err().contains("training.json is missing"), r.err());
    }

    @Test
    void resumeUsesTheCheckpointsOptimizerAndSaysWhatTheOptionsChange(@TempDir Path dir) throws IOException {
        Path ck = dir.resolve("ck");
        CliTest.Run first = train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "128", "--threads", "1",
                "--optimizer", "adam", "--lr", "0.002", "--seed", "5", "--checkpoint", ck.toString());
        assertEquals(Cli.OK, first.code(), first.out() + first.err());

        // The defaults (momentum, lr 0.01, seed 1) are not the checkpoint's: without options, the checkpoint's are used.
        CliTest.Run plain = train("--resume", ck.toString(), "--data", "synthetic-bars", "--epochs", "2", "--limit", "128",
                "--threads", "1");
        assertEquals(Cli.OK, plain.code(), plain.out() + plain.err());
        assertTrue(plain.out().contains("Resuming: the checkpoint's optimizer settings; seed 5 (the checkpoint's)"), plain.out());
        assertTrue(plain.out().contains("Setup:   2 epochs, batch 64, adam lr 0.002, schedule constant, 1 thread, seed 5"), plain.out());

        CliTest.Run lower = train("--resume", ck.toString(), "--data", "synthetic-bars", "--epochs", "2", "--limit", "128",
                "--threads", "1", "--lr", "0.0005");
        assertEquals(Cli.OK, lower.code(), lower.out() + lower.err());
        assertTrue(lower.out().contains("Resuming: the checkpoint's optimizer settings, changed by the options: learning rate"
                + " 0.002 → 0.0005; seed 5"), lower.out());
        assertTrue(lower.out().contains("adam lr 0.0005"), lower.out());
        assertTrue(lower.out().contains("lr 0.0005\n") || lower.out().contains("lr 0.0005"), "the epoch line shows the rate used");

        assertUsage(": the checkpoint was trained with adam, whose state cannot continue as another optimizer; leave"
                + " --optimizer out (or give adam) to continue it", "--resume", ck.toString(), "--data", "synthetic-bars", "--epochs", "2", "--optimizer", "momentum");
        assertUsage("--seed 9: the checkpoint's run has seed 5", "--resume", ck.toString(), "--data", "synthetic-bars",
                "--epochs", "2", "--seed", "9");
    }

    @Test
    void anotherRunsCheckpointIsNotReplaced(@TempDir Path dir) throws IOException {
        Path ck = dir.resolve("ck");
        assertEquals(Cli.OK, train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "64", "--threads", "1",
                "--checkpoint", ck.toString()).code());
        byte[] before = Files.readAllBytes(ck.resolve(Checkpoint.WEIGHTS));
        CliTest.Run r = train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "64", "--threads", "1",
                "--checkpoint", ck.toString());
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--checkpoint " + ck + " holds a checkpoint of \"LeNet (Fashion-MNIST)\" after 1 epoch; this"
                + " run would replace it. Continue that run with --resume " + ck), r.err());
        assertFalse(r.out().contains("epoch 1/1"), "refused before training");
        assertArrayEquals(before, Files.readAllBytes(ck.resolve(Checkpoint.WEIGHTS)));
    }

    @Test
    void anUnwritableCheckpointFolderIsRefusedBeforeTheFirstEpoch(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        CliTest.Run r = train("lenet-fmnist", "--data", "synthetic-bars", "--epochs", "1", "--limit", "64", "--threads", "1",
                "--checkpoint", file.resolve("ck").toString());
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--checkpoint " + file.resolve("ck") + ": cannot create " + file), r.err());
        assertFalse(r.out().contains("epoch 1/1"), "refused before training: " + r.out());
    }

    @Test
    void anExplodingLossExitsWithThreeNamingTheLayer() {
        CliTest.Run r = train("fmnist-tiny", "--data", "fashion-mnist-subset", "--epochs", "1", "--threads", "1", "--optimizer",
                "adam", "--lr", "100", "--validation-fraction", "0");
        assertEquals(Cli.DIVERGED, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the loss exploded at epoch 1, batch 20: its median over the last 20 batches is"), r.err());
        assertTrue(r.err().matches("(?s).*the weights of \\w+ \\(.*\\) grew most.*"), r.err());
        assertFalse(r.out().contains("Test:"), "no test figure for a diverged run");
    }

    @Test
    void imageFoldersWithDifferentClassesInTrainAndTestSayWhich(@TempDir Path dir) throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(6, 6, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (String part : List.of("train/cat", "train/dog", "test/cat", "test/bird")) {
            Files.createDirectories(dir.resolve(part));
            javax.imageio.ImageIO.write(image, "png", dir.resolve(part).resolve("a.png").toFile());
        }
        CliTest.Run r = train("lenet-fmnist", "--data", dir.toString(), "--epochs", "1");
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the training and test sets must have the same classes: only the training set has [dog],"
                + " only the test set has [bird]; give both the same class sub-folders"), r.err());
    }

    @Test
    void aNetworkTooLargeForTheHeapIsRefusedBeforeItsWeightsExist(@TempDir Path dir) throws IOException {
        // 28·28 → FC 1,000,000: 784 million weights, 3 GB each for the weights, gradients and velocities.
        Path net = dir.resolve("huge.json");
        Files.writeString(net, "{\"format\": \"convas-network\", \"version\": 1, \"name\": \"huge\", \"nodes\": ["
                + "{\"id\": \"input\", \"type\": \"input\", \"width\": 28, \"height\": 28, \"depth\": 1},"
                + "{\"id\": \"fc1\", \"type\": \"fc\", \"inputs\": [\"input\"], \"units\": 1000000},"
                + "{\"id\": \"fc2\", \"type\": \"fc\", \"inputs\": [\"fc1\"], \"units\": 10}]}");
        CliTest.Run r = train(net.toString(), "--data", "synthetic-bars", "--epochs", "1", "--threads", "1");
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("train: training huge at batch 64 needs about "), r.err());
        assertTrue(r.err().contains("of the Java heap is free."), r.err());
    }

    @Test
    void aResumedRunWithAugmentationFollowsTheUninterruptedOne(@TempDir Path dir) {
        // The augmentation draws from the run's seed: a resumption without --seed used to augment with the default seed,
        // so its epochs differed from the uninterrupted run's.
        String[] common = {"--data", "synthetic-bars", "--limit", "128", "--threads", "2", "--batch", "16", "--augment",
                "shift=2,flip,rotate=10"};
        CliTest.Run whole = train(concat(new String[] {"lenet-fmnist", "--epochs", "2", "--seed", "5"}, common));
        assertEquals(Cli.OK, whole.code(), whole.out() + whole.err());
        Path ck = dir.resolve("ck");
        CliTest.Run first = train(concat(new String[] {"lenet-fmnist", "--epochs", "1", "--seed", "5", "--checkpoint", ck.toString()}, common));
        assertEquals(Cli.OK, first.code(), first.out() + first.err());
        CliTest.Run rest = train(concat(new String[] {"--resume", ck.toString(), "--epochs", "2"}, common));
        assertEquals(Cli.OK, rest.code(), rest.out() + rest.err());
        assertEquals(epochLine(whole.out(), 2), epochLine(rest.out(), 2));
        assertEquals(whole.out().lines().filter(l -> l.startsWith("Test:")).map(l -> l.replaceAll("\\(.*", "")).toList(),
                rest.out().lines().filter(l -> l.startsWith("Test:")).map(l -> l.replaceAll("\\(.*", "")).toList());
    }

    /** Epoch {@code e}'s line without its duration. */
    private static String epochLine(String out, int e) {
        return out.lines().filter(l -> l.startsWith("epoch " + e + "/") && l.contains("train loss")).findFirst().orElseThrow()
                .replaceAll("\\d+\\.\\d s ", "");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
