package org.convas.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarTest {

    @TempDir Path dir;

    /** Records whose pixel (c, y, x) is (c*50 + y + x + record) mod 256. */
    static byte[] records(int labelBytes, int... labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < labels.length; r++) {
            if (labelBytes == 2) out.write(labels[r] / 5); // coarse label, ignored
            out.write(labels[r]);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++) out.write((c * 50 + y + x + r) & 0xFF);
        }
        return out.toByteArray();
    }

    @Test
    void cifar10BatchesLoadAsPlanarRgbWithLabels() throws Exception {
        Path a = Files.write(dir.resolve("data_batch_1.bin"), records(1, 3, 9));
        Path b = Files.write(dir.resolve("data_batch_2.bin"), records(1, 0));
        Dataset d = Cifar.load10(List.of(a, b), "cifar");
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {3, 9, 0}, d.labels());
        assertEquals(Shape.of(32, 32, 3), d.commonShape().orElseThrow());
        assertEquals(2 * 50 + 5 + 7 + 1, d.image(1).get(2, 5, 7));
        assertEquals("cat", d.classNames().get(d.label(0)));
        assertEquals("data_batch_2.bin #0", d.name(2));
    }

    @Test
    void cifar100UsesTheFineLabel() throws Exception {
        Path f = Files.write(dir.resolve("train.bin"), records(2, 99, 42));
        Dataset d = Cifar.load100(List.of(f), "cifar100");
        assertArrayEquals(new int[] {99, 42}, d.labels());
        assertEquals(100, d.classCount());
        assertEquals("worm", d.classNames().get(99));
        assertEquals(1 + 2 + 3, d.image(1).get(0, 2, 3));
    }

    @Test
    void wrongRecordSizeIsReportedWithAHint() throws Exception {
        Path f = Files.write(dir.resolve("train.bin"), records(2, 1, 2));
        DatasetException e = assertThrows(DatasetException.class, () -> Cifar.load10(List.of(f), "c"));
        assertEquals("train.bin: size 6148 bytes is not a whole number of CIFAR-10 records (3073 bytes each: "
                + "1 label byte + 3072 pixels); its size fits CIFAR-100 records, is it that dataset?", e.getMessage());
        Path g = Files.write(dir.resolve("b.bin"), records(1, 1, 2));
        DatasetException h = assertThrows(DatasetException.class, () -> Cifar.load100(List.of(g), "c"));
        assertEquals("b.bin: size 6146 bytes is not a whole number of CIFAR-100 records (3074 bytes each: "
                + "2 label bytes + 3072 pixels); its size fits CIFAR-10 records, is it that dataset?", h.getMessage());
        byte[] full = records(1, 1, 2);
        Path t = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(full, full.length - 100));
        DatasetException k = assertThrows(DatasetException.class, () -> Cifar.load10(List.of(t), "c"));
        assertEquals("cut.bin: size 6046 bytes is not a whole number of CIFAR-10 records (3073 bytes each: "
                + "1 label byte + 3072 pixels); the file is truncated or not a CIFAR binary batch", k.getMessage());
    }

    @Test
    void labelBeyondTheTenClassesIsReportedWithTheRecord() throws Exception {
        byte[] bad = records(1, 3, 4);
        bad[3073] = 12;
        Path g = Files.write(dir.resolve("bad.bin"), bad);
        DatasetException e = assertThrows(DatasetException.class, () -> Cifar.load10(List.of(g), "c"));
        assertEquals("bad.bin: record 1 has label 12, outside 0..9; is this really a CIFAR-10 file?", e.getMessage());
    }

    @Test
    void emptyAndMissingFilesAreReported() throws Exception {
        Path f = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertEquals("empty.bin: empty file (0 bytes)",
                assertThrows(DatasetException.class, () -> Cifar.load10(List.of(f), "c")).getMessage());
        Path m = dir.resolve("missing.bin");
        assertEquals(m + ": file not found",
                assertThrows(DatasetException.class, () -> Cifar.load10(List.of(m), "c")).getMessage());
    }

    @Test
    void knownClassListsHaveTheRightLengths() {
        assertEquals(10, KnownClasses.MNIST.size());
        assertEquals(10, KnownClasses.FASHION_MNIST.size());
        assertEquals(10, KnownClasses.CIFAR_10.size());
        assertEquals(100, KnownClasses.CIFAR_100.size());
        assertEquals(100, new java.util.HashSet<>(KnownClasses.CIFAR_100).size());
    }
}
