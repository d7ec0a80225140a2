package org.convas.engine.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable network: a directed graph of named {@link Node}s. Chains are the common case; branches
 * meet in a Concat and skip connections in an Add. Every "with…" method returns a new spec.
 *
 * <p>A spec may be incomplete or even cyclic while a person edits it; the calculator reports such
 * problems. {@link NetworkJson} refuses to load a structurally broken file.
 */
public final class NetworkSpec {

    private final String name;
    private final List<Node> nodes;
    private final boolean floorMode;
    private final WeightInit weightInit;
    private final Map<String, Position> layout;
    private final Map<String, Node> byId;

    /** A network whose weights start with He's initialisation. */
    public NetworkSpec(String name, List<Node> nodes, boolean floorMode, Map<String, Position> layout) {
        this(name, nodes, floorMode, WeightInit.HE, layout);
    }

    public NetworkSpec(String name, List<Node> nodes, boolean floorMode, WeightInit weightInit, Map<String, Position> layout) {
        this.name = name == null ? "" : name;
        this.nodes = List.copyOf(nodes);
        this.floorMode = floorMode;
        this.weightInit = weightInit == null ? WeightInit.HE : weightInit;
        Map<String, Node> index = new LinkedHashMap<>();
        for (Node n : this.nodes) {
            if (index.put(n.id(), n) != null) {
                throw new IllegalArgumentException("two nodes have the id \"" + n.id() + "\"");
            }
        }
        this.byId = Collections.unmodifiableMap(index);
        Map<String, Position> kept = new LinkedHashMap<>();
        if (layout != null) layout.forEach((id, p) -> { if (index.containsKey(id) && p != null) kept.put(id, p); });
        this.layout = Collections.unmodifiableMap(kept);
    }

