package org.convas.engine.calc;

/**
 * A convolution or pooling window resolved against its input: kernel, stride, dilation and the padding on
 * each side (after "same"/"valid" are worked out). The engine pads exactly as this says, so the shapes the
 * calculator shows are the shapes the engine computes.
 */
public record Window(int kernelH, int kernelW, int strideH, int strideW, int dilation,
                     int padTop, int padLeft, int padBottom, int padRight) {

    /** A window with the same stride S on both axes. */
    public Window(int kernelH, int kernelW, int stride, int dilation, int padTop, int padLeft, int padBottom, int padRight) {
        this(kernelH, kernelW, stride, stride, dilation, padTop, padLeft, padBottom, padRight);
    }

    /** Whether the stride is the same along both axes. */
    public boolean squareStride() {
        return strideH == strideW;
    }

    /**
     * The stride of a window whose two strides are equal, for code written for square strides.
     *
     * @throws IllegalStateException when they differ: read {@link #strideH()} and {@link #strideW()} instead
     */
    public int stride() {
        if (strideH != strideW) {
            throw new IllegalStateException("the window's strides differ (" + strideH + "×" + strideW + "): use strideH() and strideW()");
        }
        return strideH;
    }

    public int effectiveKernelH() {
        return dilation * (kernelH - 1) + 1;
    }

    public int effectiveKernelW() {
        return dilation * (kernelW - 1) + 1;
    }
}
