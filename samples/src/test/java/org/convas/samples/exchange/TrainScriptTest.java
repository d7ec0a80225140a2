package org.convas.samples.exchange;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.data.Split;
import org.convas.engine.exchange.PyTorchExport;
import org.convas.engine.exchange.PyTorchImport;
import org.convas.engine.exchange.TrainingRecipe;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.Presets;
import org.convas.samples.data.FashionMnistSubset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported train.py trains, and trains on what Convas would train on: the same validation holdout and
 * normalisation statistics, the same augmented and normalised images; its loss falls in one process and under
 * {@code torchrun --nproc_per_node=2} (gloo, CPU); and the weights.pt it writes comes back into Convas without Python.
 * A short run: 40 batches of 32 of the bundled Fashion-MNIST subset.
 */
class TrainScriptTest {

    @TempDir
    static Path dir;
    static NetworkSpec spec;
    static TrainingRecipe recipe;
    static DatasetPair data;

    @BeforeAll
    static void export() throws Exception {
        spec = Presets.find("fmnist-tiny").orElseThrow().spec().withTrainable("conv1", false);
        data = FashionMnistSubset.load();
        recipe = new TrainingRecipe(TrainingRecipe.Data.copied(data, "Fashion-MNIST (bundled subset)"),
                TrainingRecipe.Validation.HOLDOUT, 0.1, 7, 0, Normalisation.PER_CHANNEL,
                Augmentation.builder().seed(7).shift(2).horizontalFlip(true).rotation(10).scale(0.9, 1.1).build(),
                TrainingSettings.builder().epochs(1).batchSize(32).seed(7).optimizer(OptimizerSettings.adam(0.003)).build());
        PyTorchExport.write(dir, spec, "preset fmnist-tiny", recipe, Model.create(spec, Initializer.HE, 7));
    }

    private static Python.Result python(String... args) throws IOException {
        String[] cmd = new String[args.length + 2];
        cmd[0] = Python.PYTHON.toString();
        cmd[1] = dir.resolve(PyTorchExport.TRAIN).toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        return Python.run(dir, 600, Map.of(), cmd);
    }

