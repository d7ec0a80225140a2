package org.convas.samples.exchange;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import onnx.Onnx.ModelProto;
import org.convas.engine.exchange.ExchangeException;
import org.convas.engine.exchange.ImportedNetwork;
import org.convas.engine.exchange.OnnxExport;
import org.convas.engine.exchange.OnnxImport;
import org.convas.engine.exchange.PyTorchExport;
import org.convas.engine.exchange.TrainingRecipe;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.Normalisation;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX: export then import gives back the same network (spec, layout, floor mode, frozen blocks) and the same
 * weights, bit for bit, for every preset and the exchange test networks; python3-onnx's checker accepts the
 * exported files and infers the right output shape (the presets up to 30 M parameters: checking AlexNet, ZFNet and
 * the VGGs, 0.25 to 0.6 GB each, took minutes, and their layer types are all in the others); a model exported by PyTorch's own exporter imports and computes
 * what the original computes; what Convas cannot read or write is refused with the node and the reason.
 * ({@link OnnxRuntimeTest} runs the exported files in ONNX Runtime.)
 */
class OnnxExchangeTest {

    /** The exchange networks, changed where ONNX cannot express them (see {@link #refusesWhatOnnxCannotSay}). */
    static List<NetworkSpec> onnxNets() {
        NetworkSpec vectors = ExchangeNets.vectors().without("norm");                 // LRN on a vector
        NetworkSpec awkward = ExchangeNets.awkward().withLayer("forward", new LayerSpec.ReLU()); // softmax over a volume
        Map<String, Position> layout = new LinkedHashMap<>();
        double y = 0;
        for (Node n : awkward.nodes()) layout.put(n.id(), new Position(40, y += 70.5));
        return List.of(ExchangeNets.zoo(), vectors, awkward.withLayout(layout));
    }

    private static List<NetworkSpec> everything() {
        List<NetworkSpec> all = new ArrayList<>();
        for (Preset p : Presets.all()) all.add(p.spec());
        all.addAll(onnxNets());
        return all;
    }

    @Test
    void exportThenImportGivesTheSameNetworkAndWeights() throws Exception {
        for (NetworkSpec spec : everything()) {
            Model model = ExchangeNets.model(spec);
            byte[] bytes = OnnxExport.build(model).toByteArray();
            ImportedNetwork back = OnnxImport.read(ModelProto.parseFrom(bytes), spec.name() + ".onnx", "unnamed");
            assertEquals(spec, back.spec(), spec.name());
            assertEquals(model.tensors().keySet(), back.tensors().keySet(), spec.name());
            for (Map.Entry<String, float[]> e : model.tensors().entrySet()) {
                assertTrue(Arrays.equals(e.getValue(), back.tensors().get(e.getKey())), spec.name() + ": " + e.getKey());
            }
            Model rebuilt = back.toModel();
            assertEquals(model.parameterCount(), rebuilt.parameterCount());
        }
    }

    @Test
    void refusesWhatOnnxCannotSay() throws Exception {
        ExchangeException lrn = assertThrows(ExchangeException.class, () -> OnnxExport.build(ExchangeNets.model(ExchangeNets.vectors())));
        assertTrue(lrn.getMessage().contains("node \"norm\"") && lrn.getMessage().contains("vector"), lrn.getMessage());
        ExchangeException softmax = assertThrows(ExchangeException.class, () -> OnnxExport.build(ExchangeNets.model(ExchangeNets.awkward())));
        assertTrue(softmax.getMessage().contains("node \"forward\"") && softmax.getMessage().contains("4×4×4"), softmax.getMessage());
        NetworkSpec even = ExchangeNets.zoo().withLayer("lrn", new LayerSpec.LocalResponseNorm(4, 1e-4, 0.75, 2));
        ExchangeException evenSize = assertThrows(ExchangeException.class, () -> OnnxExport.build(ExchangeNets.model(even)));
        assertTrue(evenSize.getMessage().contains("even window of 4 channels"), evenSize.getMessage());
    }

