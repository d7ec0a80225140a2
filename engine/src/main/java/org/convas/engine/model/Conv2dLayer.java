package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Elementwise;
import org.convas.engine.kernel.Gemm;
import org.convas.engine.kernel.Im2Col;
import org.convas.engine.spec.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * A convolution. Most go without im2col columns ({@link DirectConvolution}): stride-1 ones where
 * {@link ShiftedConvolution} applies (the GEMMs read shifted windows of a padded copy of the input), strided ones
 * where {@link StridedConvolution} does (the same over the input split into its stride's phases); the others,
 * described here, go through im2col + GEMM.
 *
 * <p>The images of a batch are processed in chunks of c images whose
 * columns sit side by side, so that each group g needs one GEMM per chunk:
 * Y_g (K/G × c·Ho·Wo) = W_g (K/G × C/G·Fh·Fw) · col_g (C/G·Fh·Fw × c·Ho·Wo), then Y_g is scattered into
 * the (N, K, Ho, Wo) output and the bias added. A wide GEMM keeps a fast kernel busy where one image's
 * Ho·Wo is small (LeNet's conv2: 10·10 = 100 columns per image, 6,400 per batch of 64).
 *
 * <p>Backward: dW_g += dY_g · col_gᵀ, db += Σ dY, dcol_g = W_gᵀ · dY_g folded back onto dIn by col2im. A
 * training forward pass keeps its columns for the backward pass when they fit in {@value #COLUMN_CACHE} floats
 * (G·C/G·Fh·Fw·Ho·Wo per image: VGG-lite's conv2 keeps 288·784 floats, 0.9 MB, an image); bigger layers
 * recompute them, which costs an im2col per chunk.
 *
 * <p>Weight layout, as PyTorch: K × (C/G) × Fh × Fw. Example: LeNet's conv2 (16 filters 5×5 over 6 channels)
 * has 16·6·5·5 = 2,400 weights, filter k starting at k·150.
 */
final class Conv2dLayer implements Layer {

    /** Largest im2col workspace, in floats (16 MB): the chunk holds as many images as fit. */
    private static final int WORKSPACE = 1 << 22;
    /** Largest column cache kept from a training forward pass for the backward pass, in floats (64 MB). */
    static final int COLUMN_CACHE = 1 << 24;

    private final Shape in;
    private final Shape out;
    private final Window win;
    private final int groups;
    private final int cg;      // input channels per group, C/G
    private final int kg;      // filters per group, K/G
    private final int rows;    // C/G·Fh·Fw
    private final int hw;      // Ho·Wo
    private final int chunk;   // images per GEMM
    private final Parameter weight;
    private final Parameter bias;
    private final float[] col;   // rows × chunk·hw
    private final float[] ybuf;  // kg × chunk·hw
    private final KernelThreads kernelThreads;
    private final Im2Col.Geometry geometry;  // one group: C/G channels
    private final int maxBatch;
    /** Stride 1, no padding or dilation, Wo &lt; W: the input gradient goes through {@link #inputGradientOnGrid}. */
    private final boolean validGrid;
    /** The path that goes without im2col columns ({@link #direct}), or null. */
    private final DirectConvolution shifted;
    private float[] yGrid;    // kg × chunk·Ho·W, allocated on first use
    private float[] colGrid;  // rows × chunk·Ho·W
    private float[] columnCache;   // per chunk: G blocks of rows × count·hw; allocated on the first training pass
    private boolean columnsCached; // the last forward pass was a training pass that filled columnCache
    private boolean overwriteInputGradient;  // see overwriteInputGradient(boolean)

    Conv2dLayer(Shape in, Shape out, Window win, int groups, Parameter weight, Parameter bias, int maxBatch,
                KernelThreads kernelThreads) {
        this.in = in;
        this.out = out;
        this.win = win;
        this.groups = groups;
        this.cg = in.depth() / groups;
        this.kg = out.depth() / groups;
        this.rows = cg * win.kernelH() * win.kernelW();
        this.hw = out.width() * out.height();
        this.chunk = Math.max(1, Math.min(maxBatch, WORKSPACE / Math.max(1, Math.max(rows, kg) * hw)));
        this.weight = weight;
        this.bias = bias;
        this.shifted = direct(in, out, win, groups, maxBatch);
        this.col = shifted != null ? new float[0] : new float[rows * columnStride(chunk)];
        this.ybuf = shifted != null ? new float[0] : new float[kg * chunk * hw];
        this.kernelThreads = kernelThreads;
        this.geometry = Im2Col.Geometry.of(cg, in.height(), in.width(), win);
        this.maxBatch = maxBatch;
        this.validGrid = win.strideH() == 1 && win.strideW() == 1 && win.dilation() == 1 && win.padTop() == 0 && win.padLeft() == 0
                && win.padBottom() == 0 && win.padRight() == 0 && out.width() < in.width()
                && (long) rows * chunk * out.height() * in.width() <= WORKSPACE;
    }

    /**
     * The convolution's path without im2col columns, or null where none applies: {@link DepthwiseConvolution} for one
     * channel a group, else {@link ShiftedConvolution} at stride 1 and {@link StridedConvolution} at stride 2 or more.
     */
    static DirectConvolution direct(Shape in, Shape out, Window win, int groups, int maxBatch) {
        if (DepthwiseConvolution.applies(in, out, win, groups)) return new DepthwiseConvolution(in, out, win, maxBatch);
        if (ShiftedConvolution.applies(in, out, win, groups)) return new ShiftedConvolution(in, out, win, groups, maxBatch);
        if (StridedConvolution.applies(in, out, win, groups)) return new StridedConvolution(in, out, win, groups, maxBatch);
        return null;
    }

    /**
     * Row stride of the column matrix of {@code count} images: count·Ho·Wo, plus 4 when that is a multiple of 16
     * floats. A stride of 16·2^j floats maps the rows of a GEMM panel onto a few L1 sets, so the GEMM would copy
     * the columns instead of reading them in place (VectorGemm.rowsSpreadOverCache); LeNet's conv2 at batch 64
     * has 64·100 = 6,400 = 16·400 and VGG-lite's conv1 32·784 = 25,088 = 16·1,568 columns.
     */
    private int columnStride(int count) {
        int ld = count * hw;
        return ld % 16 == 0 ? ld + 4 : ld;
    }

    /** Whether a training pass keeps its columns: G·rows·maxBatch·hw floats within {@link #COLUMN_CACHE}. */
    private boolean cacheColumns() {
        return (long) groups * rows * columnStride(maxBatch) <= COLUMN_CACHE;
    }

    /** Where group g of the chunk starting at image {@code first} (of {@code count} images) sits in the cache. */
    private int cacheOffset(int first, int count, int g) {
        return first * groups * rows * hw + g * rows * columnStride(count) + first * groups * rows * 4;
    }

    /** im2col of images first … first+count−1, group g, side by side: dst is rows × count·hw at dstOffset. */
    private void unfold(float[] x, int first, int count, int g, float[] dst, int dstOffset) {
        int inSize = (int) in.size();
        int planeIn = in.width() * in.height();
        int ld = columnStride(count);
        for (int i = 0; i < count; i++) {
            Im2Col.im2col(geometry, x, (first + i) * inSize + g * cg * planeIn, dst, dstOffset + i * hw, ld);
        }
    }

    @Override
    public void forward(float[][] inputs, float[] y, int n, boolean training) {
        forward(inputs, y, null, n, training);
    }

    /**
     * Forward pass; with {@code relu} non-null also writes ReLU(y) there in the same sweep over the output
     * (a ReLU that only this layer feeds, fused by the {@link ModelWorker}: one pass over the activations instead of
     * two, and none over the ReLU's gradient, see {@link #backward(float[][], float[], float[], float[][], int, boolean)}).
     */
    void forward(float[][] inputs, float[] y, float[] relu, int n, boolean training) {
        float[] x = inputs[0];
        float[] w = weight.value();
        if (shifted != null) {
            shifted.forward(x, w, bias == null ? null : bias.value(), y, relu, n, training, kernelThreads);
            return;
        }
        int outSize = (int) out.size();
        boolean splitFilters = kernelThreads != null && kernelThreads.threads() > 1 && n < kernelThreads.threads();
        columnsCached = training && cacheColumns();
        if (columnsCached && columnCache == null) columnCache = new float[groups * rows * (maxBatch * hw + 4 * maxBatch)];
        float[] cols = columnsCached ? columnCache : col;
        for (int first = 0; first < n; first += chunk) {
            int count = Math.min(chunk, n - first);
            int ld = count * hw;
            int ldCol = columnStride(count);
            for (int g = 0; g < groups; g++) {
                int colOff = columnsCached ? cacheOffset(first, count, g) : 0;
                unfold(x, first, count, g, cols, colOff);
                int wOff = g * kg * rows;
                if (splitFilters) {
                    // Too few images to split across workers: split the filters, each thread its own rows of Y.
                    kernelThreads.forRows(kg, 4, (from, to) -> Gemm.sgemm(false, false, to - from, ld, rows, 1f,
                            w, wOff + from * rows, rows, cols, colOff, ldCol, 0f, ybuf, from * ld, ld));
                } else {
                    Gemm.sgemm(false, false, kg, ld, rows, 1f, w, wOff, rows, cols, colOff, ldCol, 0f, ybuf, 0, ld);
                }
                for (int k = 0; k < kg; k++) {
                    float b = bias == null ? 0f : bias.value()[g * kg + k];
                    for (int i = 0; i < count; i++) {
                        int src = k * ld + i * hw;
                        int dst = (first + i) * outSize + (g * kg + k) * hw;
                        Elementwise.biasRelu(ybuf, src, b, y, dst, relu, dst, hw);
                    }
                }
            }
        }
    }

    @Override
    public void backward(float[][] inputs, float[] y, float[] dy, float[][] dIn, int n) {
        backward(inputs, y, dy, dIn, n, false);
    }

    /**
     * Backward pass. With {@code throughRelu}, {@code dy} is the gradient of the fused ReLU's output (see
     * {@link #forward(float[][], float[], float[], int, boolean)}), and dY = dy where y &gt; 0,
     * 0 elsewhere, is formed while gathering dY for the GEMMs, with the arithmetic the separate ReLU and a cleared
     * gradient buffer would give (0 + dy, or 0 + 0·dy), so fused and separate passes agree to the bit.
     */
    void backward(float[][] inputs, float[] y, float[] dy, float[][] dIn, int n, boolean throughRelu) {
        float[] x = inputs[0];
        float[] dx = dIn[0];
        float[] w = weight.value();
        float[] dw = weight.grad();
        int inSize = (int) in.size();
        int outSize = (int) out.size();
        int planeIn = in.width() * in.height();
        float[] db = bias == null ? null : bias.grad();
        if (shifted != null) {
            shifted.backward(x, y, dy, w, dw, db, dx, n, throughRelu, overwriteInputGradient);
            return;
        }
        for (int first = 0; first < n; first += chunk) {
            int count = Math.min(chunk, n - first);
            int ld = count * hw;
            int ldCol = columnStride(count);
            for (int g = 0; g < groups; g++) {
                // Gather dY_g of the chunk into kg × count·hw; the bias gradient sums it, image by image.
                for (int k = 0; k < kg; k++) {
                    for (int i = 0; i < count; i++) {
                        int src = (first + i) * outSize + (g * kg + k) * hw;
                        int dst = k * ld + i * hw;
                        float sum = !throughRelu ? Elementwise.copySum(dy, src, ybuf, dst, hw)
                                : Elementwise.reluGradientSum(dy, src, y, src, ybuf, dst, hw);
                        if (db != null) db[g * kg + k] += sum;
                    }
                }
                float[] cols = columnsCached ? columnCache : col;
                int colOff = columnsCached ? cacheOffset(first, count, g) : 0;
                if (!columnsCached) unfold(x, first, count, g, col, 0);
                Gemm.sgemm(false, true, kg, rows, ld, 1f, ybuf, 0, ld, cols, colOff, ldCol, 1f, dw, g * kg * rows, rows);
                if (dx == null) continue;
                if (validGrid) {
                    inputGradientOnGrid(w, g, first, count, ld, dx, inSize, planeIn);
                    continue;
                }
                // col is free now (or was never used): dcol_g = W_gᵀ · dY_g goes there.
                Gemm.sgemm(true, false, rows, ld, kg, 1f, w, g * kg * rows, rows, ybuf, 0, ld, 0f, col, 0, ldCol);
                for (int i = 0; i < count; i++) {
                    Im2Col.col2im(geometry, col, i * hw, ldCol, dx, (first + i) * inSize + g * cg * planeIn);
                }
            }
        }
    }

    /**
     * dX for a "valid" convolution at stride 1 (no padding, no dilation, Wo &lt; W: LeNet's conv2, 5×5 on 14×14)
     * without col2im's short runs. dY is laid on the input's row width, Ho × W per image with zeros in the
     * W − Wo extra columns; then dcol_g = W_gᵀ · dY_g has row r = (c, fh, fw) aligned with the input plane
     * shifted by fh·W + fw, and is added onto it in one run of Ho·W values per row (the extra columns add
     * zeros, some onto the next row's first pixels). Each pixel receives the same terms in the same order as
     * through col2im, so the result is the same.
     */
    private void inputGradientOnGrid(float[] w, int g, int first, int count, int ld, float[] dx, int inSize, int planeIn) {
        int width = in.width(), outW = out.width(), outH = out.height();
        int gridHw = outH * width, ldGrid = count * gridHw;
        if (yGrid == null) {
            yGrid = new float[kg * chunk * gridHw];
            colGrid = new float[rows * chunk * gridHw];
        }
        for (int k = 0; k < kg; k++) {
            for (int i = 0; i < count; i++) {
                int src = k * ld + i * hw, dst = k * ldGrid + i * gridHw;
                for (int oh = 0; oh < outH; oh++, src += outW, dst += width) {
                    System.arraycopy(ybuf, src, yGrid, dst, outW);
                    for (int ow = outW; ow < width; ow++) yGrid[dst + ow] = 0f;
                }
            }
        }
        Gemm.sgemm(true, false, rows, ldGrid, kg, 1f, w, g * kg * rows, rows, yGrid, 0, ldGrid, 0f, colGrid, 0, ldGrid);
        int kh = win.kernelH(), kw = win.kernelW();
        for (int i = 0; i < count; i++) {
            int image = (first + i) * inSize + g * cg * planeIn;
            for (int r = 0; r < rows; r++) {
                int c = r / (kh * kw), fh = r / kw % kh, fw = r % kw;
                int shift = fh * width + fw;
                int target = image + c * planeIn + shift;
                int source = r * ldGrid + i * gridHw;
                int length = Math.min(gridHw, planeIn - shift);
                Elementwise.add(colGrid, source, dx, target, length);
            }
        }
    }

    /**
     * Lets the backward pass write dx (as 0 + v) instead of adding to it, where a path without im2col computes it
     * (the im2col paths' col2im adds overlapping windows, so they keep adding): the {@link ModelWorker} asks when this
     * layer is the only consumer of its input, and then does not clear that gradient buffer before the backward
     * pass.
     *
     * @return whether this layer writes dx from now on
     */
    boolean overwriteInputGradient(boolean on) {
        overwriteInputGradient = on && shifted != null;
        return overwriteInputGradient;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(2);
        p.add(weight);
        if (bias != null) p.add(bias);
        return p;
    }
}
