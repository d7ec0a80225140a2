package org.convas.app.inspect;

import org.convas.app.training.TrainingViewModel;
import org.convas.engine.train.TrainingEvents.Snapshot;

/** Which weights a snapshot shows, in words. */
final class Moment {

    private Moment() {
    }

    /**
     * "epoch 2, batch 150" for a snapshot a run served; "the trained weights (3 epochs)" for a trained model at rest (the
     * view-model marks those with batch −1); another snapshot of a model that is not training carries no step,
     * so the run's state says which weights they are: "after training" once a run ended, "at the start of the run"
     * while one starts, otherwise "the weights a run starts from" (the random start, or a loaded checkpoint).
     */
    static String of(Snapshot s, TrainingViewModel.RunState state) {
        if (s.epoch() > 0 && s.batch() < 0) return "the trained weights (" + s.epoch() + (s.epoch() == 1 ? " epoch)" : " epochs)");
        if (s.epoch() > 0) return "epoch " + s.epoch() + ", batch " + s.batch();
        return switch (state) {
            case FINISHED -> "after training";
            case RUNNING, PAUSED -> "at the start of the run";
            case READY -> "the weights a run starts from";
        };
    }

    /** A short label for a chart axis: "e2 b150", "end", "start". */
    static String label(Snapshot s, TrainingViewModel.RunState state) {
        if (s.epoch() > 0 && s.batch() < 0) return "end";
        if (s.epoch() > 0) return "e" + s.epoch() + " b" + s.batch();
        return state == TrainingViewModel.RunState.FINISHED ? "end" : "start";
    }
}
