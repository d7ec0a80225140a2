package org.convas.engine.data.codec;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged files must fail with an ImageFormatException (which an image folder turns into a skipped
 * file), never with another exception that would abort loading the whole folder, and never hang.
 * Seeded random damage: flipped bytes and cuts.
 */
class DamagedImagesTest {

    @Test
    void randomDamageGivesImageFormatExceptionOrAnImageNeverAnotherError() throws Exception {
        BufferedImage rgb = JpegDecoderTest.picture(37, 29, BufferedImage.TYPE_INT_RGB);
        int[] s = new int[9 * 7 * 3];
        for (int i = 0; i < s.length; i++) s[i] = i * 5 % 256;
        List<byte[]> originals = List.of(
                JpegDecoderTest.jpeg(rgb, 2, 2, 0, false),
                JpegDecoderTest.jpeg(rgb, 1, 1, 2, false),
                TestPng.encode(9, 7, 2, 8, s, null, true),
                TestBmp.encode(9, 7, 24, s, false),
                BmpGifDecoderTest.gif(BmpGifDecoderTest.indexedPattern(30, 20), true));
        Random random = new Random(12345);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (byte[] original : originals) {
                for (int trial = 0; trial < 300; trial++) {
                    byte[] damaged = original.clone();
                    int flips = 1 + random.nextInt(4);
                    for (int f = 0; f < flips; f++) damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                    if (random.nextBoolean()) damaged = Arrays.copyOf(damaged, 1 + random.nextInt(damaged.length));
                    try {
                        ImageDecoders.decode(damaged);
                    } catch (ImageFormatException expected) {
                        // fine: reported as a skipped file
                    } catch (RuntimeException e) {
                        fail(ImageDecoders.sniff(original) + " trial " + trial + ": " + e, e);
                    }
                }
            }
        });
    }
}