    @Test
    void holdsOutTheSameValidationImagesAndNormalisesWithTheSameStatistics() throws Exception {
        Python.assumeTorch();
        Python.Result r = python("--print-data");
        assertEquals(0, r.exit(), r.output());
        JsonObject printed = JsonParser.parseString(r.output().lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
        Split split = Split.holdout(data.train(), 0.1, 7);
        FittedPreprocessing fitted = Preprocessing.builder(Presets.find("fmnist-tiny").orElseThrow().spec().inputs().isEmpty()
                ? null : org.convas.engine.spec.Shape.of(28, 28, 1)).normalisation(Normalisation.PER_CHANNEL).build().fit(split.train());
        assertEquals(split.train().size(), printed.get("train").getAsInt());
        assertEquals(split.validation().size(), printed.get("validation").getAsInt());
        assertEquals(data.test().size(), printed.get("test").getAsInt());
        // The held-out indices, in the order Split.holdout finds them.
        int[] expected = heldOut(split);
        JsonArray got = printed.getAsJsonArray("validation_indices");
        for (int i = 0; i < got.size(); i++) assertEquals(expected[i], got.get(i).getAsInt(), "held-out image " + i);
        assertEquals(fitted.statistics().channelMean()[0], printed.getAsJsonArray("mean").get(0).getAsFloat(), 1e-6);
        assertEquals(fitted.statistics().channelStd()[0], printed.getAsJsonArray("std").get(0).getAsFloat(), 1e-6);
    }

    @Test
    void aSourceWithoutATestPartHoldsOutTheSameTestImagesAsConvas(@TempDir Path other) throws Exception {
        Python.assumeTorch();
        // One IDX file pair, no t10k part: Convas's DataSource holds out 20 % of each class as the test set
        // (Split.holdout with the seed mixed with 0x7E57), then the validation images from the rest.
        Path images = dir.resolve("data").resolve("train-images-idx3-ubyte.gz");
        Path labels = dir.resolve("data").resolve("train-labels-idx1-ubyte.gz");
        assertTrue(Files.isRegularFile(images) && Files.isRegularFile(labels), "the bundled set copied by the export");
        long seed = 5;
        TrainingRecipe oneFile = new TrainingRecipe(new TrainingRecipe.Data("idx-file", images.toString(), labels.toString(),
                java.util.List.of(), null, seed, 0.2, "IDX train-images-idx3-ubyte.gz", null), TrainingRecipe.Validation.HOLDOUT, 0.1,
                seed, 0, Normalisation.PER_CHANNEL, Augmentation.none(), recipe.settings());
        PyTorchExport.write(other, spec, "preset fmnist-tiny", oneFile, null);
        Python.Result r = Python.run(other, 600, Map.of(), Python.PYTHON.toString(), other.resolve(PyTorchExport.TRAIN).toString(),
                "--print-data");
        assertEquals(0, r.exit(), r.output());
        JsonObject printed = JsonParser.parseString(r.output().lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
        Split test = Split.holdout(data.train(), 0.2, seed ^ 0x7E57L);
        Split validation = Split.holdout(test.train(), 0.1, seed);
        assertEquals(test.validation().size(), printed.get("test").getAsInt());
        assertEquals(validation.validation().size(), printed.get("validation").getAsInt());
        assertEquals(validation.train().size(), printed.get("train").getAsInt());
        java.util.Set<String> held = new java.util.HashSet<>();
        for (int i = 0; i < validation.validation().size(); i++) held.add(validation.validation().name(i));
        JsonArray got = printed.getAsJsonArray("validation_indices");
        int k = 0;
        for (int i = 0; i < test.train().size() && k < got.size(); i++) {
            if (held.contains(test.train().name(i))) assertEquals(i, got.get(k++).getAsInt(), "held-out image " + k);
        }
        assertEquals(got.size(), k);
    }

    /** Indices of the validation images within the full training set (Split keeps them in file order). */
    private static int[] heldOut(Split split) {
        java.util.Set<String> val = new java.util.HashSet<>();
        for (int i = 0; i < split.validation().size(); i++) val.add(split.validation().name(i));
        int[] out = new int[split.validation().size()];
        int k = 0;
        for (int i = 0; i < data.train().size(); i++) if (val.contains(data.train().name(i))) out[k++] = i;
        return out;
    }

    @Test
    void augmentsAndNormalisesTheFirstBatchAsConvasDoes() throws Exception {
        Python.assumeTorch();
        Path dump = dir.resolve("inputs.bin");
        Python.Result r = python("--dump-inputs", dump.toString());
        assertEquals(0, r.exit(), r.output());
        float[] torch = ExchangeNets.readFloats(dump);

        Split split = Split.holdout(data.train(), 0.1, 7);
        FittedPreprocessing fitted = Preprocessing.builder(org.convas.engine.spec.Shape.of(28, 28, 1))
                .normalisation(Normalisation.PER_CHANNEL).build().fit(split.train());
        DatasetBatchSource source = DatasetBatchSource.training(fitted.train(), recipe.augmentation());
        Iterator<org.convas.engine.train.Batch> batches = source.epoch(16, 7, 0, false);
        float[] convas = batches.next().x();
        ((AutoCloseable) batches).close();
        assertEquals(16 * 28 * 28, torch.length);
        double worst = 0;
        for (int i = 0; i < torch.length; i++) worst = Math.max(worst, Math.abs(torch[i] - convas[i]));
        // Bilinear sampling sums in another order in grid_sample: a few float32 ulps of values up to ~3.
        assertTrue(worst < 1e-4, "largest difference " + worst);
    }

    @Test
    void lossFallsOnOneProcessAndUnderTorchrunWithTwoAndTheWeightsComeBack() throws Exception {
        Python.assumeTorch();
        Python.Result one = python("--max-batches", "40", "--out", dir.resolve("one.pt").toString(),
                "--checkpoint", dir.resolve("ck1").toString(), "--device", "cpu");
        assertEquals(0, one.exit(), one.output());
        assertLossFalls(one.output());
        assertTrue(Files.isRegularFile(dir.resolve("ck1").resolve("last.pt")), one.output());

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // --redirects 1 --tee 1: Debian's torchrun (torch 1.13 on Python 3.11) cannot parse its own default "0", see README.
        Python.Result two = Python.run(dir, 600, Map.of("OMP_NUM_THREADS", "1"), Python.TORCHRUN.toString(), "--nproc_per_node=2",
                "--redirects", "1", "--tee", "1", "--master_port=" + port, dir.resolve(PyTorchExport.TRAIN).toString(), "--max-batches", "40", "--init",
                dir.resolve(PyTorchExport.WEIGHTS).toString(),
                "--out", dir.resolve("two.pt").toString(), "--checkpoint", dir.resolve("ck2").toString(), "--device", "cpu");
        assertEquals(0, two.exit(), two.output());
        assertLossFalls(two.output());

        // Back into Convas, from the file torch.save wrote, without Python.
        Model trained = PyTorchImport.read(dir.resolve("two.pt"), null);
        assertEquals(spec, trained.spec());
        Model initial = Model.create(spec, Initializer.HE, 7);
        assertArrayEquals(initial.tensor("conv1.weight"), trained.tensor("conv1.weight"), "conv1 is frozen: train.py must leave it");
        assertNotEquals(initial.tensor("fc.weight")[0], trained.tensor("fc.weight")[0]);
        // Convas computes the test figures train.py printed, from the same weights and the same preprocessing.
        Matcher test = Pattern.compile("Test:  loss ([0-9.]+), accuracy ([0-9.]+)%").matcher(two.output());
        assertTrue(test.find(), two.output());
        Split split = Split.holdout(data.train(), 0.1, 7);
        FittedPreprocessing fitted = Preprocessing.builder(org.convas.engine.spec.Shape.of(28, 28, 1))
                .normalisation(Normalisation.PER_CHANNEL).build().fit(split.train());
        org.convas.engine.train.Evaluation.Result r = org.convas.engine.train.Evaluation.evaluate(trained,
                DatasetBatchSource.evaluation(fitted.apply(data.test())), 256, 2);
        assertEquals(Double.parseDouble(test.group(1)), r.loss(), 1e-4, two.output());
        assertEquals(Double.parseDouble(test.group(2)), 100 * r.accuracy(), 0.0051, two.output());
        // The checkpoint (a dict with the state_dict under "model") reads too.
        Model fromCheckpoint = PyTorchImport.read(dir.resolve("ck2").resolve("last.pt"), spec);
        assertArrayEquals(trained.tensor("fc.weight"), fromCheckpoint.tensor("fc.weight"));
    }

    private static void assertLossFalls(String output) {
        Matcher m = Pattern.compile("first (\\d+) batches ([0-9.]+), last \\d+ ([0-9.]+)").matcher(output);
        assertTrue(m.find(), output);
        double first = Double.parseDouble(m.group(2)), last = Double.parseDouble(m.group(3));
        assertTrue(last < 0.8 * first, "the loss did not fall: first batches " + first + ", last " + last + "\n" + output);
    }
}
