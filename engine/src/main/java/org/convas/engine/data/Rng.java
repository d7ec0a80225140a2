package org.convas.engine.data;

/**
 * SplitMix64: a tiny random generator whose sequence is fixed by this file, so a seed gives the
 * same shuffle and the same augmentation on every JDK (java.util.Random would too, but it cannot be
 * derived cheaply from several numbers, which we need for "seed + epoch + index").
 */
public final class Rng {

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** One seed from several numbers, e.g. (seed, epoch, index); order matters. */
    public static long mix(long... parts) {
        long h = 0x6A09E667F3BCC909L;
        for (long p : parts) h = finish(h ^ finish(p + 0x9E3779B97F4A7C15L));
        return h;
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return finish(state);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Uniform in [lo, hi]. */
    public int nextInt(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    /** Fisher–Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
