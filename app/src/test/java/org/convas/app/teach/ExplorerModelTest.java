package org.convas.app.teach;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;
import org.convas.engine.teach.SlidingWindow;
import org.convas.samples.teach.LectureExamples;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The explorer's state without a window: commands, live changes, bad input. */
class ExplorerModelTest {

    @Test
    void startsOnTheStrideThreeExampleAndStepsToTheEnd() {
        ExplorerModel m = new ExplorerModel();
        assertEquals(LectureExamples.STRIDE_THREE, m.example().orElseThrow().key());
        assertEquals(7, m.walk().steps());
        m.play();
        assertTrue(m.playingProperty().get());
        while (m.stepForward()) {
            // walk to the end
        }
        assertEquals(6, m.stepIndex());
        assertFalse(m.playingProperty().get(), "playing stops at the last step");
        assertFalse(m.stepForward());
        m.play();
        assertEquals(0, m.stepIndex(), "play at the end starts over");
        m.reset();
        assertFalse(m.playingProperty().get());
    }

    @Test
    void changingTheStrideWhilePlayingKeepsTheStepAndPlaying() {
        ExplorerModel m = new ExplorerModel();
        m.showExample(LectureExamples.find("stride1").orElseThrow());
        m.play();
        m.goTo(7);
        m.setStride(2);
        assertTrue(m.playingProperty().get());
        assertEquals(7, m.stepIndex());
        assertEquals(new Shape(3, 3, 1), m.walk().output().orElseThrow());
        m.setStride(3);
        assertEquals(6, m.stepIndex(), "clamped to the 7 steps of stride 3");
        assertTrue(m.walk().problem().isPresent());
    }

    @Test
    void outOfRangeValuesAreRefusedWithAMessageAndChangeNothing() {
        ExplorerModel m = new ExplorerModel();
        m.setStride(0);
        assertEquals("S must be between 1 and 256 (it is 0)", m.messageProperty().get());
        assertEquals(3, m.stride());
        m.setInputSize(1000);
        assertEquals("W must be between 1 and 256 (it is 1000)", m.messageProperty().get());
        assertEquals(7, m.inputWidth());
        m.setPadding(1);
        assertEquals("", m.messageProperty().get());
        m.setInputSize(256);
        m.setInputDepth(128);
        assertEquals("W·H·D = 256·256·128 = 8,388,608 values is more than the explorer holds (4,194,304)", m.messageProperty().get());
        assertEquals(1, m.inputDepth());
        m.setInputSize(7);
        m.setKernel(200);
        m.setFilters(4096);
        assertEquals("4096 filters of 200×200×1 = 163,840,000 weights is more than the explorer holds (4,194,304)", m.messageProperty().get());
        assertEquals(1, m.filters());
    }

    @Test
    void aFilterLargerThanTheInputHasNoStepAndSaysWhy() {
        ExplorerModel m = new ExplorerModel();
        m.setKernel(9);
        assertEquals(0, m.walk().steps());
        assertNull(m.step());
        assertTrue(m.walk().problem().orElseThrow().text().contains("larger than the 7×7 input"));
        m.setKernel(3);
        assertEquals(7, m.walk().steps());
    }

    @Test
    void switchingToPoolingKeepsTheWindowAndDropsTheFilters() {
        ExplorerModel m = new ExplorerModel();
        m.setOperation(SlidingWindow.Operation.MAX_POOL);
        assertEquals(new LayerSpec.MaxPool(3, 3, Padding.NONE), m.layer());
        m.setOperation(SlidingWindow.Operation.AVG_POOL);
        assertEquals(SlidingWindow.Operation.AVG_POOL, m.operation());
        m.setOperation(SlidingWindow.Operation.CONVOLUTION);
        assertEquals(LayerSpec.Conv2D.of(1, 3, 3, 0), m.layer());
        m.setFilters(4);
        assertEquals(4, m.walk().maps());
        assertTrue(m.sourceTextProperty().get().contains("whole numbers −1…1"));
    }

    @Test
    void aBlockIsShownOnItsInputShapeAndOnlyConvAndPoolBlocksAreAccepted() {
        ExplorerModel m = new ExplorerModel();
        m.showBlock("conv1", LayerSpec.Conv2D.of(96, 11, 4, 0), new Shape(227, 227, 3));
        assertEquals("(227 − 11 + 2·0)/4 + 1 = 55", m.walk().shapeFormula());
        assertEquals(55 * 55 * 96, m.walk().steps());
        assertEquals("", m.messageProperty().get());
        m.showBlock("big", LayerSpec.MaxPool.of(2, 2), new Shape(512, 512, 3));
        assertTrue(m.messageProperty().get().startsWith("The block's input 512×512×3 is larger than the explorer shows"));
        assertThrows(IllegalArgumentException.class, () -> m.showBlock("fc", LayerSpec.FullyConnected.of(10), new Shape(4, 4, 1)));
    }

    @Test
    void goToOutputJumpsToTheStepThatComputesIt() {
        ExplorerModel m = new ExplorerModel();
        m.showExample(LectureExamples.find("demo").orElseThrow());
        m.goToOutput(1, 2, 2);
        assertEquals(17, m.stepIndex());
        assertEquals(1, m.step().map());
        m.goToOutput(5, 0, 0);
        assertEquals(17, m.stepIndex(), "an output that does not exist is ignored");
    }
}
