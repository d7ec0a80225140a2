package org.convas.engine.train;

/**
 * A mini-batch: {@code count} images of W·H·D values each in (C, H, W) order, and their class labels. The
 * arrays may be longer than needed and may be reused by the source for its next batch.
 */
public record Batch(float[] x, int[] y, int count) {
}
