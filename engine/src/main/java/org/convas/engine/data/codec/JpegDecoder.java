package org.convas.engine.data.codec;

/**
 * Baseline (and extended sequential, Huffman) JPEG: grey or YCbCr (also Adobe RGB), any sampling
 * factors (4:4:4, 4:2:2, 4:2:0, …), interleaved or one-component scans, restart markers.
 * Progressive, lossless, arithmetic-coded and CMYK files are refused with a message saying so.
 *
 * <p>Steps: Huffman-decode each 8×8 block's coefficients, dequantise, inverse DCT, then upsample the
 * colour planes to full size and convert YCbCr to RGB. Upsampling for 2×1 and 2×2 uses libjpeg's
 * "fancy" triangle filter, so pixels match what javax.imageio and most viewers show to within a
 * level or two (the small rest comes from libjpeg's integer IDCT versus our floating-point one).
 */
final class JpegDecoder {

    /** Position k of the zig-zag scan → index in the 8×8 block (row-major). */
    private static final int[] ZIGZAG = {
            0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
            21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
            60, 61, 54, 47, 55, 62, 63};

    /** IDCT basis: COS[x][u] = C(u)/2 · cos((2x+1)uπ/16), C(0) = 1/√2. */
    private static final float[][] COS = new float[8][8];

    static {
        for (int x = 0; x < 8; x++) {
            for (int u = 0; u < 8; u++) {
                double c = u == 0 ? Math.sqrt(0.5) : 1.0;
                COS[x][u] = (float) (c / 2 * Math.cos((2 * x + 1) * u * Math.PI / 16));
            }
        }
    }

    private static final class Huffman {
        final int[] maxCode = new int[18];
        final int[] valPtr = new int[17];
        final int[] minCode = new int[17];
        final int[] values;
        final byte[] lookupLength = new byte[1 << 9]; // fast path for codes up to 9 bits
        final byte[] lookupValue = new byte[1 << 9];

        Huffman(int[] counts, int[] values) {
            this.values = values;
            int code = 0, k = 0;
            for (int len = 1; len <= 16; len++) {
                valPtr[len] = k;
                minCode[len] = code;
                code += counts[len];
                k += counts[len];
                maxCode[len] = counts[len] > 0 ? code - 1 : -1;
                code <<= 1;
            }
            maxCode[17] = Integer.MAX_VALUE;
            // Fill the 9-bit lookup: every 9-bit pattern starting with a short code maps to it.
            code = 0;
            k = 0;
            for (int len = 1; len <= 9; len++) {
                for (int i = 0; i < counts[len]; i++, k++, code++) {
                    int shift = 9 - len;
                    for (int fill = 0; fill < (1 << shift); fill++) {
                        lookupLength[(code << shift) | fill] = (byte) len;
                        lookupValue[(code << shift) | fill] = (byte) values[k];
                    }
                }
                code <<= 1;
            }
        }
    }

    private static final class Component {
        int id, h, v, tq;
        int dcTable, acTable;
        int blocksPerLine, blocksPerColumn; // of the padded plane
        int width, height;                   // real size at this component's resolution
        byte[] plane;                        // blocksPerLine*8 wide
        int pred;
    }

    private final byte[] d;
    private int pos;
    private final int[][] quant = new int[4][]; // zig-zag order
    private final Huffman[] dc = new Huffman[4];
    private final Huffman[] ac = new Huffman[4];
    private Component[] comps;
    private int width, height, hMax, vMax, mcusX, mcusY;
    private int restartInterval;
    private int adobeTransform = -1;
    private boolean frameSeen;

    // bit reader
    private int bitBuf, bitCnt;
    private boolean hitMarker;
    /** Zero bytes fed in after a marker; a few are normal at the end of a scan, many mean the data is cut short. */
    private int padded;
    private static final int MAX_PADDING = 64;

    private JpegDecoder(byte[] d) {
        this.d = d;
    }

    static DecodedImage decode(byte[] d) throws ImageFormatException {
        return new JpegDecoder(d).run();
    }

