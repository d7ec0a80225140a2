package org.convas.visualizer.inspect;

import java.util.Objects;

/**
 * One image with its caption, for {@link ImageGallery} and {@link DatasetPreview}.
 *
 * @param pixels   C×H×W floats, any range (drawn min–max normalised; C = 3 in colour, C = 1 grey)
 * @param caption  text under the image, e.g. "true: Shirt / predicted: T-shirt (0.71)"
 */
public record GalleryImage(float[] pixels, int channels, int height, int width, String caption) {

    public GalleryImage {
        Objects.requireNonNull(caption, "GalleryImage: caption");
        MapPixels.requireLength("GalleryImage '" + caption + "'", pixels, channels, height, width);
    }
}
