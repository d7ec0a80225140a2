package org.convas.visualizer.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainingHistoryTest {

    @Test
    void csvListsEverySeriesInLongFormatAndSkipsMissingValidation() {
        TrainingHistory history = new TrainingHistory();
        history.addBatch(new BatchPoint(1, 2.0, 0.25, 0.1));
        history.addBatch(new BatchPoint(2, 1.0, 0.5, 0.05));
        history.addEpoch(new EpochPoint(1, 1.5, 0.375, Double.NaN, Double.NaN));
        String expected = """
                series,x,y
                batch_loss,1,2.0
                batch_loss,2,1.0
                batch_loss_ema,1,2.0
                batch_loss_ema,2,1.375
                batch_accuracy,1,0.25
                batch_accuracy,2,0.5
                learning_rate,1,0.1
                learning_rate,2,0.05
                epoch_train_loss,1,1.5
                epoch_train_accuracy,1,0.375
                """;
        assertEquals(expected, history.toCsv(0.6));
    }
}
