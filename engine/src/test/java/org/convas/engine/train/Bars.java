package org.convas.engine.train;

import org.convas.engine.spec.Shape;

import java.util.SplittableRandom;

/**
 * A small real learning problem made in the test: 12×12 images of one bar, horizontal, vertical or along
 * one of the two diagonals (4 classes), at a random place and brightness, over Gaussian noise.
 */
final class Bars {

    static final int SIZE = 12;
    static final Shape SHAPE = Shape.of(SIZE, SIZE, 1);

    private Bars() {
    }

    static InMemoryBatchSource make(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count * SIZE * SIZE];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            int cls = r.nextInt(4);
            y[i] = cls;
            int o = i * SIZE * SIZE;
            for (int p = 0; p < SIZE * SIZE; p++) x[o + p] = (float) (r.nextGaussian() * 0.3);
            float v = (float) (0.8 + r.nextDouble());
            int at = 2 + r.nextInt(SIZE - 4);
            int len = 6 + r.nextInt(4);
            int start = r.nextInt(SIZE - len + 1);
            for (int k = 0; k < len; k++) {
                int row, col;
                switch (cls) {
                    case 0 -> { row = at; col = start + k; }
                    case 1 -> { row = start + k; col = at; }
                    case 2 -> { row = start + k; col = start + k; }
                    default -> { row = start + k; col = SIZE - 1 - (start + k); }
                }
                x[o + row * SIZE + col] += v;
            }
        }
        return new InMemoryBatchSource(SHAPE, 4, x, y);
    }
}
