package org.convas.engine.data;

/**
 * A dataset's training and test parts, as published (MNIST's 60,000 / 10,000). Hold out validation
 * images from {@code train} with {@link Split#holdout}; keep {@code test} for the final figure.
 */
public record DatasetPair(Dataset train, Dataset test) {

    public DatasetPair {
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("training and test sets have different classes: "
                    + train.classNames() + " and " + test.classNames());
        }
    }
}
