package org.convas.samples;

import org.convas.engine.spec.NetworkSpec;

import java.util.function.Supplier;

/**
 * A network from the lectures, ready to load.
 *
 * @param key         what the command line takes, e.g. "lenet5", "alexnet", "vgg16"
 * @param title       what menus show, e.g. "LeNet-5"
 * @param description one sentence on what it is and where it comes from
 */
public record Preset(String key, String title, String description, Supplier<NetworkSpec> factory) {

    public NetworkSpec spec() {
        return factory.get();
    }
}
