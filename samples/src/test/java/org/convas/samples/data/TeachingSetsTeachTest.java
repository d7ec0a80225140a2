package org.convas.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.train.FilterTuning;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents.Status;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.ClassicNetworks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The teaching sets teach: LeNet-5 (the network the window opens on), trained with the recommended settings,
 * ends with first-layer filters that are clearly more oriented and more like edge and blob templates than the
 * random filters it started from (see {@link FilterTuning}). A short run, a third of the bundled set for 6
 * epochs on one thread (a few seconds); in the window, the full set reaches more in under a minute.
 *
 * <p>Measured when written (seed 1; start → after 6 epochs): bars orientation selectivity 0.20 → 0.31, template
 * match 0.57 → 0.76, test accuracy 0.89; shapes 0.20 → 0.27, 0.57 → 0.70, accuracy 0.73. The same settings on
 * the earlier clean, centred sets (solved in one or two epochs), after 20 epochs of 2,000 images: bars 0.22 and
 * 0.59, shapes 0.25 and 0.72.
 */
class TeachingSetsTeachTest {

    @ParameterizedTest
    @ValueSource(strings = {"bars", "shapes"})
    void firstLayerFiltersBecomeOrientedEdgeDetectors(String set) throws Exception {
        DatasetPair data = set.equals("bars") ? SyntheticDatasets.orientedBars(500, 100, BundledDatasets.SYNTHETIC_SEED)
                : SyntheticDatasets.shapes(500, 100, BundledDatasets.SYNTHETIC_SEED);
        Model model = Model.create(ClassicNetworks.lenet5(), Initializer.HE, 1);
        FittedPreprocessing fitted = Preprocessing.builder(model.inputShape()).normalisation(Normalisation.PER_CHANNEL).build()
                .fit(data.train());
        FilterTuning.Bank start = conv1(model);

        BundledDatasets.Recommended r = BundledDatasets.TEACHING;
        TrainingSettings settings = TrainingSettings.builder().epochs(6).batchSize(r.batchSize()).threads(1).seed(1)
                .optimizer(OptimizerSettings.momentum(r.learningRate(), r.momentum()).withWeightDecay(r.weightDecay())).build();
        TrainingRun run = TrainingRun.create(model, DatasetBatchSource.training(fitted.train(), Augmentation.none()),
                DatasetBatchSource.evaluation(fitted.apply(data.test())), settings);
        assertEquals(Status.COMPLETED, run.runHere().status());
        FilterTuning.Bank trained = conv1(model);
        double accuracy = run.progress().history().get(5).validationAccuracy();
        System.out.printf("%s: start %s; after 6 epochs %s; test accuracy %.3f%n", set, start.describe(), trained.describe(), accuracy);

        assertTrue(accuracy > 0.6, "the task is learned, not guessed: accuracy " + accuracy);
        assertTrue(trained.meanTemplateMatch() > start.meanTemplateMatch() + 0.12,
                "filters match edge/blob templates: " + start.describe() + " → " + trained.describe());
        assertTrue(trained.meanOrientationSelectivity() > start.meanOrientationSelectivity() + 0.05,
                "filters are tuned to an orientation: " + start.describe() + " → " + trained.describe());
    }

    private static FilterTuning.Bank conv1(Model model) {
        return FilterTuning.of(model.tensor("conv1.weight"), 6, 1, 5, 5);
    }
}
