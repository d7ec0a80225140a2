package org.convas.engine.data.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * PNG: every colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA), every bit depth the
 * standard allows (1, 2, 4, 8, 16), the five row filters and Adam7 interlacing. 16-bit samples are
 * rounded to 8 bits; samples below 8 bits are stretched to 0..255 (a 1-bit 1 becomes 255).
 */
final class PngDecoder {

    private static final int[][] ADAM7 = { // x0, y0, dx, dy of the seven passes
            {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    private static final int[][] NO_INTERLACE = {{0, 0, 1, 1}};

    private PngDecoder() {
    }

    static DecodedImage decode(byte[] b) throws ImageFormatException {
        if (b.length < 8 || (b[4] & 0xFF) != 0x0D || (b[5] & 0xFF) != 0x0A || (b[6] & 0xFF) != 0x1A || (b[7] & 0xFF) != 0x0A) {
            throw new ImageFormatException("damaged PNG signature (was the file transferred as text?)");
        }
        int pos = 8;
        int width = 0, height = 0, depth = 0, colour = -1, interlace = 0;
        byte[] palette = null;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        boolean seenHeader = false, seenEnd = false;
        CRC32 crc = new CRC32();
        while (pos < b.length && !seenEnd) {
            if (pos + 12 > b.length) throw new ImageFormatException("truncated PNG: a chunk header is cut off");
            int length = ImageDecoders.s32be(b, pos);
            String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (length < 0 || (long) pos + 12 + length > b.length) {
                throw new ImageFormatException("truncated PNG: chunk " + type + " ends beyond the end of the file");
            }
            crc.reset();
            crc.update(b, pos + 4, 4 + length);
            if ((int) crc.getValue() != ImageDecoders.s32be(b, pos + 8 + length)) {
                throw new ImageFormatException("corrupt PNG: checksum of chunk " + type + " does not match");
            }
            int data = pos + 8;
            switch (type) {
                case "IHDR" -> {
                    if (length < 13) throw new ImageFormatException("corrupt PNG header (IHDR too short)");
                    width = ImageDecoders.s32be(b, data);
                    height = ImageDecoders.s32be(b, data + 4);
                    depth = b[data + 8] & 0xFF;
                    colour = b[data + 9] & 0xFF;
                    interlace = b[data + 12] & 0xFF;
                    seenHeader = true;
                }
                case "PLTE" -> {
                    palette = new byte[length];
                    System.arraycopy(b, data, palette, 0, length);
                }
                case "IDAT" -> idat.write(b, data, length);
                case "IEND" -> seenEnd = true;
                default -> {
                    // Ancillary chunks (gamma, text, transparency, …) do not change the samples we keep.
                }
            }
            if (!seenHeader) throw new ImageFormatException("corrupt PNG: the first chunk is " + type + ", not IHDR");
            pos += 12 + length;
        }
        ImageDecoders.checkSize("PNG", width, height);
        int samplesPerPixel = switch (colour) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new ImageFormatException("corrupt PNG header: colour type " + colour + " does not exist");
        };
        boolean depthOk = switch (colour) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            default -> depth == 8 || depth == 16;
        };
        if (!depthOk) throw new ImageFormatException("corrupt PNG header: bit depth " + depth + " is not allowed with colour type " + colour);
        if (interlace > 1) throw new ImageFormatException("corrupt PNG header: interlace method " + interlace + " does not exist");
        if (colour == 3 && palette == null) throw new ImageFormatException("corrupt PNG: palette image without a PLTE chunk");
        if (idat.size() == 0) throw new ImageFormatException("PNG has no image data (no IDAT chunk)");

        int[][] passes = interlace == 1 ? ADAM7 : NO_INTERLACE;
        long expected = 0;
        for (int[] p : passes) {
            long pw = passSize(width, p[0], p[2]), ph = passSize(height, p[1], p[3]);
            if (pw > 0 && ph > 0) expected += ph * (1 + (pw * samplesPerPixel * depth + 7) / 8);
        }
        if (expected > Integer.MAX_VALUE - 16) throw new ImageFormatException("PNG image is too large");
        byte[] raw = inflate(idat.toByteArray(), (int) expected);

        int outChannels = (colour == 0 || colour == 4) ? 1 : 3;
        byte[] out = new byte[width * height * outChannels];
        int bpp = Math.max(1, samplesPerPixel * depth / 8); // bytes per complete pixel, for the filters
        int at = 0;
        for (int[] p : passes) {
            int pw = passSize(width, p[0], p[2]), ph = passSize(height, p[1], p[3]);
            if (pw == 0 || ph == 0) continue;
            int rowBytes = (pw * samplesPerPixel * depth + 7) / 8;
            byte[] prev = new byte[rowBytes];
            byte[] row = new byte[rowBytes];
            for (int y = 0; y < ph; y++) {
                int filter = raw[at] & 0xFF;
                System.arraycopy(raw, at + 1, row, 0, rowBytes);
                at += 1 + rowBytes;
                unfilter(filter, row, prev, bpp);
                int outY = p[1] + y * p[3];
                for (int x = 0; x < pw; x++) {
                    int o = (outY * width + p[0] + x * p[2]) * outChannels;
                    writePixel(row, x, colour, depth, samplesPerPixel, palette, out, o);
                }
                byte[] t = prev;
                prev = row;
                row = t;
            }
        }
        return new DecodedImage(width, height, outChannels, out);
    }