    public NetworkSpec(String name, List<Node> nodes) {
        this(name, nodes, false, Map.of());
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() { return name; }

    /** Nodes in the order they were written (for a chain, input first). */
    public List<Node> nodes() { return nodes; }

    /**
     * Floor mode (as PyTorch and Keras do): a window that does not fit exactly is floored and the
     * leftover input pixels dropped, reported as a warning instead of an error.
     */
    public boolean floorMode() { return floorMode; }

    /** How the weights start when a model is built from this network (He unless chosen). */
    public WeightInit weightInit() { return weightInit; }

    public Map<String, Position> layout() { return layout; }

    public int size() { return nodes.size(); }

    public Optional<Node> find(String id) { return Optional.ofNullable(byId.get(id)); }

    public Node node(String id) {
        Node n = byId.get(id);
        if (n == null) throw new IllegalArgumentException("no node \"" + id + "\" in network " + name);
        return n;
    }

    public boolean contains(String id) { return byId.containsKey(id); }

    /** Ids of the nodes that take {@code id} as an input, in node order. */
    public List<String> consumers(String id) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) if (n.inputs().contains(id)) out.add(n.id());
        return out;
    }

    /** Nodes of type Input. */
    public List<Node> inputs() {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (n.layer() instanceof LayerSpec.Input) out.add(n);
        return out;
    }

    /** Nodes nothing consumes: the network's outputs. */
    public List<Node> outputs() {
        Set<String> consumed = new java.util.HashSet<>();
        for (Node n : nodes) consumed.addAll(n.inputs());
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (!consumed.contains(n.id())) out.add(n);
        return out;
    }

    /**
     * Nodes in an order where every node comes after its inputs (Kahn's algorithm, stable with respect to
     * the written order). Empty if the graph has a cycle; references to missing nodes are ignored.
     */
    public Optional<List<Node>> topologicalOrder() {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> consumers = new HashMap<>();
        for (Node n : nodes) {
            int known = 0;
            for (String in : n.inputs()) {
                if (byId.containsKey(in)) {
                    known++;
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.id());
                }
            }
            pending.put(n.id(), known);
        }
        Deque<String> ready = new ArrayDeque<>();
        for (Node n : nodes) if (pending.get(n.id()) == 0) ready.add(n.id());
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(byId.get(id));
            for (String c : consumers.getOrDefault(id, List.of())) {
                if (pending.merge(c, -1, Integer::sum) == 0) ready.add(c);
            }
        }
        return order.size() == nodes.size() ? Optional.of(order) : Optional.empty();
    }

    /** Ids of nodes that lie on a cycle (empty for a DAG). */
    public Set<String> nodesOnCycles() {
        if (topologicalOrder().isPresent()) return Set.of();
        Set<String> result = new LinkedHashSet<>();
        for (Node n : nodes) if (reaches(n.id(), n.id(), new java.util.HashSet<>())) result.add(n.id());
        return result;
    }

    private boolean reaches(String from, String target, Set<String> seen) {
        for (String c : consumers(from)) {
            if (c.equals(target)) return true;
            if (seen.add(c) && reaches(c, target, seen)) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- edits, each returning a new spec

    public NetworkSpec withName(String newName) {
        return new NetworkSpec(newName, nodes, floorMode, weightInit, layout);
    }

    public NetworkSpec withFloorMode(boolean floor) {
        return new NetworkSpec(name, nodes, floor, weightInit, layout);
    }

    public NetworkSpec withWeightInit(WeightInit init) {
        return new NetworkSpec(name, nodes, floorMode, init, layout);
    }

    public NetworkSpec withLayout(Map<String, Position> newLayout) {
        return new NetworkSpec(name, nodes, floorMode, weightInit, newLayout);
    }

    public NetworkSpec withPosition(String id, Position p) {
        Map<String, Position> l = new LinkedHashMap<>(layout);
        l.put(id, p);
        return new NetworkSpec(name, nodes, floorMode, weightInit, l);
    }

    /** Appends a node (its id must be new). */
    public NetworkSpec withNode(Node node) {
        List<Node> l = new ArrayList<>(nodes);
        l.add(node);
        return new NetworkSpec(name, l, floorMode, weightInit, layout);
    }

    /** Inserts a node at a position in the written order. */
    public NetworkSpec withNodeAt(int index, Node node) {
        List<Node> l = new ArrayList<>(nodes);
        l.add(index, node);
        return new NetworkSpec(name, l, floorMode, weightInit, layout);
    }

    /** Replaces the node with the same id. */
    public NetworkSpec withReplaced(Node node) {
        node(node.id());
        List<Node> l = new ArrayList<>(nodes.size());
        for (Node n : nodes) l.add(n.id().equals(node.id()) ? node : n);
        return new NetworkSpec(name, l, floorMode, weightInit, layout);
    }

    public NetworkSpec withLayer(String id, LayerSpec layer) {
        return withReplaced(node(id).withLayer(layer));
    }

    /** Freezes ({@code false}) or unfreezes a node's parameters. */
    public NetworkSpec withTrainable(String id, boolean trainable) {
        return withReplaced(node(id).withTrainable(trainable));
    }

    /**
     * True when the weights of one network fit the other: the same nodes, layers and wiring and the same floor mode.
     * The name, the layout and which nodes are frozen ({@link Node#trainable()}) do not count, so trained or imported
     * weights carry over to the network with some blocks frozen since.
     */
    public boolean sameWeightsAs(NetworkSpec other) {
        if (other == this) return true;
        if (other == null || other.nodes.size() != nodes.size() || other.floorMode != floorMode) return false;
        for (int i = 0; i < nodes.size(); i++) {
            Node a = nodes.get(i), b = other.nodes.get(i);
            if (!a.id().equals(b.id()) || !a.layer().equals(b.layer()) || !a.inputs().equals(b.inputs())) return false;
        }
        return true;
    }

    /**
     * Removes a node. Its consumers are reconnected to its own inputs when it had exactly one (so removing a
     * ReLU from a chain keeps the chain whole); otherwise the references to it are dropped.
     */
    public NetworkSpec without(String id) {
        Node gone = node(id);
        List<Node> l = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            if (n.id().equals(id)) continue;
            if (n.inputs().contains(id)) {
                List<String> ins = new ArrayList<>();
                for (String in : n.inputs()) {
                    if (!in.equals(id)) ins.add(in);
                    else if (gone.inputs().size() == 1 && !ins.contains(gone.inputs().get(0))) ins.add(gone.inputs().get(0));
                }
                n = n.withInputs(ins);
            }
            l.add(n);
        }
        return new NetworkSpec(name, l, floorMode, weightInit, layout);
    }

    /** Adds the edge from → to (appended to to's inputs). */
    public NetworkSpec withEdge(String from, String to) {
        node(from);
        Node target = node(to);
        if (target.inputs().contains(from)) return this;
        List<String> ins = new ArrayList<>(target.inputs());
        ins.add(from);
        return withReplaced(target.withInputs(ins));
    }

    public NetworkSpec withoutEdge(String from, String to) {
        Node target = node(to);
        List<String> ins = new ArrayList<>(target.inputs());
        ins.remove(from);
        return withReplaced(target.withInputs(ins));
    }

    /** An id not yet used, from a stem: "conv" gives "conv1", "conv2", ... */
    public String freshId(String stem) {
        for (int i = 1; ; i++) {
            String id = stem + i;
            if (!byId.containsKey(id)) return id;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && s.name.equals(name) && s.nodes.equals(nodes)
                && s.floorMode == floorMode && s.weightInit == weightInit && s.layout.equals(layout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, nodes, floorMode, weightInit, layout);
    }

    @Override
    public String toString() {
        return "NetworkSpec[" + name + ", " + nodes.size() + " nodes]";
    }

    /**
     * Builds a network in code. {@link #add(LayerSpec)} chains onto the last node; {@link #add(String,
     * LayerSpec, String...)} names its inputs, for branches and merges.
     */
    public static final class Builder {
        private final String name;
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Integer> counters = new HashMap<>();
        private final Set<String> used = new java.util.HashSet<>();
        private boolean floor;
        private WeightInit weightInit = WeightInit.HE;
        private String last;

        private Builder(String name) {
            this.name = name;
        }

        public Builder floorMode(boolean f) {
            this.floor = f;
            return this;
        }

        public Builder weightInit(WeightInit init) {
            this.weightInit = init;
            return this;
        }

        public Builder input(int width, int height, int depth) {
            return add("input", new LayerSpec.Input(width, height, depth));
        }

        /** Appends a layer fed by the previous one, with a generated id ("conv2d1", "relu3"). */
        public Builder add(LayerSpec layer) {
            return add(autoId(layer), layer, last == null ? new String[0] : new String[] {last});
        }

        /** Appends a named layer fed by the previous one. */
        public Builder add(String id, LayerSpec layer) {
            return add(id, layer, last == null ? new String[0] : new String[] {last});
        }

        /** Appends a named layer with explicit inputs. */
        public Builder add(String id, LayerSpec layer, String... inputs) {
            if (!used.add(id)) throw new IllegalArgumentException("duplicate node id " + id);
            nodes.add(new Node(id, layer, List.of(inputs)));
            last = id;
            return this;
        }

        /** The id of the last node added, to start a branch from. */
        public String last() {
            return last;
        }

        /** Makes {@code id} the node the next chained {@link #add(LayerSpec)} attaches to. */
        public Builder from(String id) {
            if (!used.contains(id)) throw new IllegalArgumentException("no node " + id);
            last = id;
            return this;
        }

        public String autoId(LayerSpec layer) {
            String stem = layer.type();
            String id;
            do {
                id = stem + counters.merge(stem, 1, Integer::sum);
            } while (used.contains(id));
            return id;
        }

        public NetworkSpec build() {
            return new NetworkSpec(name, nodes, floor, weightInit, Map.of());
        }
    }
}
