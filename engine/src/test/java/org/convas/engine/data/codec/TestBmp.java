package org.convas.engine.data.codec;

import java.io.ByteArrayOutputStream;

/** A small BMP writer for tests: 24-bit, 32-bit or 8-bit palette, bottom-up or top-down. */
final class TestBmp {

    private TestBmp() {
    }

    /** rgb: w·h·3 values row by row (top row first); for 8-bit, index = R value and palette[i] = (i, 255-i, i/2). */
    static byte[] encode(int w, int h, int bpp, int[] rgb, boolean topDown) {
        int stride = (bpp * w + 31) / 32 * 4;
        int paletteBytes = bpp == 8 ? 256 * 4 : 0;
        int offset = 14 + 40 + paletteBytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('B');
        out.write('M');
        le32(out, offset + stride * h);
        le32(out, 0);
        le32(out, offset);
        le32(out, 40);
        le32(out, w);
        le32(out, topDown ? -h : h);
        le16(out, 1);
        le16(out, bpp);
        le32(out, 0); // BI_RGB
        le32(out, stride * h);
        le32(out, 2835);
        le32(out, 2835);
        le32(out, bpp == 8 ? 256 : 0);
        le32(out, 0);
        if (bpp == 8) {
            for (int i = 0; i < 256; i++) {
                out.write(i / 2); // B
                out.write(255 - i); // G
                out.write(i); // R
                out.write(0);
            }
        }
        for (int r = 0; r < h; r++) {
            int y = topDown ? r : h - 1 - r;
            byte[] row = new byte[stride];
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                switch (bpp) {
                    case 8 -> row[x] = (byte) rgb[p];
                    case 24 -> {
                        row[3 * x] = (byte) rgb[p + 2];
                        row[3 * x + 1] = (byte) rgb[p + 1];
                        row[3 * x + 2] = (byte) rgb[p];
                    }
                    default -> {
                        row[4 * x] = (byte) rgb[p + 2];
                        row[4 * x + 1] = (byte) rgb[p + 1];
                        row[4 * x + 2] = (byte) rgb[p];
                        row[4 * x + 3] = (byte) 0x80;
                    }
                }
            }
            out.writeBytes(row);
        }
        return out.toByteArray();
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
    }
}
