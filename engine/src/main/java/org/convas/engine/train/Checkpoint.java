package org.convas.engine.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.model.ModelException;
import org.convas.engine.model.Parameter;
import org.convas.engine.spec.AtomicFiles;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.ReadFiles;
import org.convas.engine.spec.SpecFormatException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A training run saved to a folder:
 * <ul>
 *   <li>{@code network.json}: the spec ({@link NetworkJson})</li>
 *   <li>{@code weights.bin}: every tensor of the model by name ({@link TensorFile}, layouts on {@link Model})</li>
 *   <li>{@code optimizer.bin}: the optimizer's state tensors</li>
 *   <li>{@code training.json}: the {@link TrainingProgress} (with the optimizer's settings) and the CRC-32 of both
 *       binary files, written last</li>
 *   <li>{@code convas-data.properties} ({@link #NOTE}, optional): the application's note of what the weights were
 *       trained on; the engine never reads or writes it, and a save keeps the one the folder holds</li>
 * </ul>
 *
 * <p>A save replaces the folder as a whole ({@link AtomicFiles#replaceFolder}): the new files are written into a
 * sibling folder and flushed to the disk, then two renames swap it in. A crash or a full disk at any point leaves the
 * previous checkpoint complete (or, after the first rename, the new one complete), and {@link #load} reads whichever
 * is complete. The folder may hold only these files (and the note); a save refuses a folder with anything else in it.
 */
public final class Checkpoint {

    public static final String NETWORK = "network.json";
    public static final String WEIGHTS = "weights.bin";
    public static final String OPTIMIZER = "optimizer.bin";
    public static final String PROGRESS = "training.json";
    /** The files of a checkpoint. */
    public static final Set<String> FILES = Set.of(NETWORK, WEIGHTS, OPTIMIZER, PROGRESS);
    /**
     * A note the application may keep beside a checkpoint (the desktop app: the dataset and class names the weights
     * were trained on). A save keeps it, so a run that checkpoints every epoch into the folder does not lose it.
     */
    public static final String NOTE = "convas-data.properties";
    /** The files a checkpoint folder may hold. */
    private static final Set<String> ALLOWED = Set.of(NETWORK, WEIGHTS, OPTIMIZER, PROGRESS, NOTE);

    /** Largest training.json read (its history grows by about 200 bytes an epoch). */
    static final long PROGRESS_LIMIT = 64L << 20;

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

    private final Model model;
    private final TrainingProgress progress;
    private final Map<String, float[]> optimizerState;

    private Checkpoint(Model model, TrainingProgress progress, Map<String, float[]> optimizerState) {
        this.model = model;
        this.progress = progress;
        this.optimizerState = optimizerState;
    }

    /**
     * A checkpoint held in memory (nothing is written): to continue a run that has just ended without a trip
     * through the disk. The model is shared, not copied; the optimizer state should be a copy.
     */
    public static Checkpoint of(Model model, Map<String, float[]> optimizerState, TrainingProgress progress) {
        return new Checkpoint(model, progress, Map.copyOf(optimizerState));
    }

    public Model model() { return model; }

    public TrainingProgress progress() { return progress; }

    public Map<String, float[]> optimizerState() { return optimizerState; }

    /**
     * Saves a checkpoint. The tensors go straight to the files, a few KiB at a time, so a save needs no copy of
     * the weights or the optimizer state in memory.
     */
    public static void save(Path dir, Model model, Map<String, float[]> optimizerState, TrainingProgress progress) throws IOException {
        long[] crc = new long[2];
        Map<String, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(NETWORK, AtomicFiles.Content.of(NetworkJson.write(model.spec()).getBytes(StandardCharsets.UTF_8)));
        files.put(WEIGHTS, out -> crc[0] = TensorFile.writeTo(out, model.tensors()));
        files.put(OPTIMIZER, out -> crc[1] = TensorFile.writeTo(out, optimizerState));
        files.put(PROGRESS, out -> {
            JsonObject root = new JsonObject();
            root.addProperty("format", "convas-checkpoint");
            root.addProperty("version", 1);
            root.addProperty("weightsCrc32", crc[0]);
            root.addProperty("optimizerCrc32", crc[1]);
            root.add("progress", GSON.toJsonTree(progress));
            out.write(GSON.toJson(root).getBytes(StandardCharsets.UTF_8));
        });
        AtomicFiles.replaceFolder(dir, files, ALLOWED, Set.of(NOTE));
    }

    /** Saves only the spec and the weights (no optimizer state, no progress): a trained model to load later. */
    public static void saveWeights(Path dir, Model model) throws IOException {
        Map<String, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(NETWORK, AtomicFiles.Content.of(NetworkJson.write(model.spec()).getBytes(StandardCharsets.UTF_8)));
        files.put(WEIGHTS, out -> TensorFile.writeTo(out, model.tensors()));
        AtomicFiles.replaceFolder(dir, files, ALLOWED, Set.of(NOTE));
    }

    /** Loads a model saved by {@link #saveWeights} or {@link #save} (weights only). */
    public static Model loadModel(Path dir) throws IOException {
        Path from = readable(dir);
        NetworkSpec spec = readSpec(from);
        Model model = newModel(from, spec);
        setWeights(from, model, ReadFiles.bytes(from.resolve(WEIGHTS), tensorFileLimit(model, 1), "a weights file"));
        return model;
    }

    /**
     * Something a user should know before a save replaces {@code dir}: "holds a checkpoint of LeNet-5 after 3 epochs",
     * or empty when the folder does not exist or is empty.
     */
    public static Optional<String> describeExisting(Path dir) {
        Optional<Path> from = AtomicFiles.readableFolder(dir);
        if (from.isEmpty()) return Optional.empty();
        try (var list = Files.list(from.get())) {
            if (list.findAny().isEmpty()) return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot be listed (" + ReadFiles.reason(e) + ")");
        }
        try {
            Checkpoint c = load(dir);
            return Optional.of("holds a checkpoint of " + quoted(c.model().spec().name()) + " after "
                    + c.progress().epochsCompleted() + " epoch" + (c.progress().epochsCompleted() == 1 ? "" : "s")
                    + (c.progress().batchesIntoEpoch() > 0 ? " and " + c.progress().batchesIntoEpoch() + " batches" : ""));
        } catch (IOException | RuntimeException e) {
            return Optional.of("holds files that are not a complete checkpoint");
        }
    }

    private static String quoted(String name) {
        return name.isBlank() ? "an unnamed network" : "\"" + name + "\"";
    }

    /**
     * Checks before a run that a checkpoint can be saved to {@code dir}: its parent can be created and written, and
     * the folder holds nothing but a checkpoint. Writes and removes a small probe file beside it.
     */
    public static void checkWritable(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) throw new IOException(dir + " is the root folder; choose a folder inside it");
        if (Files.exists(target) && !Files.isDirectory(target)) throw new IOException(dir + " is a file, not a folder");
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IOException("cannot create " + parent + ": " + ReadFiles.reason(e), e);
        }
        Path probe;
        try {
            probe = Files.createTempFile(parent, "." + target.getFileName() + ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write in " + parent + ": " + ReadFiles.reason(e), e);
        }
        if (Files.isDirectory(target)) {
            try (var list = Files.list(target)) {
                List<String> others = list.map(p -> p.getFileName().toString())
                        .filter(n -> !ALLOWED.contains(n) && !(n.startsWith(".") && n.endsWith(".tmp"))).sorted().limit(5).toList();
                if (!others.isEmpty()) {
                    throw new IOException(dir + " holds files that are not part of a checkpoint (" + String.join(", ", others)
                            + "); a checkpoint folder is replaced as a whole when it is saved, so choose an empty or new folder");
                }
            }
        }
    }

    public static Checkpoint load(Path dir) throws IOException {
        Path from = readable(dir);
        Path progressFile = from.resolve(PROGRESS);
        if (!Files.exists(progressFile)) {
            throw new IOException(dir + " holds no checkpoint: " + PROGRESS + " is missing"
                    + (Files.exists(from.resolve(WEIGHTS)) ? " (a folder of saved weights only cannot be continued)" : ""));
        }
        JsonObject root;
        try {
            String text = new String(ReadFiles.bytes(progressFile, PROGRESS_LIMIT, "a checkpoint's " + PROGRESS), StandardCharsets.UTF_8);
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.LENIENT); // NaN and Infinity, as they were written
            JsonElement el = JsonParser.parseReader(reader);
            root = el.isJsonObject() ? el.getAsJsonObject() : null;
        } catch (ReadFiles.TooLargeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(progressFile + " is not valid JSON: " + NetworkJson.jsonProblem(e), e);
        }
        if (root == null || !root.has("format") || !root.get("format").isJsonPrimitive()
                || !"convas-checkpoint".equals(root.get("format").getAsString())) {
            throw new IOException(progressFile + " is not a Convas checkpoint (its \"format\" is not \"convas-checkpoint\")");
        }
        long weightsCrc = crcField(root, "weightsCrc32", progressFile);
        long optimizerCrc = crcField(root, "optimizerCrc32", progressFile);
        TrainingProgress progress = readProgress(root, progressFile);

        NetworkSpec spec = readSpec(from);
        Model model = newModel(from, spec);
        byte[] weights = ReadFiles.bytes(from.resolve(WEIGHTS), tensorFileLimit(model, 1), "a weights file");
        byte[] optimizer = ReadFiles.bytes(from.resolve(OPTIMIZER), tensorFileLimit(model, 2), "an optimizer state file");
        if (TensorFile.crc(weights) != weightsCrc) {
            throw new IOException("checkpoint " + dir + " is incomplete: " + WEIGHTS + " does not belong to " + PROGRESS
                    + " (was it copied from another checkpoint, or changed?); use an earlier checkpoint");
        }
        if (TensorFile.crc(optimizer) != optimizerCrc) {
            throw new IOException("checkpoint " + dir + " is incomplete: " + OPTIMIZER + " does not belong to " + PROGRESS
                    + " (was it copied from another checkpoint, or changed?); use an earlier checkpoint");
        }
        setWeights(from, model, weights);
        Map<String, float[]> state = TensorFile.decode(optimizer, from.resolve(OPTIMIZER).toString());
        checkOptimizerState(state, model, progress, from.resolve(OPTIMIZER));
        return new Checkpoint(model, progress, state);
    }

    private static Path readable(Path dir) throws IOException {
        Optional<Path> from = AtomicFiles.readableFolder(dir);
        if (from.isEmpty()) {
            throw new IOException(dir + ": " + (Files.exists(dir) ? "is a file, not a checkpoint folder" : "no such folder"));
        }
        if (!Files.isDirectory(from.get())) throw new IOException(dir + ": is a file, not a checkpoint folder");
        return from.get();
    }

    private static long crcField(JsonObject root, String field, Path file) throws IOException {
        JsonElement e = root.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IOException(file + ": field \"" + field + "\" is missing or not a number");
        }
        return e.getAsLong();
    }

    private static TrainingProgress readProgress(JsonObject root, Path file) throws IOException {
        JsonElement p = root.get("progress");
        if (p == null || !p.isJsonObject() || p.getAsJsonObject().isEmpty()) {
            throw new IOException(file + ": the \"progress\" section is missing or empty; this checkpoint cannot be continued");
        }
        TrainingProgress progress;
        try {
            progress = GSON.fromJson(p, TrainingProgress.class);
        } catch (RuntimeException e) {
            throw new IOException(file + ": the \"progress\" section is damaged: " + NetworkJson.jsonProblem(e), e);
        }
        String problem = progress == null ? "it is empty" : progress.problem();
        if (problem != null) {
            throw new IOException(file + ": the \"progress\" section is damaged: " + problem + "; this checkpoint cannot be continued");
        }
        return progress;
    }

    private static NetworkSpec readSpec(Path from) throws IOException {
        try {
            return NetworkJson.read(from.resolve(NETWORK));
        } catch (SpecFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Model newModel(Path from, NetworkSpec spec) throws IOException {
        try {
            return Model.create(spec, Initializer.HE, 0);
        } catch (ModelException | ArithmeticException e) {
            throw new IOException(from.resolve(NETWORK) + ": " + ReadFiles.message(e), e);
        }
    }

    /** Bytes a tensor file of {@code copies} values per parameter may take: 4 a value and room for the names. */
    private static long tensorFileLimit(Model model, int copies) {
        long values = 0;
        for (float[] t : model.tensors().values()) values += t.length;
        return 64 + copies * (4 * values + (long) model.tensors().size() * (8 + 3 * 65_535L));
    }

    private static void setWeights(Path from, Model model, byte[] weights) throws IOException {
        Map<String, float[]> tensors = TensorFile.decode(weights, from.resolve(WEIGHTS).toString());
        if (!tensors.keySet().equals(model.tensors().keySet())) {
            throw new IOException(from.resolve(WEIGHTS) + " holds tensors " + tensors.keySet() + " but the network needs "
                    + model.tensors().keySet());
        }
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            try {
                model.setTensor(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IOException(from.resolve(WEIGHTS) + ": " + ex.getMessage(), ex);
            }
        }
    }

    /** Every state tensor belongs to a parameter and is as long as it; the optimizer's kind has what it needs. */
    private static void checkOptimizerState(Map<String, float[]> state, Model model, TrainingProgress progress, Path file)
            throws IOException {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) byName.put(p.name(), p);
        for (Map.Entry<String, float[]> e : state.entrySet()) {
            String name = e.getKey();
            int hash = name.lastIndexOf('#');
            Parameter p = hash < 0 ? null : byName.get(name.substring(0, hash));
            String slot = hash < 0 ? "" : name.substring(hash + 1);
            if (p == null || !(slot.equals("1") || slot.equals("2"))) {
                throw new IOException(file + " holds state \"" + name + "\" for no parameter of the network");
            }
            if (e.getValue().length != p.size()) {
                throw new IOException(file + ": the state " + name + " has " + e.getValue().length + " values but "
                        + p.name() + " has " + p.size() + "; the file is damaged");
            }
        }
        OptimizerSettings o = progress.optimizer();
        if (o != null && progress.steps() > 0 && o.stateCopies() > 0) {
            for (Parameter p : model.parameters()) {
                for (int slot = 1; slot <= Math.min(o.stateCopies(), o.kind() == OptimizerSettings.Kind.ADAM ? 2 : 1); slot++) {
                    if (!state.containsKey(p.name() + "#" + slot)) {
                        throw new IOException(file + " has no state for " + p.name() + " (slot " + slot + "), which "
                                + o.kind().name().toLowerCase(java.util.Locale.ROOT) + " keeps; the file is damaged");
                    }
                }
            }
        }
    }
}
