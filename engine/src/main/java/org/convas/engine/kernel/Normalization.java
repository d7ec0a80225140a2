package org.convas.engine.kernel;

/**
 * The passes of batch normalisation over one channel's values of one image (a run of n = H·W values at the same
 * offset in x, y, dy and dx, which share their shape), with a {@code jdk.incubator.vector} implementation when the
 * module is present and a scalar one otherwise, chosen as {@link Elementwise} chooses
 * ({@code -Dconvas.simd=false} forces the scalar one). The layer adds the runs' sums up in double.
 *
 * <p>Legend: x the layer's input, μ and 1/σ (inv) the channel's mean and inverse standard deviation,
 * x̂ = (x − μ)·inv, recomputed from x wherever it is needed rather than stored; γ, β the channel's scale and shift;
 * y = γ·x̂ + β. A ReLU that only the normalisation feeds may be computed in the same pass: its output r = max(y, 0)
 * (NaN stays NaN), and in the backward pass its gradient dr masked by r &gt; 0 (as 0 + (r &gt; 0 ? dr : 0·dr), the
 * arithmetic of a separate ReLU layer adding into a cleared buffer, so fused and separate layers agree to the bit).
 *
 * <p>Sums are taken lane by lane and the lanes added in a fixed order at the end; the scalar path keeps 8 partial
 * sums. On one machine a run is always summed the same way, which keeps seeded runs bit-identical.
 */
public final class Normalization {

    /** The passes; implemented by {@link ScalarOps} and {@code VectorNormalization}. */
    interface Ops {
        void shiftedSums(float[] x, int off, int n, float shift, float[] sums);

        void normalize(float[] x, int off, int n, float mean, float inv, float gamma, float beta, float[] y, float[] relu);

        void gradientSums(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float[] sums);

        void inputGradient(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float k, float m,
                           float sumDy, float sumDyXhat, float[] dx, boolean overwrite);
    }

    private static final Ops OPS = select();

    private Normalization() {
    }

    /**
     * sums[0] = Σ (x[i] − shift) and sums[1] = Σ (x[i] − shift)² over the run, in one pass: the batch's mean and
     * variance follow as shift + S₁/M and S₂/M − (S₁/M)², accurate when the shift is near the mean (the layer shifts
     * by its running mean).
     */
    public static void shiftedSums(float[] x, int off, int n, float shift, float[] sums) {
        OPS.shiftedSums(x, off, n, shift, sums);
    }

    /**
     * y = γ·(x − μ)·inv + β, written to {@code y} when it is not null and as max(y, 0) to {@code relu} when that is
     * not null (a fused ReLU); both at {@code off}.
     */
    public static void normalize(float[] x, int off, int n, float mean, float inv, float gamma, float beta, float[] y, float[] relu) {
        OPS.normalize(x, off, n, mean, inv, gamma, beta, y, relu);
    }

    /**
     * sums[0] = Σ g and sums[1] = Σ g·x̂ over the run, g = dy, or with a fused ReLU ({@code mask}, its output, not
     * null) dy masked by mask &gt; 0.
     */
    public static void gradientSums(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float[] sums) {
        OPS.gradientSums(dy, mask, x, off, n, mean, inv, sums);
    }

    /**
     * dx = k·(m·g − Σg − x̂·Σg·x̂), g as in {@link #gradientSums}, with k = γ·inv/m; added onto dx, or written over
     * it as 0 + v when {@code overwrite} (dx's only contribution: the same bits as adding onto a cleared buffer).
     */
    public static void inputGradient(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float k,
                                     float m, float sumDy, float sumDyXhat, float[] dx, boolean overwrite) {
        OPS.inputGradient(dy, mask, x, off, n, mean, inv, k, m, sumDy, sumDyXhat, dx, overwrite);
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
                Class<?> type = Class.forName("org.convas.engine.kernel.VectorNormalization");
                return java.util.Optional.of((Ops) type.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                return java.util.Optional.empty();
            }
        }
    }

    /** Plain loops; sums in 8 interleaved partial sums added pairwise at the end, like an 8-lane vector. */
    static final class ScalarOps implements Ops {
        static final ScalarOps INSTANCE = new ScalarOps();

        @Override
        public void shiftedSums(float[] x, int off, int n, float shift, float[] sums) {
            float[] a = new float[8], b = new float[8];
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                for (int l = 0; l < 8; l++) {
                    float d = x[off + i + l] - shift;
                    a[l] += d;
                    b[l] += d * d;
                }
            }
            float sa = fold(a), sb = fold(b);
            for (; i < n; i++) {
                float d = x[off + i] - shift;
                sa += d;
                sb += d * d;
            }
            sums[0] = sa;
            sums[1] = sb;
        }

        @Override
        public void normalize(float[] x, int off, int n, float mean, float inv, float gamma, float beta, float[] y, float[] relu) {
            for (int i = off; i < off + n; i++) {
                float v = gamma * ((x[i] - mean) * inv) + beta;
                if (y != null) y[i] = v;
                if (relu != null) relu[i] = Math.max(v, 0f);
            }
        }

        @Override
        public void gradientSums(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float[] sums) {
            float[] a = new float[8], b = new float[8];
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                for (int l = 0; l < 8; l++) {
                    float g = gradient(dy, mask, off + i + l);
                    a[l] += g;
                    b[l] += g * ((x[off + i + l] - mean) * inv);
                }
            }
            float sa = fold(a), sb = fold(b);
            for (; i < n; i++) {
                float g = gradient(dy, mask, off + i);
                sa += g;
                sb += g * ((x[off + i] - mean) * inv);
            }
            sums[0] = sa;
            sums[1] = sb;
        }

        @Override
        public void inputGradient(float[] dy, float[] mask, float[] x, int off, int n, float mean, float inv, float k, float m,
                                  float sumDy, float sumDyXhat, float[] dx, boolean overwrite) {
            for (int i = off; i < off + n; i++) {
                float v = k * (m * gradient(dy, mask, i) - sumDy - ((x[i] - mean) * inv) * sumDyXhat);
                dx[i] = overwrite ? 0f + v : dx[i] + v;
            }
        }

        private static float gradient(float[] dy, float[] mask, int i) {
            return mask == null ? dy[i] : 0f + (mask[i] > 0f ? dy[i] : 0f * dy[i]);
        }

        private static float fold(float[] l) {
            return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
        }
    }
}
