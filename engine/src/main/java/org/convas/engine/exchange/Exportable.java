package org.convas.engine.exchange;

import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.List;

/** What a network must be to leave Convas: no errors, one Input, one output that is a vector of class scores. */
final class Exportable {

    private Exportable() {
    }

    /**
     * The nodes in the order they are written when every node comes after its inputs there (so the exported code
     * and graph read like the design, and an import gives the nodes back in the same order), else in evaluation order.
     */
    static List<Node> order(NetworkSpec spec) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Node n : spec.nodes()) {
            if (!seen.containsAll(n.inputs())) return spec.topologicalOrder().orElseThrow();
            seen.add(n.id());
        }
        return spec.nodes();
    }

    static void check(NetworkSpec spec, NetworkReport report) throws ExchangeException {
        if (!report.isValid()) {
            StringBuilder sb = new StringBuilder("the network \"" + spec.name() + "\" cannot be exported until its errors are fixed:");
            for (Problem p : report.errors()) sb.append("\n  ").append(p);
            throw new ExchangeException(sb.toString());
        }
        List<Node> inputs = spec.inputs();
        if (inputs.size() != 1) {
            throw new ExchangeException("an exported network has exactly one Input node; \"" + spec.name() + "\" has " + inputs.size());
        }
        List<Node> outputs = spec.outputs();
        if (outputs.size() != 1) {
            throw new ExchangeException("an exported network has exactly one output (a node nothing consumes); \"" + spec.name()
                    + "\" has " + outputs.size() + ": " + outputs.stream().map(Node::id).toList());
        }
        Shape out = report.layer(outputs.get(0).id()).output();
        if (!out.isVector()) {
            throw new ExchangeException("the output " + outputs.get(0).id() + " gives " + out + ", but an exported classifier ends in a"
                    + " vector of class scores: add Flatten and a FullyConnected layer with one unit per class");
        }
    }
}
