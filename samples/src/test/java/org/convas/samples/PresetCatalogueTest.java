package org.convas.samples;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.SpecFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What holds for every preset: valid, ends in Softmax, survives JSON, can be found, agrees with PyTorch. */
class PresetCatalogueTest {

    static List<Preset> presets() {
        return Presets.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void calculatorFindsNoErrorsAndNoWarnings(Preset preset) {
        NetworkReport r = Calculator.analyze(preset.spec());
        assertTrue(r.problems().isEmpty(), () -> preset.key() + ": " + r.problems());
        assertTrue(r.layers().stream().allMatch(l -> l.isKnown()), preset.key());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void networkHasOneInputAndEndsInItsOnlySoftmax(Preset preset) {
        NetworkSpec spec = preset.spec();
        assertEquals(1, spec.inputs().size());
        List<Node> outputs = spec.outputs();
        assertEquals(1, outputs.size(), preset.key());
        assertInstanceOf(LayerSpec.Softmax.class, outputs.get(0).layer(), preset.key());
        assertEquals(1, spec.nodes().stream().filter(n -> n.layer() instanceof LayerSpec.Softmax).count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void jsonRoundTripIsLossless(Preset preset, @TempDir Path dir) throws IOException, SpecFormatException {
        NetworkSpec spec = preset.spec();
        assertEquals(spec, NetworkJson.read(NetworkJson.write(spec), preset.key()));
        Path file = dir.resolve(preset.key() + ".json");
        NetworkJson.write(spec, file);
        NetworkSpec back = NetworkJson.read(file);
        assertEquals(spec, back);
        assertEquals(Calculator.analyze(spec).totalParameters(), Calculator.analyze(back).totalParameters());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void findWorksOnKeyAndTitleInAnyCase(Preset preset) {
        assertSame(preset, Presets.find(preset.key()).orElseThrow());
        assertSame(preset, Presets.find(preset.title()).orElseThrow());
        assertSame(preset, Presets.find(preset.title().toUpperCase(Locale.ROOT)).orElseThrow());
        assertSame(preset, Presets.find(preset.key().replace("-", "_")).orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void descriptionIsOneSentenceNamingTheSource(Preset preset) {
        String d = preset.description();
        assertTrue(d.endsWith("."), d);
        assertTrue(d.matches(".*\\b(19|20)\\d\\d\\b.*"), () -> preset.key() + " names no year: " + d);
        assertFalse(preset.title().isBlank());
        assertEquals(preset.title(), preset.spec().name());
    }

    @Test
    void keysAndTitlesNeverCollide() {
        Set<String> seen = new HashSet<>();
        for (Preset p : Presets.all()) {
            String key = p.key().replace("-", "").toLowerCase(Locale.ROOT);
            String title = p.title().replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
            assertTrue(seen.add(key), key);
            if (!title.equals(key)) assertTrue(seen.add(title), title);
        }
    }

    @Test
    void defaultIsLeNet5AndUnknownNamesFindNothing() {
        assertEquals("LeNet-5", Presets.find(Presets.DEFAULT).orElseThrow().title());
        assertTrue(Presets.find("lenet-6").isEmpty());
        assertTrue(Presets.find("").isEmpty());
        assertEquals(17, Presets.all().size());
    }

    @Test
    void eachCallBuildsAnEqualSpec() {
        for (Preset p : Presets.all()) assertEquals(p.spec(), p.spec());
    }

    /**
     * PyTorch computed the same parameter and multiply-add counts (samples/src/test/python/preset_reference.py,
     * torch 1.13 and torchvision 0.14; its output is the resource preset_reference.txt).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void parametersAndMultiplyAddsMatchPyTorch(Preset preset) throws IOException {
        long[] reference = pytorchReference().get(preset.key());
        assertNotNull(reference, "no PyTorch reference for " + preset.key());
        NetworkReport r = Calculator.analyze(preset.spec());
        assertEquals(reference[0], r.totalParameters(), "parameters of " + preset.key());
        assertEquals(reference[1], r.totalMacs(), "multiply-adds of " + preset.key());
    }

    static Map<String, long[]> pytorchReference() throws IOException {
        Map<String, long[]> m = new HashMap<>();
        try (InputStream in = PresetCatalogueTest.class.getResourceAsStream("preset_reference.txt")) {
            assertNotNull(in, "preset_reference.txt is missing");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.trim().split("\\s+");
                m.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return m;
    }
}
