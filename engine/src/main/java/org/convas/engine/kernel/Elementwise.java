package org.convas.engine.kernel;

/**
 * Element-wise passes over activations that the JIT does not vectorise by itself (a select feeding a sum), with
 * a {@code jdk.incubator.vector} implementation when the module is present and a scalar one otherwise, chosen
 * once like {@link Gemm}'s kernel ({@code -Dconvas.simd=false} forces the scalar one).
 *
 * <p>Sums are taken lane by lane and the lanes added at the end, so their rounding depends on the vector width
 * of the CPU; on one machine they are always the same, which keeps seeded runs bit-identical. Measured here on
 * 784 values: the masked copy with its sum 0.9 → 0.1 ns per value.
 */
public final class Elementwise {

    /**
     * The operations, over {@code rows} runs of {@code width} values, run r starting {@code r·stride} after the
     * offset (source and destination strides may differ: a conv's output grid has extra columns its dense output
     * does not); implemented by {@code ScalarOps} and {@code VectorElementwise}.
     */
    interface Ops {
        float copySum(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int width, int rows);

        float reluGradientSum(float[] dy, int dyOff, float[] y, int yOff, int srcStride, float[] dst, int dstOff,
                              int dstStride, int width, int rows);

        void add(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int width, int rows);

        void biasRelu(float[] src, int srcOff, int srcStride, float bias, float[] y, int yOff, float[] relu, int reluOff,
                      int dstStride, int width, int rows);

        void relu(float[] x, float[] y, int n);

        void reluGradient(float[] dy, float[] x, float[] dx, int n, boolean overwrite);

        void accumulate(float[] src, float[] dst, int n, boolean overwrite);

        void sum(float[] a, float[] b, float[] y, int n);

        void splitPairs(float[] x, int from, float[] dst, int even, int odd, int count);
    }

    private static final Ops OPS = select();

    private Elementwise() {
    }

    /**
     * dst[i] = src[i] for i &lt; n; returns Σ dst[i] (a conv's output gradient gathered for the GEMMs, summed for
     * the bias gradient).
     */
    public static float copySum(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        return OPS.copySum(src, srcOff, n, dst, dstOff, n, n, 1);
    }

