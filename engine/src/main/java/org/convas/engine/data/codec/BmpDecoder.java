package org.convas.engine.data.codec;

/**
 * Windows BMP, uncompressed: 1, 4 and 8-bit palette, 16-bit (5-5-5 or bit fields), 24-bit and
 * 32-bit (plain or bit fields); all header versions (OS/2 core, INFO, V4, V5); bottom-up (the usual,
 * positive height) and top-down (negative height). RLE-compressed files are refused with a message.
 */
final class BmpDecoder {

    private BmpDecoder() {
    }

    static DecodedImage decode(byte[] b) throws ImageFormatException {
        if (b.length < 26) throw new ImageFormatException("truncated BMP: only " + b.length + " bytes");
        int dataOffset = ImageDecoders.s32le(b, 10);
        int headerSize = ImageDecoders.s32le(b, 14);
        int width, height, bpp, compression = 0, coloursUsed = 0;
        int paletteEntrySize = 4;
        if (headerSize == 12) { // OS/2 BITMAPCOREHEADER
            width = ImageDecoders.u16le(b, 18);
            height = (short) ImageDecoders.u16le(b, 20);
            bpp = ImageDecoders.u16le(b, 24);
            paletteEntrySize = 3;
        } else if (headerSize >= 40 && headerSize <= 124) {
            if (b.length < 14 + 40) throw new ImageFormatException("truncated BMP header");
            width = ImageDecoders.s32le(b, 18);
            height = ImageDecoders.s32le(b, 22);
            bpp = ImageDecoders.u16le(b, 28);
            compression = ImageDecoders.s32le(b, 30);
            coloursUsed = ImageDecoders.s32le(b, 46);
        } else {
            throw new ImageFormatException("unknown BMP header version (header size " + headerSize + " bytes)");
        }
        boolean topDown = height < 0;
        height = Math.abs(height);
        ImageDecoders.checkSize("BMP", width, height);
        switch (compression) {
            case 0, 3, 6 -> { }
            case 1, 2 -> throw new ImageFormatException("RLE-compressed BMP is not supported (save it uncompressed)");
            case 4, 5 -> throw new ImageFormatException("BMP with an embedded JPEG or PNG is not supported");
            default -> throw new ImageFormatException("unknown BMP compression " + compression);
        }

        // Bit masks: in the header for V4/V5 (and for INFO with BI_BITFIELDS they follow it directly).
        int[] masks = null;
        if (compression == 3 || compression == 6) {
            int at = 14 + 40;
            masks = new int[] {ImageDecoders.s32le(b, at), ImageDecoders.s32le(b, at + 4), ImageDecoders.s32le(b, at + 8)};
        } else if (bpp == 16) {
            masks = new int[] {0x7C00, 0x03E0, 0x001F};
        } else if (bpp == 32) {
            masks = new int[] {0x00FF0000, 0x0000FF00, 0x000000FF};
        }

        byte[] palette = null;
        if (bpp <= 8) {
            if (bpp != 1 && bpp != 4 && bpp != 8) throw new ImageFormatException("BMP with " + bpp + " bits per pixel does not exist");
            int count = coloursUsed > 0 && coloursUsed <= 256 ? coloursUsed : 1 << bpp;
            int at = 14 + headerSize + (compression == 3 && headerSize == 40 ? 12 : 0);
            palette = new byte[256 * 3];
            for (int i = 0; i < count && at + paletteEntrySize * i + 2 < b.length; i++) {
                palette[3 * i] = b[at + paletteEntrySize * i + 2];     // stored B, G, R
                palette[3 * i + 1] = b[at + paletteEntrySize * i + 1];
                palette[3 * i + 2] = b[at + paletteEntrySize * i];
            }
        } else if (bpp != 16 && bpp != 24 && bpp != 32) {
            throw new ImageFormatException("BMP with " + bpp + " bits per pixel is not supported");
        }

        int stride = (int) (((long) bpp * width + 31) / 32 * 4); // rows are padded to 4 bytes
        if (dataOffset < 14 || (long) dataOffset + (long) stride * height > b.length) {
            throw new ImageFormatException("truncated BMP: the pixel rows need " + (long) stride * height
                    + " bytes from offset " + dataOffset + ", the file has " + b.length);
        }
        byte[] out = new byte[width * height * 3];
        for (int row = 0; row < height; row++) {
            int y = topDown ? row : height - 1 - row;
            int src = dataOffset + row * stride;
            int o = y * width * 3;
            for (int x = 0; x < width; x++, o += 3) {
                switch (bpp) {
                    case 24 -> {
                        int p = src + 3 * x;
                        out[o] = b[p + 2];
                        out[o + 1] = b[p + 1];
                        out[o + 2] = b[p];
                    }
                    case 16, 32 -> {
                        int v = bpp == 16 ? ImageDecoders.u16le(b, src + 2 * x) : ImageDecoders.s32le(b, src + 4 * x);
                        for (int c = 0; c < 3; c++) out[o + c] = (byte) masked(v, masks[c]);
                    }
                    default -> {
                        int bit = x * bpp;
                        int index = ((b[src + (bit >>> 3)] & 0xFF) >>> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
                        out[o] = palette[3 * index];
                        out[o + 1] = palette[3 * index + 1];
                        out[o + 2] = palette[3 * index + 2];
                    }
                }
            }
        }
        return new DecodedImage(width, height, 3, out);
    }

    /** The field under mask, stretched to 0..255 (a 5-bit 31 becomes 255). */
    private static int masked(int value, int mask) {
        if (mask == 0) return 0;
        int shift = Integer.numberOfTrailingZeros(mask);
        long max = (mask & 0xFFFFFFFFL) >>> shift;
        long v = ((value & mask) & 0xFFFFFFFFL) >>> shift;
        return (int) ((v * 255 + max / 2) / max);
    }
}
