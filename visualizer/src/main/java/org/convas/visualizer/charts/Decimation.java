package org.convas.visualizer.charts;

import java.util.Arrays;

/**
 * Thins a long line series while keeping what the eye sees: min–max buckets. The points between the first and
 * the last are cut into B buckets of consecutive points; from each bucket the point with the smallest and the
 * one with the largest y survive (in their original order), plus the first and last point of the series.
 * At most 2·B + 2 points remain.
 *
 * <p>Example: 10 points with y = {5, 1, 7, 3, 9, 2, 8, 4, 6, 0} and B = 2: inner points 1..8 form buckets
 * {1..4} and {5..8}; bucket one keeps index 1 (y = 1) and 4 (y = 9), bucket two index 5 (2) and 6 (8);
 * result indices {0, 1, 4, 5, 6, 9}. Spikes (divergence, a bad batch) survive thinning, unlike keeping every
 * other point.
 */
public final class Decimation {

    private Decimation() {
    }

    /**
     * Indices to keep, ascending.
     *
     * @param ys      y values of the points, in x order
     * @param count   number of points (ys may be longer)
     * @param buckets B ≥ 1
     */
    public static int[] minMaxIndices(double[] ys, int count, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("Decimation: need at least 1 bucket, got " + buckets);
        }
        if (count <= 2 * buckets + 2) {
            int[] all = new int[count];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] keep = new int[2 * buckets + 2];
        int n = 0;
        keep[n++] = 0;
        int inner = count - 2;
        for (int b = 0; b < buckets; b++) {
            int from = 1 + (int) ((long) b * inner / buckets);
            int to = 1 + (int) ((long) (b + 1) * inner / buckets); // exclusive
            if (from >= to) continue;
            int min = from;
            int max = from;
            for (int i = from + 1; i < to; i++) {
                if (ys[i] < ys[min]) min = i;
                if (ys[i] > ys[max]) max = i;
            }
            if (min == max) {
                keep[n++] = min;
            } else {
                keep[n++] = Math.min(min, max);
                keep[n++] = Math.max(min, max);
            }
        }
        keep[n++] = count - 1;
        return Arrays.copyOf(keep, n);
    }
}
