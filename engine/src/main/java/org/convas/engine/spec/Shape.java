package org.convas.engine.spec;

/**
 * The size of one activation volume, in the lecture's notation: width W, height H, depth D (channels).
 * A flat vector (the output of Flatten or FullyConnected) is 1×1×D.
 */
public record Shape(int width, int height, int depth) {

    public static Shape of(int width, int height, int depth) {
        return new Shape(width, height, depth);
    }

    public static Shape vector(int length) {
        return new Shape(1, 1, length);
    }

    /** Number of values in the volume, W·H·D. */
    public long size() {
        return (long) width * height * depth;
    }

    public boolean isVector() {
        return width == 1 && height == 1;
    }

    /** "55×55×96", the way the lecture tables write it. */
    @Override
    public String toString() {
        return width + "×" + height + "×" + depth;
    }
}
