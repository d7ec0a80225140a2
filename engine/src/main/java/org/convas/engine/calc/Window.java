package org.convas.engine.calc;

/**
 * A convolution or pooling window resolved against its input: kernel, stride, dilation and the padding on
 * each side (after "same"/"valid" are worked out). The engine pads exactly as this says, so the shapes the
 * calculator shows are the shapes the engine computes.
 */
public record Window(int kernelH, int kernelW, int stride, int dilation,
                     int padTop, int padLeft, int padBottom, int padRight) {

    public int effectiveKernelH() {
        return dilation * (kernelH - 1) + 1;
    }

    public int effectiveKernelW() {
        return dilation * (kernelW - 1) + 1;
    }
}
