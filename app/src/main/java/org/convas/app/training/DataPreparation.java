package org.convas.app.training;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetException;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.data.Split;
import org.convas.engine.spec.Shape;
import org.convas.samples.data.BundledDatasets;
import org.convas.visualizer.inspect.GalleryImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data side of the workspace: which source, how it is preprocessed for the network's input, the prepared
 * training, validation and test sets (cached), what the conversion does in a sentence, and the preview.
 * Properties on the FX thread; {@link #prepare} runs on the background thread and keeps its cache there.
 *
 * <p>Validation images are held out of the training set ({@value #VALIDATION_PERCENT}% of each class, a fixed
 * seed), for every source: a run is steered by its validation figures, so the test set stays unseen until a
 * run's final test accuracy.
 */
public final class DataPreparation {

    /** Share of each class of the training set held out for validation. */
    public static final double VALIDATION_FRACTION = 0.1;
    static final int VALIDATION_PERCENT = 10;
    /** Seed of the validation holdout and of held-out test parts: fixed, so changing the training seed keeps the split. */
    static final long SPLIT_SEED = 1;
    /** Images in the dataset preview grid: up to this many per class. */
    static final int PREVIEW_PER_CLASS = 4;
    static final int PREVIEW_MAX = 40;

    /** Data brought to one network input shape, with its training statistics; {@code test} may be empty. */
    public record PreparedData(DataKey key, FittedPreprocessing fitted, PreparedDataset train, PreparedDataset validation,
                               PreparedDataset test, String note) {
    }

    /** What prepared data depends on: the source, the network input and the preprocessing options. */
    public record DataKey(DataSource source, Shape input, Normalisation normalisation, boolean allowEnlarging) {
    }

    private final ObservableList<DataSource> dataSources = FXCollections.observableArrayList();
    private final ObjectProperty<DataSource> dataSource = new SimpleObjectProperty<>(this, "dataSource");
    private final ObjectProperty<Normalisation> normalisation = new SimpleObjectProperty<>(this, "normalisation", Normalisation.PER_CHANNEL);
    private final BooleanProperty allowEnlarging = new SimpleBooleanProperty(this, "allowEnlarging", true);
    private final ReadOnlyStringWrapper conversionText = new ReadOnlyStringWrapper(this, "conversionText", "");
    private final ReadOnlyObjectWrapper<PreparedData> preparedData = new ReadOnlyObjectWrapper<>(this, "preparedData");
    private final ReadOnlyObjectWrapper<List<GalleryImage>> previewImages = new ReadOnlyObjectWrapper<>(this, "previewImages", List.of());

    // Background thread only.
    private volatile DataSource loadedSource;
    private volatile DataSource.Loaded loaded;
    private volatile PreparedData cachedPrepared;

    DataPreparation() {
        for (BundledDatasets.Entry e : BundledDatasets.available()) dataSources.add(new DataSource.Bundled(e));
        if (!dataSources.isEmpty()) dataSource.set(dataSources.get(0));
    }

    /** The key for the chosen source and options at a network input; null without a source. */
    DataKey key(Shape input) {
        DataSource source = dataSource.get();
        return source == null ? null : new DataKey(source, input, normalisation.get(), allowEnlarging.get());
    }

    /** Loads (cached per source) and preprocesses (cached per key). Background thread. */
    PreparedData prepare(DataKey key) throws DatasetException {
        PreparedData cached = cachedPrepared;
        if (cached != null && cached.key().equals(key)) return cached;
        if (!key.source().equals(loadedSource)) {
            loaded = null;
            loadedSource = null;
            loaded = key.source().load(SPLIT_SEED);
            loadedSource = key.source();
        }
        DataSource.Loaded all = loaded;
        Split split = Split.holdout(all.train(), VALIDATION_FRACTION, SPLIT_SEED);
        Preprocessing pre = Preprocessing.builder(key.input()).normalisation(key.normalisation())
                .allowEnlarging(key.allowEnlarging()).build();
        FittedPreprocessing fitted = pre.fit(split.train());
        PreparedDataset validation = fitted.apply(split.validation());
        PreparedDataset test = fitted.apply(all.test());
        Shape own = all.train().commonShape().orElse(null);
        String note = String.format(Locale.ROOT, "%,d training images, %,d for validation (%d%% of each class held out), "
                        + "%,d test images kept for the final figure", split.train().size(), split.validation().size(),
                VALIDATION_PERCENT, test.size())
                + (all.notes().isEmpty() ? "" : "; " + String.join("; ", all.notes()))
                + ". " + describeConversion(own, key.input(), key.allowEnlarging());
        PreparedData data = new PreparedData(key, fitted, fitted.train(), validation, test, note);
        cachedPrepared = data;
        return data;
    }

    /** Shows prepared data (FX thread). */
    void show(PreparedData data, Augmentation augmentation) {
        preparedData.set(data);
        updatePreview(augmentation);
    }

    void updatePreview(Augmentation augmentation) {
        PreparedData data = preparedData.get();
        previewImages.set(data == null ? List.of() : preview(data.train(), augmentation));
    }

    /** Says what preprocessing will do for a network input (null: no input layer). */
    void updateConversion(Shape input) {
        DataSource source = dataSource.get();
        if (source == null || input == null) {
            conversionText.set("");
            return;
        }
        DataSource.Loaded l = loaded;
        Shape own = source instanceof DataSource.Bundled b ? b.entry().shape()
                : l != null && source.equals(loadedSource) ? l.train().commonShape().orElse(null) : null;
        if (own == null && !(source instanceof DataSource.Bundled)) {
            conversionText.set("The images are brought to the network's input " + input + " when the data is loaded.");
            return;
        }
        conversionText.set(describeConversion(own, input, allowEnlarging.get()));
    }

    /**
     * Up to {@value #PREVIEW_PER_CLASS} images per class (at most {@value #PREVIEW_MAX}) as the network sees them:
     * scaled, augmented as the first epoch would, normalised.
     */
    static List<GalleryImage> preview(PreparedDataset train, Augmentation aug) {
        Shape shape = train.shape();
        int size = Math.toIntExact(shape.size());
        int[] taken = new int[train.classCount()];
        List<GalleryImage> images = new ArrayList<>();
        for (int i = 0; i < train.size() && images.size() < PREVIEW_MAX; i++) {
            int label = train.label(i);
            if (taken[label] >= PREVIEW_PER_CLASS) continue;
            taken[label]++;
            float[] scaled = new float[size];
            train.scaled(i, scaled, 0);
            float[] x = scaled;
            if (!aug.isNone()) {
                x = new float[size];
                aug.apply(scaled, 0, shape, x, 0, 0, i);
            }
            train.normalise(x, 0);
            images.add(new GalleryImage(x, shape.depth(), shape.height(), shape.width(), train.classNames().get(label)));
        }
        return images;
    }

    /**
     * What preprocessing does to images of one shape for a network input, in a sentence. Example: 28×28×1 images
     * for a 32×32×1 input: "enlarged to 32×32 (bilinear: no new detail)".
     */
    public static String describeConversion(Shape images, Shape input, boolean allowEnlarging) {
        if (images == null) return "Images of different sizes are each centre-cropped to " + input.width() + ":" + input.height()
                + " and resized to the network's input " + input + ".";
        if (images.equals(input)) return "Images are " + images + " like the network's input: used as they are.";
        List<String> steps = new ArrayList<>();
        boolean sameAspect = (long) images.width() * input.height() == (long) images.height() * input.width();
        if (!sameAspect) steps.add("centre-cropped to the input's aspect ratio " + input.width() + ":" + input.height());
        if (images.depth() == 3 && input.depth() == 1) steps.add("converted to grey (luma 0.299 R + 0.587 G + 0.114 B)");
        if (images.depth() == 1 && input.depth() == 3) steps.add("copied into 3 equal channels (grey stays grey)");
        if (images.width() < input.width() || images.height() < input.height()) {
            if (!allowEnlarging) {
                return "Images are " + images + " but the network's input is " + input + ": they would have to be enlarged, "
                        + "which is switched off. Allow enlarging, or change the Input layer to " + images.width() + "×"
                        + images.height() + "×" + input.depth() + ".";
            }
            steps.add("enlarged to " + input.width() + "×" + input.height() + " (bilinear: no new detail, "
                    + String.format(Locale.ROOT, "%.2f", (double) input.width() / images.width()) + "× per side)");
        } else if (images.width() != input.width() || images.height() != input.height()) {
            steps.add("shrunk to " + input.width() + "×" + input.height() + " (area averaging)");
        }
        return "Images are " + images + ", the network's input is " + input + ": each image is " + String.join(", then ", steps) + ".";
    }

    public ObservableList<DataSource> dataSources() { return dataSources; }
    public ObjectProperty<DataSource> dataSourceProperty() { return dataSource; }
    public ObjectProperty<Normalisation> normalisationProperty() { return normalisation; }
    public BooleanProperty allowEnlargingProperty() { return allowEnlarging; }
    /** What preprocessing does to the images for this network's input (crop, resize, colour). */
    public ReadOnlyStringProperty conversionTextProperty() { return conversionText.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<PreparedData> preparedDataProperty() { return preparedData.getReadOnlyProperty(); }
    /** Preprocessed (and, when on, augmented) training samples for the preview grid. */
    public ReadOnlyObjectProperty<List<GalleryImage>> previewImagesProperty() { return previewImages.getReadOnlyProperty(); }
}
