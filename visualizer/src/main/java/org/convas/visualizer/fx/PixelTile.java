package org.convas.visualizer.fx;

import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * An {@link ImageView} showing a small ARGB map scaled up by an integer factor with nearest-neighbour
 * (each source pixel becomes an s×s block: no blur, a 5×5 filter stays 5×5 crisp squares).
 *
 * <p>Drawing costs one {@code PixelWriter.setPixels} call. The {@link WritableImage} and the scaled buffer are
 * reused as long as the size stays the same, so redrawing a tile every few hundred milliseconds allocates
 * nothing.
 */
public final class PixelTile extends ImageView {

    private WritableImage image;
    private int[] scaled = new int[0];
    private int sourceWidth;
    private int sourceHeight;

    public PixelTile() {
        setSmooth(false);
        setPreserveRatio(true);
    }

    /**
     * Draws a W×H map of opaque ARGB pixels (row-major) scaled by {@code scale}.
     *
     * @param argb  at least width·height pixels, row-major
     * @param scale integer magnification ≥ 1; the image is (W·scale)×(H·scale)
     */
    public void draw(int[] argb, int width, int height, int scale) {
        if (width <= 0 || height <= 0 || scale <= 0) {
            throw new IllegalArgumentException("PixelTile.draw: width, height and scale must be positive, got "
                    + width + ", " + height + ", " + scale);
        }
        if (argb.length < width * height) {
            throw new IllegalArgumentException("PixelTile.draw: " + argb.length + " pixels is fewer than W·H = "
                    + width + "·" + height);
        }
        int outW = width * scale;
        int outH = height * scale;
        int[] pixels;
        if (scale == 1) {
            pixels = argb;
        } else {
            if (scaled.length != outW * outH) {
                scaled = new int[outW * outH];
            }
            upscaleNearest(argb, width, height, scale, scaled);
            pixels = scaled;
        }
        if (image == null || (int) image.getWidth() != outW || (int) image.getHeight() != outH) {
            image = new WritableImage(outW, outH);
            setImage(image);
        }
        image.getPixelWriter().setPixels(0, 0, outW, outH, PixelFormat.getIntArgbPreInstance(), pixels, 0, outW);
        sourceWidth = width;
        sourceHeight = height;
    }

    /** The backing image (reused across draws of the same size); null before the first draw. */
    public WritableImage writableImage() {
        return image;
    }

    /** Width of the last map drawn, before scaling. */
    public int sourceWidth() {
        return sourceWidth;
    }

    /** Height of the last map drawn, before scaling. */
    public int sourceHeight() {
        return sourceHeight;
    }

    /**
     * Nearest-neighbour magnification: destination pixel (x, y) takes source pixel (x / s, y / s).
     * Example: s = 2 turns the row [a b] into the rows [a a b b], [a a b b].
     */
    public static void upscaleNearest(int[] src, int width, int height, int scale, int[] dst) {
        int outW = width * scale;
        for (int y = 0; y < height; y++) {
            int rowStart = y * scale * outW;
            int d = rowStart;
            int s = y * width;
            for (int x = 0; x < width; x++) {
                int p = src[s + x];
                for (int k = 0; k < scale; k++) {
                    dst[d++] = p;
                }
            }
            for (int k = 1; k < scale; k++) {
                System.arraycopy(dst, rowStart, dst, rowStart + k * outW, outW);
            }
        }
    }

    /**
     * The integer magnification that brings the larger side of a W×H map close to {@code targetPixels}
     * without exceeding it (at least 1). Example: a 5×5 filter with target 48 gets scale 9 (45 px).
     */
    public static int scaleFor(int width, int height, int targetPixels) {
        return Math.max(1, targetPixels / Math.max(1, Math.max(width, height)));
    }
}
