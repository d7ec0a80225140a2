package org.convas.engine.train;

/**
 * Receives a training run's events, on the training thread: keep handlers short (copy the record into an
 * atomic slot or queue and return). Every method has an empty default.
 */
public interface TrainingListener {

    default void onBatch(TrainingEvents.BatchStats stats) {
    }

    default void onEpoch(TrainingEvents.EpochStats stats) {
    }

    default void onNorms(TrainingEvents.LayerNorms norms) {
    }

    default void onSnapshot(TrainingEvents.Snapshot snapshot) {
    }

    default void onFinished(TrainingEvents.RunEnd end) {
    }
}
