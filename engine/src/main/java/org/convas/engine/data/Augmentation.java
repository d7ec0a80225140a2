package org.convas.engine.data;

import org.convas.engine.spec.Shape;

/**
 * Random perturbations of training images, so the network does not learn where exactly an object sits
 * or which way it faces: shift (a random crop of the zero-padded image), horizontal flip, small
 * rotation and scaling. Each is off unless switched on. Immutable.
 *
 * <p>Deterministic: the transform of an image depends only on (seed, epoch, image index), never on
 * thread timing or batch order, so a run can be repeated exactly. Applied to values in [0, 1] before
 * normalisation; uncovered areas are 0 (black), like torchvision's RandomCrop(padding=P) followed by
 * Normalize. Only training batches are augmented.
 */
public final class Augmentation {

    /** One drawn transform: shift in pixels, mirror, rotation in degrees (counter-clockwise), scale. */
    public record Transform(int dx, int dy, boolean flip, double degrees, double scale) {
        public boolean isIdentity() {
            return dx == 0 && dy == 0 && !flip && degrees == 0 && scale == 1;
        }
    }

    private static final Augmentation NONE = new Builder().build();

    private final int maxShift;
    private final boolean flip;
    private final double maxDegrees;
    private final double minScale;
    private final double maxScale;
    private final long seed;

    private Augmentation(Builder b) {
        this.maxShift = b.maxShift;
        this.flip = b.flip;
        this.maxDegrees = b.maxDegrees;
        this.minScale = b.minScale;
        this.maxScale = b.maxScale;
        this.seed = b.seed;
    }

    /** No augmentation (validation, test, or training without it). */
    public static Augmentation none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxShift() { return maxShift; }

    public boolean horizontalFlip() { return flip; }

    public double maxRotationDegrees() { return maxDegrees; }

    public double minScale() { return minScale; }

    public double maxScale() { return maxScale; }

    public long seed() { return seed; }

    public boolean isNone() {
        return maxShift == 0 && !flip && maxDegrees == 0 && minScale == 1 && maxScale == 1;
    }

    /** The transform for image {@code index} in epoch {@code epoch}; the same arguments give the same transform. */
    public Transform draw(int epoch, int index) {
        if (isNone()) return new Transform(0, 0, false, 0, 1);
        Rng rng = new Rng(Rng.mix(seed, epoch, index));
        // Always draw all five numbers in this order, so switching one option on or off does not
        // change what the others draw.
        int dx = rng.nextInt(-maxShift, maxShift);
        int dy = rng.nextInt(-maxShift, maxShift);
        boolean mirror = rng.nextDouble() < 0.5;
        double turn = rng.nextDouble(), size = rng.nextDouble();
        // Exact 0 and 1 when an option is off (not −0.0), so the whole-pixel fast path applies.
        double degrees = maxDegrees == 0 ? 0 : (2 * turn - 1) * maxDegrees;
        double scale = minScale == maxScale ? minScale : minScale + size * (maxScale - minScale);
        return new Transform(dx, dy, flip && mirror, degrees, scale);
    }

    /** Augments one C×H×W volume: src[srcOffset…] → dst[dstOffset…] (different arrays or regions). */
    public void apply(float[] src, int srcOffset, Shape shape, float[] dst, int dstOffset, int epoch, int index) {
        warp(src, srcOffset, shape, draw(epoch, index), dst, dstOffset);
    }

