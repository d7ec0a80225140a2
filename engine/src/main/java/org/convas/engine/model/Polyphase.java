package org.convas.engine.model;

import org.convas.engine.calc.Window;
import org.convas.engine.kernel.Elementwise;
import org.convas.engine.spec.Shape;

/**
 * One channel's zero-padded input split into the phases of a stride S, the layout that lets a strided convolution
 * read every kernel tap as a shifted run ({@link StridedConvolution}, {@link DepthwiseConvolution}). Phase (ry, rx)
 * holds the padded pixels P[S·i + ry][S·j + rx] in a plane of PH×PW = (Ho + qH)×(Wo + qW), qH = ⌊(Fh − 1)/S⌋,
 * qW = ⌊(Fw − 1)/S⌋; tap (fy, fx) = (S·qy + ry, S·qx + rx) of output pixel (oy, ox) is phase (ry, rx) at
 * (oy + qy, ox + qx), i.e. at grid position oy·PW + ox shifted by {@link #tapOffset}. Only the min(S, Fh)·min(S, Fw)
 * phases some tap reads are kept. At stride 1 there is one phase, the input padded on every side (PW = pl + W + pr).
 */
final class Polyphase {

    final int stride, kh, kw, pt, pl, height, width;
    final int qh, qw, ny, nx;
    /** PH, PW, PH·PW, and the floats of one channel's phases, ny·nx·PH·PW. */
    final int rows, columns, plane, channelFloats;
    /**
     * Stride 2 with both column phases kept and every input column inside them: an input row's even and odd
     * columns are then whole runs of two phase rows, starting at these offsets (phase and column) within the row
     * of phases.
     */
    private final boolean pairs;
    private final int evenPhase, oddPhase;

    Polyphase(Shape in, Shape out, Window win) {
        this.stride = win.stride();
        this.kh = win.kernelH();
        this.kw = win.kernelW();
        this.pt = win.padTop();
        this.pl = win.padLeft();
        this.height = in.height();
        this.width = in.width();
        this.qh = (kh - 1) / stride;
        this.qw = (kw - 1) / stride;
        this.ny = Math.min(stride, kh);
        this.nx = Math.min(stride, kw);
        this.rows = out.height() + qh;
        this.columns = out.width() + qw;
        this.plane = rows * columns;
        this.channelFloats = ny * nx * plane;
        // Input column x is padded column x + pl: phase (x + pl) mod 2, column ⌊(x + pl)/2⌋.
        this.pairs = stride == 2 && nx == 2 && width >= 2 && (width - 1 + pl) / 2 < columns;
        this.evenPhase = pl % 2 * plane + pl / 2;
        this.oddPhase = (1 + pl) % 2 * plane + (1 + pl) / 2;
    }

    /** Where tap (fy, fx) starts within a channel's phases, relative to the output grid position. */
    int tapOffset(int fy, int fx) {
        return (fy % stride * nx + fx % stride) * plane + fy / stride * columns + fx / stride;
    }

    /** Taps of phase row ry (the fy = S·qy + ry below Fh), and of phase column rx. */
    int tapsY(int ry) {
        return (kh - 1 - ry) / stride + 1;
    }

    int tapsX(int rx) {
        return (kw - 1 - rx) / stride + 1;
    }

    /** Copies one channel (H×W at src) into its phases at dst; positions outside the input are left as they are (0). */
    void pad(float[] x, int src, float[] dst, int at) {
        if (stride == 1) {
            for (int y = 0; y < height; y++) System.arraycopy(x, src + y * width, dst, at + (y + pt) * columns + pl, width);
            return;
        }
        if (pairs) {
            // Each input row split into its two column phases at once (vector shuffles): a copy at a stride, phase
            // by phase, ran at about 1 ns a value, as long as a third of a 3×3/2 layer's forward GEMM.
            for (int y = 0; y < height; y++) {
                int ry = (y + pt) % 2, i = (y + pt) / 2;
                if (ry >= ny || i >= rows) continue;
                int row = at + ry * nx * plane + i * columns;
                Elementwise.splitPairs(x, src + y * width, dst, row + evenPhase, row + oddPhase, width);
            }
            return;
        }
        for (int ry = 0; ry < ny; ry++) {
            int iFrom = first(pt, ry), iTo = Math.min(rows, end(height, pt, ry));
            for (int rx = 0; rx < nx; rx++) {
                int jFrom = first(pl, rx), jTo = Math.min(columns, end(width, pl, rx));
                int phase = at + (ry * nx + rx) * plane;
                for (int i = iFrom; i < iTo; i++) {
                    int row = src + (stride * i + ry - pt) * width + rx - pl;
                    int to = phase + i * columns;
                    for (int j = jFrom; j < jTo; j++) dst[to + j] = x[row + stride * j];
                }
            }
        }
    }

    /**
     * Adds phase (ry, rx) of a padded input's gradient (a PH×PW plane at src) onto the input's gradient (H×W at dst):
     * its (i, j) onto (S·i + ry − pt, S·j + rx − pl) where that lies inside the input.
     */
    void addPhase(float[] grid, int src, int ry, int rx, float[] dx, int dst) {
        int iFrom = first(pt, ry), iTo = Math.min(rows, end(height, pt, ry));
        int jFrom = first(pl, rx), jTo = Math.min(columns, end(width, pl, rx));
        if (stride == 1) {
            Elementwise.addRows(grid, src + iFrom * columns + jFrom, columns, dx, dst + (iFrom - pt) * width + jFrom - pl,
                    width, jTo - jFrom, iTo - iFrom);
            return;
        }
        for (int i = iFrom; i < iTo; i++) {
            int row = dst + (stride * i + ry - pt) * width + rx - pl;
            int from = src + i * columns;
            for (int j = jFrom; j < jTo; j++) dx[row + stride * j] += grid[from + j];
        }
    }

    /** The first phase index i with S·i + r − pad ≥ 0. */
    private int first(int pad, int r) {
        return Math.max(0, Math.floorDiv(pad - r + stride - 1, stride));
    }

    /** One past the last phase index i with S·i + r − pad &lt; size. */
    private int end(int size, int pad, int r) {
        return Math.floorDiv(size + pad - r + stride - 1, stride);
    }
}
