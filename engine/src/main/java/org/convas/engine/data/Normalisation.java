package org.convas.engine.data;

/**
 * How pixel values are normalised after scaling to [0, 1]. Statistics always come from the training
 * set only, and the same numbers are applied to validation and test images: a network must not see
 * anything of the test set before it is tested, not even its average.
 */
public enum Normalisation {
    /** Keep values in [0, 1]. */
    NONE,
    /** x' = (x − mean_c) / std_c with one mean and one standard deviation per channel (torchvision's Normalize). */
    PER_CHANNEL,
    /** x' = x − mean(x, y, c): subtract the training mean image pixel by pixel (AlexNet, the lecture's mean image). */
    MEAN_IMAGE
}
