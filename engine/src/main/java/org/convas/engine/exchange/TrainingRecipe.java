package org.convas.engine.exchange;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.Normalisation;
import org.convas.engine.train.LearningRateSchedule;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingSettings;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything {@code train.py} needs to train as Convas would: where the images are, how validation images are held
 * out, preprocessing, augmentation and the training settings. Written into train.py as its SETTINGS.
 *
 * @param data               where the images come from
 * @param validation         how validation images are chosen
 * @param validationFraction share of each class held out for validation ({@link Validation#HOLDOUT})
 * @param splitSeed          the seed of that holdout
 * @param limit              use only the first this many training images (0: all)
 * @param normalisation      per channel, mean image, or none
 * @param augmentation       of training images
 * @param settings           epochs, batch, seed, optimizer, schedule, clipping
 */
public record TrainingRecipe(Data data, Validation validation, double validationFraction, long splitSeed, int limit,
                             Normalisation normalisation, Augmentation augmentation, TrainingSettings settings) {

    /** How validation images are chosen. */
    public enum Validation {
        /** A stratified share of the training images ({@code Split.holdout}), as {@code convas train} does. */
        HOLDOUT,
        /** The dataset's test part serves as the validation images (then there is no separate test figure). */
        TEST,
        /** No validation. */
        NONE
    }

    public TrainingRecipe {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(normalisation, "normalisation");
        Objects.requireNonNull(augmentation, "augmentation");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * Where train.py finds the images.
     *
     * @param kind        "idx" (a folder with train-/t10k- IDX pairs), "idx-file" (one images file, its labels file
     *                    beside it), "cifar10" (batch files), "cifar100" (train.bin and test.bin), "images" (one
     *                    sub-folder per class, or train/ and test/ folders of them)
     * @param path        the folder (or the images file); relative paths are relative to the exported folder
     * @param labels      the labels file of "idx-file", else null
     * @param files       the batch files of "cifar10" (names in {@code path}), else empty
     * @param test        the test batch of "cifar10", or null
     * @param seed        the seed of the test holdout of a source without a test part (train.py mixes it as Convas's
     *                    {@code DataSource} does)
     * @param testFraction share of each class a source without a test part (one IDX file, CIFAR-10 batches without
     *                    {@code test_batch.bin}, an image folder without train/ and test/) holds out as the test set
     *                    ({@code convas train} and the Train tab: 0.2); 0 keeps every image for training
     * @param description one line for the user ("Fashion-MNIST (bundled subset)")
     * @param copy        images to write under {@code path} as IDX files (a bundled dataset), or null
     */
    public record Data(String kind, String path, String labels, List<String> files, String test, long seed,
                       double testFraction, String description, DatasetPair copy) {
        public Data {
            files = files == null ? List.of() : List.copyOf(files);
            if (!List.of("idx", "idx-file", "cifar10", "cifar100", "images").contains(kind)) {
                throw new IllegalArgumentException("unknown data kind " + kind);
            }
        }

        /** A bundled dataset, copied next to train.py as IDX files in {@code data/}. */
        public static Data copied(DatasetPair pair, String description) {
            return new Data("idx", "data", null, List.of(), null, 0, 0, description, pair);
        }

        public static Data idxFolder(String folder, String description) {
            return new Data("idx", folder, null, List.of(), null, 0, 0, description, null);
        }
    }

    /** The SETTINGS block of train.py, as JSON. */
    public String toJson() {
        JsonObject root = new JsonObject();
        JsonObject d = new JsonObject();
        d.addProperty("kind", data.kind());
        d.addProperty("path", data.path());
        d.addProperty("description", data.description());
        if (data.labels() != null) d.addProperty("labels", data.labels());
        if (!data.files().isEmpty()) {
            JsonArray files = new JsonArray();
            data.files().forEach(files::add);
            d.add("files", files);
        }
        if (data.test() != null) d.addProperty("test", data.test());
        d.addProperty("seed", data.seed());
        d.addProperty("test_fraction", data.testFraction());
        root.add("data", d);
        root.addProperty("validation", validation.name().toLowerCase(Locale.ROOT));
        root.addProperty("validation_fraction", validation == Validation.HOLDOUT ? validationFraction : 0);
        root.addProperty("split_seed", splitSeed);
        root.addProperty("limit", limit);
        root.addProperty("normalisation", normalisation.name().toLowerCase(Locale.ROOT));
        JsonObject a = new JsonObject();
        a.addProperty("shift", augmentation.maxShift());
        a.addProperty("flip", augmentation.horizontalFlip());
        a.addProperty("degrees", augmentation.maxRotationDegrees());
        a.addProperty("min_scale", augmentation.minScale());
        a.addProperty("max_scale", augmentation.maxScale());
        a.addProperty("seed", augmentation.seed());
        root.add("augmentation", a);
        OptimizerSettings o = settings.optimizer();
        JsonObject opt = new JsonObject();
        opt.addProperty("kind", switch (o.kind()) {
            case SGD -> "sgd";
            case NESTEROV -> "nesterov";
            case ADAM -> "adam";
            case RMSPROP -> "rmsprop";
            case ADAGRAD -> "adagrad";
        });
        opt.addProperty("lr", o.learningRate());
        opt.addProperty("momentum", o.momentum());
        opt.addProperty("weight_decay", o.weightDecay());
        opt.addProperty("beta1", o.beta1());
        opt.addProperty("beta2", o.beta2());
        opt.addProperty("epsilon", o.epsilon());
        root.add("optimizer", opt);
        JsonObject s = new JsonObject();
        LearningRateSchedule schedule = settings.schedule();
        if (schedule instanceof LearningRateSchedule.Step st) {
            s.addProperty("kind", "step");
            s.addProperty("every", st.every());
            s.addProperty("gamma", st.gamma());
        } else if (schedule instanceof LearningRateSchedule.Cosine c) {
            s.addProperty("kind", "cosine");
            s.addProperty("epochs", c.epochs());
            s.addProperty("min_factor", c.minFactor());
        } else if (schedule instanceof LearningRateSchedule.ReduceOnPlateau p) {
            s.addProperty("kind", "plateau");
            s.addProperty("factor", p.factor());
            s.addProperty("patience", p.patience());
            s.addProperty("min_factor", p.minFactor());
        } else {
            s.addProperty("kind", "constant");
        }
        root.add("schedule", s);
        root.addProperty("clip", settings.clipNorm());
        root.addProperty("epochs", settings.epochs());
        root.addProperty("batch", settings.batchSize());
        root.addProperty("seed", settings.seed());
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
    }
}
