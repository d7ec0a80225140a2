package org.convas.app.teach;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.teach.SlidingWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explorer driven as a teacher would: click through the lecture's 7×7 examples step by step and read the numbers
 * on the screen, checked against the calculator and against a dot product computed here from the numbers drawn.
 */
@ExtendWith(ApplicationExtension.class)
class ExplorerViewFxTest {

    private ExplorerModel vm;
    private ExplorerView view;

    @Start
    void start(Stage stage) {
        vm = new ExplorerModel();
        view = new ExplorerView(vm);
        stage.setScene(new Scene(view, 1270, 790));
        stage.show();
    }

    private static String text(FxRobot robot, String id) {
        Node n = robot.lookup(id).query();
        return n instanceof Label l ? l.getText() : ((Text) n).getText();
    }

    private static Optional<String> cell(FxRobot robot, String id) {
        return robot.lookup("#" + id).tryQuery().map(n -> ((Text) n).getText());
    }

    /** "−3" → −3. */
    private static double parse(String s) {
        return Double.parseDouble(s.replace('−', '-'));
    }

    /** The calculator's report of the layer on a 7×7×1 input: the oracle for formulas and messages. */
    private static LayerReport calculator(LayerSpec layer) {
        return Calculator.analyze(NetworkSpec.builder("t").input(7, 7, 1).add("layer", layer).build()).layer("layer");
    }

