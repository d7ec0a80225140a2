package org.convas.engine.data.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PngDecoderTest {

    static final int W = 13, H = 11; // odd sizes: partial bytes at 1/2/4 bits, empty Adam7 passes are avoided

    static int sample(int x, int y, int c, int depth) {
        return (x * 7 + y * 13 + c * 29 + x * y) % (1 << depth);
    }

    static int to8(int v, int depth) {
        if (depth == 16) return (int) Math.round(v / 257.0);
        return v * 255 / ((1 << depth) - 1);
    }

    static byte[] palette(int depth) {
        byte[] p = new byte[3 << depth];
        for (int i = 0; i < (1 << depth); i++) {
            p[3 * i] = (byte) (i * 3);
            p[3 * i + 1] = (byte) (255 - i);
            p[3 * i + 2] = (byte) (i * 5);
        }
        return p;
    }

    @ParameterizedTest(name = "colour type {0}, {1} bits, interlaced {2}")
    @CsvSource({"0,1,false", "0,2,false", "0,4,false", "0,8,false", "0,16,false", "0,1,true", "0,16,true",
            "2,8,false", "2,16,false", "2,8,true", "2,16,true",
            "3,1,false", "3,2,false", "3,4,false", "3,8,false", "3,2,true", "3,8,true",
            "4,8,false", "4,16,false", "4,8,true", "6,8,false", "6,16,false", "6,8,true", "6,16,true"})
    void everyColourTypeBitDepthAndInterlaceDecodesToKnownSamples(int colour, int depth, boolean adam7) throws Exception {
        int spp = switch (colour) { case 0, 3 -> 1; case 2 -> 3; case 4 -> 2; default -> 4; };
        int[] s = new int[W * H * spp];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < spp; c++) s[(y * W + x) * spp + c] = sample(x, y, c, depth);
        byte[] pal = colour == 3 ? palette(depth) : null;
        DecodedImage img = ImageDecoders.decode(TestPng.encode(W, H, colour, depth, s, pal, adam7));

        assertEquals(W, img.width());
        assertEquals(H, img.height());
        assertEquals(colour == 0 || colour == 4 ? 1 : 3, img.channels());
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int c = 0; c < img.channels(); c++) {
                    int expected = colour == 3 ? pal[3 * sample(x, y, 0, depth) + c] & 0xFF : to8(sample(x, y, c, depth), depth);
                    assertEquals(expected, img.get(x, y, c), "pixel " + x + "," + y + " channel " + c);
                }
            }
        }
    }

    @Test
    void matchesImageIoOnAnRgbImageWrittenPlainAndInterlaced() throws Exception {
        BufferedImage src = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++) src.setRGB(x, y, ((x * 6) << 16) | ((y * 8) << 8) | ((x * y) & 0xFF));
        for (boolean interlaced : new boolean[] {false, true}) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (interlaced) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (var out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(src, null, null), param);
            }
            writer.dispose();
            DecodedImage img = ImageDecoders.decode(bytes.toByteArray());
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    int rgb = src.getRGB(x, y);
                    assertEquals((rgb >> 16) & 0xFF, img.get(x, y, 0));
                    assertEquals((rgb >> 8) & 0xFF, img.get(x, y, 1));
                    assertEquals(rgb & 0xFF, img.get(x, y, 2));
                }
            }
        }
    }

    private static byte[] smallRgb() {
        int[] s = new int[4 * 3 * 3];
        Arrays.fill(s, 77);
        return TestPng.encode(4, 3, 2, 8, s, null, false);
    }

    @Test
    void damagedChecksumIsReported() {
        byte[] png = smallRgb();
        png[png.length - 30] ^= 0x55; // inside the IDAT data
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageDecoders.decode(png));
        assertTrue(e.getMessage().startsWith("corrupt PNG: checksum of chunk"), e.getMessage());
    }

    @Test
    void truncatedFileIsReported() {
        byte[] png = smallRgb();
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode(Arrays.copyOf(png, png.length - 20)));
        assertTrue(e.getMessage().startsWith("truncated PNG"), e.getMessage());
    }

    @Test
    void notAnImageAndEmptyAreReported() {
        assertEquals("not an image (not PNG, JPEG, BMP or GIF)", assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode("just some text".getBytes())).getMessage());
        assertEquals("empty file (0 bytes)", assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode(new byte[0])).getMessage());
    }

    @Test
    void sniffRecognisesFormatsByTheirFirstBytes() {
        assertEquals("PNG", ImageDecoders.sniff(smallRgb()));
        assertEquals("GIF", ImageDecoders.sniff("GIF89a".getBytes()));
        assertEquals("BMP", ImageDecoders.sniff("BM....".getBytes()));
        assertEquals("JPEG", ImageDecoders.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
        assertArrayEquals(new byte[] {77, 77, 77}, Arrays.copyOf(decodeUnchecked(smallRgb()).pixels(), 3));
    }

    private static DecodedImage decodeUnchecked(byte[] b) {
        try {
            return ImageDecoders.decode(b);
        } catch (ImageFormatException e) {
            throw new AssertionError(e);
        }
    }
}
