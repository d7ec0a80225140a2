package org.convas.engine.data.codec;

/**
 * Decodes PNG, JPEG (baseline), BMP and GIF (first frame) in pure Java: the engine may not use
 * java.awt or javax.imageio. The format is recognised by the first bytes, never by the file name.
 */
public final class ImageDecoders {

    private ImageDecoders() {
    }

    /** The format the bytes start like: "PNG", "JPEG", "BMP", "GIF", or null if none. */
    public static String sniff(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "PNG";
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) return "JPEG";
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') return "BMP";
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') return "GIF";
        return null;
    }

    /**
     * Decodes the bytes of a PNG, JPEG, BMP or GIF file.
     *
     * @throws ImageFormatException "not an image", damaged data, or an unsupported variant
     */
    public static DecodedImage decode(byte[] bytes) throws ImageFormatException {
        if (bytes.length == 0) throw new ImageFormatException("empty file (0 bytes)");
        String format = sniff(bytes);
        if (format == null) throw new ImageFormatException("not an image (not PNG, JPEG, BMP or GIF)");
        try {
            return switch (format) {
                case "PNG" -> PngDecoder.decode(bytes);
                case "JPEG" -> JpegDecoder.decode(bytes);
                case "BMP" -> BmpDecoder.decode(bytes);
                default -> GifDecoder.decode(bytes);
            };
        } catch (IndexOutOfBoundsException e) {
            // The decoders check sizes they read from headers; running off the end of the array despite
            // that means the file is cut short or damaged in a way the checks did not anticipate.
            throw new ImageFormatException("truncated or corrupt " + format + " data");
        } catch (NegativeArraySizeException | ArithmeticException e) {
            throw new ImageFormatException("corrupt " + format + " header (impossible image size)");
        }
        // An OutOfMemoryError is not the file's fault: it goes to the caller, who can say the heap is full.
    }

    /** An image the heap cannot hold: not a damaged file, so it is not skipped as one. */
    public static final class NotEnoughMemoryException extends RuntimeException {
        public NotEnoughMemoryException(String message) {
            super(message);
        }
    }

    static int u16le(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
    }

    static int s32le(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8) | ((b[at + 2] & 0xFF) << 16) | ((b[at + 3] & 0xFF) << 24);
    }

    static int u16be(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int s32be(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /** Refuses sizes that would need absurd memory before allocating (a corrupt header, usually). */
    static void checkSize(String format, long width, long height) throws ImageFormatException {
        if (width <= 0 || height <= 0) {
            throw new ImageFormatException("corrupt " + format + " header: image size " + width + "×" + height);
        }
        if (width * height > 100_000_000L) {
            throw new ImageFormatException(format + " image " + width + "×" + height + " is too large (over 100 megapixels)");
        }
        // Decoding holds about 8 bytes a pixel (planes, rows, the RGB result); refuse before allocating what cannot fit.
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (width * height * 8 > free) {
            throw new NotEnoughMemoryException(format + " image " + width + "×" + height + " needs about "
                    + (width * height * 8 >> 20) + " MiB to decode but only " + (free >> 20) + " MiB of the Java heap is free;"
                    + " give Java more memory (-Xmx)");
        }
    }
}
