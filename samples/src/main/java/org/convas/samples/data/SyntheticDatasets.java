package org.convas.samples.data;

import java.util.ArrayList;
import java.util.List;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Image;
import org.convas.engine.data.Rng;

/**
 * Small teaching sets drawn by code at load time (no files), 28×28 grey, white on black, with a
 * little noise. They are easy on purpose: a network learns them in seconds, and the classes differ by
 * exactly what first-layer filters detect, so the learned 5×5 filters become visible oriented-edge
 * detectors (bars) and edge/blob detectors (shapes). The same seed draws the same images.
 */
public final class SyntheticDatasets {

    public static final int SIZE = 28;
    /** Sub-samples per pixel side for anti-aliased edges (4×4 = 16 samples per pixel). */
    private static final int SUPER = 4;

    public static final List<String> BAR_CLASSES = List.of("horizontal —", "rising /", "vertical |", "falling \\");
    public static final List<String> SHAPE_CLASSES = List.of("circle", "square", "triangle", "cross");

    private SyntheticDatasets() {
    }

    /**
     * Bars at 0°, 45°, 90° and 135° (±5°), of random length 12–22 px, thickness 2–3.5 px and
     * position (centre within ±5 px of the image centre).
     */
    public static DatasetPair orientedBars(int trainPerClass, int testPerClass, long seed) {
        return new DatasetPair(bars(trainPerClass, Rng.mix(seed, 1), "oriented bars, training"),
                bars(testPerClass, Rng.mix(seed, 2), "oriented bars, test"));
    }

    /**
     * Filled circle, square, triangle and cross (plus sign), random size (radius 6–10 px), position
     * (±4 px) and a small turn (±15°).
     */
    public static DatasetPair shapes(int trainPerClass, int testPerClass, long seed) {
        return new DatasetPair(shapes(trainPerClass, Rng.mix(seed, 3), "shapes, training"),
                shapes(testPerClass, Rng.mix(seed, 4), "shapes, test"));
    }

    /** A point test in image coordinates (pixels, y down). */
    private interface Inside {
        boolean at(double x, double y);
    }

    private static Dataset bars(int perClass, long seed, String source) {
        checkCount(perClass);
        Rng rng = new Rng(seed);
        List<Image> images = new ArrayList<>();
        int[] labels = new int[perClass * 4];
        for (int i = 0; i < perClass * 4; i++) {
            int label = i % 4; // interleaved classes: any prefix is balanced
            double angle = Math.toRadians(45 * label + (rng.nextDouble() * 10 - 5));
            double cx = 13.5 + rng.nextDouble() * 10 - 5, cy = 13.5 + rng.nextDouble() * 10 - 5;
            double half = (12 + rng.nextDouble() * 10) / 2, thick = (2 + rng.nextDouble() * 1.5) / 2;
            double ux = Math.cos(angle), uy = -Math.sin(angle); // y down: positive angles rise to the right
            Inside bar = (x, y) -> {
                double along = (x - cx) * ux + (y - cy) * uy, across = -(x - cx) * uy + (y - cy) * ux;
                return Math.abs(along) <= half && Math.abs(across) <= thick;
            };
            images.add(render(bar, rng));
            labels[i] = label;
        }
        return new Dataset(source, BAR_CLASSES, images, labels);
    }

    private static Dataset shapes(int perClass, long seed, String source) {
        checkCount(perClass);
        Rng rng = new Rng(seed);
        List<Image> images = new ArrayList<>();
        int[] labels = new int[perClass * 4];
        for (int i = 0; i < perClass * 4; i++) {
            int label = i % 4;
            double cx = 13.5 + rng.nextDouble() * 8 - 4, cy = 13.5 + rng.nextDouble() * 8 - 4;
            double r = 6 + rng.nextDouble() * 4;
            double turn = Math.toRadians(rng.nextDouble() * 30 - 15);
            double cos = Math.cos(turn), sin = Math.sin(turn);
            Inside shape = switch (label) {
                case 0 -> (x, y) -> (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
                case 1 -> (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    double side = r * 0.85; // similar area to the circle
                    return Math.abs(u) <= side && Math.abs(v) <= side;
                };
                case 2 -> (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    // Upward equilateral triangle with circumradius 1.2 r: apex at v = −1.2 r.
                    double R = 1.2 * r;
                    for (int k = 0; k < 3; k++) { // inside = on the inner side of all three edges
                        double a = Math.toRadians(90 + 120 * k);
                        double nx = Math.cos(a), ny = Math.sin(a); // edge normals point down, up-left, up-right
                        if (u * nx + v * ny > R / 2) return false;
                    }
                    return true;
                };
                default -> (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    double arm = r * 0.35;
                    return (Math.abs(u) <= r && Math.abs(v) <= arm) || (Math.abs(v) <= r && Math.abs(u) <= arm);
                };
            };
            images.add(render(shape, rng));
            labels[i] = label;
        }
        return new Dataset(source, SHAPE_CLASSES, images, labels);
    }

    /** Coverage by 4×4 sub-samples, foreground brightness 0.75–1, plus noise of ±0.05. */
    private static Image render(Inside inside, Rng rng) {
        double brightness = 0.75 + rng.nextDouble() * 0.25;
        byte[] px = new byte[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int hits = 0;
                for (int sy = 0; sy < SUPER; sy++) {
                    for (int sx = 0; sx < SUPER; sx++) {
                        if (inside.at(x + (sx + 0.5) / SUPER, y + (sy + 0.5) / SUPER)) hits++;
                    }
                }
                double v = brightness * hits / (SUPER * SUPER) + (rng.nextDouble() - 0.5) * 0.1;
                px[y * SIZE + x] = (byte) Math.max(0, Math.min(255, Math.round(v * 255)));
            }
        }
        return Image.planar(SIZE, SIZE, 1, px);
    }

    private static void checkCount(int perClass) {
        if (perClass < 1 || perClass > 100_000) {
            throw new IllegalArgumentException("images per class must be between 1 and 100,000, got " + perClass);
        }
    }
}
