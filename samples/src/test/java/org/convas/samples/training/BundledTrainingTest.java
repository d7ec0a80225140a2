package org.convas.samples.training;

import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.train.Evaluation;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents.RunEnd;
import org.convas.engine.train.TrainingEvents.Status;
import org.convas.engine.train.TrainingListener;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.SmallNetworks;
import org.convas.samples.data.FashionMnistSubset;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The out-of-the-box path a user takes: the bundled Fashion-MNIST subset, preprocessed and prefetched by the
 * data pipeline, trains the tiny preset through the engine's trainer.
 */
class BundledTrainingTest {

    private static PreparedDataset[] prepare() throws Exception {
        DatasetPair pair = FashionMnistSubset.load();
        FittedPreprocessing pre = Preprocessing.builder(SmallNetworks.fashionTiny().inputs().get(0).layer()
                instanceof org.convas.engine.spec.LayerSpec.Input in ? in.shape() : null)
                .normalisation(Normalisation.PER_CHANNEL).build().fit(pair.train());
        return new PreparedDataset[] {pre.train(), pre.apply(pair.test())};
    }

    @Test
    void tinyNetLearnsTheBundledFashionSubset() throws Exception {
        PreparedDataset[] data = prepare();
        Model model = Model.create(SmallNetworks.fashionTiny(), Initializer.HE, 7);
        TrainingSettings settings = TrainingSettings.builder().epochs(2).batchSize(32).threads(2).seed(7)
                .optimizer(OptimizerSettings.adam(0.003)).build();
        DatasetBatchSource train = DatasetBatchSource.training(data[0], Augmentation.none());
        DatasetBatchSource test = DatasetBatchSource.evaluation(data[1]);
        TrainingRun run = TrainingRun.create(model, train, test, settings);
        RunEnd end = run.runHere();
        assertEquals(Status.COMPLETED, end.status(), end.message());
        // 10 balanced classes: chance is 0.10. Two epochs over 3,000 real images reach about 0.75 here;
        // 0.65 leaves room for thread-count differences while still proving the net learned the data.
        Evaluation.Result result = Evaluation.evaluate(model, test, 100, 2);
        assertEquals(1000, result.count());
        assertTrue(result.accuracy() >= 0.65, "test accuracy " + result.accuracy());
    }

    @Test
    void cancellingMidEpochStopsThePrefetchThread() throws Exception {
        PreparedDataset[] data = prepare();
        Model model = Model.create(SmallNetworks.fashionTiny(), Initializer.HE, 1);
        TrainingSettings settings = TrainingSettings.builder().epochs(5).batchSize(16).threads(1).seed(1).build();
        TrainingRun run = TrainingRun.create(model, DatasetBatchSource.training(data[0],
                Augmentation.builder().shift(2).horizontalFlip(true).seed(3).build()), null, settings);
        CountDownLatch started = new CountDownLatch(3);
        run.addListener(new TrainingListener() {
            @Override
            public void onBatch(org.convas.engine.train.TrainingEvents.BatchStats stats) {
                started.countDown();
            }
        });
        run.start();
        assertTrue(started.await(60, TimeUnit.SECONDS));
        run.cancel();
        assertEquals(Status.CANCELLED, run.await().status());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (prefetchThreads() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, prefetchThreads(), "the batch producer thread must stop when the run is cancelled");
    }

    private static long prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("convas-batches-epoch-") && t.isAlive()).count();
    }
}