    private static int passSize(int size, int start, int step) {
        return size > start ? (size - start + step - 1) / step : 0;
    }

    private static byte[] inflate(byte[] compressed, int expected) throws ImageFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[expected];
            int n = 0;
            while (n < expected) {
                int got = inflater.inflate(out, n, expected - n);
                if (got == 0) {
                    if (inflater.needsDictionary()) throw new ImageFormatException("corrupt PNG image data (preset dictionary)");
                    throw new ImageFormatException("truncated PNG: the image data ends after " + n + " of "
                            + expected + " bytes");
                }
                n += got;
            }
            return out;
        } catch (DataFormatException e) {
            throw new ImageFormatException("corrupt PNG image data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    /** Undoes one row filter in place; prev is the previous unfiltered row of the same pass (zeros first). */
    private static void unfilter(int filter, byte[] row, byte[] prev, int bpp) throws ImageFormatException {
        int n = row.length;
        switch (filter) {
            case 0 -> { }
            case 1 -> { for (int i = bpp; i < n; i++) row[i] += row[i - bpp]; }
            case 2 -> { for (int i = 0; i < n; i++) row[i] += prev[i]; }
            case 3 -> {
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? row[i - bpp] & 0xFF : 0;
                    row[i] += (byte) ((left + (prev[i] & 0xFF)) >>> 1);
                }
            }
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
                    int bb = prev[i] & 0xFF;
                    int c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
                    int p = a + bb - c;
                    int pa = Math.abs(p - a), pb = Math.abs(p - bb), pc = Math.abs(p - c);
                    int pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? bb : c);
                    row[i] += (byte) pred;
                }
            }
            default -> throw new ImageFormatException("corrupt PNG image data: row filter " + filter + " does not exist");
        }
    }

    private static void writePixel(byte[] row, int x, int colour, int depth, int spp, byte[] palette,
                                   byte[] out, int o) throws ImageFormatException {
        if (depth < 8) {
            int bit = x * depth;
            int mask = (1 << depth) - 1;
            int v = ((row[bit >>> 3] & 0xFF) >>> (8 - depth - (bit & 7))) & mask;
            if (colour == 3) {
                paletteEntry(palette, v, out, o);
            } else {
                out[o] = (byte) (v * 255 / mask);
            }
            return;
        }
        switch (colour) {
            case 3 -> paletteEntry(palette, row[x] & 0xFF, out, o);
            case 0, 4 -> out[o] = sample(row, x * spp, depth);
            default -> { // 2 and 6: R, G, B (and alpha, dropped)
                out[o] = sample(row, x * spp, depth);
                out[o + 1] = sample(row, x * spp + 1, depth);
                out[o + 2] = sample(row, x * spp + 2, depth);
            }
        }
    }

    private static byte sample(byte[] row, int index, int depth) {
        if (depth == 8) return row[index];
        int v = ((row[2 * index] & 0xFF) << 8) | (row[2 * index + 1] & 0xFF);
        return (byte) ((v * 255 + 32767) / 65535); // round(v / 257)
    }

    private static void paletteEntry(byte[] palette, int index, byte[] out, int o) throws ImageFormatException {
        if (3 * index + 2 >= palette.length) {
            throw new ImageFormatException("corrupt PNG: palette index " + index + " but the palette has only "
                    + palette.length / 3 + " colours");
        }
        out[o] = palette[3 * index];
        out[o + 1] = palette[3 * index + 1];
        out[o + 2] = palette[3 * index + 2];
    }
}
