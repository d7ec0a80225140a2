package org.convas.engine.data.codec;

/**
 * A decoded picture, 8 bits per sample, interleaved row by row (H×W×C) as files store it:
 * 1 channel is grey, 3 are R, G, B. Alpha is dropped, the way PIL's {@code convert("RGB")} does it.
 */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {

    public DecodedImage {
        if ((long) width * height * channels != pixels.length) {
            throw new IllegalArgumentException("pixel array does not match " + width + "×" + height + "×" + channels);
        }
    }

    /** Sample (0..255) of channel c at column x, row y. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }
}
