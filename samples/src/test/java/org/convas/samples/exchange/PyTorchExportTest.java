package org.convas.samples.exchange;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.Normalisation;
import org.convas.engine.exchange.PyTorchExport;
import org.convas.engine.exchange.TrainingRecipe;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exported model.py computes what Convas computes: every preset and the exchange test networks are exported,
 * run by PyTorch (Debian's python3-torch) on the same weights and inputs as Convas's evaluation forward pass, and
 * the outputs compared.
 *
 * <p>Tolerance: |Δ logit| ≤ 1e-4 · max(1, max |logit|) and |Δ probability| ≤ 1e-5. Both sides compute in float32
 * and sum in different orders, so the last bits differ; a wrong padding, window, layout or mapping moves the logits
 * by far more than this (a padding off by one row changes them at the first decimal).
 *
 * <p>Each network gets a weights.pt written by Convas ({@link ExchangeNets#formulaWeights}: every tensor, BatchNorm's
 * running statistics included, away from its initial value) and loaded by model.py with {@code load_state_dict}
 * (strict). The presets over 30 M parameters (AlexNet, ZFNet, the VGGs) run one image, and PyTorch's probabilities
 * are the softmax of its logits there, to save a second forward pass; the others run two images through
 * {@code forward} and {@code probabilities}.
 */
class PyTorchExportTest {

    private static final long BIG = 30_000_000;

    private static TrainingRecipe recipe() {
        return new TrainingRecipe(TrainingRecipe.Data.idxFolder("/usr/share/datasets/fashion-mnist", "Fashion-MNIST"),
                TrainingRecipe.Validation.HOLDOUT, 0.1, 1, 0, Normalisation.PER_CHANNEL, Augmentation.none(),
                TrainingSettings.builder().epochs(1).batchSize(8).build());
    }

    private record Job(String name, Path dir, Model model, int count, float[][] convas) {
    }

    @Test
    void everyPresetAndTheTestNetworksMatchConvasForwardPass(@TempDir Path tmp) throws Exception {
        Python.assumeTorch();
        List<NetworkSpec> specs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Preset p : Presets.all()) {
            specs.add(p.spec());
            names.add(p.key());
        }
        for (NetworkSpec s : ExchangeNets.all()) {
            specs.add(s);
            names.add(s.name().replaceAll("[^a-z]", ""));
        }
        JsonArray jobs = new JsonArray();
        List<Job> done = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            NetworkSpec spec = specs.get(k);
            Path dir = tmp.resolve(names.get(k));
            long t0 = System.nanoTime();
            Model model = ExchangeNets.model(spec);
            boolean big = model.parameterCount() > BIG;
            PyTorchExport.write(dir, spec, names.get(k), recipe(), model);
            int count = big ? 1 : 2;
            float[] x = ExchangeNets.input(model, count, 11 + k);
            ExchangeNets.writeFloats(dir.resolve("input.bin"), x);
            long t1 = System.nanoTime();
            float[][] convas = ExchangeNets.forward(model, x, count);
            System.out.printf("%s: export %.1f s, forward %.1f s%n", names.get(k), (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
            JsonObject job = new JsonObject();
            job.addProperty("dir", dir.toString());
            job.addProperty("input", "input.bin");
            job.addProperty("count", count);
            job.addProperty("weights", PyTorchExport.WEIGHTS);
            job.addProperty("probabilities", !big);
            job.addProperty("out", "torch.bin");
            jobs.add(job);
            done.add(new Job(names.get(k), dir, null, count, convas));
            model = null; // the big ones hold hundreds of megabytes
        }
        Path jobFile = tmp.resolve("jobs.json");
        Files.writeString(jobFile, jobs.toString());
        long tp = System.nanoTime();
        Python.Result r = Python.run(tmp, 900, Map.of(), Python.PYTHON.toString(), Python.RUN_EXPORTED.toString(), jobFile.toString());
        assertEquals(0, r.exit(), r.output());
        System.out.printf("python %.1f s%n", (System.nanoTime() - tp) / 1e9);

        StringBuilder report = new StringBuilder();
        for (Job j : done) {
            float[] torch = ExchangeNets.readFloats(j.dir().resolve("torch.bin"));
            float[] logits = j.convas()[0], probs = j.convas()[1];
            assertEquals(logits.length + probs.length, torch.length, j.name());
            double scale = 1, dLogit = 0, dProb = 0;
            for (float v : logits) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < logits.length; i++) dLogit = Math.max(dLogit, Math.abs(logits[i] - torch[i]));
            for (int i = 0; i < probs.length; i++) dProb = Math.max(dProb, Math.abs(probs[i] - torch[logits.length + i]));
            report.append(String.format(java.util.Locale.ROOT, "%s: max |Δlogit| %.2e (logit scale %.1f), max |Δp| %.2e%n",
                    j.name(), dLogit, scale, dProb));
            if (dLogit > 1e-4 * scale || dProb > 1e-5) fail("model.py of " + j.name() + " differs from Convas:\n" + report);
        }
        System.out.print(report);
        assertTrue(r.output().contains("lenet5"), r.output());
    }
}
