package org.convas.engine.exchange;

import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Python attribute name of each node in an exported {@code model.py}, and so the prefix of its state_dict keys.
 * A node id that is a valid Python identifier, not a keyword and not an attribute every {@code nn.Module} has keeps
 * its name ("conv1" stays "conv1", its weight is "conv1.weight"); others are made into one: characters outside
 * [A-Za-z0-9_] become "_", a leading digit gets "n_" in front, a reserved word gets "_" after, and a name already
 * taken gets "_2", "_3"… Export and import use the same mapping, so weights find their node both ways.
 */
public final class PythonNames {

    private static final Set<String> RESERVED = Set.of(
            // Python keywords and the names model.py itself uses
            "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
            "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
            "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "self", "torch", "nn",
            "F", "x", "match", "case",
            // attributes of torch.nn.Module that a submodule must not hide
            "training", "forward", "probabilities", "parameters", "named_parameters", "buffers", "named_buffers",
            "children", "named_children", "modules", "named_modules", "state_dict", "load_state_dict", "train", "eval",
            "to", "cpu", "cuda", "float", "double", "half", "type", "apply", "zero_grad", "requires_grad_",
            "register_buffer", "register_parameter", "add_module", "get_submodule", "get_parameter", "extra_repr",
            "dump_patches", "share_memory", "reset_parameters", "freeze", "FROZEN", "call_super_init");

    private PythonNames() {
    }

    /** Node id → Python name, for every node of the spec, in node order; distinct names. */
    public static Map<String, String> of(NetworkSpec spec) {
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        // Ids that are already good names are kept first, so a made-up name never takes a real one's place.
        for (Node n : spec.nodes()) {
            String base = base(n.id());
            if (base.equals(n.id())) {
                names.put(n.id(), base);
                taken.add(base);
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (Node n : spec.nodes()) {
            String name = names.get(n.id());
            if (name == null) {
                String base = base(n.id());
                name = base;
                for (int k = 2; taken.contains(name); k++) name = base + "_" + k;
                taken.add(name);
            }
            ordered.put(n.id(), name);
        }
        return Collections.unmodifiableMap(ordered);
    }

    /** The name an id would get on its own (before making names distinct). */
    static String base(String id) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        String s = b.length() == 0 ? "node" : b.toString();
        if (Character.isDigit(s.charAt(0))) s = "n_" + s;
        if (RESERVED.contains(s)) s = s + "_";
        return s;
    }
}
