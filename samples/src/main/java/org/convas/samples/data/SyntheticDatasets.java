package org.convas.samples.data;

import java.util.ArrayList;
import java.util.List;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Image;
import org.convas.engine.data.Rng;

/**
 * Small teaching sets drawn by code at load time (no files), 28×28 grey. They are built so that a network can
 * only solve them with the detectors a first layer is famous for, and has to work for it: the class is carried
 * by thin strokes anywhere in the image, under strong pixel noise, on an uneven background, in either polarity
 * (bright on dark or dark on bright). Averaging the noise away along a stroke is what an elongated, oriented
 * filter does, so the learned first-layer filters turn into oriented edge and bar detectors (bars) and edge,
 * corner and blob detectors (shapes) within a minute of training, where the earlier clean, centred, bright
 * images were solved in one epoch by whatever random filters the network started with.
 * The same seed draws the same images.
 */
public final class SyntheticDatasets {

    public static final int SIZE = 28;
    /** Sub-samples per pixel side for anti-aliased edges (4×4 = 16 samples per pixel). */
    private static final int SUPER = 4;
    /** Standard deviation of the pixel noise, on the 0..1 scale. */
    static final double NOISE = 0.16;

    public static final List<String> BAR_CLASSES = List.of("horizontal —", "rising /", "vertical |", "falling \\");
    public static final List<String> SHAPE_CLASSES = List.of("circle", "square", "triangle", "cross");

    private SyntheticDatasets() {
    }

    /**
     * Strokes at 0°, 45°, 90° and 135° (±10°): 1 to 3 parallel-ish strokes per image, each 7–16 px long and
     * 1–2.5 px thick, anywhere in the image; contrast 0.3–0.55 of either sign on a background of 0.3–0.7 with a
     * gradient, plus Gaussian noise (σ {@value #NOISE}) and up to 2 short strokes of any orientation as clutter.
     */
    public static DatasetPair orientedBars(int trainPerClass, int testPerClass, long seed) {
        return new DatasetPair(bars(trainPerClass, Rng.mix(seed, 1), "oriented bars, training", NOISE),
                bars(testPerClass, Rng.mix(seed, 2), "oriented bars, test", NOISE));
    }

    /**
     * Circle, square, triangle and cross (plus sign), filled or outlined (stroke 1.5–2.5 px), radius 5–9 px,
     * anywhere the shape fits, turned by ±20°, in either polarity, on the same noisy uneven background as the
     * bars.
     */
    public static DatasetPair shapes(int trainPerClass, int testPerClass, long seed) {
        return new DatasetPair(shapes(trainPerClass, Rng.mix(seed, 3), "shapes, training", NOISE),
                shapes(testPerClass, Rng.mix(seed, 4), "shapes, test", NOISE));
    }

    /** A point test in image coordinates (pixels, y down). */
    private interface Inside {
        boolean at(double x, double y);
    }

    /** The training bars with noise of standard deviation {@code noise}: 0 draws the same images without noise (tests). */
    static Dataset bars(int perClass, long seed, String source, double noise) {
        checkCount(perClass);
        Rng rng = new Rng(seed);
        List<Image> images = new ArrayList<>();
        int[] labels = new int[perClass * 4];
        for (int i = 0; i < perClass * 4; i++) {
            int label = i % 4; // interleaved classes: any prefix is balanced
            double classAngle = 45 * label;
            List<Inside> strokes = new ArrayList<>();
            int count = 1 + rng.nextInt(3);
            for (int s = 0; s < count; s++) {
                double angle = classAngle + (rng.nextDouble() * 20 - 10);
                strokes.add(stroke(angle, 7 + rng.nextDouble() * 9, 1 + rng.nextDouble() * 1.5, rng));
            }
            List<Inside> clutter = new ArrayList<>();
            int dots = rng.nextInt(3);
            for (int s = 0; s < dots; s++) { // short strokes of any orientation: too short to carry a direction
                clutter.add(stroke(rng.nextDouble() * 180, 2 + rng.nextDouble() * 2, 1 + rng.nextDouble(), rng));
            }
            images.add(render(any(strokes), any(clutter), rng, noise));
            labels[i] = label;
        }
        return new Dataset(source, BAR_CLASSES, images, labels);
    }

    /** A stroke at {@code degrees} (counter-clockwise from horizontal, as seen), its centre anywhere it fits. */
    private static Inside stroke(double degrees, double length, double thickness, Rng rng) {
        double angle = Math.toRadians(degrees);
        double ux = Math.cos(angle), uy = -Math.sin(angle); // y down: positive angles rise to the right
        double half = length / 2, thick = thickness / 2;
        double reachX = Math.abs(ux) * half + thick, reachY = Math.abs(uy) * half + thick;
        double cx = reachX + 1 + rng.nextDouble() * Math.max(0, SIZE - 2 - 2 * reachX);
        double cy = reachY + 1 + rng.nextDouble() * Math.max(0, SIZE - 2 - 2 * reachY);
        return (x, y) -> {
            double along = (x - cx) * ux + (y - cy) * uy, across = -(x - cx) * uy + (y - cy) * ux;
            return Math.abs(along) <= half && Math.abs(across) <= thick;
        };
    }

