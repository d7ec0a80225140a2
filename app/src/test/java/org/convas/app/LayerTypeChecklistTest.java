package org.convas.app;

import org.convas.app.designer.LayerFields;
import org.convas.app.designer.Palette;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.exchange.ExchangeException;
import org.convas.engine.exchange.ImportedNetwork;
import org.convas.engine.exchange.OnnxExport;
import org.convas.engine.exchange.OnnxImport;
import org.convas.engine.exchange.PyTorchModelWriter;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one checked list of layer types: every record of the sealed {@link LayerSpec} (found by reflection, so
 * a new type is on the list the moment it is written) must have each part a layer type needs, or this test
 * names the part missing and where it goes (docs/adding-a-layer.md):
 * <ol>
 *   <li>a palette entry with default settings ({@link Palette#ENTRIES}), which the inspector can edit;</li>
 *   <li>a JSON round trip ({@link NetworkJson}) that keeps every setting: each field is changed in turn
 *       and the network written and read back;</li>
 *   <li>a calculator rule: the output shape is known and nothing is reported wrong in a network that fits;</li>
 *   <li>an engine layer ({@link Model}) that computes finite outputs;</li>
 *   <li>a gradient check: the engine's gradients (input and parameters) against central finite differences;</li>
 *   <li>export and import: an ONNX file that reads back as the same network (the block frozen) with the same
 *       weights, bit for bit, and a PyTorch {@code model.py} (whose outputs {@code PyTorchExportTest} compares with
 *       Convas's in PyTorch itself).</li>
 * </ol>
 */
class LayerTypeChecklistTest {

    private static final int BATCH = 2;
    private static final int CLASSES = 3;

    @TestFactory
    Stream<DynamicTest> everyLayerTypeHasEveryPart() {
        List<Class<?>> types = Arrays.asList(LayerSpec.class.getPermittedSubclasses());
        assertTrue(types.size() >= 17, "the sealed interface lists its types: " + types);
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> type : types) {
            String name = type.getSimpleName();
            tests.add(DynamicTest.dynamicTest(name + ": palette entry and inspector", () -> paletteEntry(type)));
            tests.add(DynamicTest.dynamicTest(name + ": JSON round trip of every setting", () -> jsonRoundTrip(sample(type))));
            tests.add(DynamicTest.dynamicTest(name + ": calculator rule", () -> calculator(sample(type))));
            tests.add(DynamicTest.dynamicTest(name + ": engine layer and gradient check", () -> engine(sample(type))));
            tests.add(DynamicTest.dynamicTest(name + ": ONNX and PyTorch export", () -> exchange(sample(type))));
        }
        return tests.stream();
    }

    /** The palette's default instance of a type; the first check, so every other one names it when it is missing. */
    private static LayerSpec sample(Class<?> type) {
        for (Palette.Entry e : Palette.ENTRIES) if (e.layer().getClass() == type) return e.layer();
        fail("LayerSpec." + type.getSimpleName() + " has no palette entry: add one with default settings to Palette.ENTRIES "
                + "(docs/adding-a-layer.md, step 2)");
        return null;
    }

    private static void paletteEntry(Class<?> type) {
        LayerSpec layer = sample(type);
        assertEquals(type, Palette.entryOf(layer).layer().getClass());
        assertTrue(layer.fieldRules().isEmpty(), "the palette's default " + layer + " breaks its own rules: " + layer.fieldRules());
        assertDoesNotThrow(() -> LayerFields.fieldsOf(layer), "the inspector cannot edit " + type.getSimpleName());
        assertFalse(layer.label().isBlank(), type.getSimpleName() + " needs a label for blocks and tables");
        assertTrue(NetworkJson.TYPES.contains(layer.type()), "NetworkJson.TYPES does not list \"" + layer.type() + "\"");
    }

    /** Writes and reads back the network with the default layer, then with each field changed in turn. */
    private static void jsonRoundTrip(LayerSpec layer) throws Exception {
        List<LayerSpec> variants = new ArrayList<>();
        variants.add(layer);
        for (LayerFields.Field f : LayerFields.fieldsOf(layer)) {
            LayerSpec changed = vary(layer, f);
            assertNotNull(changed, "no valid other value for " + layer.type() + "." + f.name() + " to check that it is saved");
            variants.add(changed);
        }
        for (LayerSpec v : variants) {
            NetworkSpec spec = context(v);
            jsonRoundTrip(spec, v);
        }
        // The node-level setting too: a frozen block ("trainable": false) stays frozen.
        jsonRoundTrip(context(layer).withTrainable("x", false), layer);
    }

    private static void jsonRoundTrip(NetworkSpec spec, LayerSpec v) {
        {
            String json;
            try {
                json = NetworkJson.write(spec);
            } catch (IllegalStateException e) {
                throw new AssertionError("NetworkJson cannot write " + v + " (docs/adding-a-layer.md, step 3): " + e.getMessage(), e);
            }
            NetworkSpec back;
            try {
                back = NetworkJson.read(json, "round trip of " + v.type());
            } catch (org.convas.engine.spec.SpecFormatException e) {
                throw new AssertionError("NetworkJson cannot read back what it wrote for " + v + " (docs/adding-a-layer.md, step 3): "
                        + e.getMessage(), e);
            }
            assertEquals(spec, back, "a setting is lost on the way through JSON: " + v + "\n" + json);
        }
    }

    /**
     * The layer's network, its node frozen, exported to ONNX and read back: the same spec and tensors; and a model.py
     * that names the node (frozen in its FROZEN list when it has parameters).
     */
    private static void exchange(LayerSpec layer) throws Exception {
        NetworkSpec spec = context(layer).withTrainable("x", false);
        Model model = Model.create(spec, Initializer.XAVIER, 7);
        ImportedNetwork back;
        try {
            back = OnnxImport.read(OnnxExport.build(model), "checklist.onnx", "checklist");
        } catch (ExchangeException e) {
            throw new AssertionError("no ONNX mapping for " + layer.type() + " (docs/adding-a-layer.md, step 6): " + e.getMessage(), e);
        }
        assertEquals(spec, back.spec(), "the network changes on its way through ONNX: " + layer);
        assertEquals(model.tensors().keySet(), back.tensors().keySet(), layer.type());
        for (var e : model.tensors().entrySet()) {
            assertTrue(Arrays.equals(e.getValue(), back.tensors().get(e.getKey())), layer.type() + ": " + e.getKey() + " changes through ONNX");
        }
        String py;
        try {
            py = PyTorchModelWriter.write(spec, "the layer-type checklist");
        } catch (ExchangeException e) {
            throw new AssertionError("no PyTorch mapping for " + layer.type() + " (docs/adding-a-layer.md, step 6): " + e.getMessage(), e);
        }
        assertTrue(py.contains("class "), py);
        if (Calculator.analyze(spec).layer("x").parameters() > 0) {
            // The only block with parameters frozen: model.py's FROZEN list is not empty (the Python name may differ from "x").
            assertTrue(py.lines().anyMatch(l -> l.strip().startsWith("FROZEN = [") && !l.strip().equals("FROZEN = []")),
                    "model.py does not freeze node x:\n" + py);
        }
    }

    /** Another valid value for one field: a number moved, a switch flipped, other padding. */
    private static LayerSpec vary(LayerSpec layer, LayerFields.Field f) {
        List<String> candidates = switch (f.kind()) {
            case INTEGER -> List.of(Integer.toString(Integer.parseInt(f.text()) + 1), Integer.toString(Integer.parseInt(f.text()) - 1),
                    Integer.toString(Integer.parseInt(f.text()) * 2));
            case DECIMAL -> List.of(Double.toString(Double.parseDouble(f.text()) * 0.5), Double.toString(Double.parseDouble(f.text()) + 0.25),
                    "0.3");
            case BOOLEAN -> List.of(Boolean.toString(!Boolean.parseBoolean(f.text())));
            case PADDING -> List.of("2", "1×2", "same", "valid");
            case KERNEL -> List.of("2×3", "5");
        };
        for (String c : candidates) {
            try {
                LayerSpec v = LayerFields.with(layer, f.name(), c);
                if (!v.equals(layer) && v.fieldRules().isEmpty()) return v;
            } catch (IllegalArgumentException e) {
                // try the next value
            }
        }
        return null;
    }

    private static void calculator(LayerSpec layer) {
        NetworkSpec spec = context(layer);
        NetworkReport r;
        try {
            r = Calculator.analyze(spec);
        } catch (IllegalStateException e) {
            throw new AssertionError("the calculator has no rule for " + layer.type() + " (docs/adding-a-layer.md, step 4): " + e.getMessage(), e);
        }
        assertTrue(r.errors().isEmpty(), "the calculator finds errors in a network that fits: " + r.errors());
        LayerReport l = r.layer("x");
        assertTrue(l.isKnown(), "no output shape for " + layer);
        assertFalse(l.shapeFormula().isBlank(), "no formula for " + layer);
    }

    /** Builds the model, checks the forward pass is finite, and the gradients against finite differences. */
    private static void engine(LayerSpec layer) {
        NetworkSpec spec = context(layer);
        Model model;
        try {
            model = Model.create(spec, Initializer.XAVIER, 7);
        } catch (RuntimeException e) {
            throw new AssertionError("no engine layer for " + layer.type() + " (docs/adding-a-layer.md, step 5): " + e.getMessage(), e);
        }
        SplittableRandom r = new SplittableRandom(11);
        for (Parameter p : model.parameters()) {
            if (p.kind() != Parameter.Kind.WEIGHT) for (int i = 0; i < p.size(); i++) p.value()[i] += (float) (r.nextDouble() - 0.5) * 0.4f;
        }
        int in = Math.toIntExact(model.inputShape().size());
        float[] x = new float[BATCH * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) y[i] = r.nextInt(CLASSES);
        ModelWorker ex = model.newWorker(BATCH, false);
        ex.computeInputGradient(true);
        ex.zeroParameterGradients();
        ex.forward(x, 0, BATCH, true, 5);
        double loss = ex.loss(y, 0, BATCH, 1f, true);
        assertTrue(Double.isFinite(loss), layer.type() + " gives a non-finite loss");
        ex.backward();
        compare(layer + ": input", ex.inputGradient().clone(), x, ex, x, y);
        for (Parameter p : model.parameters()) compare(layer + ": " + p.name(), p.grad().clone(), p.value(), ex, x, y);
    }

    /**
     * Central differences of the loss, as in GradientCheckTest: h = 2e−3 (the engine computes in float),
     * ‖analytic − numeric‖ ≤ 2e−2·‖numeric‖ + 1e−4·√n, points on a kink (one-sided quotients disagree) skipped.
     */
    private static void compare(String name, float[] analytic, float[] values, ModelWorker ex, float[] x, int[] y) {
        int n = values.length;
        int stride = Math.max(1, n / 30);
        double errSq = 0, numSq = 0;
        int count = 0, kinks = 0;
        float h = 2e-3f;
        for (int i = 0; i < n; i += stride) {
            float keep = values[i];
            ex.forward(x, 0, BATCH, true, 5);
            double centre = ex.loss(y, 0, BATCH, 1f, false);
            values[i] = keep + h;
            ex.forward(x, 0, BATCH, true, 5);
            double plus = ex.loss(y, 0, BATCH, 1f, false);
            values[i] = keep - h;
            ex.forward(x, 0, BATCH, true, 5);
            double minus = ex.loss(y, 0, BATCH, 1f, false);
            values[i] = keep;
            double right = (plus - centre) / h, left = (centre - minus) / h;
            if (Math.abs(right - left) > 0.2 * (Math.abs(right) + Math.abs(left)) + 1e-2) {
                kinks++;
                continue;
            }
            double numeric = (plus - minus) / (2.0 * h);
            errSq += (analytic[i] - numeric) * (analytic[i] - numeric);
            numSq += numeric * numeric;
            count++;
        }
        assertTrue(kinks * 5 <= count + kinks, name + ": " + kinks + " of " + (count + kinks) + " points sit on a kink");
        double err = Math.sqrt(errSq), norm = Math.sqrt(numSq);
        assertTrue(norm > 1e-6, name + ": the gradient is zero, the check would prove nothing");
        assertTrue(err <= 2e-2 * norm + 1e-4 * Math.sqrt(count), name + ": error " + err + " vs norm " + norm);
    }

    /**
     * A small trainable network around the layer, node "x": an Input (or the layer itself when it is one),
     * two branches for a merge, and an FC to 3 classes with a Softmax after it (or the layer itself when it
     * is the Softmax). Spatial layers see 6×6×4.
     */
    private static NetworkSpec context(LayerSpec layer) {
        NetworkSpec.Builder b = NetworkSpec.builder("checklist " + layer.type());
        if (layer instanceof LayerSpec.Input) {
            b.add("x", new LayerSpec.Input(6, 6, 2));
        } else {
            b.input(6, 6, 4);
            if (layer instanceof LayerSpec.ChannelScale) {
                // The maps and one weight per channel: a Squeeze-and-Excitation branch in small.
                b.add("a", LayerSpec.Conv2D.of(4, 3, 1, 1), "input");
                b.add("g", new LayerSpec.GlobalAvgPool(), "a");
                b.add("s", new LayerSpec.Sigmoid(), "g");
                b.add("x", layer, "a", "s");
            } else if (layer.arity() == LayerSpec.Arity.MANY) {
                b.add("a", LayerSpec.Conv2D.of(4, 3, 1, 1), "input");
                b.add("b", LayerSpec.Conv2D.of(4, 1, 1, 0), "input");
                b.add("x", layer, "a", "b");
            } else if (layer instanceof LayerSpec.Softmax) {
                b.add("fc", LayerSpec.FullyConnected.of(CLASSES));
                b.add("x", layer);
                return b.build();
            } else {
                b.add("x", layer);
            }
        }
        b.add("fc", LayerSpec.FullyConnected.of(CLASSES));
        b.add("softmax", new LayerSpec.Softmax());
        return b.build();
    }
}
