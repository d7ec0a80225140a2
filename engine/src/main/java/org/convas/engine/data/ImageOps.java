package org.convas.engine.data;

import org.convas.engine.spec.Shape;

/**
 * The geometric half of preprocessing, as pure functions: make an image match the network input
 * W×H×D. Order: centre crop to the input's aspect ratio, colour conversion, resize; one rounding to
 * 8 bits at the end.
 *
 * <p>Resizing is separable (rows, then columns) and chooses per axis: bilinear interpolation when
 * enlarging, area averaging when shrinking. Bilinear alone would skip pixels when shrinking by more
 * than 2× and alias thin lines; area averaging lets every source pixel count by how much of it an
 * output pixel covers (OpenCV's INTER_AREA).
 */
public final class ImageOps {

    /** ITU-R BT.601 luma weights, the ones PIL's convert("L") uses. */
    public static final float LUMA_R = 0.299f, LUMA_G = 0.587f, LUMA_B = 0.114f;

    private ImageOps() {
    }

    /**
     * The centred region of a width×height image with the aspect ratio targetW:targetH, as
     * {x0, y0, w, h}. Example: 250×200 to a square → {25, 0, 200, 200}: 25 columns cut on each side.
     */
    public static int[] centreCrop(int width, int height, int targetW, int targetH) {
        long a = (long) width * targetH, b = (long) height * targetW;
        if (a > b) { // too wide: cut left and right
            int w = (int) Math.max(1, Math.round((double) height * targetW / targetH));
            return new int[] {(width - w) / 2, 0, w, height};
        }
        if (a < b) { // too tall: cut top and bottom
            int h = (int) Math.max(1, Math.round((double) width * targetH / targetW));
            return new int[] {0, (height - h) / 2, width, h};
        }
        return new int[] {0, 0, width, height};
    }

    /**
     * Resizes planes C×srcH×srcW to C×dstH×dstW.
     * Bilinear uses pixel centres (x + 0.5)·srcW/dstW − 0.5, clamped at the border, as PyTorch's
     * {@code align_corners=False}: enlarging [0, 100] to 4 pixels gives [0, 25, 75, 100].
     * Area averaging of [0, 100, 200, 40] to 2 pixels gives [50, 120].
     */
    public static float[] resize(float[] src, int channels, int srcW, int srcH, int dstW, int dstH) {
        Weights wx = weights(srcW, dstW), wy = weights(srcH, dstH);
        float[] rows = new float[channels * srcH * dstW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < srcH; y++) {
                int in = (c * srcH + y) * srcW, out = (c * srcH + y) * dstW;
                for (int x = 0; x < dstW; x++) rows[out + x] = wx.apply(src, in, 1, x);
            }
        }
        float[] dst = new float[channels * dstH * dstW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < dstH; y++) {
                int out = (c * dstH + y) * dstW;
                for (int x = 0; x < dstW; x++) dst[out + x] = wy.apply(rows, c * srcH * dstW + x, dstW, y);
            }
        }
        return dst;
    }

    /** For each output index: the first source index and the weights of the source pixels it mixes. */
    private record Weights(int[] start, float[][] w) {
        float apply(float[] src, int base, int step, int i) {
            float[] wi = w[i];
            int at = base + start[i] * step;
            float s = 0;
            for (int k = 0; k < wi.length; k++, at += step) s += wi[k] * src[at];
            return s;
        }
    }

    private static Weights weights(int src, int dst) {
        int[] start = new int[dst];
        float[][] w = new float[dst][];
        double scale = (double) src / dst;
        for (int i = 0; i < dst; i++) {
            if (dst == src) {
                start[i] = i;
                w[i] = new float[] {1};
            } else if (dst > src) { // enlarge: bilinear between the two nearest source centres
                double pos = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), src - 1);
                int i0 = (int) Math.floor(pos);
                double f = pos - i0;
                start[i] = i0;
                w[i] = i0 + 1 < src ? new float[] {(float) (1 - f), (float) f} : new float[] {1};
            } else { // shrink: average over [i·scale, (i+1)·scale), partial pixels by their overlap
                double lo = i * scale, hi = (i + 1) * scale;
                int j0 = (int) Math.floor(lo), j1 = Math.min((int) Math.ceil(hi), src);
                start[i] = j0;
                w[i] = new float[j1 - j0];
                for (int j = j0; j < j1; j++) {
                    w[i][j - j0] = (float) ((Math.min(j + 1, hi) - Math.max(j, lo)) / scale);
                }
            }
        }
        return new Weights(start, w);
    }

    /** R, G, B planes → one luma plane 0.299 R + 0.587 G + 0.114 B. */
    public static float[] toGrey(float[] rgb, int plane) {
        float[] grey = new float[plane];
        for (int i = 0; i < plane; i++) {
            grey[i] = LUMA_R * rgb[i] + LUMA_G * rgb[plane + i] + LUMA_B * rgb[2 * plane + i];
        }
        return grey;
    }

    /**
     * Makes an image match the network input: centre crop to the aspect ratio, colour conversion to
     * the input depth (grey → RGB copies the plane; RGB → grey is luma), resize, round to 8 bits.
     *
     * @throws IllegalArgumentException for channel counts other than 1 and 3
     */
    public static Image conform(Image image, Shape input) {
        int depth = input.depth();
        if (image.shape().equals(input)) return image;
        int c = image.channels();
        if ((c != 1 && c != 3) || (depth != 1 && depth != 3)) {
            throw new IllegalArgumentException("cannot convert " + c + " channels to " + depth + "; only grey (1) and RGB (3)");
        }
        int[] crop = centreCrop(image.width(), image.height(), input.width(), input.height());
        int cw = crop[2], ch = crop[3], plane = cw * ch;
        float[] px = new float[c * plane];
        byte[] src = image.planarView();
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < ch; y++) {
                int in = (k * image.height() + crop[1] + y) * image.width() + crop[0];
                for (int x = 0; x < cw; x++) px[k * plane + y * cw + x] = src[in + x] & 0xFF;
            }
        }
        int channels = c;
        if (c == 3 && depth == 1) {
            px = toGrey(px, plane);
            channels = 1;
        }
        float[] sized = resize(px, channels, cw, ch, input.width(), input.height());
        int outPlane = input.width() * input.height();
        byte[] out = new byte[depth * outPlane];
        for (int k = 0; k < depth; k++) {
            int from = channels == 1 ? 0 : k; // grey → RGB: the same plane three times
            for (int i = 0; i < outPlane; i++) out[k * outPlane + i] = toByte(sized[from * outPlane + i]);
        }
        return Image.wrap(input.width(), input.height(), depth, out);
    }

    static byte toByte(float v) {
        int i = Math.round(v);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }

    /**
     * A copy of planes C×H×W mirrored left to right. (For previews and tests; augmentation flips as
     * part of one warp.)
     */
    public static float[] flipHorizontal(float[] chw, Shape shape) {
        int w = shape.width();
        float[] out = new float[chw.length];
        for (int row = 0; row < shape.depth() * shape.height(); row++) {
            for (int x = 0; x < w; x++) out[row * w + x] = chw[row * w + (w - 1 - x)];
        }
        return out;
    }
}
