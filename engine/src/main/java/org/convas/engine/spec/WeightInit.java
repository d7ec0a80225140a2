package org.convas.engine.spec;

import java.util.Locale;

/**
 * How a network's weights start, a setting of the network (saved with it): He for ReLU networks, Xavier for tanh and
 * sigmoid ones. Biases start at 0, BatchNorm's γ at 1 and β at 0 either way. The engine's
 * {@code org.convas.engine.model.Initializer} draws the numbers.
 */
public enum WeightInit {

    /** He (Kaiming) normal, w ~ N(0, 2/fan-in) (He et al. 2015): keeps the variance through ReLUs. */
    HE("He (normal, 2/fan-in)"),

    /** Xavier (Glorot) uniform, w ~ U(−a, a) with a = √(6/(fan-in + fan-out)) (Glorot and Bengio 2010). */
    XAVIER("Xavier (uniform, 6/(fan-in + fan-out))");

    private final String title;

    WeightInit(String title) {
        this.title = title;
    }

    /** The JSON value: "he" or "xavier". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return title;
    }
}
