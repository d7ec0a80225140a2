package org.convas.engine.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.AtomicFiles;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run saved to a directory:
 * <ul>
 *   <li>{@code network.json}: the spec ({@link NetworkJson})</li>
 *   <li>{@code weights.bin}: every tensor of the model by name ({@link TensorFile}, layouts on {@link Model})</li>
 *   <li>{@code optimizer.bin}: the optimizer's state tensors</li>
 *   <li>{@code training.json}: the {@link TrainingProgress} and the CRC-32 of both binary files, written last</li>
 * </ul>
 * Each file is written atomically; {@code training.json}'s checksums tie them together, so a crash between
 * two files leaves a checkpoint that {@link #load} refuses with a clear message instead of mixing two epochs.
 */
public final class Checkpoint {

    public static final String NETWORK = "network.json";
    public static final String WEIGHTS = "weights.bin";
    public static final String OPTIMIZER = "optimizer.bin";
    public static final String PROGRESS = "training.json";

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

    public static void save(Path dir, Model model, Map<String, float[]> optimizerState, TrainingProgress progress) throws IOException {
        Files.createDirectories(dir);
        byte[] weights = TensorFile.encode(model.tensors());
        byte[] optimizer = TensorFile.encode(optimizerState);
        NetworkJson.write(model.spec(), dir.resolve(NETWORK));
        AtomicFiles.writeBytes(dir.resolve(WEIGHTS), weights);
        AtomicFiles.writeBytes(dir.resolve(OPTIMIZER), optimizer);
        JsonObject root = new JsonObject();
        root.addProperty("format", "convas-checkpoint");
        root.addProperty("version", 1);
        root.addProperty("weightsCrc32", TensorFile.crc(weights));
        root.addProperty("optimizerCrc32", TensorFile.crc(optimizer));
        root.add("progress", GSON.toJsonTree(progress));
        AtomicFiles.writeString(dir.resolve(PROGRESS), GSON.toJson(root));
    }

    /** Saves only the spec and the weights (no optimizer state, no progress): a trained model to load later. */
    public static void saveWeights(Path dir, Model model) throws IOException {
        Files.createDirectories(dir);
        NetworkJson.write(model.spec(), dir.resolve(NETWORK));
        TensorFile.write(dir.resolve(WEIGHTS), model.tensors());
    }

    /** Loads a model saved by {@link #saveWeights} or {@link #save} (weights only). */
    public static Model loadModel(Path dir) throws IOException {
        return buildModel(dir, Files.readAllBytes(dir.resolve(WEIGHTS)));
    }

    public static Checkpoint load(Path dir) throws IOException {
        Path progressFile = dir.resolve(PROGRESS);
        if (!Files.exists(progressFile)) throw new IOException(dir + " holds no checkpoint: " + PROGRESS + " is missing");
        JsonObject root;
        try {
            root = GSON.fromJson(Files.readString(progressFile, StandardCharsets.UTF_8), JsonObject.class);
        } catch (RuntimeException e) {
            throw new IOException(progressFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !"convas-checkpoint".equals(root.has("format") ? root.get("format").getAsString() : null)) {
            throw new IOException(progressFile + " is not a Convas checkpoint");
        }
        byte[] weights = Files.readAllBytes(dir.resolve(WEIGHTS));
        byte[] optimizer = Files.readAllBytes(dir.resolve(OPTIMIZER));
        if (TensorFile.crc(weights) != root.get("weightsCrc32").getAsLong()) {
            throw new IOException("checkpoint " + dir + " is incomplete: " + WEIGHTS + " does not belong to " + PROGRESS
                    + " (was the run stopped while saving?); use an earlier checkpoint");
        }
        if (TensorFile.crc(optimizer) != root.get("optimizerCrc32").getAsLong()) {
            throw new IOException("checkpoint " + dir + " is incomplete: " + OPTIMIZER + " does not belong to " + PROGRESS
                    + " (was the run stopped while saving?); use an earlier checkpoint");
        }
        Model model = buildModel(dir, weights);
        TrainingProgress progress = GSON.fromJson(root.get("progress"), TrainingProgress.class);
        return new Checkpoint(model, progress, TensorFile.decode(optimizer, dir.resolve(OPTIMIZER).toString()));
    }

    private static Model buildModel(Path dir, byte[] weights) throws IOException {
        NetworkSpec spec;
        try {
            spec = NetworkJson.read(dir.resolve(NETWORK));
        } catch (SpecFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
        Model model = Model.create(spec, Initializer.HE, 0);
        Map<String, float[]> tensors = TensorFile.decode(weights, dir.resolve(WEIGHTS).toString());
        if (!tensors.keySet().equals(model.tensors().keySet())) {
            throw new IOException(dir.resolve(WEIGHTS) + " holds tensors " + tensors.keySet() + " but the network needs "
                    + model.tensors().keySet());
        }
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            try {
                model.setTensor(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IOException(dir.resolve(WEIGHTS) + ": " + ex.getMessage(), ex);
            }
        }
        return model;
    }
}
