package org.convas.app.cli;

import org.convas.engine.exchange.PyTorchImport;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.Checkpoint;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.convas.app.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code export}, {@code import} and {@code train --weights}: the files they write, and their messages for bad input. */
class ExchangeCommandsTest {

    @Test
    void exportsAPyTorchFolderWithTheTrainingSettings(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("lenet");
        CliTest.Run r = run("export", "lenet5", "--out", out.toString(), "--epochs", "3", "--batch", "128", "--optimizer", "adam",
                "--lr", "0.002", "--augment", "shift=2,flip", "--seed", "9");
        assertEquals(Cli.OK, r.code(), r.err());
        for (String f : new String[] {"model.py", "train.py", "network.json", "README.md", "data/train-images-idx3-ubyte.gz",
                "data/t10k-labels-idx1-ubyte.gz"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + "\n" + r.out());
        }
        assertFalse(Files.exists(out.resolve("weights.pt")), "no --weights, no weights.pt");
        String train = Files.readString(out.resolve("train.py"));
        for (String s : new String[] {"\"epochs\": 3", "\"batch\": 128", "\"kind\": \"adam\"", "\"lr\": 0.002", "\"shift\": 2", "\"flip\": true",
                "\"seed\": 9", "\"validation_fraction\": 0.1"}) {
            assertTrue(train.contains(s), s);
        }
        String model = Files.readString(out.resolve("model.py"));
        assertTrue(model.contains("self.conv1 = nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=0)"), model);
        assertEquals(Presets.lenet5(), NetworkJson.read(out.resolve("network.json")));
        assertTrue(r.out().contains("(the default; choose with --data)"), r.out());
    }

    @Test
    void onnxExportImportsBackAsACheckpointTheTrainerStartsFrom(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("tiny.onnx");
        CliTest.Run e = run("export", "fmnist-tiny", "--out", onnx.toString(), "--seed", "4");
        assertEquals(Cli.OK, e.code(), e.err());
        assertTrue(e.out().contains("freshly initialised"), e.out());

        CliTest.Run s = run("summary", onnx.toString());
        assertEquals(Cli.OK, s.code(), s.err());
        assertTrue(s.out().contains("Total parameters:         9,098"), s.out());

        Path ck = dir.resolve("ck");
        CliTest.Run i = run("import", onnx.toString(), "--freeze", "conv1", "--out", ck.toString());
        assertEquals(Cli.OK, i.code(), i.err());
        assertTrue(i.out().contains("trainable 9,018 (frozen 80)"), i.out());
        assertTrue(Files.isRegularFile(ck.resolve(Checkpoint.PROGRESS)), i.out());
        NetworkSpec imported = NetworkJson.read(ck.resolve(Checkpoint.NETWORK));
        assertFalse(imported.node("conv1").trainable());

        float[] before = Checkpoint.loadModel(ck).tensor("conv1.weight");
        CliTest.Run t = run("train", ck.resolve(Checkpoint.NETWORK).toString(), "--weights", ck.toString(), "--data", "synthetic-bars",
                "--epochs", "1", "--limit", "128", "--batch", "32", "--threads", "1", "--checkpoint", dir.resolve("after").toString());
        assertEquals(Cli.OK, t.code(), t.err() + t.out());
        assertTrue(t.out().contains("starting from the weights in"), t.out());
        assertArrayEquals(before, Checkpoint.loadModel(dir.resolve("after")).tensor("conv1.weight"), "the frozen conv1 changed");
    }

    @Test
    void badOptionsAndFilesGetMessagesThatNameThem(@TempDir Path dir) throws Exception {
        CliTest.Run noOut = run("export", "lenet5");
        assertEquals(Cli.USAGE, noOut.code());
        assertTrue(noOut.err().contains("--out is required"), noOut.err());
        CliTest.Run format = run("export", "lenet5", "--out", dir.toString(), "--format", "tflite");
        assertEquals(Cli.USAGE, format.code());
        assertTrue(format.err().contains("--format must be pytorch or onnx"), format.err());
        CliTest.Run lr = run("export", "lenet5", "--out", dir.resolve("x").toString(), "--lr", "-1");
        assertEquals(Cli.USAGE, lr.code());
        assertTrue(lr.err().startsWith("export: --lr"), lr.err());

        Path junk = Files.writeString(dir.resolve("model.onnx"), "not protobuf at all \u00ff");
        CliTest.Run bad = run("import", junk.toString());
        assertEquals(Cli.INVALID_NETWORK, bad.code(), bad.out());
        assertTrue(bad.err().contains("model.onnx: not an ONNX model"), bad.err());

        Path pt = dir.resolve("lonely").resolve("w.pt");
        Files.createDirectories(pt.getParent());
        org.convas.engine.exchange.TorchArchive.write(pt, java.util.Map.of());
        CliTest.Run lonely = run("import", pt.toString());
        assertEquals(Cli.INVALID_NETWORK, lonely.code());
        assertTrue(lonely.err().contains("no network.json beside it") && lonely.err().contains("--network"), lonely.err());

        Path onnx = dir.resolve("t.onnx");
        assertEquals(Cli.OK, run("export", "fmnist-tiny", "--out", onnx.toString()).code());
        CliTest.Run freeze = run("import", onnx.toString(), "--freeze", "conv9");
        assertEquals(Cli.USAGE, freeze.code());
        assertTrue(freeze.err().contains("--freeze conv9: the network has no node \"conv9\""), freeze.err());

        CliTest.Run wrongWeights = run("train", "lenet5", "--weights", onnx.toString(), "--data", "synthetic-bars", "--epochs", "1");
        assertEquals(Cli.USAGE, wrongWeights.code());
        assertTrue(wrongWeights.err().contains("--weights " + onnx), wrongWeights.err());
    }

    @Test
    void pytorchWeightsOfAnExportComeBackWithTheirNetwork(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        assertEquals(Cli.OK, run("import", writeOnnx(dir), "--out", ck.toString()).code());
        Path out = dir.resolve("py");
        CliTest.Run e = run("export", ck.resolve(Checkpoint.NETWORK).toString(), "--weights", ck.toString(), "--out", out.toString());
        assertEquals(Cli.OK, e.code(), e.err());
        assertTrue(Files.isRegularFile(out.resolve("weights.pt")));
        CliTest.Run i = run("import", out.resolve("weights.pt").toString());
        assertEquals(Cli.OK, i.code(), i.err());
        assertArrayEquals(Checkpoint.loadModel(ck).tensor("fc.weight"), PyTorchImport.read(out.resolve("weights.pt"), null).tensor("fc.weight"));
    }

    private static String writeOnnx(Path dir) {
        Path onnx = dir.resolve("m.onnx");
        assertEquals(Cli.OK, run("export", "fmnist-tiny", "--out", onnx.toString()).code());
        return onnx.toString();
    }
}
