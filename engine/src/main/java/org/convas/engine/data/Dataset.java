package org.convas.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.convas.engine.spec.Shape;

/**
 * A labelled set of 8-bit images, held in memory, as it came from its source: images may differ in
 * size and colour mode (an image folder) or all share one shape (MNIST, CIFAR).
 * {@link Preprocessing} turns it into fixed-shape network input. Immutable.
 *
 * <p>Every image has a name for messages ("cat/017.png", "train-images-idx3-ubyte.gz #12").
 */
public final class Dataset {

    private final String source;
    private final List<String> classNames;
    private final List<Image> images;
    private final int[] labels;
    private final List<String> names;

    /**
     * @param source     where the images came from, for the GUI and messages
     * @param classNames one name per label value 0..K-1
     * @param images     the images
     * @param labels     one label per image, each in 0..K-1
     * @param names      one name per image, or null for "source #i"
     */
    public Dataset(String source, List<String> classNames, List<Image> images, int[] labels, List<String> names) {
        this.source = Objects.requireNonNull(source, "source");
        this.classNames = List.copyOf(classNames);
        this.images = List.copyOf(images);
        this.labels = labels.clone();
        if (this.images.size() != this.labels.length) {
            throw new IllegalArgumentException(source + ": " + this.images.size() + " images but "
                    + this.labels.length + " labels");
        }
        if (names != null && names.size() != this.labels.length) {
            throw new IllegalArgumentException(source + ": " + this.images.size() + " images but "
                    + names.size() + " names");
        }
        for (int i = 0; i < this.labels.length; i++) {
            if (this.labels[i] < 0 || this.labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(source + ": image " + i + " has label " + this.labels[i]
                        + ", but there are only " + this.classNames.size() + " classes (0.."
                        + (this.classNames.size() - 1) + ")");
            }
        }
        this.names = names == null ? null : List.copyOf(names);
    }

    public Dataset(String source, List<String> classNames, List<Image> images, int[] labels) {
        this(source, classNames, images, labels, null);
    }

    public String source() { return source; }

    public List<String> classNames() { return classNames; }

    public int classCount() { return classNames.size(); }

    public int size() { return labels.length; }

    public boolean isEmpty() { return labels.length == 0; }

    public Image image(int i) { return images.get(i); }

    public int label(int i) { return labels[i]; }

    public int[] labels() { return labels.clone(); }

    /** A name for image i in messages: its file name, or "source #i". */
    public String name(int i) {
        return names != null ? names.get(i) : source + " #" + i;
    }

    /** How many images each class has, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) counts[label]++;
        return counts;
    }

    /** The shape all images share, or empty if they differ (or there are none). */
    public Optional<Shape> commonShape() {
        if (images.isEmpty()) return Optional.empty();
        Shape first = images.get(0).shape();
        for (Image image : images) if (!image.shape().equals(first)) return Optional.empty();
        return Optional.of(first);
    }

    /** The images at the given indices, in that order, under a new source description. */
    public Dataset subset(int[] indices, String newSource) {
        List<Image> picked = new ArrayList<>(indices.length);
        List<String> pickedNames = new ArrayList<>(indices.length);
        int[] pickedLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            picked.add(images.get(indices[k]));
            pickedLabels[k] = labels[indices[k]];
            pickedNames.add(name(indices[k]));
        }
        return new Dataset(newSource, classNames, picked, pickedLabels, pickedNames);
    }

    /** "fashion-mnist train: 60000 images, 10 classes, 28×28×1". */
    public String describe() {
        String shape = commonShape().map(Shape::toString).orElse(images.isEmpty() ? "empty" : "mixed sizes");
        return source + ": " + size() + " images, " + classCount() + " classes, " + shape;
    }

    @Override
    public String toString() { return describe(); }

    /** Two datasets hold the same images and labels (sources and names may differ). */
    public boolean sameContent(Dataset other) {
        return images.equals(other.images) && Arrays.equals(labels, other.labels)
                && classNames.equals(other.classNames);
    }
}
