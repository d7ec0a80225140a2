package org.convas.engine.model;

/**
 * A learned tensor and its gradient, the only thing an optimizer sees.
 *
 * @param name   "conv1.weight", "bn1.bias": the node id and PyTorch's tensor name
 * @param nodeId the node the tensor belongs to
 * @param kind   what the tensor is, which decides whether weight decay applies
 * @param value  the values, in the layout documented on {@link Model}
 * @param grad   the gradient, same length; layers accumulate into it (+=)
 * @param trainable false when its node is frozen ({@code Node.trainable()}): the optimizer leaves it alone and
 *                  gradient clipping does not count it
 */
public record Parameter(String name, String nodeId, Kind kind, float[] value, float[] grad, boolean trainable) {

    /** A trainable parameter. */
    public Parameter(String name, String nodeId, Kind kind, float[] value, float[] grad) {
        this(name, nodeId, kind, value, grad, true);
    }

    public enum Kind {
        /** Convolution filters and fully connected weights: L2 weight decay applies by default. */
        WEIGHT,
        /** Biases: no weight decay by default. */
        BIAS,
        /** BatchNorm scale γ and shift β: no weight decay by default. */
        NORM
    }

    /** Whether L2 weight decay applies (weights only, as is customary). */
    public boolean decays() {
        return kind == Kind.WEIGHT;
    }

    public int size() {
        return value.length;
    }
}
