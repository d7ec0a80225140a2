package org.convas.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertFalse;
import org.junit.jupiter.api.io.TempDir;

/** Fixture images are written with javax.imageio: allowed in test code, never in main code. */
class ImageFolderTest {

    @TempDir Path root;

    static BufferedImage solid(int w, int h, int rgb, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Grey rasters are set directly: setRGB would convert through Java's linear grey space.
                if (type == BufferedImage.TYPE_BYTE_GRAY) img.getRaster().setSample(x, y, 0, rgb & 0xFF);
                else img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format, boolean progressive) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(img, null, null), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    private void write(String name, byte[] bytes) throws Exception {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    @Test
    void loadsEveryFormatSizeAndColourModeWithClassesFromFolderNames() throws Exception {
        write("dog/a.png", encode(solid(10, 6, 0x102030, BufferedImage.TYPE_INT_RGB), "png", false));
        write("dog/b.bmp", encode(solid(3, 3, 0x405060, BufferedImage.TYPE_INT_RGB), "bmp", false));
        write("cat/z.jpg", encode(solid(16, 16, 0x808080, BufferedImage.TYPE_BYTE_GRAY), "jpeg", false));
        write("cat/nested/g.gif", encode(solid(5, 7, 0xFF0000, BufferedImage.TYPE_INT_RGB), "gif", false));
        ImageFolder.Result r = ImageFolder.load(root);
        Dataset d = r.dataset();
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(4, d.size());
        assertArrayEquals(new int[] {2, 2}, d.classCounts());
        assertEquals("cat/nested/g.gif", d.name(0));
        assertEquals(Shape.of(5, 7, 3), d.image(0).shape());
        assertEquals(255, d.image(0).get(0, 3, 3));
        assertEquals(Shape.of(16, 16, 1), d.image(1).shape()); // grey JPEG stays one channel
        assertEquals(128, d.image(1).get(0, 8, 8), 1);
        assertEquals(0x30, d.image(2).get(2, 5, 9));
        assertEquals("", r.skippedSummary());

        // Mixed sizes and modes all become the network input.
        FittedPreprocessing fitted = Preprocessing.builder(Shape.of(8, 8, 1)).normalisation(Normalisation.NONE).build().fit(d);
        assertEquals(Shape.of(8, 8, 1), fitted.train().shape());
        assertEquals(Math.round(0.299f * 255), fitted.train().image(0).get(0, 4, 4)); // red → luma 76
    }

    @Test
    void unreadableFilesAreSkippedAndListedNotFatal() throws Exception {
        write("cat/ok.png", encode(solid(4, 4, 0x000000, BufferedImage.TYPE_INT_RGB), "png", false));
        write("cat/notes.txt", "not a picture".getBytes());
        write("cat/empty.png", new byte[0]);
        byte[] png = encode(solid(20, 20, 0x123456, BufferedImage.TYPE_INT_RGB), "png", false);
        write("cat/cut.png", Arrays.copyOf(png, png.length / 2));
        write("cat/prog.jpg", encode(solid(20, 20, 0x123456, BufferedImage.TYPE_INT_RGB), "jpeg", true));
        write("cat/.DS_Store", new byte[] {1, 2, 3}); // hidden: ignored silently
        write("readme.md", "hi".getBytes());
        ImageFolder.Result r = ImageFolder.load(root);
        assertEquals(1, r.dataset().size());
        assertEquals(5, r.skipped().size());
        assertEquals("5 files skipped: readme.md (outside the class folders), cat/cut.png (truncated PNG: chunk IDAT "
                + "ends beyond the end of the file), cat/empty.png (empty file (0 bytes)), cat/notes.txt (not an image "
                + "(not PNG, JPEG, BMP or GIF)), cat/prog.jpg (progressive JPEG is not supported (re-save it as baseline "
                + "JPEG or PNG))", r.skippedSummary());
    }

    @Test
    void classWithNoImagesIsAnError() throws Exception {
        write("cat/ok.png", encode(solid(4, 4, 0, BufferedImage.TYPE_INT_RGB), "png", false));
        Files.createDirectories(root.resolve("dog"));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.load(root));
        assertEquals(root.resolve("dog") + ": class \"dog\" has no images; every class folder needs at least one", e.getMessage());
    }

    @Test
    void classWithOnlyUnreadableFilesNamesThem() throws Exception {
        write("cat/ok.png", encode(solid(4, 4, 0, BufferedImage.TYPE_INT_RGB), "png", false));
        write("dog/bad.png", new byte[0]);
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.load(root));
        assertEquals(root.resolve("dog") + ": class \"dog\" has no readable images: 1 file skipped: dog/bad.png "
                + "(empty file (0 bytes))", e.getMessage());
    }

    @Test
    void missingFolderFileInsteadOfFolderAndNoClassFoldersAreErrors() throws Exception {
        Path missing = root.resolve("nowhere");
        assertEquals(missing + ": folder not found",
                assertThrows(DatasetException.class, () -> ImageFolder.load(missing)).getMessage());
        Path file = Files.write(root.resolve("file.png"), new byte[] {1});
        assertEquals(file + ": is a file; expected a folder with one sub-folder per class",
                assertThrows(DatasetException.class, () -> ImageFolder.load(file)).getMessage());
        Path flat = Files.createDirectories(root.resolve("flat"));
        Files.write(flat.resolve("a.png"), encode(solid(2, 2, 0, BufferedImage.TYPE_INT_RGB), "png", false));
        assertTrue(assertThrows(DatasetException.class, () -> ImageFolder.load(flat)).getMessage()
                .endsWith("flat: has no class sub-folders; put the images of each class in a sub-folder named after "
                        + "the class (e.g. cats/ and dogs/)"));
    }

    @Test
    void summaryListsTenFilesThenCountsTheRest() {
        List<ImageFolder.SkippedFile> many = new java.util.ArrayList<>();
        for (int i = 0; i < 13; i++) many.add(new ImageFolder.SkippedFile("f" + i, "bad"));
        String s = ImageFolder.summary(many);
        assertTrue(s.startsWith("13 files skipped: f0 (bad), f1 (bad)"), s);
        assertTrue(s.endsWith("f9 (bad), and 3 more"), s);
    }

    @Test
    void aHeapTooSmallForTheImagesIsReportedAsSuchNotAsACorruptFile(@TempDir Path dir) throws Exception {
        // Eight 1500×1500 RGB PNGs (6.75 MB each decoded, a few KB on disk) in a 40 MB heap.
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(1500, 1500, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 1500; y += 10) for (int x = 0; x < 1500; x++) image.setRGB(x, y, x * 1000 + y);
        for (String cls : List.of("a", "b")) {
            Files.createDirectories(dir.resolve(cls));
            for (int i = 0; i < 4; i++) javax.imageio.ImageIO.write(image, "png", dir.resolve(cls).resolve(i + ".png").toFile());
        }
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaExe, "-Xmx40m", "-cp", childClassPath(),
                ImageFolderHeapProbe.class.getName(), dir.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the probe ends");
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(out.startsWith("REFUSED "), out);
        assertTrue(out.contains("of the Java heap is free") || out.contains("the Java heap is full after"), out);
        assertTrue(out.contains("-Xmx"), out);
        assertFalse(out.contains("corrupt"), out);
    }

    /**
     * The test's classes and their dependencies for a child JVM's class path: surefire runs the engine's tests on
     * the module path (engine has a module-info), so they are in jdk.module.path, not java.class.path.
     */
    private static String childClassPath() {
        return java.util.stream.Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
                .filter(s -> s != null && !s.isBlank())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }
}
