package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A change that mends a problem, checked by the calculator before it is shown: the calculator applied it to
 * the network and analysed the result, and the problem's node fit afterwards. A view offers it as a one-click
 * "Apply"; {@link #description()} is what the problem's text proposes ("padding 2", "same padding",
 * "floor mode (a network setting)", "a 1×1 convolution with 64 filters on conv3").
 */
public record Fix(String description, Change change) {

    public Fix {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(change, "change");
    }

    /** The edit itself, as a value; {@link #applyTo} gives the network after it (layout untouched). */
    public sealed interface Change permits SetLayer, SetFloorMode, InsertOnConnection {
        NetworkSpec applyTo(NetworkSpec spec);
    }

    /** New hyperparameters for one node (padding, stride, kernel, groups). */
    public record SetLayer(String nodeId, LayerSpec layer) implements Change {
        public NetworkSpec applyTo(NetworkSpec spec) {
            return spec.withLayer(nodeId, layer);
        }
    }

    /** Floor mode on or off for the whole network (as PyTorch floors: leftover pixels dropped, with a warning). */
    public record SetFloorMode(boolean floor) implements Change {
        public NetworkSpec applyTo(NetworkSpec spec) {
            return spec.withFloorMode(floor);
        }
    }

    /**
     * A new block on the connection {@code from} → {@code to}: it reads {@code from}, and {@code to} reads it
     * instead (a 1×1 projection before an Add, a pooling before a Concat). Its id is fresh from its type.
     */
    public record InsertOnConnection(String from, String to, LayerSpec layer) implements Change {
        public NetworkSpec applyTo(NetworkSpec spec) {
            Node target = spec.node(to);
            if (!target.inputs().contains(from)) throw new IllegalArgumentException("there is no connection from " + from + " to " + to);
            String id = spec.freshId(layer.type());
            NetworkSpec after = spec.withNodeAt(spec.nodes().indexOf(spec.node(from)) + 1, new Node(id, layer, from));
            List<String> ins = new ArrayList<>(target.inputs());
            ins.replaceAll(in -> in.equals(from) ? id : in);
            return after.withReplaced(target.withInputs(ins));
        }
    }
}
