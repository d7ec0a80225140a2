package org.convas.engine.spec;

import java.util.List;
import java.util.Objects;

/**
 * One named node of the network graph: its layer, the ids of the nodes that feed it, in order, and whether its
 * parameters are trained.
 *
 * @param trainable false freezes the node's weights, biases and BatchNorm scale and shift: training leaves them as
 *                  they are (fine-tuning an imported network with its first layers fixed). BatchNorm's running
 *                  statistics still follow the data, as PyTorch's {@code requires_grad_(False)} leaves them. A node
 *                  without parameters is unaffected.
 */
public record Node(String id, LayerSpec layer, List<String> inputs, boolean trainable) {

    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(layer, "layer");
        inputs = List.copyOf(inputs == null ? List.of() : inputs);
    }

    /** A trainable node. */
    public Node(String id, LayerSpec layer, List<String> inputs) {
        this(id, layer, inputs, true);
    }

    public Node(String id, LayerSpec layer, String... inputs) {
        this(id, layer, List.of(inputs), true);
    }

    public Node withLayer(LayerSpec newLayer) {
        return new Node(id, newLayer, inputs, trainable);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(id, layer, newInputs, trainable);
    }

    public Node withTrainable(boolean newTrainable) {
        return new Node(id, layer, inputs, newTrainable);
    }
}
