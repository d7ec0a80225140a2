package org.convas.engine.train;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.AtomicFiles;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a child JVM by {@link CheckpointAtomicityTest}: saves checkpoint {@code epochs} of a small network to a
 * folder and ends the process abruptly ({@code Runtime.halt}: no finally blocks, no shutdown hooks, as a kill -9
 * or a power cut from the files' point of view) just before step {@code stopAt} of the save. Exits with 0 and
 * prints the number of steps when the save has fewer steps than that.
 */
public final class CheckpointCrashProbe {
    private CheckpointCrashProbe() { }


    static final int HALTED = 77;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int stopAt = Integer.parseInt(args[1]);
        int epochs = Integer.parseInt(args[2]);
        AtomicInteger steps = new AtomicInteger();
        AtomicFiles.setStepHookForTests(step -> {
            if (steps.incrementAndGet() == stopAt) {
                System.out.println("halted before: " + step);
                System.out.flush();
                Runtime.getRuntime().halt(HALTED);
            }
        });
        save(dir, epochs);
        System.out.println("steps " + steps.get());
    }

    static NetworkSpec spec() {
        return NetworkSpec.builder("probe").input(6, 6, 1)
                .add("conv", LayerSpec.Conv2D.of(2, 3, 1, 0))
                .add("flat", new LayerSpec.Flatten())
                .add("fc", LayerSpec.FullyConnected.of(3)).build();
    }

    /** The model of checkpoint {@code epochs}: its weights drawn with that seed, so each checkpoint is recognisable. */
    static Model model(int epochs) {
        return Model.create(spec(), Initializer.HE, epochs);
    }

    static void save(Path dir, int epochs) throws java.io.IOException {
        Model model = model(epochs);
        Map<String, float[]> state = new java.util.LinkedHashMap<>();
        for (var p : model.parameters()) state.put(p.name() + "#1", new float[p.size()]);
        TrainingProgress progress = new TrainingProgress(epochs, epochs * 10L, 1, 0.01, 0.9, 1, Double.POSITIVE_INFINITY, 0,
                history(epochs), OptimizerSettings.momentum(0.01, 0.9), null);
        Checkpoint.save(dir, model, state, progress);
    }

    static List<TrainingEvents.EpochStats> history(int epochs) {
        List<TrainingEvents.EpochStats> h = new java.util.ArrayList<>();
        for (int e = 1; e <= epochs; e++) h.add(new TrainingEvents.EpochStats(e, 1.0 / e, 0.5, 1.0, 0.5, 1, 0.01));
        return h;
    }
}
