package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The modules of a network that the canvas can fold into one block: the blocks between a fork and the Add or
 * Concat where its branches meet again. In ResNet that is a residual block (the convolutions and the shortcut
 * up to the Add), in GoogLeNet an Inception module (the four branches up to the Concat). Found from the graph
 * alone, so a network drawn by hand gets them too. Pure Java: no JavaFX.
 */
public final class Modules {

    /**
     * One foldable module.
     *
     * @param id      the merge block (Add or Concat) where its branches meet; the module is named after it
     * @param kind    "Residual block" for an Add, "Inception module" for a Concat
     * @param fork    the block its branches start from (outside the module)
     * @param exit    the block whose output leaves the module: the merge, or the activation right after it
     *                (ResNet's ReLU after the Add belongs to its block)
     * @param members its blocks in network order, the exit last
     */
    public record Module(String id, String kind, String fork, String exit, List<String> members) {
    }

    private Modules() {
    }

    /**
     * The modules, outermost only (a module inside a larger one is not listed), in network order. A merge
     * whose branches do not all start from one block, or whose blocks are also read from outside, is not a
     * module: folding it would hide a connection.
     */
    public static List<Module> of(NetworkSpec spec) {
        List<Node> order = spec.topologicalOrder().orElse(null);
        if (order == null) return List.of();
        Map<String, Set<String>> above = new HashMap<>();
        for (Node n : order) {
            Set<String> a = new HashSet<>();
            for (String in : n.inputs()) {
                if (!spec.contains(in)) continue;
                a.add(in);
                a.addAll(above.get(in));
            }
            above.put(n.id(), a);
        }
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) position.put(order.get(i).id(), i);
        List<Module> found = new ArrayList<>();
        for (Node merge : order) {
            if (!(merge.layer() instanceof LayerSpec.Add || merge.layer() instanceof LayerSpec.Concat) || merge.inputs().size() < 2) continue;
            // The fork: the latest block that every branch comes from (itself, or from above it).
            Set<String> common = null;
            for (String in : merge.inputs()) {
                Set<String> s = new HashSet<>(above.getOrDefault(in, Set.of()));
                s.add(in);
                if (common == null) common = s;
                else common.retainAll(s);
            }
            if (common == null || common.isEmpty()) continue;
            String fork = common.stream().max((a, b) -> Integer.compare(position.get(a), position.get(b))).orElseThrow();
            Set<String> members = new LinkedHashSet<>();
            for (Node n : order) {
                if (n.id().equals(merge.id())) break;
                if (above.get(n.id()).contains(fork) && above.get(merge.id()).contains(n.id())) members.add(n.id());
            }
            members.add(merge.id());
            // An activation that alone reads the merge (ResNet's ReLU after the Add) is part of the block.
            String exit = merge.id();
            List<String> readers = spec.consumers(exit);
            if (readers.size() == 1 && spec.node(readers.get(0)).inputs().size() == 1 && isActivation(spec.node(readers.get(0)).layer())) {
                exit = readers.get(0);
                members.add(exit);
            }
            if (!closed(spec, fork, exit, members)) continue;
            found.add(new Module(merge.id(), merge.layer() instanceof LayerSpec.Add ? "Residual block" : "Inception module", fork,
                    exit, List.copyOf(members)));
        }
        // Outermost only: drop a module whose blocks all lie in a bigger one.
        List<Module> out = new ArrayList<>();
        for (Module m : found) {
            boolean inner = found.stream().anyMatch(o -> o != m && o.members().size() > m.members().size() && o.members().containsAll(m.members()));
            if (!inner) out.add(m);
        }
        return out;
    }

    private static boolean isActivation(LayerSpec l) {
        return l instanceof LayerSpec.ReLU || l instanceof LayerSpec.LeakyReLU || l instanceof LayerSpec.Sigmoid || l instanceof LayerSpec.Tanh;
    }

    /** True when the module is entered only from the fork and left only from its exit block. */
    private static boolean closed(NetworkSpec spec, String fork, String merge, Set<String> members) {
        for (Node n : spec.nodes()) {
            boolean inside = members.contains(n.id());
            for (String in : n.inputs()) {
                if (inside && !members.contains(in) && !in.equals(fork)) return false; // entered from elsewhere
                if (!inside && members.contains(in) && !in.equals(merge)) return false; // read from outside
            }
        }
        return true;
    }
}
