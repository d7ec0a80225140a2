package org.convas.engine.data.codec;

/**
 * GIF 87a/89a, first frame only, at the frame's own size (as javax.imageio returns it): LZW
 * decompression, global or local colour table, interlaced rows. Transparency is ignored.
 */
final class GifDecoder {

    private GifDecoder() {
    }

    static DecodedImage decode(byte[] b) throws ImageFormatException {
        if (b.length < 13) throw new ImageFormatException("truncated GIF: only " + b.length + " bytes");
        int flags = b[10] & 0xFF;
        int pos = 13;
        byte[] globalTable = null;
        if ((flags & 0x80) != 0) {
            int size = 3 << ((flags & 7) + 1);
            if (pos + size > b.length) throw new ImageFormatException("truncated GIF: colour table cut off");
            globalTable = java.util.Arrays.copyOfRange(b, pos, pos + size);
            pos += size;
        }
        while (true) {
            if (pos >= b.length) throw new ImageFormatException("truncated GIF: no image in the file");
            int block = b[pos++] & 0xFF;
            if (block == 0x3B) throw new ImageFormatException("GIF contains no image");
            if (block == 0x21) { // extension: label, then data sub-blocks
                pos++;
                pos = skipSubBlocks(b, pos);
                continue;
            }
            if (block != 0x2C) throw new ImageFormatException("corrupt GIF: unknown block 0x" + Integer.toHexString(block));
            if (pos + 9 > b.length) throw new ImageFormatException("truncated GIF: image descriptor cut off");
            int width = ImageDecoders.u16le(b, pos + 4);
            int height = ImageDecoders.u16le(b, pos + 6);
            int imageFlags = b[pos + 8] & 0xFF;
            pos += 9;
            ImageDecoders.checkSize("GIF", width, height);
            byte[] table = globalTable;
            if ((imageFlags & 0x80) != 0) {
                int size = 3 << ((imageFlags & 7) + 1);
                if (pos + size > b.length) throw new ImageFormatException("truncated GIF: colour table cut off");
                table = java.util.Arrays.copyOfRange(b, pos, pos + size);
                pos += size;
            }
            if (table == null) throw new ImageFormatException("corrupt GIF: no colour table");
            if (pos >= b.length) throw new ImageFormatException("truncated GIF: image data missing");
            int minCodeSize = b[pos++] & 0xFF;
            if (minCodeSize < 1 || minCodeSize > 11) throw new ImageFormatException("corrupt GIF: LZW code size " + minCodeSize);
            byte[] data = gatherSubBlocks(b, pos);
            byte[] indices = lzw(data, minCodeSize, width * height);
            boolean interlaced = (imageFlags & 0x40) != 0;
            byte[] out = new byte[width * height * 3];
            int[] rowOf = rowOrder(height, interlaced);
            for (int r = 0; r < height; r++) {
                int y = rowOf[r];
                for (int x = 0; x < width; x++) {
                    int index = indices[r * width + x] & 0xFF;
                    int o = (y * width + x) * 3;
                    if (3 * index + 2 < table.length) {
                        out[o] = table[3 * index];
                        out[o + 1] = table[3 * index + 1];
                        out[o + 2] = table[3 * index + 2];
                    }
                }
            }
            return new DecodedImage(width, height, 3, out);
        }
    }

    /** For each stored row, the image row it belongs to (interlaced GIFs store rows in four passes). */
    private static int[] rowOrder(int height, boolean interlaced) {
        int[] rows = new int[height];
        if (!interlaced) {
            for (int i = 0; i < height; i++) rows[i] = i;
            return rows;
        }
        int r = 0;
        int[][] passes = {{0, 8}, {4, 8}, {2, 4}, {1, 2}};
        for (int[] p : passes) for (int y = p[0]; y < height; y += p[1]) rows[r++] = y;
        return rows;
    }

    private static int skipSubBlocks(byte[] b, int pos) throws ImageFormatException {
        while (true) {
            if (pos >= b.length) throw new ImageFormatException("truncated GIF: data block cut off");
            int n = b[pos++] & 0xFF;
            if (n == 0) return pos;
            pos += n;
        }
    }

    private static byte[] gatherSubBlocks(byte[] b, int pos) throws ImageFormatException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (pos >= b.length) throw new ImageFormatException("truncated GIF: image data cut off");
            int n = b[pos++] & 0xFF;
            if (n == 0) return out.toByteArray();
            if (pos + n > b.length) throw new ImageFormatException("truncated GIF: image data cut off");
            out.write(b, pos, n);
            pos += n;
        }
    }

    /** Variable-width LZW as GIF uses it: codes packed least significant bit first. */
    private static byte[] lzw(byte[] data, int minCodeSize, int pixels) throws ImageFormatException {
        int clear = 1 << minCodeSize, end = clear + 1;
        short[] prefix = new short[4096];
        byte[] suffix = new byte[4096];
        byte[] first = new byte[4096];
        byte[] stack = new byte[4097];
        for (int i = 0; i < clear; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
        }
        byte[] out = new byte[pixels];
        int n = 0;
        int codeSize = minCodeSize + 1, next = end + 1, old = -1;
        long bits = 0;
        int bitCount = 0, at = 0;
        while (n < pixels) {
            while (bitCount < codeSize && at < data.length) {
                bits |= (long) (data[at++] & 0xFF) << bitCount;
                bitCount += 8;
            }
            if (bitCount < codeSize) break; // data ended; like most viewers, keep what we have
            int code = (int) (bits & ((1 << codeSize) - 1));
            bits >>>= codeSize;
            bitCount -= codeSize;
            if (code == clear) {
                codeSize = minCodeSize + 1;
                next = end + 1;
                old = -1;
                continue;
            }
            if (code == end) break;
            if (old == -1) {
                if (code >= clear) throw new ImageFormatException("corrupt GIF image data (bad first LZW code)");
                out[n++] = (byte) code;
                old = code;
                continue;
            }
            int sp = 0;
            int cur = code;
            if (code >= next) {
                if (code > next) throw new ImageFormatException("corrupt GIF image data (LZW code " + code + " out of order)");
                stack[sp++] = first[old]; // the KwKwK case: the new string is old + first(old)
                cur = old;
            }
            while (cur >= clear) {
                stack[sp++] = suffix[cur];
                cur = prefix[cur];
            }
            stack[sp++] = (byte) cur;
            while (sp > 0 && n < pixels) out[n++] = stack[--sp];
            if (next < 4096) {
                prefix[next] = (short) old;
                suffix[next] = code >= next ? first[old] : first[code];
                first[next] = first[old];
                next++;
                if (next == (1 << codeSize) && codeSize < 12) codeSize++;
            }
            old = code;
        }
        if (n == 0) throw new ImageFormatException("corrupt GIF: no pixels could be decoded");
        return out;
    }
}
