package org.convas.engine.model;

import org.convas.engine.kernel.Gemm;

import java.util.ArrayList;
import java.util.List;

/**
 * y (N×O) = x (N×I) · Wᵀ + b, with W stored as PyTorch does, O × I (row o holds the weights of unit o). A
 * spatial input is read in its (C, H, W) memory order, which is exactly PyTorch's flatten order.
 *
 * <p>Backward: dW (O×I) += dyᵀ · x, db += Σₙ dy, dx (N×I) += dy · W. Example: LeNet's FC 120 over 400 inputs
 * has W of 120×400 = 48,000 values.
 */
final class FullyConnectedLayer implements Layer {

    private final int inputs;
    private final int units;
    private final Parameter weight;
    private final Parameter bias;
    private float[] deferredX;   // rows × inputs, when the weight gradient is deferred
    private float[] deferredDy;  // rows × units
    private int deferredRows;
    private float[] gatheredX;   // the rows of all work units, in unit order (the first unit's layer only)
    private float[] gatheredDy;

    FullyConnectedLayer(int inputs, int units, Parameter weight, Parameter bias) {
        this.inputs = inputs;
        this.units = units;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public void forward(float[][] in, float[] y, int n, boolean training) {
        Gemm.sgemm(false, true, n, units, inputs, 1f, in[0], 0, inputs, weight.value(), 0, inputs, 0f, y, 0, units);
        if (bias != null) {
            float[] b = bias.value();
            for (int s = 0; s < n; s++) {
                int o = s * units;
                for (int j = 0; j < units; j++) y[o + j] += b[j];
            }
        }
    }

    /**
     * Keeps the rows of up to {@code rows} samples and computes dW once for all of them in {@link #flush}, instead
     * of once per backward pass: with micro-batches of 4 images, dW += dyᵀ·x would read and write all of W's
     * gradient (VGG-lite's FC 128 over 3,136 inputs: 1.6 MB) for 4 multiply-adds per element.
     */
    void deferWeightGradient(int rows) {
        deferredX = new float[rows * inputs];
        deferredDy = new float[rows * units];
        deferredRows = 0;
    }

    /** Adds the weight gradient of the rows kept since the last flush. */
    @Override
    public void flush() {
        if (deferredX == null || deferredRows == 0) return;
        Gemm.sgemm(true, false, units, inputs, deferredRows, 1f, deferredDy, 0, units, deferredX, 0, inputs, 1f,
                weight.grad(), 0, inputs);
        deferredRows = 0;
    }

    /** Whether this layer holds its weight gradient back ({@link #deferWeightGradient}). */
    boolean defers() {
        return deferredX != null;
    }

    Parameter weight() {
        return weight;
    }

    /** Drops the rows kept since the last flush (a step thrown away). */
    void discardDeferred() {
        deferredRows = 0;
    }

    /**
     * Adds onto this layer's weight gradient the rows kept by the same layer of several work units ({@code parts},
     * this one first): their rows are laid one after the other, in the order given, and dW += dyᵀ·x is one GEMM
     * over all of them (a batch of 64 instead of 8 GEMMs of 8 rows each, which read and write all of dW
     * every time), split over {@code parallelism} threads of {@code executor} (null: the caller alone).
     * The parts' own weight gradients are left untouched.
     */
    void flushAll(List<FullyConnectedLayer> parts, java.util.concurrent.Executor executor, int parallelism) {
        int rows = 0;
        for (FullyConnectedLayer part : parts) rows += part.deferredRows;
        if (rows == 0) return;
        float[] x = deferredX, dy = deferredDy;
        if (parts.size() > 1) {
            if (gatheredX == null || gatheredX.length < rows * inputs) {
                gatheredX = new float[rows * inputs];
                gatheredDy = new float[rows * units];
            }
            int at = 0;
            for (FullyConnectedLayer part : parts) {
                System.arraycopy(part.deferredX, 0, gatheredX, at * inputs, part.deferredRows * inputs);
                System.arraycopy(part.deferredDy, 0, gatheredDy, at * units, part.deferredRows * units);
                at += part.deferredRows;
            }
            x = gatheredX;
            dy = gatheredDy;
        }
        for (FullyConnectedLayer part : parts) part.deferredRows = 0;
        if (executor == null || parallelism == 1) {
            Gemm.sgemm(true, false, units, inputs, rows, 1f, dy, 0, units, x, 0, inputs, 1f, weight.grad(), 0, inputs);
        } else {
            Gemm.sgemm(true, false, units, inputs, rows, 1f, dy, 0, units, x, 0, inputs, 1f, weight.grad(), 0, inputs,
                    executor, parallelism);
        }
    }

    @Override
    public void backward(float[][] in, float[] y, float[] dy, float[][] dIn, int n) {
        if (deferredX != null && deferredRows + n <= deferredX.length / inputs) {
            System.arraycopy(in[0], 0, deferredX, deferredRows * inputs, n * inputs);
            System.arraycopy(dy, 0, deferredDy, deferredRows * units, n * units);
            deferredRows += n;
        } else {
            flush();
            Gemm.sgemm(true, false, units, inputs, n, 1f, dy, 0, units, in[0], 0, inputs, 1f, weight.grad(), 0, inputs);
        }
        if (bias != null) {
            float[] db = bias.grad();
            for (int s = 0; s < n; s++) {
                int o = s * units;
                for (int j = 0; j < units; j++) db[j] += dy[o + j];
            }
        }
        if (dIn[0] != null) {
            Gemm.sgemm(false, false, n, inputs, units, 1f, dy, 0, units, weight.value(), 0, inputs, 1f, dIn[0], 0, inputs);
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(2);
        p.add(weight);
        if (bias != null) p.add(bias);
        return p;
    }
}
