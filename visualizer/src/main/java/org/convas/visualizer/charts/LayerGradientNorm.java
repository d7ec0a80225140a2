package org.convas.visualizer.charts;

/**
 * The L2 norm of one layer's gradient (or weights) at one step: ‖g‖₂ = √(Σ gᵢ²) over all its parameters.
 *
 * @param step  global batch index
 * @param layer layer name, one chart series per distinct name
 * @param norm  the norm, &gt; 0 to appear on the logarithmic axis
 */
public record LayerGradientNorm(long step, String layer, double norm) {
}
