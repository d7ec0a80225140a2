package org.convas.app.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.MemoryEstimate;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.calc.ReceptiveField;
import org.convas.engine.calc.Window;
import org.convas.engine.spec.Shape;

import java.util.Locale;

/**
 * The calculator's report as JSON for scripts ({@code summary --json}). Numbers are exact counts (bytes,
 * values, MACs), shapes are objects {width, height, depth}, unknown values are null. Example, one layer:
 *
 * <pre>{@code
 * {"id": "conv1", "type": "conv2d", "label": "Conv 5×5/1, 6", "inputs": ["input"],
 *  "output": {"width": 28, "height": 28, "depth": 6}, "shapeFormula": "(32 − 5 + 2·0)/1 + 1 = 28",
 *  "weights": 150, "biases": 6, "parameters": 156, "parameterFormula": "(5·5·1 + 1)·6 = 156",
 *  "macs": 117600, "activations": 4704, "memoryBytes": 18816, "inPlace": false, ...}
 * }</pre>
 */
public final class ReportJson {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private ReportJson() {
    }

    public static String toJson(NetworkReport report, int batch) {
        return GSON.toJson(toTree(report, batch));
    }

    public static JsonObject toTree(NetworkReport report, int batch) {
        JsonObject root = new JsonObject();
        root.addProperty("name", report.spec().name());
        root.addProperty("valid", report.isValid());
        JsonArray layers = new JsonArray();
        for (LayerReport l : report.layers()) layers.add(layer(l));
        root.add("layers", layers);

        JsonObject totals = new JsonObject();
        totals.addProperty("weights", report.totalWeights());
        totals.addProperty("biases", report.totalBiases());
        totals.addProperty("parameters", report.totalParameters());
        totals.addProperty("trainableParameters", report.trainableParameters());
        totals.addProperty("macs", report.totalMacs());
        totals.addProperty("activations", report.totalActivations());
        totals.addProperty("forwardBytesPerImage", report.forwardBytesPerImage());
        totals.addProperty("trainingBytesPerImage", report.trainingBytesPerImage());
        totals.addProperty("complete", report.layers().stream().allMatch(LayerReport::isKnown));
        root.add("totals", totals);

        MemoryEstimate m = report.memoryForBatch(batch, SummaryCommand.MOMENTUM_STATE_COPIES);
        JsonObject memory = new JsonObject();
        memory.addProperty("batch", m.batch());
        memory.addProperty("optimizer", "sgd-momentum");
        memory.addProperty("activationBytes", m.activationBytes());
        memory.addProperty("parameterBytes", m.parameterBytes());
        memory.addProperty("gradientBytes", m.gradientBytes());
        memory.addProperty("optimizerBytes", m.optimizerBytes());
        memory.addProperty("totalBytes", m.totalBytes());
        root.add("trainingMemory", memory);

        JsonArray problems = new JsonArray();
        for (Problem p : report.problems()) problems.add(problem(p));
        root.add("problems", problems);
        return root;
    }

    private static JsonObject layer(LayerReport l) {
        JsonObject o = new JsonObject();
        o.addProperty("id", l.id());
        o.addProperty("type", l.node().layer().type());
        o.addProperty("label", l.node().layer().label());
        JsonArray inputs = new JsonArray();
        l.node().inputs().forEach(inputs::add);
        o.add("inputs", inputs);
        JsonArray inputShapes = new JsonArray();
        l.inputShapes().forEach(s -> inputShapes.add(shape(s)));
        o.add("inputShapes", inputShapes);
        o.add("output", shape(l.output()));
        o.addProperty("shapeFormula", l.shapeFormula());
        o.addProperty("weights", l.weights());
        o.addProperty("biases", l.biases());
        o.addProperty("parameters", l.parameters());
        o.addProperty("parameterFormula", l.paramFormula());
        o.addProperty("trainable", l.node().trainable());
        o.addProperty("macs", l.macs());
        o.addProperty("activations", l.activations());
        o.addProperty("memoryBytes", l.memoryBytes());
        o.addProperty("inPlace", l.inPlace());
        o.add("receptiveField", receptiveField(l.receptiveField()));
        o.add("window", window(l.window()));
        JsonArray problems = new JsonArray();
        for (Problem p : l.problems()) problems.add(problem(p));
        o.add("problems", problems);
        return o;
    }

    private static JsonElement shape(Shape s) {
        if (s == null) return JsonNull.INSTANCE;
        JsonObject o = new JsonObject();
        o.addProperty("width", s.width());
        o.addProperty("height", s.height());
        o.addProperty("depth", s.depth());
        return o;
    }

    private static JsonElement receptiveField(ReceptiveField rf) {
        if (rf == null) return JsonNull.INSTANCE;
        JsonObject o = new JsonObject();
        o.addProperty("width", rf.width());
        o.addProperty("height", rf.height());
        o.addProperty("jumpX", rf.jumpX());
        o.addProperty("jumpY", rf.jumpY());
        return o;
    }

    private static JsonElement window(Window w) {
        if (w == null) return JsonNull.INSTANCE;
        JsonObject o = new JsonObject();
        o.addProperty("kernelHeight", w.kernelH());
        o.addProperty("kernelWidth", w.kernelW());
        // "stride" as before for a square stride; strideHeight and strideWidth always, for per-axis strides.
        if (w.squareStride()) o.addProperty("stride", w.strideH());
        o.addProperty("strideHeight", w.strideH());
        o.addProperty("strideWidth", w.strideW());
        o.addProperty("dilation", w.dilation());
        o.addProperty("padTop", w.padTop());
        o.addProperty("padLeft", w.padLeft());
        o.addProperty("padBottom", w.padBottom());
        o.addProperty("padRight", w.padRight());
        return o;
    }

    private static JsonObject problem(Problem p) {
        JsonObject o = new JsonObject();
        o.addProperty("severity", p.severity().name().toLowerCase(Locale.ROOT));
        o.addProperty("node", p.nodeId());
        o.addProperty("field", p.field());
        o.addProperty("rule", p.rule());
        o.addProperty("text", p.text());
        o.addProperty("fix", p.fix());
        // The fixes the calculator verified, one by one (the "fix" text joins them).
        com.google.gson.JsonArray fixes = new com.google.gson.JsonArray();
        p.fixes().forEach(f -> fixes.add(f.description()));
        o.add("fixes", fixes);
        return o;
    }
}