    private void choose(FxRobot robot, String title) {
        robot.clickOn(title);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void opensOnTheLecturesStrideThreeExampleWithTheCalculatorsFormula(FxRobot robot) {
        assertEquals("7×7 input, 3×3 filter, stride 3: does not fit (2.33)", text(robot, "#teach-title"));
        LayerReport oracle = calculator(LayerSpec.Conv2D.of(1, 3, 3, 0));
        assertEquals("Output: " + oracle.shapeFormula(), text(robot, "#teach-formula"));
        assertTrue(text(robot, "#teach-problem").startsWith(oracle.problems().get(0).text()), text(robot, "#teach-problem"));
        assertTrue(text(robot, "#teach-problem").contains("2.33"));
        assertEquals("Step 1 of 7 · output 0, row 0, column 0", text(robot, "#teach-counter"));
    }

    @Test
    void steppingThroughStrideOneShowsEachDotProductWithTheNumbersOnScreen(FxRobot robot) {
        choose(robot, "7×7 input, 3×3 filter, stride 1 → 5×5");
        LayerReport oracle = calculator(LayerSpec.Conv2D.of(1, 3, 1, 0));
        assertEquals("Output: " + oracle.shapeFormula() + "  →  " + oracle.output(), text(robot, "#teach-formula"));
        double bias = parse(text(robot, "#teach-bias").replace("bias b0 = ", ""));
        for (int i = 0; i < 25; i++) {
            int row = i / 5, col = i % 5;
            // The dot product of the 3×3 input numbers drawn under the window with the filter's numbers, plus the bias.
            double hand = bias;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double x = parse(cell(robot, "in-0-" + (row + r) + "-" + (col + c)).orElseThrow());
                    double w = parse(cell(robot, "w-0-0-" + r + "-" + c).orElseThrow());
                    hand += x * w;
                }
            }
            assertEquals(hand, parse(cell(robot, "out-0-" + row + "-" + col).orElseThrow()), 1e-9, "output " + row + "," + col);
            String[] lines = text(robot, "#teach-step-text").split("\n");
            assertTrue(lines[1].endsWith(" = " + SlidingWindow.number(hand)), lines[1]);
            assertTrue(lines[1].startsWith("out[0][" + row + "][" + col + "] = "), lines[1]);
            // Values not reached yet are blank.
            if (i < 24) assertTrue(cell(robot, "out-0-" + ((i + 1) / 5) + "-" + ((i + 1) % 5)).isEmpty());
            Rectangle window = robot.lookup("#teach-window").queryAs(Rectangle.class);
            assertEquals(Color.web("#1f6fd1"), window.getStroke());
            // The Step button for the first windows, then the → key (the explorer's shortcut) for the rest.
            if (i < 3) robot.clickOn("#teach-step");
            else if (i < 24) robot.type(javafx.scene.input.KeyCode.RIGHT);
        }
        // Worked by hand from the example (a bar 1 3 1 on 0s, edge filter 1 0 −1, bias 1): window at row 0, columns 3–5
        // covers 3 1 0 / 3 1 0 / 3 2 1 → 3 + 3 + (3 − 1) = 8, + 1 = 9.
        assertEquals("9", cell(robot, "out-0-0-3").orElseThrow());
        assertEquals("Step 25 of 25 · output 0, row 4, column 4", text(robot, "#teach-counter"));
        robot.clickOn("#teach-back");
        assertEquals("Step 24 of 25 · output 0, row 4, column 3", text(robot, "#teach-counter"));
        assertTrue(cell(robot, "out-0-4-4").isEmpty());
    }

    @Test
    void strideThreeShowsTheWindowThatFallsOffTheEdgeInRed(FxRobot robot) {
        robot.clickOn("#teach-step").clickOn("#teach-step");
        assertEquals("Step 3 of 7 · this window does not fit", text(robot, "#teach-counter"));
        String[] lines = text(robot, "#teach-step-text").split("\n");
        assertEquals("The next window would cover columns 6–8, but the input ends at column 6: 2 columns would fall off the edge.", lines[0]);
        assertEquals(calculator(LayerSpec.Conv2D.of(1, 3, 3, 0)).problems().get(0).text(), lines[1]);
        Rectangle window = robot.lookup("#teach-window").queryAs(Rectangle.class);
        assertEquals(Color.web("#d62828"), window.getStroke());
        assertEquals("✗", cell(robot, "out-off").orElseThrow());
        // The two windows of the first row that fit, computed by hand: columns 0–2 → −3, columns 3–5 → 9.
        assertEquals("−3", cell(robot, "out-0-0-0").orElseThrow());
        assertEquals("9", cell(robot, "out-0-0-1").orElseThrow());
        robot.clickOn("#teach-step").clickOn("#teach-step").clickOn("#teach-step").clickOn("#teach-step");
        assertTrue(text(robot, "#teach-step-text").startsWith("The next row of windows would cover rows 6–8"));
    }

    @Test
    void strideAndPaddingChangeLiveAndTheFormulaFollowsTheCalculator(FxRobot robot) {
        robot.clickOn("#teach-step");
        robot.interact(() -> robot.lookup("#teach-s").<Spinner<Integer>>query().getValueFactory().setValue(2));
        assertEquals("Output: " + calculator(LayerSpec.Conv2D.of(1, 3, 2, 0)).shapeFormula() + "  →  3×3×1", text(robot, "#teach-formula"));
        assertFalse(robot.lookup("#teach-problem").query().isVisible());
        assertEquals("Step 2 of 9 · output 0, row 0, column 1", text(robot, "#teach-counter"));
        robot.interact(() -> robot.lookup("#teach-p").<Spinner<Integer>>query().getValueFactory().setValue(1));
        assertEquals("Output: (7 − 3 + 2·1)/2 + 1 = 4  →  4×4×1", text(robot, "#teach-formula"));
        assertEquals(calculator(LayerSpec.Conv2D.of(1, 3, 2, 1)).shapeFormula(), "(7 − 3 + 2·1)/2 + 1 = 4");
        // Padding is drawn as zeros: the window at output (0, 1) starts at row −1, column 1.
        String[] lines = text(robot, "#teach-step-text").split("\n");
        assertTrue(lines[0].startsWith("0·1 + 0·0 + 0·(−1) + "), lines[0]);
        assertTrue(text(robot, "#teach-title").endsWith("(edited from the example)"), text(robot, "#teach-title"));
    }

    @Test
    void playRunsTheAnimationAndPauseStopsIt(FxRobot robot) throws Exception {
        choose(robot, "7×7 input, 3×3 filter, stride 1 → 5×5");
        robot.interact(() -> vm.speedProperty().set(10));
        robot.clickOn("#teach-play");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> vm.stepIndex() >= 3);
        robot.clickOn("#teach-play");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.playingProperty().get());
        int at = vm.stepIndex();
        Thread.sleep(400);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(at, vm.stepIndex(), "paused");
        assertEquals("Play", robot.lookup("#teach-play").queryButton().getText());
    }

    @Test
    void maxPoolingMarksTheWinnerAndGivesTheSlidesNumbers(FxRobot robot) {
        choose(robot, "Max pooling 2×2, stride 2: 4×4 → 2×2");
        assertEquals("max(1, 1, 5, 6) = 6", text(robot, "#teach-step-text").split("\n")[0]);
        assertTrue(robot.lookup("#teach-winner").tryQuery().isPresent());
        for (int i = 0; i < 3; i++) robot.clickOn("#teach-step");
        assertEquals("6", cell(robot, "out-0-0-0").orElseThrow());
        assertEquals("8", cell(robot, "out-0-0-1").orElseThrow());
        assertEquals("3", cell(robot, "out-0-1-0").orElseThrow());
        assertEquals("4", cell(robot, "out-0-1-1").orElseThrow());
    }

    @Test
    void aOneByOneConvolutionIsADotProductAlongTheDepthColumn(FxRobot robot) {
        choose(robot, "1×1 convolution across depth: 4×4×4 → 4×4×2");
        robot.clickOn("#teach-step");
        // Output (0, 0, 1): the depth column at row 0, column 1, read off the four channel grids.
        double hand = parse(text(robot, "#teach-bias").replace("bias b0 = ", ""));
        for (int d = 0; d < 4; d++) {
            hand += parse(cell(robot, "in-" + d + "-0-1").orElseThrow()) * parse(cell(robot, "w-0-" + d + "-0-0").orElseThrow());
        }
        assertEquals(hand, parse(cell(robot, "out-0-0-1").orElseThrow()), 1e-9);
        assertTrue(text(robot, "#teach-step-text").startsWith("depth column at row 0, column 1: "));
    }

    @Test
    void clickingAnOutputValueShowsHowItWasComputed(FxRobot robot) {
        choose(robot, "5×5×3 input, two 3×3×3 filters, stride 2, pad 1 (CS231n demo)");
        robot.interact(() -> vm.goTo(vm.walk().steps() - 1));
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitForFxEvents();
        // The output sits below the input in this window: scroll the drawing to it, as a user would.
        javafx.scene.control.ScrollPane scroll = robot.lookup(n -> n instanceof javafx.scene.control.ScrollPane sp
                && sp.getContent() != null && "teach-drawing".equals(sp.getContent().getId())).query();
        robot.interact(() -> scroll.setVvalue(1));
        robot.clickOn("#out-0-1-1-box");
        assertEquals("Step 5 of 18 · output 0, row 1, column 1", text(robot, "#teach-counter"));
        String[] lines = text(robot, "#teach-step-text").split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("channel 0: "));
        assertTrue(lines[3].contains(" + bias 1 = "), lines[3]);
    }

    @Test
    void aLoadedImageBecomesTheInputAndABadFileIsExplained(FxRobot robot, @TempDir Path dir) throws IOException {
        Path bmp = dir.resolve("gradient.bmp");
        Files.write(bmp, greyBmp(16, 16));
        view.setImageChooser(bmp::toFile);
        robot.clickOn("#teach-load-image");
        assertEquals(16, vm.inputWidth());
        assertTrue(text(robot, "#teach-source").startsWith("Input: gradient.bmp, resampled to 16×16 grey, values 0–1."));
        // Pixel (row 2, column 5) of the file is 5·16 = 80 → 80/255 = 0.31.
        assertEquals("0.31", cell(robot, "in-0-2-5").orElseThrow());
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not a picture");
        view.setImageChooser(text::toFile);
        robot.clickOn("#teach-load-image");
        assertTrue(text(robot, "#teach-message").startsWith("notes.png is not an image Convas can read"), text(robot, "#teach-message"));
        assertEquals("Image gradient.bmp", text(robot, "#teach-title"), "the image stays");
    }

    /** A 24-bit BMP whose pixel (x, y) is grey 16·x. */
    static byte[] greyBmp(int w, int h) {
        int row = (w * 3 + 3) / 4 * 4;
        int size = 54 + row * h;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(54);
        b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24).putInt(0).putInt(row * h)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        for (int y = h - 1; y >= 0; y--) {
            int start = b.position();
            for (int x = 0; x < w; x++) {
                byte v = (byte) Math.min(255, 16 * x);
                b.put(v).put(v).put(v);
            }
            while (b.position() - start < row) b.put((byte) 0);
        }
        return b.array();
    }
}
