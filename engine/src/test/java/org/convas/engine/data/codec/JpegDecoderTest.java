package org.convas.engine.data.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.NodeList;

/**
 * JPEG fixtures are written by javax.imageio (test code may use it) and its own decode is the oracle:
 * libjpeg's integer IDCT and ours differ by rounding: measured max 2 levels, mean 0.03.
 */
class JpegDecoderTest {

    static final String FORMAT = "javax_imageio_jpeg_image_1.0";

    /** Smooth colour gradients plus a sharp-edged square: odd size, so MCUs are partial at the edges. */
    static BufferedImage picture(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (int) (127 + 100 * Math.sin(x / 7.0));
                int g = (int) (127 + 100 * Math.cos(y / 5.0));
                int b = (x + y) * 2 & 0xFF;
                if (x > w / 3 && x < w / 2 && y > h / 3 && y < 2 * h / 3) r = g = b = 240;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** hY×vY sampling for luma (chroma 1×1), optional restart interval, optional progressive mode. */
    static byte[] jpeg(BufferedImage img, int hY, int vY, int restart, boolean progressive) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), param);
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);
        NodeList specs = root.getElementsByTagName("componentSpec");
        if (specs.getLength() == 3) {
            ((IIOMetadataNode) specs.item(0)).setAttribute("HsamplingFactor", String.valueOf(hY));
            ((IIOMetadataNode) specs.item(0)).setAttribute("VsamplingFactor", String.valueOf(vY));
        }
        if (restart > 0) {
            IIOMetadataNode dri = new IIOMetadataNode("dri");
            dri.setAttribute("interval", String.valueOf(restart));
            IIOMetadataNode seq = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
            seq.insertBefore(dri, seq.getFirstChild());
        }
        meta.setFromTree(FORMAT, root);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, meta), param);
        }
        writer.dispose();
        return bytes.toByteArray();
    }

    /** Returns {max, mean} absolute difference between our decode and ImageIO's, over all samples. */
    static double[] compareWithImageIo(byte[] jpeg) throws Exception {
        BufferedImage oracle = ImageIO.read(new ByteArrayInputStream(jpeg));
        DecodedImage ours = ImageDecoders.decode(jpeg);
        assertEquals(oracle.getWidth(), ours.width());
        assertEquals(oracle.getHeight(), ours.height());
        boolean grey = oracle.getRaster().getNumBands() == 1;
        assertEquals(grey ? 1 : 3, ours.channels());
        double max = 0, sum = 0;
        long n = 0;
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                for (int c = 0; c < ours.channels(); c++) {
                    int expected = grey ? oracle.getRaster().getSample(x, y, 0) : (oracle.getRGB(x, y) >> (16 - 8 * c)) & 0xFF;
                    int diff = Math.abs(expected - ours.get(x, y, c));
                    max = Math.max(max, diff);
                    sum += diff;
                    n++;
                }
            }
        }
        return new double[] {max, sum / n};
    }

    @ParameterizedTest(name = "luma sampling {0}×{1}, restart interval {2}")
    @CsvSource({"1,1,0", "2,1,0", "2,2,0", "2,2,3", "1,1,5"})
    void colourJpegMatchesImageIoWithinRounding(int hY, int vY, int restart) throws Exception {
        double[] diff = compareWithImageIo(jpeg(picture(53, 37, BufferedImage.TYPE_INT_RGB), hY, vY, restart, false));
        assertTrue(diff[0] <= 2, "max difference " + diff[0]);
        assertTrue(diff[1] < 0.1, "mean difference " + diff[1]);
    }

    @Test
    void greyJpegDecodesToOneChannel() throws Exception {
        BufferedImage grey = new BufferedImage(30, 19, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(picture(30, 19, BufferedImage.TYPE_INT_RGB), 0, 0, null);
        double[] diff = compareWithImageIo(jpeg(grey, 1, 1, 0, false));
        assertTrue(diff[0] <= 2, "max difference " + diff[0]);
        assertTrue(diff[1] < 0.5, "mean difference " + diff[1]);
    }

    @Test
    void progressiveJpegIsRefusedWithAClearMessage() throws Exception {
        byte[] progressive = jpeg(picture(20, 20, BufferedImage.TYPE_INT_RGB), 2, 2, 0, true);
        assertEquals("progressive JPEG is not supported (re-save it as baseline JPEG or PNG)",
                assertThrows(ImageFormatException.class, () -> ImageDecoders.decode(progressive)).getMessage());
    }

    @Test
    void truncatedJpegIsReported() throws Exception {
        byte[] j = jpeg(picture(64, 64, BufferedImage.TYPE_INT_RGB), 2, 2, 0, false);
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode(Arrays.copyOf(j, j.length * 2 / 3)));
        assertEquals("truncated JPEG: the image data ends early", e.getMessage());
        ImageFormatException header = assertThrows(ImageFormatException.class,
                () -> ImageDecoders.decode(Arrays.copyOf(j, 100)));
        assertTrue(header.getMessage().startsWith("truncated JPEG"), header.getMessage());
    }
}
