package org.convas.engine.data;

/**
 * A dataset's training and test parts, as published (MNIST's 60,000 / 10,000). Hold out validation
 * images from {@code train} with {@link Split#holdout}; keep {@code test} for the final figure.
 */
public record DatasetPair(Dataset train, Dataset test) {

    /**
     * The pair, or a DatasetException that says which classes differ (an image folder's train/ and test/ with
     * different class sub-folders, say).
     */
    public static DatasetPair matching(Dataset train, Dataset test) throws DatasetException {
        if (train.classNames().equals(test.classNames())) return new DatasetPair(train, test);
        java.util.List<String> onlyTrain = new java.util.ArrayList<>(train.classNames());
        onlyTrain.removeAll(test.classNames());
        java.util.List<String> onlyTest = new java.util.ArrayList<>(test.classNames());
        onlyTest.removeAll(train.classNames());
        String detail = onlyTrain.isEmpty() && onlyTest.isEmpty()
                ? "the same classes in another order: " + train.classNames() + " and " + test.classNames()
                : (onlyTrain.isEmpty() ? "" : "only the training set has " + onlyTrain)
                + (onlyTrain.isEmpty() || onlyTest.isEmpty() ? "" : ", ")
                + (onlyTest.isEmpty() ? "" : "only the test set has " + onlyTest);
        throw new DatasetException(test.source(), "the training and test sets must have the same classes: " + detail
                + "; give both the same class sub-folders");
    }

    public DatasetPair {
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("training and test sets have different classes: "
                    + train.classNames() + " and " + test.classNames());
        }
    }
}