    private DecodedImage run() throws ImageFormatException {
        pos = 2;
        boolean scanned = false;
        while (true) {
            int marker = nextMarker();
            if (marker == -1) {
                if (scanned) break; // missing EOI after complete data: accept, as viewers do
                throw new ImageFormatException("truncated JPEG: the file ends before the image data");
            }
            if (marker == 0xD9) break; // EOI
            if (marker >= 0xD0 && marker <= 0xD7) continue; // stray restart marker
            if (pos + 2 > d.length) throw new ImageFormatException("truncated JPEG: a marker segment is cut off");
            int length = ImageDecoders.u16be(d, pos);
            int seg = pos + 2, segEnd = pos + length;
            if (length < 2 || segEnd > d.length) throw new ImageFormatException("truncated JPEG: a marker segment is cut off");
            switch (marker) {
                case 0xC0, 0xC1 -> readFrame(seg);
                case 0xC2, 0xC6, 0xCA, 0xCE -> throw new ImageFormatException("progressive JPEG is not supported "
                        + "(re-save it as baseline JPEG or PNG)");
                case 0xC3, 0xC5, 0xC7, 0xC9, 0xCB, 0xCD, 0xCF -> throw new ImageFormatException(
                        "this JPEG variant (lossless, hierarchical or arithmetic-coded, SOF" + (marker - 0xC0)
                                + ") is not supported; only baseline JPEG is");
                case 0xC4 -> readHuffman(seg, segEnd);
                case 0xDB -> readQuant(seg, segEnd);
                case 0xDD -> restartInterval = ImageDecoders.u16be(d, seg);
                case 0xEE -> {
                    if (length >= 14 && d[seg] == 'A' && d[seg + 1] == 'd' && d[seg + 2] == 'o' && d[seg + 3] == 'b'
                            && d[seg + 4] == 'e') {
                        adobeTransform = d[seg + 11] & 0xFF;
                    }
                }
                case 0xDA -> {
                    pos = segEnd;
                    readScan(seg);
                    scanned = true;
                    continue;
                }
                default -> { } // APPn, COM, DNL…: nothing we need
            }
            pos = segEnd;
        }
        if (!scanned) throw new ImageFormatException("JPEG has no image data (no scan)");
        return output();
    }

    /** Moves past fill bytes to the next marker; returns its code, or -1 at the end of the file. */
    private int nextMarker() {
        while (pos < d.length && (d[pos] & 0xFF) != 0xFF) pos++; // tolerate garbage between segments
        while (pos < d.length && (d[pos] & 0xFF) == 0xFF) pos++;
        if (pos >= d.length) return -1;
        return d[pos++] & 0xFF;
    }

