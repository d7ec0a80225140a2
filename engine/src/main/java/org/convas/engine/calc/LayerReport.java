package org.convas.engine.calc;

import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;

import java.util.List;

/**
 * What the calculator found for one node.
 *
 * @param node          the node
 * @param inputShapes   shapes arriving at the node (empty for Input; may hold nulls where unknown)
 * @param output        the output shape, or null when it is unknown (the node or something upstream is invalid)
 * @param shapeFormula  how the output follows from the input, with the numbers: "(227 − 11 + 2·0)/4 + 1 = 55"
 * @param weights       learned weights (not biases)
 * @param biases        learned biases (BatchNorm: its shift β)
 * @param paramFormula  "(11·11·3 + 1)·96 = 34,944", or "" for layers without parameters
 * @param activations   values in the output volume, W·H·D
 * @param inPlace       true for layers that overwrite their input or only reshape it (ReLU, Flatten, ...): they
 *                      add no activation memory
 * @param macs          multiply-accumulates of one forward pass for one image
 * @param receptiveField region of the network input one output unit sees, or null when unknown
 * @param window        the resolved conv/pool window, or null for other layers
 * @param problems      problems at this node
 */
public record LayerReport(Node node, List<Shape> inputShapes, Shape output, String shapeFormula,
                          long weights, long biases, String paramFormula, long activations, boolean inPlace,
                          long macs, ReceptiveField receptiveField, Window window, List<Problem> problems) {

    public LayerReport {
        inputShapes = inputShapes == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputShapes));
        problems = List.copyOf(problems);
    }

    public String id() {
        return node.id();
    }

    public long parameters() {
        return weights + biases;
    }

    /** Forward activation memory this node adds, at 4 bytes a value (0 for in-place layers). */
    public long memoryBytes() {
        return inPlace ? 0 : activations * 4L;
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public boolean isKnown() {
        return output != null;
    }
}
