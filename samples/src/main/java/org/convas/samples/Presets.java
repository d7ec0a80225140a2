package org.convas.samples;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The catalogue of preset networks. */
public final class Presets {

    /** The network the app opens on. */
    public static final String DEFAULT = "lenet5";

    private static final List<Preset> ALL = List.of(
            new Preset("lenet5", "LeNet-5", "LeCun et al. 1998: two conv/pool stages and three FC layers on 32×32×1.",
                    Presets::lenet5));

    private Presets() {
    }

    public static List<Preset> all() {
        return ALL;
    }

    /** Finds a preset by key, ignoring case, "-" and "_" ("LeNet-5" finds "lenet5"). */
    public static Optional<Preset> find(String name) {
        String k = normalise(name);
        return ALL.stream().filter(p -> normalise(p.key()).equals(k) || normalise(p.title()).equals(k)).findFirst();
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "");
    }

    /** LeNet-5 on 32×32×1: C1 6@5×5, S2, C3 16@5×5, S4, C5/F5 120, F6 84, output 10. */
    public static NetworkSpec lenet5() {
        return NetworkSpec.builder("LeNet-5")
                .input(32, 32, 1)
                .add("conv1", LayerSpec.Conv2D.of(6, 5, 1, 0)).add("relu1", new LayerSpec.ReLU())
                .add("pool1", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", LayerSpec.Conv2D.of(16, 5, 1, 0)).add("relu2", new LayerSpec.ReLU())
                .add("pool2", LayerSpec.MaxPool.of(2, 2))
                .add("flatten", new LayerSpec.Flatten())
                .add("fc1", LayerSpec.FullyConnected.of(120)).add("relu3", new LayerSpec.ReLU())
                .add("fc2", LayerSpec.FullyConnected.of(84)).add("relu4", new LayerSpec.ReLU())
                .add("fc3", LayerSpec.FullyConnected.of(10))
                .add("softmax", new LayerSpec.Softmax())
                .build();
    }
}
