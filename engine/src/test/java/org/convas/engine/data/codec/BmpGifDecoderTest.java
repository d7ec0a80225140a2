package org.convas.engine.data.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BmpGifDecoderTest {

    static final int W = 7, H = 5; // width 7: 24-bit rows need 3 bytes of padding

    static int[] rgbPattern() {
        int[] rgb = new int[W * H * 3];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                rgb[(y * W + x) * 3] = x * 30;
                rgb[(y * W + x) * 3 + 1] = y * 50;
                rgb[(y * W + x) * 3 + 2] = (x + y) * 10;
            }
        return rgb;
    }

    @ParameterizedTest(name = "{0}-bit, top-down {1}")
    @CsvSource({"24,false", "24,true", "32,false", "32,true", "8,false", "8,true"})
    void bmpDecodesRowsInTheRightOrderWithTheRightColours(int bpp, boolean topDown) throws Exception {
        int[] rgb = rgbPattern();
        DecodedImage img = ImageDecoders.decode(TestBmp.encode(W, H, bpp, rgb, topDown));
        assertEquals(W, img.width());
        assertEquals(H, img.height());
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = (y * W + x) * 3;
                if (bpp == 8) { // index = R; palette[i] = (i, 255 - i, i / 2)
                    assertEquals(rgb[p], img.get(x, y, 0));
                    assertEquals(255 - rgb[p], img.get(x, y, 1));
                    assertEquals(rgb[p] / 2, img.get(x, y, 2));
                } else {
                    for (int c = 0; c < 3; c++) assertEquals(rgb[p + c], img.get(x, y, c), x + "," + y + " c" + c);
                }
            }
        }
    }

    @Test
    void bmpAgreesWithImageIo() throws Exception {
        byte[] bmp = TestBmp.encode(W, H, 24, rgbPattern(), false);
        BufferedImage oracle = ImageIO.read(new java.io.ByteArrayInputStream(bmp));
        DecodedImage img = ImageDecoders.decode(bmp);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) assertEquals((oracle.getRGB(x, y) >> 8) & 0xFF, img.get(x, y, 1));
    }

    @Test
    void rleBmpIsRefusedWithAMessage() {
        byte[] bmp = TestBmp.encode(W, H, 8, rgbPattern(), false);
        bmp[30] = 1; // compression = BI_RLE8
        assertEquals("RLE-compressed BMP is not supported (save it uncompressed)",
                assertThrows(ImageFormatException.class, () -> ImageDecoders.decode(bmp)).getMessage());
    }

    @Test
    void truncatedBmpIsReported() {
        byte[] bmp = TestBmp.encode(W, H, 24, rgbPattern(), false);
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode(Arrays.copyOf(bmp, bmp.length - 10)));
        assertTrue(e.getMessage().startsWith("truncated BMP: the pixel rows need 120 bytes"), e.getMessage());
    }

    static BufferedImage indexedPattern(int w, int h) {
        byte[] r = new byte[64], g = new byte[64], b = new byte[64];
        for (int i = 0; i < 64; i++) {
            r[i] = (byte) (i * 4);
            g[i] = (byte) (255 - i * 3);
            b[i] = (byte) ((i * 37) & 0xFF);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(6, 64, r, g, b));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x / 3 + y * y) % 64);
        return img;
    }

    static byte[] gif(BufferedImage img, boolean interlaced) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        }
        writer.dispose();
        return bytes.toByteArray();
    }

    @ParameterizedTest(name = "interlaced {0}")
    @CsvSource({"false", "true"})
    void gifDecodesLzwAndPaletteLikeImageIo(boolean interlaced) throws Exception {
        BufferedImage src = indexedPattern(45, 31);
        DecodedImage img = ImageDecoders.decode(gif(src, interlaced));
        assertEquals(45, img.width());
        assertEquals(31, img.height());
        for (int y = 0; y < 31; y++) {
            for (int x = 0; x < 45; x++) {
                int rgb = src.getRGB(x, y);
                assertEquals((rgb >> 16) & 0xFF, img.get(x, y, 0), x + "," + y);
                assertEquals((rgb >> 8) & 0xFF, img.get(x, y, 1));
                assertEquals(rgb & 0xFF, img.get(x, y, 2));
            }
        }
    }

    @Test
    void largeNoisyGifExercisesTheFullLzwTable() throws Exception {
        BufferedImage src = indexedPattern(300, 200);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 300; x++) if (r.nextInt(3) == 0) src.getRaster().setSample(x, y, 0, r.nextInt(64));
        DecodedImage img = ImageDecoders.decode(gif(src, false));
        for (int y = 0; y < 200; y += 7)
            for (int x = 0; x < 300; x += 3) assertEquals(src.getRGB(x, y) & 0xFF, img.get(x, y, 2), x + "," + y);
    }

    @Test
    void truncatedGifIsReported() throws Exception {
        byte[] g = gif(indexedPattern(45, 31), false);
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode(Arrays.copyOf(g, g.length / 2)));
        assertTrue(e.getMessage().startsWith("truncated GIF"), e.getMessage());
    }
}
