package org.convas.app.training;

import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.Evaluation;
import org.convas.samples.SmallNetworks;
import org.convas.samples.data.FashionMnistSubset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationReportTest {

    @Test
    void theConfusionMatrixAgreesWithTheEnginesEvaluationAndListsTheMostConfidentMistakesFirst() throws Exception {
        DatasetPair pair = FashionMnistSubset.load();
        FittedPreprocessing pre = Preprocessing.builder(Shape.of(28, 28, 1)).build().fit(pair.train());
        PreparedDataset validation = pre.apply(pair.test());
        Model model = Model.create(SmallNetworks.fashionTiny(), Initializer.HE, 3);

        ValidationReport report = ValidationReport.compute(model, validation, 0);

        // The engine's evaluation pass is an independent oracle for the diagonal.
        Evaluation.Result oracle = Evaluation.evaluate(model, DatasetBatchSource.evaluation(validation), 100, 1);
        assertEquals(oracle.accuracy(), report.accuracy(), 1e-12);
        int[] rowSums = Arrays.stream(report.counts()).mapToInt(r -> Arrays.stream(r).sum()).toArray();
        assertArrayEquals(validation.classCounts(), rowSums, "every validation image lands in its true class's row");
        assertEquals(ValidationReport.MAX_MISTAKES, report.misclassified().size(), "an untrained net makes more mistakes than shown");
        for (int i = 0; i < report.misclassified().size(); i++) {
            ValidationReport.Mistake m = report.misclassified().get(i);
            assertEquals(validation.label(m.index()), m.trueClass());
            assertNotEquals(m.trueClass(), m.predictedClass());
            if (i > 0) assertTrue(report.misclassified().get(i - 1).probability() >= m.probability(), "most confident first");
        }
        float[] probs = model.predict(validation.inputs(report.misclassified().get(0).index()), 1);
        assertEquals(ModelSnapshots.argMax(probs), report.misclassified().get(0).predictedClass());
    }
}
