package org.convas.samples.exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python with PyTorch (python3-torch), for the tests that run exported code. Tests that need it call
 * {@link #assumeTorch()}: where it is missing they are skipped with a message saying what to install; the CI script
 * installs it, so CI runs them.
 */
final class Python {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path TORCHRUN = Path.of("/usr/bin/torchrun");
    /** The runner script, from the samples module's directory (where Maven runs the tests). */
    static final Path RUN_EXPORTED = Path.of("..", "engine", "src", "test", "python", "run_exported.py").toAbsolutePath().normalize();

    private static Boolean torch;
    private static Boolean onnx;

    private Python() {
    }

    record Result(int exit, String output) {
    }

    static synchronized boolean hasTorch() {
        if (torch == null) torch = Files.isExecutable(PYTHON) && quiet("import torch");
        return torch;
    }

    static synchronized boolean hasOnnx() {
        if (onnx == null) onnx = Files.isExecutable(PYTHON) && quiet("import onnx, onnx.checker");
        return onnx;
    }

    static void assumeTorch() {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasTorch(), "skipped: " + PYTHON + " with PyTorch is not installed"
                + " (apt-get install python3-torch); the PyTorch side of the export is not checked here");
    }

    static void assumeOnnx() {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasOnnx(), "skipped: " + PYTHON + " with the onnx package is not installed"
                + " (apt-get install python3-onnx); exported ONNX files are not validated by onnx.checker here");
    }

    private static boolean quiet(String code) {
        try {
            return run(Path.of("."), 120, Map.of(), PYTHON.toString(), "-c", code).exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command with a timeout in seconds; stderr goes with stdout. */
    static Result run(Path dir, long timeoutSeconds, Map<String, String> env, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        pb.environment().put("OMP_NUM_THREADS", env.getOrDefault("OMP_NUM_THREADS", "1"));
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) lines.add(line);
            } catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        });
        reader.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                reader.join(5000);
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n" + String.join("\n", lines));
            }
            reader.join(10000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        return new Result(p.exitValue(), String.join("\n", lines));
    }
}
