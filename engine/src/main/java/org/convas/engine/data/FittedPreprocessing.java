package org.convas.engine.data;

/**
 * Preprocessing whose normalisation statistics were computed on a training set. Apply it to
 * validation and test sets so that they are transformed exactly like the training images.
 */
public final class FittedPreprocessing {

    private final Preprocessing config;
    private final DatasetStatistics statistics;
    private final PreparedDataset train;

    FittedPreprocessing(Preprocessing config, DatasetStatistics statistics, PreparedDataset train) {
        this.config = config;
        this.statistics = statistics;
        this.train = train;
    }

    public Preprocessing config() { return config; }

    /** Mean image, standard-deviation image and per-channel figures of the training set. */
    public DatasetStatistics statistics() { return statistics; }

    /** The training set at the input shape. */
    public PreparedDataset train() { return train; }

    /**
     * Another set (validation, test) at the input shape, normalised with the training statistics.
     *
     * @throws DatasetException if its classes differ from the training set's, or an image cannot be used
     */
    public PreparedDataset apply(Dataset other) throws DatasetException {
        if (!other.classNames().equals(train.classNames())) {
            throw new DatasetException(other.source(), "its classes " + other.classNames()
                    + " differ from the training set's " + train.classNames());
        }
        return config.prepared(other, config.conformAll(other), statistics);
    }
}
