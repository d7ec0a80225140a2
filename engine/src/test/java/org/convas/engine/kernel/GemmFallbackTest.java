package org.convas.engine.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up choice of implementation, checked in fresh JVMs (the choice is made once per JVM): without
 * {@code --add-modules jdk.incubator.vector} the engine must still load and compute with the scalar path, and
 * {@code -Dconvas.simd=false} must force it even when the module is present.
 */
class GemmFallbackTest {

    @Test
    void withoutTheVectorModuleTheScalarPathIsChosenAndCorrect() throws Exception {
        List<String> out = runProbe();
        assertTrue(out.get(0).startsWith("scalar"), out.toString());
        assertTrue(Double.parseDouble(out.get(1)) < 1e-5, out.toString());
    }

    @Test
    void simdFalsePropertyForcesTheScalarPathEvenWithTheModule() throws Exception {
        List<String> out = runProbe("--add-modules", "jdk.incubator.vector", "-Dconvas.simd=false");
        assertTrue(out.get(0).startsWith("scalar"), out.toString());
        assertTrue(Double.parseDouble(out.get(1)) < 1e-5, out.toString());
    }

    @Test
    void withTheModuleTheVectorPathIsChosenAndCorrect() throws Exception {
        List<String> out = runProbe("--add-modules", "jdk.incubator.vector");
        assertTrue(out.get(0).startsWith("vector"), out.toString());
        assertTrue(Double.parseDouble(out.get(1)) < 1e-5, out.toString());
    }

    /** Runs {@link GemmFallbackProbe} in a child JVM with exactly the given options; returns its output lines. */
    private static List<String> runProbe(String... jvmOptions) throws IOException, InterruptedException {
        String classPath = location(Gemm.class) + java.io.File.pathSeparator + location(GemmFallbackProbe.class);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classPath, GemmFallbackProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\\R")) {
            if (!line.isBlank() && !line.startsWith("WARNING: Using incubator modules")) lines.add(line.trim());
        }
        assertEquals(2, lines.size(), output);
        return lines;
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
