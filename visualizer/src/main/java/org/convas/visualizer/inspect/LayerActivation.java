package org.convas.visualizer.inspect;

import java.util.Objects;

import org.convas.engine.spec.Shape;

/**
 * One layer's output for one input image, as the inspector draws it.
 *
 * @param name   layer name as the designer shows it, e.g. "conv1"
 * @param shape  output volume W×H×D; D is the number of maps (channels) C
 * @param values C×H×W floats: values[(c·H + y)·W + x], length W·H·D
 */
public record LayerActivation(String name, Shape shape, float[] values) {

    public LayerActivation {
        Objects.requireNonNull(name, "LayerActivation: name");
        Objects.requireNonNull(shape, "LayerActivation: shape");
        Objects.requireNonNull(values, "LayerActivation: values");
        if (shape.width() <= 0 || shape.height() <= 0 || shape.depth() <= 0) {
            throw new IllegalArgumentException("LayerActivation '" + name + "': shape " + shape
                    + " must be positive in W, H and D");
        }
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("LayerActivation '" + name + "': shape " + shape + " needs W·H·D = "
                    + shape.size() + " values (C×H×W), got " + values.length);
        }
    }
}
