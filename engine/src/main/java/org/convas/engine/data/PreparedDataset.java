package org.convas.engine.data;

import java.util.ArrayList;
import java.util.List;
import org.convas.engine.spec.Shape;

/**
 * A dataset brought to the network input shape (cropped, resized, colour-converted) and tied to the
 * normalisation fitted on the training set. Pixels stay 8-bit here (a quarter of the memory of
 * floats: full CIFAR-10 is 150 MB instead of 600 MB); {@link #inputs} scales and normalises one
 * image on demand, which the batch loader does on its own thread.
 */
public final class PreparedDataset {

    private final String source;
    private final List<String> classNames;
    private final Shape shape;
    private final byte[] pixels; // N×C×H×W
    private final int[] labels;
    private final List<String> names;
    private final Normalisation normalisation;
    private final DatasetStatistics statistics;

    PreparedDataset(String source, List<String> classNames, Shape shape, byte[] pixels, int[] labels,
                    List<String> names, Normalisation normalisation, DatasetStatistics statistics) {
        this.source = source;
        this.classNames = List.copyOf(classNames);
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
        this.names = List.copyOf(names);
        this.normalisation = normalisation;
        this.statistics = statistics;
    }

    public String source() { return source; }

    public List<String> classNames() { return classNames; }

    public int classCount() { return classNames.size(); }

    /** The network input shape W×H×D every image now has. */
    public Shape shape() { return shape; }

    public int size() { return labels.length; }

    public int label(int i) { return labels[i]; }

    public int[] labels() { return labels.clone(); }

    public String name(int i) { return names.get(i); }

    public Normalisation normalisation() { return normalisation; }

    /** The training-set statistics this set is normalised with (shared by train, validation and test). */
    public DatasetStatistics statistics() { return statistics; }

    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) counts[label]++;
        return counts;
    }

    /** Image i as cropped and resized, before scaling and normalisation: for previews. */
    public Image image(int i) {
        int size = (int) shape.size();
        byte[] px = new byte[size];
        System.arraycopy(pixels, i * size, px, 0, size);
        return Image.wrap(shape.width(), shape.height(), shape.depth(), px);
    }

    /** Image i as the network sees it without augmentation: scaled to [0, 1], then normalised. */
    public float[] inputs(int i) {
        float[] x = new float[(int) shape.size()];
        scaled(i, x, 0);
        normalise(x, 0);
        return x;
    }

    /** Writes image i scaled to [0, 1] into dst[offset … offset + C·H·W). */
    public void scaled(int i, float[] dst, int offset) {
        int size = (int) shape.size();
        int base = i * size;
        for (int k = 0; k < size; k++) dst[offset + k] = (pixels[base + k] & 0xFF) * (1f / 255f);
    }

    /** Normalises one C×H×W volume in [0, 1] at dst[offset…] in place, with the training statistics. */
    public void normalise(float[] x, int offset) {
        statistics.normalise(normalisation, x, offset);
    }

    /** The images at the given indices (e.g. a few per class for a preview grid). */
    public PreparedDataset subset(int[] indices) {
        int size = (int) shape.size();
        byte[] px = new byte[indices.length * size];
        int[] l = new int[indices.length];
        List<String> n = new ArrayList<>(indices.length);
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * size, px, k * size, size);
            l[k] = labels[indices[k]];
            n.add(names.get(indices[k]));
        }
        return new PreparedDataset(source, classNames, shape, px, l, n, normalisation, statistics);
    }

    @Override
    public String toString() {
        return source + ": " + size() + " images at " + shape + ", normalisation " + normalisation;
    }
}
