package org.convas.engine.calc;

/**
 * Bytes one training step needs at a batch size, at 4 bytes a value: activations kept for the backward
 * pass and their gradients (2 × batch × activations), the parameters, their gradients, and the optimizer's
 * state (0 copies for SGD, 1 for momentum/RMSProp/AdaGrad, 2 for Adam).
 */
public record MemoryEstimate(int batch, long activationBytes, long parameterBytes, long gradientBytes, long optimizerBytes) {

    public long totalBytes() {
        return Calculator.saturatedAdd(Calculator.saturatedAdd(activationBytes, parameterBytes),
                Calculator.saturatedAdd(gradientBytes, optimizerBytes));
    }

    @Override
    public String toString() {
        return Numbers.bytes(totalBytes()) + " for batch " + batch + " (activations " + Numbers.bytes(activationBytes)
                + ", parameters " + Numbers.bytes(parameterBytes) + ", gradients " + Numbers.bytes(gradientBytes)
                + ", optimizer state " + Numbers.bytes(optimizerBytes) + ")";
    }
}
