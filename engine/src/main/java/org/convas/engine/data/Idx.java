package org.convas.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST, raw or gzipped (detected by the magic bytes 1f 8b).
 *
 * <p>An IDX file starts with a magic number {@code 00 00 TT DD}: two zero bytes, the data type
 * ({@code 08} = unsigned byte, the only one these datasets use) and the number of dimensions; then one
 * big-endian 32-bit size per dimension, then the values. Images are {@code 0x00000803}
 * (count, rows, columns), labels {@code 0x00000801} (count).
 */
public final class Idx {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /**
     * Loads an images file and its labels file.
     *
     * @param classNames one per label value; labels outside the range are reported as errors
     */
    public static Dataset load(Path images, Path labels, List<String> classNames, String source)
            throws DatasetException {
        return read(DataFiles.readRaw(images), DataFiles.label(images), DataFiles.readRaw(labels),
                DataFiles.label(labels), classNames, source);
    }

    /**
     * Reads an IDX pair from bytes already in memory (e.g. a classpath resource), raw or gzipped.
     *
     * @param imagesName names the images in messages, like a file name
     */
    public static Dataset read(byte[] imagesBytes, String imagesName, byte[] labelsBytes, String labelsName,
                               List<String> classNames, String source) throws DatasetException {
        if (imagesBytes.length == 0) throw new DatasetException(imagesName, "empty file (0 bytes)");
        if (labelsBytes.length == 0) throw new DatasetException(labelsName, "empty file (0 bytes)");
        byte[] img = DataFiles.gunzipIfNeeded(imagesBytes, imagesName, Idx::promisedSize);
        byte[] lab = DataFiles.gunzipIfNeeded(labelsBytes, labelsName, Idx::promisedSize);

        int[] imgDims = header(img, imagesName, IMAGES_MAGIC, "IDX images: count, rows, columns");
        int[] labDims = header(lab, labelsName, LABELS_MAGIC, "IDX labels: count");
        int n = imgDims[0], rows = imgDims[1], cols = imgDims[2];
        if (rows == 0 || cols == 0) throw new DatasetException(imagesName, "images are " + cols + "×" + rows + " pixels");
        expectLength(img, 16, (long) n * rows * cols, imagesName,
                n + " images of " + cols + "×" + rows);
        expectLength(lab, 8, labDims[0], labelsName, labDims[0] + " labels");
        if (labDims[0] != n) {
            throw new DatasetException(labelsName, "has " + labDims[0] + " labels but " + imagesName
                    + " has " + n + " images; they must belong together");
        }
        int[] labelValues = new int[n];
        for (int i = 0; i < n; i++) {
            int label = lab[8 + i] & 0xFF;
            if (label >= classNames.size()) {
                throw new DatasetException(labelsName, "label " + label + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1) + " (" + classNames.size() + " classes)");
            }
            labelValues[i] = label;
        }
        int plane = rows * cols;
        List<Image> list = new ArrayList<>(n);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[plane];
            System.arraycopy(img, 16 + i * plane, px, 0, plane);
            list.add(Image.wrap(cols, rows, 1, px));
            names.add(imagesName + " #" + i);
        }
        return new Dataset(source, classNames, list, labelValues, names);
    }

    /**
     * Loads the standard file pair from a folder: {@code prefix-images-idx3-ubyte} and
     * {@code prefix-labels-idx1-ubyte}, each with or without ".gz"; the prefix is "train" or "t10k".
     */
    public static Dataset loadStandard(Path folder, String prefix, List<String> classNames, String source)
            throws DatasetException {
        if (!Files.isDirectory(folder)) throw new DatasetException(folder.toString(), "folder not found");
        return load(find(folder, prefix + "-images-idx3-ubyte"), find(folder, prefix + "-labels-idx1-ubyte"),
                classNames, source);
    }

    private static Path find(Path folder, String base) throws DatasetException {
        Path gz = folder.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path raw = folder.resolve(base);
        if (Files.isRegularFile(raw)) return raw;
        throw new DatasetException(folder.resolve(base + "[.gz]").toString(), "file not found");
    }

    /**
     * The file size an IDX header promises (header plus one byte a value, as the unsigned-byte type has), from its
     * first bytes; −1 when they are no IDX header. Saturates instead of wrapping round.
     */
    static long promisedSize(byte[] head) {
        if (head.length < 4 || head[0] != 0 || head[1] != 0) return -1;
        int ndims = head[3] & 0xFF;
        if (head.length < 4 + 4 * ndims) return -1;
        long size = 1;
        for (int d = 0; d < ndims; d++) {
            long dim = readInt(head, 4 + 4 * d) & 0xFFFFFFFFL;
            size = dim != 0 && size > Long.MAX_VALUE / 4 / dim ? Long.MAX_VALUE / 4 : size * dim;
        }
        return 4 + 4L * ndims + size;
    }

    private static int[] header(byte[] b, String name, int magic, String what) throws DatasetException {
        int ndims = magic & 0xFF;
        int headerBytes = 4 + 4 * ndims;
        if (b.length < 4) {
            throw new DatasetException(name, "only " + b.length + " bytes, too short for an IDX file");
        }
        int found = readInt(b, 0);
        if (found != magic) {
            String hint;
            if ((found >>> 16) != 0) hint = "this is not an IDX file";
            else if (((found >>> 8) & 0xFF) != 0x08) hint = "IDX data type 0x" + String.format("%02X", (found >>> 8) & 0xFF)
                    + " is not supported, only unsigned bytes (0x08)";
            else hint = "an IDX file with " + (found & 0xFF) + " dimensions; did you swap the images and labels files?";
            throw new DatasetException(name, String.format("wrong magic number 0x%08X, expected 0x%08X (%s): %s",
                    found, magic, what, hint));
        }
        if (b.length < headerBytes) {
            throw new DatasetException(name, "truncated: only " + b.length + " bytes, the IDX header alone needs "
                    + headerBytes);
        }
        int[] dims = new int[ndims];
        for (int d = 0; d < ndims; d++) {
            dims[d] = readInt(b, 4 + 4 * d);
            if (dims[d] < 0) throw new DatasetException(name, "corrupt header: dimension " + d + " is " + dims[d]);
        }
        return dims;
    }

    private static void expectLength(byte[] b, int header, long body, String name, String what)
            throws DatasetException {
        long expected = header + body;
        if (b.length < expected) {
            throw new DatasetException(name, "truncated: the header promises " + what + " (" + expected
                    + " bytes with the header) but the data has only " + b.length + " bytes");
        }
        if (b.length > expected) {
            throw new DatasetException(name, "corrupt: " + (b.length - expected) + " bytes more than the header's "
                    + what + " (" + expected + " bytes)");
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /**
     * Writes a grey dataset whose images all have the same size as an IDX pair, gzipped if asked.
     * Gzip output is byte-for-byte reproducible (Java writes a zero timestamp).
     */
    public static void write(Dataset data, Path images, Path labels, boolean gzip) throws IOException {
        var shape = data.commonShape().orElseThrow(() ->
                new IllegalArgumentException(data.source() + ": IDX needs images of one size"));
        if (shape.depth() != 1) throw new IllegalArgumentException(data.source() + ": IDX images here are grey (1 channel)");
        if (data.classCount() > 256) throw new IllegalArgumentException("IDX labels are bytes: at most 256 classes");
        int n = data.size();
        ByteArrayOutputStream img = new ByteArrayOutputStream(16 + n * (int) shape.size());
        writeInt(img, IMAGES_MAGIC);
        writeInt(img, n);
        writeInt(img, shape.height());
        writeInt(img, shape.width());
        ByteArrayOutputStream lab = new ByteArrayOutputStream(8 + n);
        writeInt(lab, LABELS_MAGIC);
        writeInt(lab, n);
        for (int i = 0; i < n; i++) {
            img.write(data.image(i).planarView());
            lab.write(data.label(i));
        }
        writeFile(images, img.toByteArray(), gzip);
        writeFile(labels, lab.toByteArray(), gzip);
    }

    private static void writeFile(Path file, byte[] bytes, boolean gzip) throws IOException {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!gzip) {
                out.write(bytes);
                return;
            }
            try (OutputStream z = new GZIPOutputStream(out, 1 << 16) {
                { def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION); }
            }) {
                z.write(bytes);
            }
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
