package org.convas.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir Path dir;

    /** Three 2×3 images (2 columns, 3 rows) whose pixel value encodes image, row and column. */
    static byte[] imagesFile(int n, int rows, int cols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, 0x00000803);
        writeInt(out, n);
        writeInt(out, rows);
        writeInt(out, cols);
        for (int i = 0; i < n; i++)
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < cols; x++) out.write(100 * i + 10 * y + x);
        return out.toByteArray();
    }

    static byte[] labelsFile(int... labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, 0x00000801);
        writeInt(out, labels.length);
        for (int l : labels) out.write(l);
        return out.toByteArray();
    }

    static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private DatasetException loadFails(byte[] images, byte[] labels) throws IOException {
        Path img = file("imgs", images);
        Path lab = file("labs", labels);
        return assertThrows(DatasetException.class, () -> Idx.load(img, lab, KnownClasses.MNIST, "test"));
    }

    @Test
    void rawIdxLoadsPixelsRowByRowAndLabels() throws Exception {
        Dataset d = Idx.load(file("i", imagesFile(3, 3, 2)), file("l", labelsFile(7, 0, 9)), KnownClasses.MNIST, "t");
        assertEquals(3, d.size());
        assertEquals(Shape.of(2, 3, 1), d.commonShape().orElseThrow());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        assertEquals(221, d.image(2).get(0, 2, 1)); // image 2, row 2, column 1
        assertEquals(10, d.image(0).get(0, 1, 0));
        assertEquals("i #1", d.name(1));
    }

    @Test
    void gzippedIdxIsDetectedByMagicBytesNotByName() throws Exception {
        Dataset d = Idx.load(file("images.idx", gzip(imagesFile(3, 3, 2))), file("labels.idx", gzip(labelsFile(1, 2, 3))),
                KnownClasses.MNIST, "t");
        assertEquals(3, d.size());
        assertEquals(121, d.image(1).get(0, 2, 1));
    }

    @Test
    void loadStandardFindsTheGzippedPair() throws Exception {
        file("train-images-idx3-ubyte.gz", gzip(imagesFile(2, 2, 2)));
        file("train-labels-idx1-ubyte", labelsFile(4, 5));
        Dataset d = Idx.loadStandard(dir, "train", KnownClasses.MNIST, "mnist");
        assertArrayEquals(new int[] {4, 5}, d.labels());
    }

    @Test
    void writeThenLoadRoundTrips() throws Exception {
        Dataset d = Idx.load(file("i", imagesFile(3, 3, 2)), file("l", labelsFile(7, 0, 9)), KnownClasses.MNIST, "t");
        Idx.write(d, dir.resolve("o-img.gz"), dir.resolve("o-lab.gz"), true);
        assertEquals(0x1f, Files.readAllBytes(dir.resolve("o-img.gz"))[0]);
        Dataset back = Idx.load(dir.resolve("o-img.gz"), dir.resolve("o-lab.gz"), KnownClasses.MNIST, "t");
        assertTrue(back.sameContent(d));
    }

    @Test
    void truncatedImagesAreReportedWithExpectedAndActualSize() throws Exception {
        byte[] full = imagesFile(3, 3, 2);
        DatasetException e = loadFails(Arrays.copyOf(full, full.length - 4), labelsFile(1, 2, 3));
        assertEquals("imgs", e.file());
        assertEquals("imgs: truncated: the header promises 3 images of 2×3 (34 bytes with the header) "
                + "but the data has only 30 bytes", e.getMessage());
    }

    @Test
    void truncatedGzipIsReported() throws Exception {
        byte[] gz = gzip(imagesFile(50, 10, 10));
        DatasetException e = loadFails(Arrays.copyOf(gz, gz.length / 2), labelsFile(1));
        assertEquals("imgs: gzip data ends early: the file is truncated", e.getMessage());
    }

    @Test
    void corruptGzipIsReported() throws Exception {
        byte[] gz = gzip(imagesFile(3, 3, 2));
        for (int i = 10; i < 20; i++) gz[i] = (byte) 0xFF;
        DatasetException e = loadFails(gz, labelsFile(1, 2, 3));
        assertTrue(e.getMessage().startsWith("imgs: corrupt gzip data"), e.getMessage());
    }

    @Test
    void swappedFilesGiveWrongMagicNumber() throws Exception {
        DatasetException e = loadFails(labelsFile(1, 2, 3), imagesFile(3, 3, 2));
        assertEquals("imgs: wrong magic number 0x00000801, expected 0x00000803 (IDX images: count, rows, columns): "
                + "an IDX file with 1 dimensions; did you swap the images and labels files?", e.getMessage());
    }

    @Test
    void nonIdxFileGivesWrongMagicNumber() throws Exception {
        DatasetException e = loadFails("hello, world, this is text".getBytes(), labelsFile(1));
        assertTrue(e.getMessage().startsWith("imgs: wrong magic number 0x68656C6C"), e.getMessage());
        assertTrue(e.getMessage().endsWith("this is not an IDX file"), e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchIsReported() throws Exception {
        DatasetException e = loadFails(imagesFile(3, 3, 2), labelsFile(1, 2));
        assertEquals("labs: has 2 labels but imgs has 3 images; they must belong together", e.getMessage());
    }

    @Test
    void labelBeyondTheClassListIsReported() throws Exception {
        DatasetException e = loadFails(imagesFile(2, 3, 2), labelsFile(1, 12));
        assertEquals("labs: label 12 of image 1 is outside 0..9 (10 classes)", e.getMessage());
    }

    @Test
    void zeroByteFileIsReported() throws Exception {
        DatasetException e = loadFails(new byte[0], labelsFile(1));
        assertEquals("imgs: empty file (0 bytes)", e.getMessage());
    }

    @Test
    void missingFileAndFolderAreReported() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> Idx.load(dir.resolve("nope"), dir.resolve("nope2"), KnownClasses.MNIST, "t"));
        assertEquals(dir.resolve("nope") + ": file not found", e.getMessage());
        DatasetException f = assertThrows(DatasetException.class,
                () -> Idx.loadStandard(dir.resolve("missing"), "train", KnownClasses.MNIST, "t"));
        assertEquals(dir.resolve("missing") + ": folder not found", f.getMessage());
    }

    @Test
    void splitHoldsOutTheSameFractionOfEachClassReproducibly() {
        List<Image> imgs = new java.util.ArrayList<>();
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            imgs.add(Image.planar(1, 1, 1, new byte[] {(byte) i}));
            labels[i] = i < 80 ? 0 : 1; // 80 of class 0, 20 of class 1
        }
        Dataset all = new Dataset("all", List.of("a", "b"), imgs, labels);
        Split s = Split.holdout(all, 0.1, 42);
        assertArrayEquals(new int[] {8, 2}, s.validation().classCounts());
        assertArrayEquals(new int[] {72, 18}, s.train().classCounts());
        Split again = Split.holdout(all, 0.1, 42);
        assertTrue(again.validation().sameContent(s.validation()));
        Split other = Split.holdout(all, 0.1, 43);
        assertTrue(!other.validation().sameContent(s.validation()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.holdout(all, 1.0, 1));
        assertTrue(e.getMessage().contains("below 1"));
    }
}
