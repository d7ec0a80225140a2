package org.convas.engine.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary versions of CIFAR-10 and CIFAR-100 ("data_batch_1.bin" …, "train.bin", "test.bin").
 *
 * <p>Each record is a fixed number of bytes: CIFAR-10 has 1 label byte, CIFAR-100 a coarse and a fine
 * label byte (we use the fine one, 100 classes), then 3072 pixel bytes: the 32×32 red plane row by row,
 * then green, then blue. That is already the C×H×W order, so records are copied as they are.
 */
public final class Cifar {

    static final int PIXELS = 32 * 32 * 3;
    static final int RECORD_10 = 1 + PIXELS;
    static final int RECORD_100 = 2 + PIXELS;

    private Cifar() {
    }

    /** Loads one or more CIFAR-10 batch files into one dataset, in file order. */
    public static Dataset load10(List<Path> batches, String source) throws DatasetException {
        return load(batches, source, RECORD_10, "CIFAR-10", KnownClasses.CIFAR_10);
    }

    /** Loads one or more CIFAR-100 files ("train.bin", "test.bin"), with the 100 fine labels. */
    public static Dataset load100(List<Path> files, String source) throws DatasetException {
        return load(files, source, RECORD_100, "CIFAR-100", KnownClasses.CIFAR_100);
    }

    private static Dataset load(List<Path> files, String source, int record, String kind, List<String> classes)
            throws DatasetException {
        if (files.isEmpty()) throw new DatasetException(source, "no " + kind + " batch files given");
        List<Image> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path file : files) {
            String name = DataFiles.label(file);
            byte[] b = DataFiles.readRaw(file);
            if (b.length % record != 0) {
                int other = record == RECORD_10 ? RECORD_100 : RECORD_10;
                String hint = b.length % other == 0
                        ? "; its size fits " + (record == RECORD_10 ? "CIFAR-100" : "CIFAR-10") + " records, is it that dataset?"
                        : "; the file is truncated or not a CIFAR binary batch";
                throw new DatasetException(name, "size " + b.length + " bytes is not a whole number of " + kind
                        + " records (" + record + " bytes each: " + (record - PIXELS) + " label byte"
                        + (record - PIXELS > 1 ? "s" : "") + " + 3072 pixels)" + hint);
            }
            int n = b.length / record;
            for (int r = 0; r < n; r++) {
                int at = r * record;
                int label = b[at + record - PIXELS - 1] & 0xFF; // the last label byte: fine label for CIFAR-100
                if (label >= classes.size()) {
                    throw new DatasetException(name, "record " + r + " has label " + label + ", outside 0.."
                            + (classes.size() - 1) + "; is this really a " + kind + " file?");
                }
                byte[] px = new byte[PIXELS];
                System.arraycopy(b, at + record - PIXELS, px, 0, PIXELS);
                images.add(Image.wrap(32, 32, 3, px));
                labels.add(label);
                names.add(name + " #" + r);
            }
        }
        return new Dataset(source, classes, images, labels.stream().mapToInt(Integer::intValue).toArray(), names);
    }
}
