package org.convas.engine.kernel;

import java.util.Random;

/**
 * Run in a child JVM by {@link GemmFallbackTest}: prints which implementation {@link Gemm} chose, then the
 * largest relative difference between {@link Gemm#sgemm} and {@link Gemm#reference} over a product big enough
 * to bypass the small-product shortcut, with all four transpose combinations.
 */
public final class GemmFallbackProbe {

    private GemmFallbackProbe() {
    }

    public static void main(String[] args) {
        System.out.println(Gemm.implementation());
        Random random = new Random(9);
        int m = 50, n = 70, k = 40;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
        double worst = 0;
        for (boolean transA : new boolean[]{false, true}) {
            for (boolean transB : new boolean[]{false, true}) {
                float[] fast = new float[m * n];
                float[] slow = new float[m * n];
                Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, fast, 0, n, 2);
                Gemm.reference(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, slow, 0, n);
                for (int i = 0; i < fast.length; i++) {
                    worst = Math.max(worst, Math.abs(fast[i] - slow[i]) / (1 + Math.abs(slow[i])));
                }
            }
        }
        System.out.println(worst);
    }
}
