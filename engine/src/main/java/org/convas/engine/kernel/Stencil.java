package org.convas.engine.kernel;

/**
 * Sums of a few shifted runs of one array: a depthwise convolution's passes, where each filter sees one channel and
 * the GEMMs of a full convolution would have one row. With a {@code jdk.incubator.vector} implementation when the
 * module is present and a scalar one otherwise, chosen as {@link Elementwise} chooses ({@code -Dconvas.simd=false}
 * forces the scalar one).
 *
 * <p>Legend: {@code src} a channel's padded input (or padded output gradient), {@code offsets[t]} where tap t's run
 * starts relative to a grid position, {@code w[t]} the tap's weight, n the grid's length.
 */
public final class Stencil {

    /** The passes; implemented by {@link ScalarOps} and {@code VectorStencil}. */
    interface Ops {
        void correlate(float[] src, int srcOff, int[] offsets, float[] w, int wOff, int taps, float[] dst, int dstOff, int n);

        void tapDots(float[] a, int aOff, float[] src, int srcOff, int[] offsets, int taps, int n, float[] dots);
    }

    private static final Ops OPS = select();

    private Stencil() {
    }

    /** dst[p] = Σₜ w[wOff + t]·src[srcOff + offsets[t] + p] for p &lt; n (overwritten). */
    public static void correlate(float[] src, int srcOff, int[] offsets, float[] w, int wOff, int taps, float[] dst, int dstOff, int n) {
        OPS.correlate(src, srcOff, offsets, w, wOff, taps, dst, dstOff, n);
    }

    /** dots[t] = Σₚ a[aOff + p]·src[srcOff + offsets[t] + p] over p &lt; n, for t &lt; taps (a depthwise filter's dW). */
    public static void tapDots(float[] a, int aOff, float[] src, int srcOff, int[] offsets, int taps, int n, float[] dots) {
        OPS.tapDots(a, aOff, src, srcOff, offsets, taps, n, dots);
    }

    static Ops scalar() {
        return ScalarOps.INSTANCE;
    }

    /** The vector implementation when the module is present, for tests. */
    static java.util.Optional<Ops> vector() {
        return VectorHolder.OPS;
    }

    private static Ops select() {
        if ("false".equalsIgnoreCase(System.getProperty("convas.simd", "true").trim())) return ScalarOps.INSTANCE;
        return VectorHolder.OPS.orElse(ScalarOps.INSTANCE);
    }

    private static final class VectorHolder {
        static final java.util.Optional<Ops> OPS = load();

        private static java.util.Optional<Ops> load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return java.util.Optional.empty();
            try {
                // By name, so that nothing referring to jdk.incubator.vector is linked without the module.
                Class<?> type = Class.forName("org.convas.engine.kernel.VectorStencil");
                return java.util.Optional.of((Ops) type.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                return java.util.Optional.empty();
            }
        }
    }

    /** Plain loops, taps in order; the dot products in 8 interleaved partial sums, like an 8-lane vector. */
    static final class ScalarOps implements Ops {
        static final ScalarOps INSTANCE = new ScalarOps();

        @Override
        public void correlate(float[] src, int srcOff, int[] offsets, float[] w, int wOff, int taps, float[] dst, int dstOff, int n) {
            for (int p = 0; p < n; p++) {
                float acc = 0f;
                for (int t = 0; t < taps; t++) acc = Math.fma(w[wOff + t], src[srcOff + offsets[t] + p], acc);
                dst[dstOff + p] = acc;
            }
        }

        @Override
        public void tapDots(float[] a, int aOff, float[] src, int srcOff, int[] offsets, int taps, int n, float[] dots) {
            for (int t = 0; t < taps; t++) {
                float[] lanes = new float[8];
                int s = srcOff + offsets[t], p = 0;
                for (; p + 8 <= n; p += 8) {
                    for (int l = 0; l < 8; l++) lanes[l] = Math.fma(a[aOff + p + l], src[s + p + l], lanes[l]);
                }
                float sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
                for (; p < n; p++) sum = Math.fma(a[aOff + p], src[s + p], sum);
                dots[t] = sum;
            }
        }
    }
}
