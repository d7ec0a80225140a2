package org.convas.engine.model;

import java.util.List;

/**
 * The contract every layer keeps. Tensors are flat {@code float[]} batches in (N, C, H, W) order: sample n,
 * channel c, row y, column x is at ((n·C + c)·H + y)·W + x.
 *
 * <p>A layer instance belongs to one worker thread: it may keep caches (pooling switches, BatchNorm's x̂,
 * dropout masks) from its last forward pass for the backward pass. Parameter values are shared by all
 * workers and only read here; gradients are the worker's own.
 */
public interface Layer {

    /**
     * Computes the output of {@code n} samples.
     *
     * @param in       one array per input node, each N×(its size)
     * @param out      N×(output size), fully overwritten
     * @param training true in training (batch statistics, dropout), false in evaluation
     */
    void forward(float[][] in, float[] out, int n, boolean training);

    /**
     * Back-propagates {@code dOut} after a training forward pass: adds the gradient with respect to each
     * input to {@code dIn[i]} and the gradients of the parameters to their {@code grad} arrays (+=, never =),
     * so nodes with several consumers and per-thread buffers simply accumulate.
     *
     * @param dIn one array per input; an entry is null when that input needs no gradient (the network input)
     */
    void backward(float[][] in, float[] out, float[] dOut, float[][] dIn, int n);

    /** The layer's learned tensors as (value, gradient) pairs; empty for layers without parameters. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** Adds any parameter gradient the layer held back from its backward passes ({@link ModelWorker#flushGradients}). */
    default void flush() {
    }

    /** Seeds the layer's randomness (dropout) for the next training forward pass. */
    default void reseed(long seed) {
    }
}