    /**
     * Applies a transform with bilinear sampling and zeros outside the image. Each output pixel (x, y)
     * reads the source at the inverse transform about the image centre c:
     * {@code p = R(−θ)·((x, y) − c − d) / s}, mirrored in x if flipped, plus c.
     * Shift and flip alone land on whole pixels and copy exactly (no blur).
     */
    public static void warp(float[] src, int srcOffset, Shape shape, Transform t, float[] dst, int dstOffset) {
        int w = shape.width(), h = shape.height(), channels = shape.depth(), plane = w * h;
        if (t.degrees() == 0 && t.scale() == 1) { // whole-pixel fast path
            for (int c = 0; c < channels; c++) {
                int sBase = srcOffset + c * plane, dBase = dstOffset + c * plane;
                for (int y = 0; y < h; y++) {
                    int sy = y - t.dy();
                    for (int x = 0; x < w; x++) {
                        int sx = t.flip() ? w - 1 - x + t.dx() : x - t.dx();
                        dst[dBase + y * w + x] = (sy >= 0 && sy < h && sx >= 0 && sx < w) ? src[sBase + sy * w + sx] : 0f;
                    }
                }
            }
            return;
        }
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        double rad = Math.toRadians(t.degrees());
        double cos = Math.cos(rad) / t.scale(), sin = Math.sin(rad) / t.scale();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x - cx - t.dx(), v = y - cy - t.dy();
                // Image y points down, so a counter-clockwise turn on screen is a clockwise one in (x, y).
                double su = cos * u - sin * v;
                double sv = sin * u + cos * v;
                if (t.flip()) su = -su;
                double sx = su + cx, sy = sv + cy;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                float fx = (float) (sx - x0), fy = (float) (sy - y0);
                for (int c = 0; c < channels; c++) {
                    int base = srcOffset + c * plane;
                    float v00 = at(src, base, w, h, x0, y0), v10 = at(src, base, w, h, x0 + 1, y0);
                    float v01 = at(src, base, w, h, x0, y0 + 1), v11 = at(src, base, w, h, x0 + 1, y0 + 1);
                    float top = v00 + fx * (v10 - v00), bottom = v01 + fx * (v11 - v01);
                    dst[dstOffset + c * plane + y * w + x] = top + fy * (bottom - top);
                }
            }
        }
    }

    private static float at(float[] src, int base, int w, int h, int x, int y) {
        return x >= 0 && x < w && y >= 0 && y < h ? src[base + y * w + x] : 0f;
    }

    @Override
    public String toString() {
        if (isNone()) return "no augmentation";
        StringBuilder s = new StringBuilder();
        if (maxShift > 0) s.append("shift ±").append(maxShift).append(" px, ");
        if (flip) s.append("horizontal flip, ");
        if (maxDegrees > 0) s.append("rotation ±").append(maxDegrees).append("°, ");
        if (minScale != 1 || maxScale != 1) s.append("scale ").append(minScale).append("–").append(maxScale).append(", ");
        return s.append("seed ").append(seed).toString();
    }

    public static final class Builder {
        private int maxShift;
        private boolean flip;
        private double maxDegrees;
        private double minScale = 1;
        private double maxScale = 1;
        private long seed = 1;

        private Builder() {
        }

        /** Shift by up to ±pixels in x and y, filling with zeros: a random crop of the padded image. */
        public Builder shift(int pixels) {
            this.maxShift = pixels;
            return this;
        }

        /** Mirror left-right with probability 1/2 (fine for clothes and animals, wrong for digits). */
        public Builder horizontalFlip(boolean on) {
            this.flip = on;
            return this;
        }

        /** Rotate by a uniform angle in ±degrees. */
        public Builder rotation(double degrees) {
            this.maxDegrees = degrees;
            return this;
        }

        /** Scale by a uniform factor in [min, max] about the centre. */
        public Builder scale(double min, double max) {
            this.minScale = min;
            this.maxScale = max;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Augmentation build() {
            if (maxShift < 0 || maxShift > 64) {
                throw new IllegalArgumentException("the shift must be between 0 and 64 pixels (4 is usual for 32×32 "
                        + "images), got " + maxShift);
            }
            if (!(maxDegrees >= 0 && maxDegrees <= 180)) {
                throw new IllegalArgumentException("the rotation must be between 0 and 180 degrees (10 to 15 is usual), got "
                        + maxDegrees);
            }
            if (!(minScale > 0.1 - 1e-9 && minScale <= maxScale && maxScale <= 10)) {
                throw new IllegalArgumentException("the scale range needs 0.1 ≤ min ≤ max ≤ 10 (e.g. 0.9 to 1.1), got "
                        + minScale + " to " + maxScale);
            }
            return new Augmentation(this);
        }
    }
}
