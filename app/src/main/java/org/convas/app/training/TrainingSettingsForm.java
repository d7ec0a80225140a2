package org.convas.app.training;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.convas.engine.data.Augmentation;
import org.convas.engine.train.LearningRateSchedule;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.data.BundledDatasets;

import java.util.Locale;

/**
 * The training settings the form edits (optimizer, schedule, batch, epochs, threads, seed, gradient clipping,
 * augmentation), as JavaFX properties, and how they become the engine's {@link TrainingSettings}. FX thread.
 */
public final class TrainingSettingsForm {

    /** Learning-rate schedules the form offers, with their settings fixed to values that suit short runs. */
    public enum ScheduleChoice {
        CONSTANT("constant"),
        STEP("step: ×γ every N epochs"),
        COSINE("cosine to 0 over the epochs"),
        PLATEAU("halve on plateau (patience 2)");

        private final String label;

        ScheduleChoice(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * "Reduce on plateau" without settings, for the window and {@code --schedule plateau} alike: halve the rate
     * when the validation loss has not improved for 2 epochs (PyTorch's ReduceLROnPlateau with factor 0.5).
     */
    public static final LearningRateSchedule.ReduceOnPlateau PLATEAU = new LearningRateSchedule.ReduceOnPlateau(0.5, 2, 0);

    private final ObjectProperty<OptimizerSettings.Kind> optimizer = new SimpleObjectProperty<>(this, "optimizer", OptimizerSettings.Kind.ADAM);
    private final DoubleProperty learningRate = new SimpleDoubleProperty(this, "learningRate", 0.003);
    private final DoubleProperty momentum = new SimpleDoubleProperty(this, "momentum", 0.9);
    private final DoubleProperty weightDecay = new SimpleDoubleProperty(this, "weightDecay", 0);
    private final DoubleProperty clipNorm = new SimpleDoubleProperty(this, "clipNorm", 0);
    private final ObjectProperty<ScheduleChoice> schedule = new SimpleObjectProperty<>(this, "schedule", ScheduleChoice.CONSTANT);
    private final IntegerProperty scheduleEvery = new SimpleIntegerProperty(this, "scheduleEvery", 2);
    private final DoubleProperty scheduleGamma = new SimpleDoubleProperty(this, "scheduleGamma", 0.5);
    private final IntegerProperty batchSize = new SimpleIntegerProperty(this, "batchSize", 32);
    private final IntegerProperty epochs = new SimpleIntegerProperty(this, "epochs", 5);
    private final IntegerProperty threads = new SimpleIntegerProperty(this, "threads", defaultThreads());
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 1);
    private final IntegerProperty shift = new SimpleIntegerProperty(this, "shift", 0);
    private final BooleanProperty flip = new SimpleBooleanProperty(this, "flip", false);
    private final DoubleProperty rotation = new SimpleDoubleProperty(this, "rotation", 0);

    /**
     * All cores but one: the window's FX and render threads need a core of their own. A step waits for its slowest
     * worker, so a worker that loses its core to the GUI holds up the whole batch: on 2 cores with the live views,
     * a second training thread gained nothing and cost the views' share and the FX pauses much more
     * (TrainingWorkspaceDemo --benchmark; the figures are in docs/performance.md).
     */
    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The run's settings; IllegalArgumentException with the engine's explanation when one is wrong. */
    public TrainingSettings settings() {
        OptimizerSettings base = switch (optimizer.get()) {
            case SGD -> OptimizerSettings.momentum(learningRate.get(), momentum.get());
            case NESTEROV -> OptimizerSettings.nesterov(learningRate.get(), momentum.get());
            case ADAM -> OptimizerSettings.adam(learningRate.get());
            case RMSPROP -> OptimizerSettings.rmsProp(learningRate.get()).withMomentum(momentum.get());
            case ADAGRAD -> OptimizerSettings.adaGrad(learningRate.get());
        };
        LearningRateSchedule s = switch (schedule.get()) {
            case CONSTANT -> new LearningRateSchedule.Constant();
            case STEP -> new LearningRateSchedule.Step(scheduleEvery.get(), scheduleGamma.get());
            case COSINE -> new LearningRateSchedule.Cosine(epochs.get(), 0);
            case PLATEAU -> PLATEAU;
        };
        return TrainingSettings.builder().epochs(epochs.get()).batchSize(batchSize.get()).threads(threads.get())
                .seed(seed.get()).optimizer(base.withWeightDecay(weightDecay.get())).schedule(s).clipNorm(clipNorm.get())
                .normsEvery(5).build();
    }

    /** The augmentation (training batches only). */
    public Augmentation augmentation() {
        if (shift.get() == 0 && !flip.get() && rotation.get() == 0) return Augmentation.none();
        Augmentation.Builder b = Augmentation.builder().seed(seed.get()).horizontalFlip(flip.get());
        if (shift.get() != 0) b.shift(shift.get());
        if (rotation.get() != 0) b.rotation(rotation.get());
        return b.build();
    }

    /** Sets the optimizer to SGD with momentum and the rest as a dataset's recommendation says. */
    public void apply(BundledDatasets.Recommended r) {
        optimizer.set(OptimizerSettings.Kind.SGD);
        learningRate.set(r.learningRate());
        momentum.set(r.momentum());
        weightDecay.set(r.weightDecay());
        epochs.set(r.epochs());
        batchSize.set(r.batchSize());
        schedule.set(ScheduleChoice.CONSTANT);
    }

    /** The optimizer state tensors per parameter: what the memory estimate counts. */
    int optimizerCopies() {
        return switch (optimizer.get()) {
            case SGD -> momentum.get() > 0 ? 1 : 0;
            case NESTEROV, ADAGRAD -> 1;
            case ADAM -> 2;
            case RMSPROP -> momentum.get() > 0 ? 2 : 1;
        };
    }

    /** One line for the run history: "SGD η 0.01 μ 0.9 wd 0.005, batch 32, 10 epochs, seed 1". */
    public String describe() {
        StringBuilder b = new StringBuilder(optimizer.get().name()).append(" η ").append(number(learningRate.get()));
        if (optimizer.get() == OptimizerSettings.Kind.SGD || optimizer.get() == OptimizerSettings.Kind.NESTEROV
                || optimizer.get() == OptimizerSettings.Kind.RMSPROP) b.append(" μ ").append(number(momentum.get()));
        if (weightDecay.get() > 0) b.append(" wd ").append(number(weightDecay.get()));
        if (clipNorm.get() > 0) b.append(" clip ").append(number(clipNorm.get()));
        if (schedule.get() != ScheduleChoice.CONSTANT) b.append(", ").append(schedule.get().name().toLowerCase(Locale.ROOT));
        if (!augmentationIsNone()) b.append(", augmented");
        return b.append(", batch ").append(batchSize.get()).append(", seed ").append(seed.get()).toString();
    }

    private boolean augmentationIsNone() {
        return shift.get() == 0 && !flip.get() && rotation.get() == 0;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+$", "").replaceAll("\\.?0+e", "e");
    }

    public ObjectProperty<OptimizerSettings.Kind> optimizerProperty() { return optimizer; }
    /** The learning rate; a change while running reaches the run at the next step. */
    public DoubleProperty learningRateProperty() { return learningRate; }
    /** Momentum (SGD, Nesterov, RMSProp); a change while running reaches the run at the next step. */
    public DoubleProperty momentumProperty() { return momentum; }
    public DoubleProperty weightDecayProperty() { return weightDecay; }
    /** Clip the gradients' global L2 norm to this value; 0 is off. */
    public DoubleProperty clipNormProperty() { return clipNorm; }
    public ObjectProperty<ScheduleChoice> scheduleProperty() { return schedule; }
    public IntegerProperty scheduleEveryProperty() { return scheduleEvery; }
    public DoubleProperty scheduleGammaProperty() { return scheduleGamma; }
    public IntegerProperty batchSizeProperty() { return batchSize; }
    public IntegerProperty epochsProperty() { return epochs; }
    public IntegerProperty threadsProperty() { return threads; }
    public LongProperty seedProperty() { return seed; }
    /** Augmentation: random shift by up to ± this many pixels. */
    public IntegerProperty shiftProperty() { return shift; }
    public BooleanProperty flipProperty() { return flip; }
    /** Augmentation: random rotation within ± this many degrees. */
    public DoubleProperty rotationProperty() { return rotation; }
}
