package org.convas.engine.kernel;

/**
 * Unfolds convolution windows into the columns of a matrix so that a convolution becomes one GEMM, and
 * folds gradients back.
 *
 * <p>Shape legend: C channels (of one group), H×W input, Fh×Fw kernel, S stride, d dilation, pt/pl padding
 * above/left, Ho×Wo output. The column matrix is (C·Fh·Fw) × (Ho·Wo), row-major: row r = (c·Fh + fy)·Fw + fx,
 * column p = oy·Wo + ox, value x[c][oy·S − pt + fy·d][ox·S − pl + fx·d] (0 outside the input).
 *
 * <p>Example: a 3×3 kernel over a 1×4×4 input at stride 1 without padding gives a 9×4 matrix; column 0
 * holds the top-left 3×3 window read row by row.
 */
public final class Im2col {

    private Im2col() {
    }

    /**
     * @param x   input, C×H×W starting at {@code offX}
     * @param col output, (C·Fh·Fw)×(Ho·Wo) starting at 0; fully overwritten
     */
    public static void im2col(float[] x, int offX, int c, int h, int w, int fh, int fw, int s, int d,
                              int pt, int pl, int ho, int wo, float[] col) {
        im2col(x, offX, c, h, w, fh, fw, s, d, pt, pl, ho, wo, col, 0, ho * wo);
    }

    /**
     * The same, into a block of a wider matrix: row r starts at {@code col[offCol + r·ldCol]}, so the columns
     * of several images can sit side by side (ldCol = images·Ho·Wo) for one GEMM over a whole batch.
     */
    public static void im2col(float[] x, int offX, int c, int h, int w, int fh, int fw, int s, int d,
                              int pt, int pl, int ho, int wo, float[] col, int offCol, int ldCol) {
        for (int ch = 0; ch < c; ch++) {
            int xc = offX + ch * h * w;
            for (int fy = 0; fy < fh; fy++) {
                for (int fx = 0; fx < fw; fx++) {
                    int row = offCol + ((ch * fh + fy) * fw + fx) * ldCol;
                    int dx = fx * d - pl;
                    // Output columns whose input column stays inside [0, W): ox in [oxLo, oxHi).
                    int oxLo = dx >= 0 ? 0 : Math.min(wo, (-dx + s - 1) / s);
                    int oxHi = w - dx <= 0 ? 0 : Math.min(wo, (w - dx - 1) / s + 1);
                    if (oxHi < oxLo) oxHi = oxLo;
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * s - pt + fy * d;
                        int p = row + oy * wo;
                        if (iy < 0 || iy >= h) {
                            for (int ox = 0; ox < wo; ox++) col[p + ox] = 0f;
                            continue;
                        }
                        int xr = xc + iy * w + dx;
                        for (int ox = 0; ox < oxLo; ox++) col[p + ox] = 0f;
                        if (s == 1) {
                            System.arraycopy(x, xr + oxLo, col, p + oxLo, oxHi - oxLo);
                        } else {
                            for (int ox = oxLo; ox < oxHi; ox++) col[p + ox] = x[xr + ox * s];
                        }
                        for (int ox = oxHi; ox < wo; ox++) col[p + ox] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds each column entry back onto the input pixel it was read from.
     *
     * @param col gradient, (C·Fh·Fw)×(Ho·Wo)
     * @param dx  input gradient, C×H×W starting at {@code offX}; accumulated (+=)
     */
    public static void col2imAdd(float[] col, int c, int h, int w, int fh, int fw, int s, int d,
                                 int pt, int pl, int ho, int wo, float[] dx, int offX) {
        col2imAdd(col, 0, ho * wo, c, h, w, fh, fw, s, d, pt, pl, ho, wo, dx, offX);
    }

    /** The same, from a block of a wider matrix (row r at {@code col[offCol + r·ldCol]}). */
    public static void col2imAdd(float[] col, int offCol, int ldCol, int c, int h, int w, int fh, int fw, int s, int d,
                                 int pt, int pl, int ho, int wo, float[] dx, int offX) {
        for (int ch = 0; ch < c; ch++) {
            int xc = offX + ch * h * w;
            for (int fy = 0; fy < fh; fy++) {
                for (int fx = 0; fx < fw; fx++) {
                    int row = offCol + ((ch * fh + fy) * fw + fx) * ldCol;
                    int dxo = fx * d - pl;
                    int oxLo = dxo >= 0 ? 0 : Math.min(wo, (-dxo + s - 1) / s);
                    int oxHi = w - dxo <= 0 ? 0 : Math.min(wo, (w - dxo - 1) / s + 1);
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * s - pt + fy * d;
                        if (iy < 0 || iy >= h) continue;
                        int p = row + oy * wo;
                        int xr = xc + iy * w + dxo;
                        for (int ox = oxLo; ox < oxHi; ox++) dx[xr + ox * s] += col[p + ox];
                    }
                }
            }
        }
    }
}
