package org.convas.engine.data.codec;

import org.convas.engine.calc.Calculator;
import org.convas.engine.data.Cifar;
import org.convas.engine.data.Dataset;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.Idx;
import org.convas.engine.data.Image;
import org.convas.engine.data.ImageFolder;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.SpecFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random mutations of valid files (a network file, IDX, CIFAR, PNG, JPEG, GIF, BMP) fed to the readers: each must
 * either read or fail with its own exception (SpecFormatException, DatasetException, ImageFormatException), never
 * another, and never take more than {@value #MAX_MILLIS} ms. Seeded, so a failure names the case that repeats it.
 */
@Timeout(120)
class ReaderFuzzTest {

    static final long MAX_MILLIS = 3_000;
    static final int CASES = 400;

    /** One mutation: flip bits, overwrite, insert, delete, truncate, duplicate a run, or write an extreme number. */
    static byte[] mutate(byte[] valid, Random rnd) {
        byte[] b = valid.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> { // an extreme 32-bit value where a header field might be
                    int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_535, 65_536, 1 << 24};
                    int v = extremes[rnd.nextInt(extremes.length)];
                    for (int k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (byte) (v >>> (24 - 8 * k));
                }
                case 3 -> b = java.util.Arrays.copyOf(b, at);
                case 4 -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                case 5 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    /** A text mutation for JSON: a number replaced by an extreme one, a character dropped or a token swapped. */
    static String mutateJson(String valid, Random rnd) {
        if (rnd.nextInt(3) > 0) return new String(mutate(valid.getBytes(StandardCharsets.UTF_8), rnd), StandardCharsets.UTF_8);
        String[] extremes = {"2147483648", "-2147483649", "1e308", "-1", "0", "65537", "1.5", "\"7\"", "null", "[]", "{}",
                "99999999999999999999999", "NaN", "true"};
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?").matcher(valid);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) spans.add(new int[] {m.start(), m.end()});
        int[] s = spans.get(rnd.nextInt(spans.size()));
        return valid.substring(0, s[0]) + extremes[rnd.nextInt(extremes.length)] + valid.substring(s[1]);
    }

    interface Reader {
        void read(byte[] bytes, int index) throws Exception;
    }

    static void fuzz(String what, byte[] valid, long seed, Class<? extends Exception> expected, Reader reader) {
        Random rnd = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = mutate(valid, rnd);
            run(what, seed, i, bytes, expected, reader);
        }
    }

    static void run(String what, long seed, int i, byte[] bytes, Class<? extends Exception> expected, Reader reader) {
        long t0 = System.nanoTime();
        try {
            reader.read(bytes, i);
        } catch (Exception e) {
            if (!expected.isInstance(e)) {
                throw new AssertionError(what + " case " + i + " (seed " + seed + "): " + e + " instead of "
                        + expected.getSimpleName(), e);
            }
            assertTrue(e.getMessage() != null && !e.getMessage().endsWith(": null") && !e.getMessage().isBlank(),
                    what + " case " + i + ": message \"" + e.getMessage() + "\"");
        } catch (Error e) {
            throw new AssertionError(what + " case " + i + " (seed " + seed + "): " + e, e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > MAX_MILLIS) fail(what + " case " + i + " (seed " + seed + ") took " + ms + " ms");
    }

    @Test
    void mutatedNetworkFilesReadOrFailWithSpecFormatException() {
        NetworkSpec spec = NetworkSpec.builder("fuzz").input(32, 32, 3)
                .add("conv1", new LayerSpec.Conv2D(8, 3, 3, 1, Padding.of(1), 1, 1, true))
                .add("bn", LayerSpec.BatchNorm.standard()).add("relu", new LayerSpec.ReLU())
                .add("pool", LayerSpec.MaxPool.of(2, 2))
                .add("conv2", new LayerSpec.Conv2D(8, 3, 3, 2, Padding.SAME, 2, 2, false))
                .add("drop", new LayerSpec.Dropout(0.5)).add("flat", new LayerSpec.Flatten())
                .add("fc", LayerSpec.FullyConnected.of(10)).add("softmax", new LayerSpec.Softmax()).build();
        String valid = NetworkJson.write(spec);
        Random rnd = new Random(11);
        for (int i = 0; i < CASES * 2; i++) {
            String text = mutateJson(valid, rnd);
            run("network file", 11, i, text.getBytes(StandardCharsets.UTF_8), SpecFormatException.class, (b, k) -> {
                NetworkSpec read = NetworkJson.read(new String(b, StandardCharsets.UTF_8), "fuzz.json");
                Calculator.analyze(read); // a file that reads must also analyse without an exception
            });
        }
    }

    @Test
    void mutatedIdxFilesReadOrFailWithDatasetException(@TempDir Path dir) throws Exception {
        List<Image> images = new ArrayList<>();
        int[] labels = new int[12];
        for (int i = 0; i < 12; i++) {
            byte[] px = new byte[8 * 6];
            for (int j = 0; j < px.length; j++) px[j] = (byte) (i * 7 + j);
            images.add(Image.planar(8, 6, 1, px));
            labels[i] = i % 3;
        }
        Dataset data = new Dataset("d", List.of("a", "b", "c"), images, labels);
        for (boolean gzip : new boolean[] {false, true}) {
            Path img = dir.resolve("img" + gzip), lab = dir.resolve("lab" + gzip);
            Idx.write(data, img, lab, gzip);
            byte[] validImages = Files.readAllBytes(img), validLabels = Files.readAllBytes(lab);
            List<String> classes = List.of("a", "b", "c");
            fuzz("IDX images" + (gzip ? " (gzip)" : ""), validImages, 21, DatasetException.class,
                    (b, k) -> Idx.read(b, "images", validLabels, "labels", classes, "fuzz"));
            fuzz("IDX labels" + (gzip ? " (gzip)" : ""), validLabels, 22, DatasetException.class,
                    (b, k) -> Idx.read(validImages, "images", b, "labels", classes, "fuzz"));
        }
    }

    @Test
    void aGzipBombIsRefusedAfterItsHeader() throws Exception {
        // A header for one 1×1 image, then 128 MiB of zeros: about 130 KB gzipped. The reader stops where the header's
        // size ends instead of inflating it all; a header that promises more than the heap may hold is refused at once.
        byte[] header = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(bytes, 1 << 16)) {
            z.write(header);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 128; i++) z.write(zeros);
        }
        byte[] labels = {0, 0, 8, 1, 0, 0, 0, 1, 0};
        long t0 = System.nanoTime();
        DatasetException e = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class,
                () -> Idx.read(bytes.toByteArray(), "bomb.gz", labels, "labels", List.of("a"), "fuzz"));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < MAX_MILLIS, "stopped early");
        assertTrue(e.getMessage().equals("bomb.gz: corrupt: the gzip data holds more than the 17 bytes its header promises"),
                e.getMessage());

        byte[] huge = {0, 0, 8, 3, 0x7F, -1, -1, -1, 0, 0, 0x10, 0, 0, 0, 0x10, 0};
        java.io.ByteArrayOutputStream promise = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(promise)) {
            z.write(huge);
            z.write(new byte[100]);
        }
        DatasetException big = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class,
                () -> Idx.read(promise.toByteArray(), "huge.gz", labels, "labels", List.of("a"), "fuzz"));
        assertTrue(big.getMessage().matches("huge\\.gz: its header promises \\d{17} bytes, more than the \\d+ MiB it may take in memory now .*"),
                big.getMessage());
    }

    @Test
    void mutatedCifarFilesReadOrFailWithDatasetException(@TempDir Path dir) throws Exception {
        byte[] valid = new byte[3 * (1 + 3072)];
        for (int r = 0; r < 3; r++) {
            valid[r * 3073] = (byte) (r * 3);
            for (int j = 1; j < 3073; j++) valid[r * 3073 + j] = (byte) (j * r);
        }
        Path file = dir.resolve("data_batch_1.bin");
        fuzz("CIFAR-10", valid, 31, DatasetException.class, (b, k) -> {
            Files.write(file, b);
            Cifar.load10(List.of(file), "fuzz");
        });
    }

    @Test
    void mutatedImagesDecodeOrFailWithImageFormatException() throws Exception {
        BufferedImage picture = JpegDecoderTest.picture(37, 29, BufferedImage.TYPE_INT_RGB);
        fuzz("JPEG 4:2:0", JpegDecoderTest.jpeg(picture, 2, 2, 0, false), 41, ImageFormatException.class,
                (b, k) -> ImageDecoders.decode(b));
        fuzz("JPEG with restarts", JpegDecoderTest.jpeg(picture, 1, 1, 2, false), 42, ImageFormatException.class,
                (b, k) -> ImageDecoders.decode(b));
        int[] rgb = new int[20 * 13 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (i * 37) % 256;
        fuzz("PNG", TestPng.encode(20, 13, 2, 8, rgb, null, false), 43, ImageFormatException.class,
                (b, k) -> ImageDecoders.decode(b));
        fuzz("PNG Adam7", TestPng.encode(20, 13, 2, 8, rgb, null, true), 44, ImageFormatException.class,
                (b, k) -> ImageDecoders.decode(b));
        fuzz("PNG palette", PngDecoderTest.palette(4), 45, ImageFormatException.class, (b, k) -> ImageDecoders.decode(b));
        fuzz("GIF", BmpGifDecoderTest.gif(picture, false), 46, ImageFormatException.class, (b, k) -> ImageDecoders.decode(b));
        int[] px = new int[9 * 7 * 3];
        for (int i = 0; i < px.length; i++) px[i] = i * 7 % 256;
        fuzz("BMP", TestBmp.encode(9, 7, 24, px, false), 47, ImageFormatException.class, (b, k) -> ImageDecoders.decode(b));
    }

    @Test
    void anImageFolderOfMutatedFilesLoadsWhatItCanOrFailsWithDatasetException(@TempDir Path dir) throws Exception {
        byte[] jpeg = JpegDecoderTest.jpeg(JpegDecoderTest.picture(16, 16, BufferedImage.TYPE_INT_RGB), 2, 2, 0, false);
        Random rnd = new Random(51);
        for (int round = 0; round < 20; round++) {
            Path root = dir.resolve("r" + round);
            for (String cls : List.of("cat", "dog")) {
                Files.createDirectories(root.resolve(cls));
                for (int i = 0; i < 5; i++) Files.write(root.resolve(cls).resolve(i + ".jpg"), mutate(jpeg, rnd));
            }
            run("image folder", 51, round, new byte[0], DatasetException.class, (b, k) -> ImageFolder.load(root));
        }
    }
}
