package org.convas.engine.data;

import java.util.Arrays;
import org.convas.engine.spec.Shape;

/**
 * One 8-bit picture, stored planar: all of channel 0 row by row, then channel 1, and so on
 * (C×H×W, the order the network consumes). 1 channel is grey, 3 are R, G, B. Immutable.
 */
public final class Image {

    private final int width;
    private final int height;
    private final int channels;
    private final byte[] pixels; // C×H×W, unsigned

    private Image(int width, int height, int channels, byte[] pixels) {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new IllegalArgumentException("an image needs a positive size, got " + width + "×" + height + "×" + channels);
        }
        if ((long) width * height * channels != pixels.length) {
            throw new IllegalArgumentException(width + "×" + height + "×" + channels + " needs "
                    + (long) width * height * channels + " pixel values, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels;
    }

    /** Takes planar C×H×W values (copied). */
    public static Image planar(int width, int height, int channels, byte[] chw) {
        return new Image(width, height, channels, chw.clone());
    }

    /** Takes interleaved H×W×C values (RGBRGB…, the order files store), reordered to planar. */
    public static Image interleaved(int width, int height, int channels, byte[] hwc) {
        if ((long) width * height * channels != hwc.length) {
            throw new IllegalArgumentException(width + "×" + height + "×" + channels + " needs "
                    + (long) width * height * channels + " pixel values, got " + hwc.length);
        }
        if (channels == 1) return new Image(width, height, 1, hwc.clone());
        int plane = width * height;
        byte[] chw = new byte[hwc.length];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) chw[c * plane + i] = hwc[i * channels + c];
        }
        return new Image(width, height, channels, chw);
    }

    /** Wraps an array the caller hands over and never touches again (no copy; for loaders). */
    static Image wrap(int width, int height, int channels, byte[] chw) {
        return new Image(width, height, channels, chw);
    }

    public int width() { return width; }

    public int height() { return height; }

    public int channels() { return channels; }

    /** W×H×D in the lecture's notation. */
    public Shape shape() { return Shape.of(width, height, channels); }

    /** The value 0..255 of channel c at column x, row y. */
    public int get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xFF;
    }

    /** A copy of the planar C×H×W values. */
    public byte[] toPlanar() { return pixels.clone(); }

    /** The planar values without a copy, for this package's loops; callers must not write to them. */
    byte[] planarView() { return pixels; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image other && width == other.width && height == other.height
                && channels == other.channels && Arrays.equals(pixels, other.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() { return "Image " + shape(); }
}