    private void readFrame(int at) throws ImageFormatException {
        if (frameSeen) throw new ImageFormatException("corrupt JPEG: two frame headers");
        frameSeen = true;
        int precision = d[at] & 0xFF;
        if (precision != 8) throw new ImageFormatException(precision + "-bit JPEG is not supported; only 8-bit");
        height = ImageDecoders.u16be(d, at + 1);
        width = ImageDecoders.u16be(d, at + 3);
        if (height == 0) throw new ImageFormatException("JPEG whose height is given after the data (DNL) is not supported");
        ImageDecoders.checkSize("JPEG", width, height);
        int n = d[at + 5] & 0xFF;
        if (n == 4) throw new ImageFormatException("CMYK JPEG is not supported (convert it to RGB)");
        if (n != 1 && n != 3) throw new ImageFormatException("JPEG with " + n + " colour components is not supported");
        comps = new Component[n];
        for (int i = 0; i < n; i++) {
            Component c = new Component();
            int p = at + 6 + 3 * i;
            c.id = d[p] & 0xFF;
            c.h = (d[p + 1] & 0xFF) >> 4;
            c.v = d[p + 1] & 0x0F;
            c.tq = d[p + 2] & 0xFF;
            if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3) {
                throw new ImageFormatException("corrupt JPEG frame header (sampling " + c.h + "×" + c.v + ")");
            }
            comps[i] = c;
            hMax = Math.max(hMax, c.h);
            vMax = Math.max(vMax, c.v);
        }
        mcusX = (width + 8 * hMax - 1) / (8 * hMax);
        mcusY = (height + 8 * vMax - 1) / (8 * vMax);
        for (Component c : comps) {
            c.width = (width * c.h + hMax - 1) / hMax;
            c.height = (height * c.v + vMax - 1) / vMax;
            c.blocksPerLine = mcusX * c.h;
            c.blocksPerColumn = mcusY * c.v;
            c.plane = new byte[c.blocksPerLine * 8 * c.blocksPerColumn * 8];
        }
    }

    private void readHuffman(int at, int end) throws ImageFormatException {
        while (at < end) {
            int tc = (d[at] & 0xFF) >> 4, th = d[at] & 0x0F;
            if (tc > 1 || th > 3) throw new ImageFormatException("corrupt JPEG Huffman table header");
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) total += counts[i] = d[at + i] & 0xFF;
            if (total > 256 || at + 17 + total > end) throw new ImageFormatException("corrupt JPEG Huffman table");
            int[] values = new int[total];
            for (int i = 0; i < total; i++) values[i] = d[at + 17 + i] & 0xFF;
            (tc == 0 ? dc : ac)[th] = new Huffman(counts, values);
            at += 17 + total;
        }
    }

    private void readQuant(int at, int end) throws ImageFormatException {
        while (at < end) {
            int pq = (d[at] & 0xFF) >> 4, tq = d[at] & 0x0F;
            if (tq > 3 || pq > 1) throw new ImageFormatException("corrupt JPEG quantisation table header");
            int[] q = new int[64];
            for (int k = 0; k < 64; k++) {
                q[k] = pq == 0 ? d[at + 1 + k] & 0xFF : ImageDecoders.u16be(d, at + 1 + 2 * k);
            }
            quant[tq] = q;
            at += 1 + (pq == 0 ? 64 : 128);
        }
    }

    private void readScan(int at) throws ImageFormatException {
        if (comps == null) throw new ImageFormatException("corrupt JPEG: image data before the frame header");
        int n = d[at] & 0xFF;
        Component[] scan = new Component[n];
        for (int i = 0; i < n; i++) {
            int id = d[at + 1 + 2 * i] & 0xFF, tables = d[at + 2 + 2 * i] & 0xFF;
            Component c = null;
            for (Component k : comps) if (k.id == id) c = k;
            if (c == null) throw new ImageFormatException("corrupt JPEG: scan names unknown component " + id);
            c.dcTable = tables >> 4;
            c.acTable = tables & 0x0F;
            if (c.dcTable > 3 || c.acTable > 3 || dc[c.dcTable] == null || ac[c.acTable] == null) {
                throw new ImageFormatException("corrupt JPEG: scan uses a Huffman table that was not defined");
            }
            if (quant[c.tq] == null) throw new ImageFormatException("corrupt JPEG: quantisation table " + c.tq + " missing");
            scan[i] = c;
        }
        bitBuf = 0;
        bitCnt = 0;
        hitMarker = false;
        padded = 0;
        for (Component c : scan) c.pred = 0;
        float[] block = new float[64];
        int[] coef = new int[64];
        int units, unitsX;
        if (n == 1) { // non-interleaved: one block per unit, over the component's own size
            Component c = scan[0];
            unitsX = (c.width + 7) / 8;
            units = unitsX * ((c.height + 7) / 8);
        } else {
            unitsX = mcusX;
            units = mcusX * mcusY;
        }
        for (int u = 0; u < units; u++) {
            if (restartInterval > 0 && u > 0 && u % restartInterval == 0) restart(scan);
            int ux = u % unitsX, uy = u / unitsX;
            if (n == 1) {
                decodeBlock(scan[0], coef, block, ux, uy);
            } else {
                for (Component c : scan) {
                    for (int by = 0; by < c.v; by++) {
                        for (int bx = 0; bx < c.h; bx++) {
                            decodeBlock(c, coef, block, ux * c.h + bx, uy * c.v + by);
                        }
                    }
                }
            }
        }
        // Skip to the marker after the scan data.
        while (pos < d.length && !((d[pos] & 0xFF) == 0xFF && pos + 1 < d.length && (d[pos + 1] & 0xFF) != 0
                && ((d[pos + 1] & 0xFF) < 0xD0 || (d[pos + 1] & 0xFF) > 0xD7))) {
            pos++;
        }
    }

    private void restart(Component[] scan) throws ImageFormatException {
        bitBuf = 0;
        bitCnt = 0;
        hitMarker = false;
        padded = 0;
        while (pos + 1 < d.length && !((d[pos] & 0xFF) == 0xFF && (d[pos + 1] & 0xFF) >= 0xD0 && (d[pos + 1] & 0xFF) <= 0xD7)) {
            pos++;
        }
        if (pos + 1 >= d.length) throw new ImageFormatException("truncated JPEG: restart marker missing");
        pos += 2;
        for (Component c : scan) c.pred = 0;
    }

    private void decodeBlock(Component c, int[] coef, float[] block, int bx, int by) throws ImageFormatException {
        java.util.Arrays.fill(coef, 0);
        int[] q = quant[c.tq];
        int t = decodeHuffman(dc[c.dcTable]);
        int diff = t == 0 ? 0 : extend(receive(t), t);
        c.pred += diff;
        coef[0] = c.pred * q[0];
        Huffman acTable = ac[c.acTable];
        for (int k = 1; k < 64; ) {
            int rs = decodeHuffman(acTable);
            int r = rs >> 4, s = rs & 15;
            if (s == 0) {
                if (r != 15) break; // end of block
                k += 16;
                continue;
            }
            k += r;
            if (k > 63) throw new ImageFormatException("corrupt JPEG image data (coefficient beyond the block)");
            coef[ZIGZAG[k]] = extend(receive(s), s) * q[k];
            k++;
        }
        if (bx >= c.blocksPerLine || by >= c.blocksPerColumn) return;
        idct(coef, block);
        int stride = c.blocksPerLine * 8;
        int base = by * 8 * stride + bx * 8;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int v = Math.round(block[y * 8 + x] + 128f);
                c.plane[base + y * stride + x] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
    }

    /** Separable 2-D inverse DCT: rows then columns, 8·8·8·2 multiplications per block. */
    private static void idct(int[] in, float[] out) {
        float[] tmp = new float[64];
        for (int y = 0; y < 8; y++) { // along u (columns of frequency) for each frequency row v=y
            for (int x = 0; x < 8; x++) {
                float s = 0;
                for (int u = 0; u < 8; u++) s += COS[x][u] * in[y * 8 + u];
                tmp[y * 8 + x] = s;
            }
        }
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 8; y++) {
                float s = 0;
                for (int v = 0; v < 8; v++) s += COS[y][v] * tmp[v * 8 + x];
                out[y * 8 + x] = s;
            }
        }
    }

    private int decodeHuffman(Huffman h) throws ImageFormatException {
        fill(16);
        int peek = (bitBuf >>> (bitCnt - 9)) & 0x1FF;
        int len = h.lookupLength[peek];
        if (len > 0) {
            bitCnt -= len;
            return h.lookupValue[peek] & 0xFF;
        }
        int code = 0;
        for (int l = 1; l <= 16; l++) {
            code = (code << 1) | bit();
            if (h.maxCode[l] >= 0 && code <= h.maxCode[l] && code >= h.minCode[l]) {
                return h.values[h.valPtr[l] + code - h.minCode[l]];
            }
        }
        throw new ImageFormatException("corrupt JPEG image data (invalid Huffman code)");
    }

    private int receive(int n) throws ImageFormatException {
        fill(n);
        bitCnt -= n;
        return (bitBuf >>> bitCnt) & ((1 << n) - 1);
    }

    private int bit() throws ImageFormatException {
        fill(1);
        bitCnt--;
        return (bitBuf >>> bitCnt) & 1;
    }

    private static int extend(int v, int t) {
        return v < (1 << (t - 1)) ? v - (1 << t) + 1 : v;
    }

    /** Makes at least n bits available; after a marker the stream is padded with zero bits. */
    private void fill(int n) throws ImageFormatException {
        while (bitCnt < n) {
            int b = 0;
            if (!hitMarker) {
                if (pos >= d.length) throw new ImageFormatException("truncated JPEG: the image data ends early");
                b = d[pos] & 0xFF;
                if (b == 0xFF) {
                    if (pos + 1 >= d.length) throw new ImageFormatException("truncated JPEG: the image data ends early");
                    int next = d[pos + 1] & 0xFF;
                    if (next == 0) {
                        pos += 2;
                    } else {
                        hitMarker = true; // leave pos on the marker for the segment parser
                        b = 0;
                    }
                } else {
                    pos++;
                }
            } else if (++padded > MAX_PADDING) {
                // Decoding on from zeros would fill the rest of a (possibly huge) frame with made-up blocks.
                throw new ImageFormatException("truncated JPEG: the image data ends before the last block");
            }
            bitBuf = (bitBuf << 8) | b;
            bitCnt += 8;
        }
    }

    private DecodedImage output() throws ImageFormatException {
        if (comps.length == 1) {
            Component c = comps[0];
            int stride = c.blocksPerLine * 8;
            byte[] out = new byte[width * height];
            for (int y = 0; y < height; y++) System.arraycopy(c.plane, y * stride, out, y * width, width);
            return new DecodedImage(width, height, 1, out);
        }
        byte[][] full = new byte[3][];
        for (int i = 0; i < 3; i++) full[i] = upsample(comps[i]);
        boolean rgb = adobeTransform == 0 || (comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B');
        byte[] out = new byte[width * height * 3];
        for (int i = 0, o = 0; i < width * height; i++, o += 3) {
            int y = full[0][i] & 0xFF, cb = full[1][i] & 0xFF, cr = full[2][i] & 0xFF;
            if (rgb) {
                out[o] = (byte) y;
                out[o + 1] = (byte) cb;
                out[o + 2] = (byte) cr;
                continue;
            }
            // JFIF YCbCr → RGB (ITU-R BT.601 full range), rounded as libjpeg does.
            out[o] = clamp(y + 1.402f * (cr - 128));
            out[o + 1] = clamp(y - 0.344136f * (cb - 128) - 0.714136f * (cr - 128));
            out[o + 2] = clamp(y + 1.772f * (cb - 128));
        }
        return new DecodedImage(width, height, 3, out);
    }

    private static byte clamp(float v) {
        int i = Math.round(v);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }

    /**
     * The component at full image size. 2×1 and 2×2 use libjpeg's triangle ("fancy") filter: each
     * output sample is 3/4 the nearer input sample plus 1/4 the farther one, in each direction; edge
     * samples are repeated. Other ratios repeat samples (nearest neighbour).
     */
    private byte[] upsample(Component c) {
        int stride = c.blocksPerLine * 8;
        int sx = hMax / c.h, sy = vMax / c.v;
        boolean exact = hMax % c.h == 0 && vMax % c.v == 0;
        byte[] out = new byte[width * height];
        byte[] p = c.plane;
        int cw = c.width, ch = c.height;
        if (sx == 1 && sy == 1 && exact) {
            for (int y = 0; y < height; y++) System.arraycopy(p, y * stride, out, y * width, width);
        } else if (exact && sx == 2 && sy == 1) {
            for (int y = 0; y < height; y++) {
                int row = y * stride;
                for (int x = 0; x < width; x++) {
                    int i = x >> 1;
                    int here = p[row + i] & 0xFF;
                    int v;
                    if ((x & 1) == 0) {
                        v = i == 0 ? here : (3 * here + (p[row + i - 1] & 0xFF) + 1) >> 2;
                    } else {
                        v = i >= cw - 1 ? here : (3 * here + (p[row + i + 1] & 0xFF) + 2) >> 2;
                    }
                    out[y * width + x] = (byte) v;
                }
            }
        } else if (exact && sx == 2 && sy == 2) {
            int[] colsum = new int[cw];
            for (int y = 0; y < height; y++) {
                int i = y >> 1;
                int far = (y & 1) == 0 ? Math.max(i - 1, 0) : Math.min(i + 1, ch - 1);
                for (int x = 0; x < cw; x++) colsum[x] = 3 * (p[i * stride + x] & 0xFF) + (p[far * stride + x] & 0xFF);
                for (int x = 0; x < width; x++) {
                    int j = x >> 1;
                    int v;
                    if ((x & 1) == 0) {
                        v = j == 0 ? (4 * colsum[0] + 8) >> 4 : (3 * colsum[j] + colsum[j - 1] + 8) >> 4;
                    } else {
                        v = j >= cw - 1 ? (4 * colsum[j] + 7) >> 4 : (3 * colsum[j] + colsum[j + 1] + 7) >> 4;
                    }
                    out[y * width + x] = (byte) v;
                }
            }
        } else {
            for (int y = 0; y < height; y++) {
                int yy = Math.min(y * c.v / vMax, ch - 1);
                for (int x = 0; x < width; x++) {
                    out[y * width + x] = p[yy * stride + Math.min(x * c.h / hMax, cw - 1)];
                }
            }
        }
        return out;
    }
}