    @Test
    void pythonOnnxCheckerAcceptsTheExportedFiles(@TempDir Path tmp) throws Exception {
        Python.assumeOnnx();
        List<String> files = new ArrayList<>();
        Map<String, Integer> classes = new LinkedHashMap<>();
        for (NetworkSpec spec : everything()) {
            Model model = ExchangeNets.model(spec);
            if (model.parameterCount() > 30_000_000) continue; // AlexNet, ZFNet, the VGGs: their layers are checked in the others
            Path file = tmp.resolve(files.size() + ".onnx");
            OnnxExport.write(file, model);
            files.add(file.toString());
            classes.put(file.toString(), model.classes());
        }
        List<String> cmd = new ArrayList<>(List.of(Python.PYTHON.toString(), script("check_onnx.py")));
        cmd.addAll(files);
        Python.Result r = Python.run(tmp, 900, Map.of(), cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
        int checked = 0;
        for (String line : r.output().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            String file = o.get("file").getAsString();
            assertTrue(o.get("ok").getAsBoolean(), file + ": " + line);
            assertEquals(OnnxExport.OPSET, o.get("opset").getAsInt());
            assertEquals("batch", o.getAsJsonArray("output").get(0).getAsString(), line);
            assertEquals((int) classes.get(file), o.getAsJsonArray("output").get(1).getAsInt(), line);
            checked++;
        }
        assertEquals(files.size(), checked, r.output());
    }

    @Test
    void importsWhatPyTorchsOwnExporterWrites(@TempDir Path tmp) throws Exception {
        Python.assumeTorch();
        List<NetworkSpec> nets = List.of(Presets.find("lenet5").orElseThrow().spec(), Presets.find("resnet18").orElseThrow().spec(),
                Presets.find("mobilenet").orElseThrow().spec(), Presets.find("vgglite").orElseThrow().spec(),
                Presets.find("se-resnet-cifar").orElseThrow().spec(), ExchangeNets.strides(),
                ExchangeNets.zoo().without("lrn"), ExchangeNets.zoo());
        TrainingRecipe recipe = new TrainingRecipe(TrainingRecipe.Data.idxFolder("data", "none"), TrainingRecipe.Validation.NONE, 0, 1, 0,
                Normalisation.NONE, Augmentation.none(), TrainingSettings.builder().build());
        List<String> cmd = new ArrayList<>(List.of(Python.PYTHON.toString(), script("torch_to_onnx.py")));
        List<Model> models = new ArrayList<>();
        for (int i = 0; i < nets.size(); i++) {
            Model m = ExchangeNets.model(nets.get(i));
            models.add(m);
            PyTorchExport.write(tmp.resolve("n" + i), nets.get(i), "test", recipe, m);
            cmd.add(tmp.resolve("n" + i).toString());
        }
        Python.Result r = Python.run(tmp, 900, Map.of(), cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < nets.size(); i++) {
            Path file = tmp.resolve("n" + i).resolve("torch.onnx");
            if (i == nets.size() - 1) {
                // PyTorch writes LRN as a chain of primitive operators; the import names the first one it cannot map.
                ExchangeException e = assertThrows(ExchangeException.class, () -> OnnxImport.read(file));
                assertTrue(e.getMessage().contains("is not a layer type Convas has") && e.getMessage().contains("torch.onnx"), e.getMessage());
                report.append("zoo with LRN: refused: ").append(e.getMessage()).append('\n');
                continue;
            }
            Model original = models.get(i);
            Model imported = OnnxImport.read(file).toModel();
            float[] x = ExchangeNets.input(original, 2, 5 + i);
            float[] a = ExchangeNets.forward(original, x, 2)[1], b = ExchangeNets.forward(imported, x, 2)[1];
            double worst = 0;
            for (int k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
            report.append(nets.get(i).name()).append(": ").append(imported.spec().size()).append(" nodes, max |Δp| ").append(worst).append('\n');
            assertTrue(worst < 1e-5, nets.get(i).name() + ": the imported network computes other probabilities\n" + report);
        }
        System.out.print(report);
    }

    static String script(String name) {
        return Python.RUN_EXPORTED.resolveSibling(name).toString();
    }
}
