package org.convas.engine.data;

import java.util.ArrayList;
import java.util.List;
import org.convas.engine.spec.Shape;

/**
 * The lecture's preprocessing, as one immutable configuration: bring every image to the network's
 * input W×H×D (uniform aspect ratio by centre crop, scaling, grey/RGB), scale pixel values to [0, 1],
 * normalise with statistics of the training set.
 *
 * <pre>
 *   Preprocessing pre = Preprocessing.builder(Shape.of(32, 32, 3))
 *           .normalisation(Normalisation.PER_CHANNEL).build();
 *   FittedPreprocessing fitted = pre.fit(split.train());   // statistics from training images only
 *   PreparedDataset train = fitted.train();
 *   PreparedDataset validation = fitted.apply(split.validation());
 * </pre>
 */
public final class Preprocessing {

    private final Shape input;
    private final Normalisation normalisation;
    private final boolean allowEnlarging;

    private Preprocessing(Builder b) {
        this.input = b.input;
        this.normalisation = b.normalisation;
        this.allowEnlarging = b.allowEnlarging;
    }

    /** @param input the network's input volume W×H×D; D must be 1 (grey) or 3 (RGB) */
    public static Builder builder(Shape input) {
        return new Builder(input);
    }

    public Shape input() { return input; }

    public Normalisation normalisation() { return normalisation; }

    public boolean allowEnlarging() { return allowEnlarging; }

    /**
     * Brings the training images to the input shape and computes their statistics.
     *
     * @throws DatasetException if the set is empty, or an image is smaller than the input while
     *                          enlarging is not allowed
     */
    public FittedPreprocessing fit(Dataset train) throws DatasetException {
        if (train.isEmpty()) {
            throw new DatasetException(train.source(), "the training set is empty, so there is nothing to "
                    + "compute the mean and standard deviation from");
        }
        byte[] px = conformAll(train);
        DatasetStatistics stats = DatasetStatistics.of(px, train.size(), input);
        PreparedDataset prepared = prepared(train, px, stats);
        return new FittedPreprocessing(this, stats, prepared);
    }

    PreparedDataset prepared(Dataset d, byte[] px, DatasetStatistics stats) {
        List<String> names = new ArrayList<>(d.size());
        for (int i = 0; i < d.size(); i++) names.add(d.name(i));
        return new PreparedDataset(d.source(), d.classNames(), input, px, d.labels(), names, normalisation, stats);
    }

    byte[] conformAll(Dataset d) throws DatasetException {
        int size = (int) input.size();
        if ((long) size * d.size() > Integer.MAX_VALUE - 16) {
            throw new DatasetException(d.source(), d.size() + " images of " + input + " do not fit in memory "
                    + "as one array (over 2 GB); use a smaller input or fewer images");
        }
        byte[] out;
        int i = 0;
        try {
            out = new byte[size * d.size()];
            for (; i < d.size(); i++) conformInto(d, i, out, size);
        } catch (OutOfMemoryError e) {
            throw new DatasetException(d.source(), "the Java heap is full while preparing image " + (i + 1) + " of " + d.size()
                    + " for the " + input + " input; give Java more memory (-Xmx), or use fewer or smaller images");
        }
        return out;
    }

    private void conformInto(Dataset d, int i, byte[] out, int size) throws DatasetException {
        Image img = d.image(i);
        if (!allowEnlarging && (img.width() < input.width() || img.height() < input.height())) {
            throw new DatasetException(d.name(i), "is " + img.width() + "×" + img.height()
                    + " pixels, smaller than the network input " + input.width() + "×" + input.height()
                    + "; allow enlarging, choose a smaller input, or remove the image");
        }
        if (img.channels() != 1 && img.channels() != 3) {
            throw new DatasetException(d.name(i), "has " + img.channels() + " channels; only grey and RGB images can be used");
        }
        System.arraycopy(ImageOps.conform(img, input).planarView(), 0, out, i * size, size);
    }

    public static final class Builder {
        private final Shape input;
        private Normalisation normalisation = Normalisation.PER_CHANNEL;
        private boolean allowEnlarging = true;

        private Builder(Shape input) {
            this.input = input;
        }

        /** Default {@link Normalisation#PER_CHANNEL}. */
        public Builder normalisation(Normalisation normalisation) {
            this.normalisation = normalisation;
            return this;
        }

        /**
         * Whether images smaller than the input may be enlarged (default yes). Enlarging invents no
         * detail; refusing it makes a mistake such as a 224×224 input for 28×28 digits visible.
         */
        public Builder allowEnlarging(boolean allow) {
            this.allowEnlarging = allow;
            return this;
        }

        public Preprocessing build() {
            if (input == null) throw new IllegalArgumentException("the network input shape is missing");
            if (input.width() <= 0 || input.height() <= 0) {
                throw new IllegalArgumentException("the network input must be at least 1×1 pixels, got " + input);
            }
            if (input.depth() != 1 && input.depth() != 3) {
                throw new IllegalArgumentException("the network input depth must be 1 (grey) or 3 (RGB) to feed it "
                        + "images, got " + input.depth() + " in " + input);
            }
            if (input.size() > 4096L * 4096 * 3) {
                throw new IllegalArgumentException("the network input " + input + " is too large for images here");
            }
            if (normalisation == null) throw new IllegalArgumentException("choose a normalisation (NONE keeps [0, 1])");
            return new Preprocessing(this);
        }
    }
}