    /** {@link #copySum} over {@code rows} runs of {@code width} values, with their strides; returns the total sum. */
    public static float copySumRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                                    int width, int rows) {
        return OPS.copySum(src, srcOff, srcStride, dst, dstOff, dstStride, width, rows);
    }

    /**
     * dst[i] = 0 + (y[i] &gt; 0 ? dy[i] : 0·dy[i]): the gradient through a ReLU of input y, with the arithmetic of
     * a separate ReLU layer adding into a cleared buffer; returns Σ dst[i] with the same rounding as
     * {@link #copySum} would give on dst, so fused and separate layers agree to the bit.
     */
    public static float reluGradientSum(float[] dy, int dyOff, float[] y, int yOff, float[] dst, int dstOff, int n) {
        return OPS.reluGradientSum(dy, dyOff, y, yOff, n, dst, dstOff, n, n, 1);
    }

    /** {@link #reluGradientSum} over {@code rows} runs (dy and y share a stride); the same sums as {@link #copySumRows}. */
    public static float reluGradientSumRows(float[] dy, int dyOff, float[] y, int yOff, int srcStride, float[] dst,
                                            int dstOff, int dstStride, int width, int rows) {
        return OPS.reluGradientSum(dy, dyOff, y, yOff, srcStride, dst, dstOff, dstStride, width, rows);
    }

    /** dst[i] += src[i] for i &lt; n (col2im-style accumulation onto an input gradient). */
    public static void add(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        OPS.add(src, srcOff, n, dst, dstOff, n, n, 1);
    }

    /** {@link #add} over {@code rows} runs of {@code width} values, with their strides. */
    public static void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                               int width, int rows) {
        OPS.add(src, srcOff, srcStride, dst, dstOff, dstStride, width, rows);
    }

    /**
     * y[i] = src[i] + bias, and when {@code relu} is not null also relu[i] = max(y[i], 0) (NaN stays NaN, as in
     * the ReLU layer): a conv's output written with its bias and, fused, the ReLU after it.
     */
    public static void biasRelu(float[] src, int srcOff, float bias, float[] y, int yOff, float[] relu, int reluOff, int n) {
        OPS.biasRelu(src, srcOff, n, bias, y, yOff, relu, reluOff, n, n, 1);
    }

    /** {@link #biasRelu} over {@code rows} runs of {@code width} values; y and relu share {@code dstStride}. */
    public static void biasReluRows(float[] src, int srcOff, int srcStride, float bias, float[] y, int yOff,
                                    float[] relu, int reluOff, int dstStride, int width, int rows) {
        OPS.biasRelu(src, srcOff, srcStride, bias, y, yOff, relu, reluOff, dstStride, width, rows);
    }

    /** y[i] = max(x[i], 0) for i &lt; n, NaN kept (a ReLU layer). */
    public static void relu(float[] x, float[] y, int n) {
        OPS.relu(x, y, n);
    }

    /**
     * dx[i] += x[i] &gt; 0 ? dy[i] : 0·dy[i] for i &lt; n (a ReLU layer's backward pass, x its input or its output);
     * with {@code overwrite}, dx[i] = 0 + (…), the same bits as adding onto a cleared buffer.
     */
    public static void reluGradient(float[] dy, float[] x, float[] dx, int n, boolean overwrite) {
        OPS.reluGradient(dy, x, dx, n, overwrite);
    }

    /** dst[i] += src[i] for i &lt; n, or with {@code overwrite} dst[i] = 0 + src[i] (as onto a cleared buffer). */
    public static void accumulate(float[] src, float[] dst, int n, boolean overwrite) {
        OPS.accumulate(src, dst, n, overwrite);
    }

    /** y[i] = a[i] + b[i] for i &lt; n (an Add layer of two inputs). */
    public static void sum(float[] a, float[] b, float[] y, int n) {
        OPS.sum(a, b, y, n);
    }

    /**
     * Splits a run of {@code count} values into its even and odd positions: dst[even + t] = x[from + 2t] and
     * dst[odd + t] = x[from + 2t + 1] (for 2t &lt; count and 2t + 1 &lt; count): an input row split into the two
     * column phases of a stride-2 convolution ({@code Polyphase}).
     */
    public static void splitPairs(float[] x, int from, float[] dst, int even, int odd, int count) {
        OPS.splitPairs(x, from, dst, even, odd, count);
    }

    /** "vector" or "scalar". */
    public static String implementation() {
        return OPS instanceof ScalarOps ? "scalar" : "vector";
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
                Class<?> type = Class.forName("org.convas.engine.kernel.VectorElementwise");
                return java.util.Optional.of((Ops) type.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                return java.util.Optional.empty();
            }
        }
    }

    /**
     * Plain loops; sums in 8 interleaved partial sums added pairwise at the end, like an 8-lane vector, so the
     * scalar path also avoids one long dependency chain.
     */
    static final class ScalarOps implements Ops {
        static final ScalarOps INSTANCE = new ScalarOps();

        @Override
        public float copySum(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                             int width, int rows) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, srcOff + r * srcStride, dst, dstOff + r * dstStride, width);
                s += sum(dst, dstOff + r * dstStride, width);
            }
            return s;
        }

        @Override
        public float reluGradientSum(float[] dy, int dyOff, float[] y, int yOff, int srcStride, float[] dst,
                                     int dstOff, int dstStride, int width, int rows) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                int d = dstOff + r * dstStride;
                for (int i = 0; i < width; i++) {
                    float g = dy[dyOff + r * srcStride + i];
                    dst[d + i] = 0f + (y[yOff + r * srcStride + i] > 0f ? g : 0f * g);
                }
                s += sum(dst, d, width);
            }
            return s;
        }

        @Override
        public void add(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int width,
                        int rows) {
            for (int r = 0; r < rows; r++) {
                int s = srcOff + r * srcStride, d = dstOff + r * dstStride;
                for (int i = 0; i < width; i++) dst[d + i] += src[s + i];
            }
        }

        @Override
        public void biasRelu(float[] src, int srcOff, int srcStride, float bias, float[] y, int yOff, float[] relu,
                             int reluOff, int dstStride, int width, int rows) {
            for (int r = 0; r < rows; r++) {
                int s = srcOff + r * srcStride, d = yOff + r * dstStride, q = reluOff + r * dstStride;
                for (int i = 0; i < width; i++) {
                    float v = src[s + i] + bias;
                    y[d + i] = v;
                    if (relu != null) relu[q + i] = Math.max(v, 0f);
                }
            }
        }

        @Override
        public void relu(float[] x, float[] y, int n) {
            for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
        }

        @Override
        public void reluGradient(float[] dy, float[] x, float[] dx, int n, boolean overwrite) {
            for (int i = 0; i < n; i++) dx[i] = (overwrite ? 0f : dx[i]) + (x[i] > 0f ? dy[i] : 0f * dy[i]);
        }

        @Override
        public void accumulate(float[] src, float[] dst, int n, boolean overwrite) {
            for (int i = 0; i < n; i++) dst[i] = (overwrite ? 0f : dst[i]) + src[i];
        }

        @Override
        public void sum(float[] a, float[] b, float[] y, int n) {
            for (int i = 0; i < n; i++) y[i] = a[i] + b[i];
        }

        @Override
        public void splitPairs(float[] x, int from, float[] dst, int even, int odd, int count) {
            for (int t = 0; 2 * t < count; t++) dst[even + t] = x[from + 2 * t];
            for (int t = 0; 2 * t + 1 < count; t++) dst[odd + t] = x[from + 2 * t + 1];
        }

        private static float sum(float[] a, int off, int n) {
            float[] lanes = new float[8];
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                for (int l = 0; l < 8; l++) lanes[l] += a[off + i + l];
            }
            float s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
            for (; i < n; i++) s += a[off + i];
            return s;
        }
    }
}
