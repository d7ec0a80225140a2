package org.convas.engine.spec;

import java.util.List;
import java.util.Objects;

/** One named node of the network graph: its layer and the ids of the nodes that feed it, in order. */
public record Node(String id, LayerSpec layer, List<String> inputs) {

    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(layer, "layer");
        inputs = List.copyOf(inputs == null ? List.of() : inputs);
    }

    public Node(String id, LayerSpec layer, String... inputs) {
        this(id, layer, List.of(inputs));
    }

    public Node withLayer(LayerSpec newLayer) {
        return new Node(id, newLayer, inputs);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(id, layer, newInputs);
    }
}
