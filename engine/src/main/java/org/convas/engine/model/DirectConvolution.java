package org.convas.engine.model;

/**
 * A convolution computed without im2col columns: {@link ShiftedConvolution} (stride 1), {@link StridedConvolution}
 * (stride 2 or more), {@link DepthwiseConvolution} (one filter per channel). {@link Conv2dLayer} hands its passes to
 * one of them where it applies.
 */
interface DirectConvolution {

    /**
     * Floats past the last image of a padded input or dY buffer, so that the GEMM can read the ragged last panel
     * of a grid as whole vectors (up to 32 floats on from a row's start) rather than pack it float by float.
     */
    int READ_SLACK = 32;

    /** y (and ReLU(y) into {@code relu} when not null) for n images; see {@link Conv2dLayer#forward}. */
    void forward(float[] x, float[] w, float[] bias, float[] y, float[] relu, int n, boolean training, KernelThreads kernelThreads);

    /**
     * Gradients for n images after a forward pass; {@code throughRelu} as in {@link Conv2dLayer#backward(float[][],
     * float[], float[], float[][], int, boolean)}. dw and db accumulate; dx (null for a network input) accumulates too,
     * or, with {@code overwriteDx}, is written as 0 + v, image by image (the bits of adding onto a cleared buffer, so
     * the caller need not clear it: one pass less over a tensor that a BatchNorm net holds in memory, not cache).
     */
    void backward(float[] x, float[] y, float[] dy, float[] w, float[] dw, float[] db, float[] dx, int n, boolean throughRelu,
                  boolean overwriteDx);
}
