package org.convas.app.cli;

import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;
import org.convas.samples.Preset;
import org.convas.samples.Presets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A network named on the command line: a preset key ("lenet5", "LeNet-5"), a network JSON file, or an ONNX model
 * (its network; the weights are read where a command asks for them).
 *
 * @param spec   the network
 * @param preset the preset it came from, or null for a file
 * @param file   the file it came from, or null for a preset
 */
public record NetworkSource(NetworkSpec spec, Preset preset, Path file) {

    /** "preset lenet5" or the file name, for messages and titles. */
    public String describe() {
        return preset != null ? "preset " + preset.key() : file.toString();
    }

    /**
     * Resolves an argument: a preset when one has that name, otherwise a file.
     *
     * @throws UsageException      when it is neither a preset nor an existing file
     * @throws SpecFormatException when the file is not a valid network file (the message names file, node and field)
     * @throws IOException         when the file cannot be read
     */
    public static NetworkSource resolve(String argument) throws UsageException, SpecFormatException, IOException {
        Optional<Preset> preset = Presets.find(argument);
        if (preset.isPresent()) return new NetworkSource(preset.get().spec(), preset.get(), null);
        Path file = Path.of(argument);
        if (!Files.exists(file)) {
            if (argument.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
                throw new UsageException(argument + ": no such file");
            }
            throw new UsageException("no preset or file named \"" + argument + "\"; the presets are "
                    + Presets.all().stream().map(Preset::key).collect(Collectors.joining(", ")));
        }
        if (Files.isDirectory(file)) throw new UsageException(argument + ": is a directory, not a network JSON file");
        if (argument.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            try {
                return new NetworkSource(org.convas.engine.exchange.OnnxImport.read(file).spec(), null, file);
            } catch (org.convas.engine.exchange.ExchangeException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return new NetworkSource(NetworkJson.read(file), null, file);
    }
}
