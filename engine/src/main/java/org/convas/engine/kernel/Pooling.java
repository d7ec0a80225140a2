package org.convas.engine.kernel;

import java.util.Optional;

/**
 * 2×2 max pooling at stride 2 without padding, the common case, with a {@code jdk.incubator.vector} implementation
 * when the module is present and a scalar one otherwise (chosen once, like {@link Elementwise}; {@code
 * -Dconvas.simd=false} forces the scalar one).
 *
 * <p>Both keep the same rule: the four inputs of a window are taken in row order, top-left first, and a later one
 * wins only if it is not ≤ the best so far, so the first maximum wins a tie and a NaN wins and travels on (as
 * PyTorch does). With a ReLU before the pool, ties at 0 are common, which is why both paths use selects rather
 * than branches. Example: the window (0, 0 / 0, 0) sends its gradient to the top-left input.
 */
public final class Pooling {

    /** The operation; implemented by {@code ScalarOps} and {@code VectorPooling}. */
    interface Ops {
        void max2x2(float[] x, float[] y, int[] switches, int planes, int w, int h, int ho, int wo);
    }

    private static final Ops OPS = select();

    private Pooling() {
    }

    /**
     * y = the 2×2 maxima of {@code planes} planes of h×w (plane p of x at p·h·w, of y at p·ho·wo), with
     * ho = ⌊h/2⌋ and wo = ⌊w/2⌋; when {@code switches} is not null, it receives the index into x of each winner.
     */
    public static void max2x2(float[] x, float[] y, int[] switches, int planes, int w, int h, int ho, int wo) {
        OPS.max2x2(x, y, switches, planes, w, h, ho, wo);
    }

    /** "vector" or "scalar". */
    public static String implementation() {
        return OPS instanceof ScalarOps ? "scalar" : "vector";
    }

    static Ops scalar() {
        return ScalarOps.INSTANCE;
    }

    /** The vector implementation when the module is present, for tests. */
    static Optional<Ops> vector() {
        return VectorHolder.OPS;
    }

    private static Ops select() {
        if ("false".equalsIgnoreCase(System.getProperty("convas.simd", "true").trim())) return ScalarOps.INSTANCE;
        return VectorHolder.OPS.orElse(ScalarOps.INSTANCE);
    }

    private static final class VectorHolder {
        static final Optional<Ops> OPS = load();

        private static Optional<Ops> load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return Optional.empty();
            try {
                // By name, so that nothing referring to jdk.incubator.vector is linked without the module.
                Class<?> type = Class.forName("org.convas.engine.kernel.VectorPooling");
                return Optional.of((Ops) type.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                return Optional.empty();
            }
        }
    }

    /** Plain loops, one window at a time. */
    static final class ScalarOps implements Ops {
        static final ScalarOps INSTANCE = new ScalarOps();

        @Override
        public void max2x2(float[] x, float[] y, int[] switches, int planes, int w, int h, int ho, int wo) {
            for (int pl = 0; pl < planes; pl++) {
                int xo = pl * h * w;
                int yo = pl * ho * wo;
                for (int oy = 0; oy < ho; oy++) {
                    int r0 = xo + 2 * oy * w;
                    int r1 = r0 + w;
                    int o = yo + oy * wo;
                    for (int ox = 0; ox < wo; ox++) {
                        int i = r0 + 2 * ox;
                        float best = x[i];
                        int arg = i;
                        float v = x[i + 1];
                        boolean up = !(v <= best);
                        best = up ? v : best;
                        arg = up ? i + 1 : arg;
                        int j = r1 + 2 * ox;
                        v = x[j];
                        up = !(v <= best);
                        best = up ? v : best;
                        arg = up ? j : arg;
                        v = x[j + 1];
                        up = !(v <= best);
                        best = up ? v : best;
                        arg = up ? j + 1 : arg;
                        y[o + ox] = best;
                        if (switches != null) switches[o + ox] = arg;
                    }
                }
            }
        }
    }
}
