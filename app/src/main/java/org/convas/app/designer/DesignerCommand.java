package org.convas.app.designer;

import org.convas.engine.calc.Fix;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One edit of the network, as a value (Scene Builder's Job idea). A command turns the spec before into the
 * spec after; because {@link NetworkSpec} is immutable the {@link EditHistory} keeps both, so undo and redo
 * are exact and never re-run the command. A command that does not apply throws
 * {@link IllegalArgumentException} with a message a person can read, and the spec stays as it was.
 */
public sealed interface DesignerCommand {

    /** What the Edit menu shows after "Undo"/"Redo", e.g. "insert Conv". */
    String description();

    /** The spec after this edit. */
    NetworkSpec apply(NetworkSpec spec);

    /**
     * True when this command continues {@code previous} (one drag gesture, or typing into one field), so both
     * become a single undo step.
     */
    default boolean continues(DesignerCommand previous, Duration sincePrevious) {
        return false;
    }

    /** Vertical distance between chained blocks that {@link InsertIntoChain} makes room for. */
    double ROW = AutoLayout.ROW_SPACING;

    // ---------------------------------------------------------------- the commands

    /** Adds an unconnected block (or one fed by {@code inputs}) at a position. The id is fresh: "conv2d3". */
    record AddNode(LayerSpec layer, Position position, List<String> inputs) implements DesignerCommand {
        public AddNode {
            Objects.requireNonNull(layer, "layer");
            inputs = List.copyOf(inputs == null ? List.of() : inputs);
        }

        public String description() { return "add " + Palette.titleOf(layer); }

        public NetworkSpec apply(NetworkSpec spec) {
            for (String in : inputs) spec.node(in);
            String id = spec.freshId(layer.type());
            NetworkSpec after = spec.withNode(new Node(id, layer, inputs));
            return position == null ? after : after.withPosition(id, freeSpot(spec.layout(), position));
        }
    }

    /**
     * Inserts a block into a chain right below {@code upstream}: the block takes upstream's output, and
     * {@code downstream} (or, when it is null, every consumer of upstream) now reads the new block instead.
     * Blocks below move down one row so the chain stays readable.
     */
    record InsertIntoChain(LayerSpec layer, String upstream, String downstream) implements DesignerCommand {
        public InsertIntoChain {
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(upstream, "upstream");
        }

        public String description() { return "insert " + Palette.titleOf(layer); }

        public NetworkSpec apply(NetworkSpec spec) {
            Node up = spec.node(upstream);
            if (layer instanceof LayerSpec.Input) throw new IllegalArgumentException("an Input block cannot be inserted into a chain: it takes no input");
            List<String> targets = downstream == null ? spec.consumers(upstream) : List.of(downstream);
            for (String t : targets) {
                if (!spec.node(t).inputs().contains(upstream)) {
                    throw new IllegalArgumentException("there is no connection from " + upstream + " to " + t);
                }
            }
            String id = spec.freshId(layer.type());
            int at = spec.nodes().indexOf(up) + 1;
            NetworkSpec after = spec.withNodeAt(at, new Node(id, layer, upstream));
            for (String t : targets) {
                Node target = after.node(t);
                List<String> ins = new ArrayList<>(target.inputs());
                ins.replaceAll(in -> in.equals(upstream) ? id : in);
                after = after.withReplaced(target.withInputs(ins));
            }
            Position above = spec.layout().get(upstream);
            if (above == null) return after;
            // On a wire to one consumer the new block takes that consumer's column (an Inception branch), so it
            // lands on the wire, not on a sibling branch below the fork.
            Position target = downstream == null ? null : spec.layout().get(downstream);
            Position mine = new Position(target != null && target.y() > above.y() ? target.x() : above.x(), above.y() + ROW);
            Map<String, Position> layout = new LinkedHashMap<>(after.layout());
            // Make room: everything fed (directly or not) by the new block and not above it moves down one row.
            for (String d : descendants(after, id)) {
                Position p = layout.get(d);
                if (p != null && p.y() >= mine.y() - ROW / 2) layout.put(d, new Position(p.x(), p.y() + ROW));
            }
            layout.put(id, freeSpot(layout, mine));
            return after.withLayout(layout);
        }
    }

    /** Removes blocks; a removed block with one input hands it on to its consumers (chains stay whole). */
    record RemoveNodes(Set<String> ids) implements DesignerCommand {
        public RemoveNodes {
            ids = Set.copyOf(ids);
            if (ids.isEmpty()) throw new IllegalArgumentException("nothing to remove");
        }

        public String description() { return ids.size() == 1 ? "delete " + ids.iterator().next() : "delete " + ids.size() + " blocks"; }

        public NetworkSpec apply(NetworkSpec spec) {
            NetworkSpec after = spec;
            for (Node n : spec.nodes()) if (ids.contains(n.id())) after = after.without(n.id());
            return after;
        }
    }

    /**
     * Connects the output of {@code from} to an input of {@code to}. A block that takes one input has it
     * replaced; Add and Concat gain one more. Refused: a loop, a connection into an Input block, and one
     * that already exists.
     */
    record Connect(String from, String to) implements DesignerCommand {
        public String description() { return "connect " + from + " → " + to; }

        public NetworkSpec apply(NetworkSpec spec) {
            spec.node(from);
            Node target = spec.node(to);
            if (from.equals(to)) throw new IllegalArgumentException("a block cannot feed itself (" + from + ")");
            if (target.layer().arity() == LayerSpec.Arity.NONE) {
                throw new IllegalArgumentException(to + " is an Input block: it takes no input");
            }
            if (target.inputs().contains(from)) throw new IllegalArgumentException(from + " already feeds " + to);
            if (descendants(spec, to).contains(from)) {
                throw new IllegalArgumentException("connecting " + from + " → " + to + " would make a loop: " + to + " already feeds " + from);
            }
            if (target.layer().arity() == LayerSpec.Arity.ONE) {
                return spec.withReplaced(target.withInputs(List.of(from)));
            }
            return spec.withEdge(from, to);
        }
    }

    record Disconnect(String from, String to) implements DesignerCommand {
        public String description() { return "disconnect " + from + " → " + to; }

        public NetworkSpec apply(NetworkSpec spec) {
            if (!spec.node(to).inputs().contains(from)) throw new IllegalArgumentException("there is no connection from " + from + " to " + to);
            return spec.withoutEdge(from, to);
        }
    }

    /**
     * Moves blocks to new positions. Moves of the same {@code gesture} (one mouse drag, or one burst of arrow
     * keys) merge into one undo step.
     */
    record MoveNodes(Map<String, Position> positions, long gesture) implements DesignerCommand {
        public MoveNodes {
            positions = Map.copyOf(positions);
        }

        public String description() { return positions.size() == 1 ? "move " + positions.keySet().iterator().next() : "move " + positions.size() + " blocks"; }

        public NetworkSpec apply(NetworkSpec spec) {
            Map<String, Position> layout = new LinkedHashMap<>(spec.layout());
            positions.forEach((id, p) -> {
                spec.node(id);
                layout.put(id, p);
            });
            return spec.withLayout(layout);
        }

        public boolean continues(DesignerCommand previous, Duration since) {
            return previous instanceof MoveNodes m && m.gesture == gesture;
        }
    }

    /**
     * Changes one block's hyperparameters. Consecutive changes of the same field of the same block within
     * {@link #TYPING_WINDOW} (typing "128" in the inspector) merge into one undo step.
     */
    record SetLayer(String id, LayerSpec layer, String field) implements DesignerCommand {
        public static final Duration TYPING_WINDOW = Duration.ofMillis(1500);

        public SetLayer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(layer, "layer");
            field = field == null ? "" : field;
        }

        public String description() { return field.isEmpty() ? "change " + id : "change " + id + " " + field; }

        public NetworkSpec apply(NetworkSpec spec) {
            LayerSpec old = spec.node(id).layer();
            if (old.getClass() != layer.getClass() && (old instanceof LayerSpec.Input || layer instanceof LayerSpec.Input)) {
                throw new IllegalArgumentException("an Input block cannot change into another layer type, nor the reverse");
            }
            return spec.withLayer(id, layer);
        }

        public boolean continues(DesignerCommand previous, Duration since) {
            return previous instanceof SetLayer s && s.id.equals(id) && !field.isEmpty() && s.field.equals(field)
                    && since.compareTo(TYPING_WINDOW) <= 0;
        }
    }

    /** Freezes (trainable false) or unfreezes a block's parameters for training. */
    record SetTrainable(String id, boolean trainable) implements DesignerCommand {
        public String description() { return (trainable ? "unfreeze " : "freeze ") + id; }

        public NetworkSpec apply(NetworkSpec spec) {
            return spec.withTrainable(id, trainable);
        }
    }

    /**
     * Pastes copied blocks with fresh ids, shifted by (dx, dy). Connections among the pasted blocks are kept;
     * connections to blocks outside the copy are dropped (a pasted chain stands on its own).
     */
    record Paste(List<Node> nodes, Map<String, Position> positions, double dx, double dy) implements DesignerCommand {
        public Paste {
            nodes = List.copyOf(nodes);
            positions = Map.copyOf(positions);
            if (nodes.isEmpty()) throw new IllegalArgumentException("nothing to paste");
        }

        public String description() { return nodes.size() == 1 ? "paste " + Palette.titleOf(nodes.get(0).layer()) : "paste " + nodes.size() + " blocks"; }

        public NetworkSpec apply(NetworkSpec spec) {
            Map<String, String> renamed = new HashMap<>();
            NetworkSpec after = spec;
            for (Node n : nodes) {
                String id = after.freshId(n.layer().type());
                renamed.put(n.id(), id);
                after = after.withNode(new Node(id, n.layer(), List.of(), n.trainable()));
            }
            Map<String, Position> layout = new LinkedHashMap<>(after.layout());
            // The copy keeps its own arrangement, moved right (a column of blocks at a time) until it covers nothing.
            double shift = 0;
            while (covers(spec.layout(), positions.values(), dx + shift, dy)) shift += AutoLayout.BLOCK_GAP;
            for (Node n : nodes) {
                String id = renamed.get(n.id());
                List<String> ins = new ArrayList<>();
                for (String in : n.inputs()) if (renamed.containsKey(in)) ins.add(renamed.get(in));
                after = after.withReplaced(after.node(id).withInputs(ins));
                Position p = positions.get(n.id());
                if (p != null) layout.put(id, new Position(p.x() + dx + shift, p.y() + dy));
            }
            return after.withLayout(layout);
        }
    }

    /**
     * Applies a fix the calculator proposed (and verified). A new block on a connection is inserted like a
     * palette drop on that wire, so the layout makes room for it.
     */
    record ApplyFix(String nodeId, Fix fix) implements DesignerCommand {
        public ApplyFix {
            Objects.requireNonNull(fix, "fix");
        }

        public String description() { return "apply " + fix.description(); }

        public NetworkSpec apply(NetworkSpec spec) {
            if (fix.change() instanceof Fix.InsertOnConnection ins) {
                return new InsertIntoChain(ins.layer(), ins.from(), ins.to()).apply(spec);
            }
            return fix.change().applyTo(spec);
        }
    }

    /**
     * Gives a block a new id (its name). Connections and the layout follow; the id must be new, and not empty
     * or with spaces (ids name tensors, "conv1.weight", and files refer to them).
     */
    record RenameNode(String id, String newId) implements DesignerCommand {
        public RenameNode {
            Objects.requireNonNull(id, "id");
            newId = newId == null ? "" : newId.strip();
        }

        public String description() { return "rename " + id + " to " + newId; }

        public NetworkSpec apply(NetworkSpec spec) {
            spec.node(id);
            checkName(newId, "a block's name");
            if (newId.equals(id)) return spec;
            if (spec.contains(newId)) throw new IllegalArgumentException("another block is already named \"" + newId + "\"");
            List<Node> nodes = new ArrayList<>();
            for (Node n : spec.nodes()) {
                List<String> ins = new ArrayList<>(n.inputs());
                ins.replaceAll(in -> in.equals(id) ? newId : in);
                nodes.add(new Node(n.id().equals(id) ? newId : n.id(), n.layer(), ins, n.trainable()));
            }
            Map<String, Position> layout = new LinkedHashMap<>();
            spec.layout().forEach((k, p) -> layout.put(k.equals(id) ? newId : k, p));
            return new NetworkSpec(spec.name(), nodes, spec.floorMode(), spec.weightInit(), layout);
        }
    }

    /** Renames the network (what the summary's heading, the status line and a saved file call it). */
    record RenameNetwork(String name) implements DesignerCommand {
        public RenameNetwork {
            name = name == null ? "" : name.strip();
        }

        public String description() { return "rename the network to " + name; }

        public NetworkSpec apply(NetworkSpec spec) {
            if (name.isEmpty()) throw new IllegalArgumentException("a network's name cannot be empty");
            return spec.withName(name);
        }
    }

    /** Floor mode for the whole network: a window that does not fit is floored (a warning) instead of an error. */
    record SetFloorMode(boolean floor) implements DesignerCommand {
        public String description() { return floor ? "turn floor mode on" : "turn floor mode off"; }

        public NetworkSpec apply(NetworkSpec spec) {
            return spec.withFloorMode(floor);
        }
    }

    /** Chooses how the network's weights start (He or Xavier), a setting saved with the network. */
    record SetWeightInit(org.convas.engine.spec.WeightInit init) implements DesignerCommand {
        public String description() { return "initialise the weights with " + init.name().charAt(0) + init.name().substring(1).toLowerCase(java.util.Locale.ROOT); }

        public NetworkSpec apply(NetworkSpec spec) {
            return spec.withWeightInit(init);
        }
    }

    /** Lays the whole network out afresh ({@link AutoLayout}). */
    record ApplyAutoLayout() implements DesignerCommand {
        public String description() { return "automatic layout"; }

        public NetworkSpec apply(NetworkSpec spec) {
            return spec.withLayout(AutoLayout.layout(spec));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Space kept between a placed block and its neighbours. */
    double MARGIN = 10;

    /** A name must say something and be one word: no spaces, tabs or line breaks. */
    static void checkName(String name, String what) {
        if (name.isEmpty()) throw new IllegalArgumentException(what + " cannot be empty");
        if (name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " cannot contain spaces (\"" + name + "\"); use - or _ instead");
        }
    }

    /** True when a block at {@code p} would overlap (or touch, within {@link #MARGIN}) a block at {@code q}. */
    static boolean overlaps(Position p, Position q) {
        return Math.abs(p.x() - q.x()) < AutoLayout.BLOCK_WIDTH + MARGIN && Math.abs(p.y() - q.y()) < AutoLayout.BLOCK_HEIGHT + MARGIN;
    }

    /** True when any of {@code placed}, moved by (dx, dy), overlaps a block of {@code layout}. */
    static boolean covers(Map<String, Position> layout, Collection<Position> placed, double dx, double dy) {
        for (Position p : placed) {
            Position moved = new Position(p.x() + dx, p.y() + dy);
            for (Position q : layout.values()) if (overlaps(moved, q)) return true;
        }
        return false;
    }

    /**
     * {@code wanted} if no block is there, else the nearest free place in the same row, trying right and left
     * a block's width at a time (a new block never lands on another).
     */
    static Position freeSpot(Map<String, Position> layout, Position wanted) {
        for (int step = 0; step < 1000; step++) {
            int k = (step + 1) / 2 * (step % 2 == 1 ? 1 : -1); // 0, +1, −1, +2, −2, …
            Position p = new Position(wanted.x() + k * AutoLayout.BLOCK_GAP, wanted.y());
            if (!covers(layout, List.of(p), 0, 0)) return p;
        }
        return wanted;
    }

    /** Every node fed, directly or through others, by {@code id} (not including it). */
    static Set<String> descendants(NetworkSpec spec, String id) {
        Map<String, List<String>> consumers = new HashMap<>();
        for (Node n : spec.nodes()) for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.id());
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(consumers.getOrDefault(id, List.of()));
        while (!todo.isEmpty()) {
            String c = todo.poll();
            if (seen.add(c)) todo.addAll(consumers.getOrDefault(c, List.of()));
        }
        return seen;
    }

    /** The copy of a set of blocks, in written order, with their positions. */
    static Paste copyOf(NetworkSpec spec, Collection<String> ids, double dx, double dy) {
        Set<String> wanted = new HashSet<>(ids);
        List<Node> nodes = spec.nodes().stream().filter(n -> wanted.contains(n.id())).toList();
        Map<String, Position> positions = new HashMap<>();
        for (Node n : nodes) {
            Position p = spec.layout().get(n.id());
            if (p != null) positions.put(n.id(), p);
        }
        return new Paste(nodes, positions, dx, dy);
    }
}
