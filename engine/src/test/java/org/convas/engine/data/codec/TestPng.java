package org.convas.engine.data.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG encoder for tests: any colour type and bit depth, every row filter (row r uses filter
 * r mod 5, so all five appear), optional Adam7 interlacing. Written independently from the decoder
 * from the PNG specification, so the two check each other.
 */
final class TestPng {

    private TestPng() {
    }

    /**
     * @param samples w·h·spp sample values, row by row, each within the bit depth's range
     * @param palette RGB triples for colour type 3, else null
     */
    static byte[] encode(int w, int h, int colourType, int depth, int[] samples, byte[] palette, boolean adam7) {
        int spp = switch (colourType) { case 0, 3 -> 1; case 2 -> 3; case 4 -> 2; default -> 4; };
        int bpp = Math.max(1, spp * depth / 8);
        int[][] passes = adam7
                ? new int[][] {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
                : new int[][] {{0, 0, 1, 1}};
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int rowIndex = 0;
        for (int[] p : passes) {
            int pw = w > p[0] ? (w - p[0] + p[2] - 1) / p[2] : 0;
            int ph = h > p[1] ? (h - p[1] + p[3] - 1) / p[3] : 0;
            if (pw == 0 || ph == 0) continue;
            int rowBytes = (pw * spp * depth + 7) / 8;
            byte[] prev = new byte[rowBytes];
            for (int j = 0; j < ph; j++) {
                byte[] row = new byte[rowBytes];
                int y = p[1] + j * p[3];
                int bit = 0;
                for (int i = 0; i < pw; i++) {
                    int x = p[0] + i * p[2];
                    for (int c = 0; c < spp; c++) {
                        int v = samples[(y * w + x) * spp + c];
                        if (depth == 16) {
                            row[bit / 8] = (byte) (v >> 8);
                            row[bit / 8 + 1] = (byte) v;
                        } else if (depth == 8) {
                            row[bit / 8] = (byte) v;
                        } else {
                            row[bit / 8] |= (byte) (v << (8 - depth - bit % 8));
                        }
                        bit += depth;
                    }
                }
                int filter = rowIndex++ % 5;
                raw.write(filter);
                raw.writeBytes(filter(filter, row, prev, bpp));
                prev = row;
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        writeInt(ihdr, w);
        writeInt(ihdr, h);
        ihdr.writeBytes(new byte[] {(byte) depth, (byte) colourType, 0, 0, (byte) (adam7 ? 1 : 0)});
        chunk(png, "IHDR", ihdr.toByteArray());
        if (palette != null) chunk(png, "PLTE", palette);
        chunk(png, "tEXt", "Comment\0test".getBytes(StandardCharsets.ISO_8859_1));
        byte[] compressed = deflate(raw.toByteArray());
        // Split the data over two IDAT chunks: decoders must concatenate them.
        int half = compressed.length / 2;
        chunk(png, "IDAT", java.util.Arrays.copyOfRange(compressed, 0, half));
        chunk(png, "IDAT", java.util.Arrays.copyOfRange(compressed, half, compressed.length));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] filter(int type, byte[] row, byte[] prev, int bpp) {
        byte[] out = new byte[row.length];
        for (int i = 0; i < row.length; i++) {
            int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
            int b = prev[i] & 0xFF;
            int c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
            int pred = switch (type) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) / 2;
                default -> {
                    int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
                    yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                }
            };
            out[i] = (byte) ((row[i] & 0xFF) - pred);
        }
        return out;
    }

    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) out.write(buf, 0, deflater.deflate(buf));
        deflater.end();
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        writeInt(png, data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        png.writeBytes(t);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        writeInt(png, (int) crc.getValue());
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