    private static Inside any(List<Inside> parts) {
        return (x, y) -> {
            for (Inside p : parts) if (p.at(x, y)) return true;
            return false;
        };
    }

    /** As {@link #bars(int, long, String, double)}, for the shapes. */
    static Dataset shapes(int perClass, long seed, String source, double noise) {
        checkCount(perClass);
        Rng rng = new Rng(seed);
        List<Image> images = new ArrayList<>();
        int[] labels = new int[perClass * 4];
        for (int i = 0; i < perClass * 4; i++) {
            int label = i % 4;
            double r = 5 + rng.nextDouble() * 4;
            double margin = 1.25 * r + 1;
            double cx = margin + rng.nextDouble() * (SIZE - 2 * margin), cy = margin + rng.nextDouble() * (SIZE - 2 * margin);
            double turn = Math.toRadians(rng.nextDouble() * 40 - 20);
            double cos = Math.cos(turn), sin = Math.sin(turn);
            boolean outline = rng.nextDouble() < 0.5;
            double stroke = 1.5 + rng.nextDouble();
            // Signed "inside" depth: how far a point lies inside the shape's edge (negative outside), in pixels.
            java.util.function.DoubleBinaryOperator depth = switch (label) {
                case 0 -> (x, y) -> r - Math.hypot(x - cx, y - cy);
                case 1 -> (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    double side = r * 0.85; // similar area to the circle
                    return side - Math.max(Math.abs(u), Math.abs(v));
                };
                case 2 -> (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    // Upward equilateral triangle with circumradius 1.2 r: apex at v = −1.2 r.
                    double big = 1.2 * r, inside = Double.POSITIVE_INFINITY;
                    for (int k = 0; k < 3; k++) { // distance to the nearest of the three edges
                        double a = Math.toRadians(90 + 120 * k);
                        inside = Math.min(inside, big / 2 - (u * Math.cos(a) + v * Math.sin(a)));
                    }
                    return inside;
                };
                default -> (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    double arm = r * 0.35;
                    return Math.max(Math.min(r - Math.abs(u), arm - Math.abs(v)), Math.min(r - Math.abs(v), arm - Math.abs(u)));
                };
            };
            Inside shape = outline ? (x, y) -> {
                double d = depth.applyAsDouble(x, y);
                return d >= 0 && d <= stroke;
            } : (x, y) -> depth.applyAsDouble(x, y) >= 0;
            images.add(render(shape, (x, y) -> false, rng, noise));
            labels[i] = label;
        }
        return new Dataset(source, SHAPE_CLASSES, images, labels);
    }

    /**
     * Coverage by 4×4 sub-samples of the figure and of the clutter, drawn with one contrast of either sign on a
     * background with a linear gradient, plus Gaussian noise.
     */
    private static Image render(Inside figure, Inside clutter, Rng rng, double noise) {
        double background = 0.3 + rng.nextDouble() * 0.4;
        double gx = (rng.nextDouble() - 0.5) * 0.3 / SIZE, gy = (rng.nextDouble() - 0.5) * 0.3 / SIZE;
        double contrast = (0.3 + rng.nextDouble() * 0.25) * (rng.nextDouble() < 0.5 ? 1 : -1);
        byte[] px = new byte[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int hits = 0;
                for (int sy = 0; sy < SUPER; sy++) {
                    for (int sx = 0; sx < SUPER; sx++) {
                        double px0 = x + (sx + 0.5) / SUPER, py0 = y + (sy + 0.5) / SUPER;
                        if (figure.at(px0, py0) || clutter.at(px0, py0)) hits++;
                    }
                }
                double v = background + gx * (x - SIZE / 2.0) + gy * (y - SIZE / 2.0) + contrast * hits / (SUPER * SUPER)
                        + noise * gaussian(rng); // drawn whatever the noise, so noise 0 gives the same figures
                px[y * SIZE + x] = (byte) Math.max(0, Math.min(255, Math.round(v * 255)));
            }
        }
        return Image.planar(SIZE, SIZE, 1, px);
    }

    /** A standard normal draw (Box–Muller). */
    private static double gaussian(Rng rng) {
        double u = Math.max(rng.nextDouble(), 1e-12), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static void checkCount(int perClass) {
        if (perClass < 1 || perClass > 100_000) {
            throw new IllegalArgumentException("images per class must be between 1 and 100,000, got " + perClass);
        }
    }
}
