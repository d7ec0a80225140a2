package org.convas.visualizer.summary;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class ProblemListTest {

    private ProblemList problems;

    @Start
    void start(Stage stage) {
        problems = new ProblemList();
        stage.setScene(new Scene(problems, 600, 300));
        stage.show();
    }

    /** conv1 cannot fit (error); pool1 is floored in floor mode (warning). */
    private static NetworkReport oneErrorOneWarning() {
        NetworkSpec spec = NetworkSpec.builder("mixed").floorMode(true).input(8, 8, 1)
                .add("pool1", LayerSpec.MaxPool.of(3, 2))
                .add("conv1", LayerSpec.Conv2D.of(4, 5, 1, 0))
                .build();
        return Calculator.analyze(spec);
    }

    @Test
    void errorsComeFirstWithTheirFullTextAndACountInTheHeader(FxRobot robot) {
        NetworkReport report = oneErrorOneWarning();
        assertEquals(1, report.errors().size(), report.problems()::toString);
        assertEquals(1, report.warnings().size(), report.problems()::toString);
        robot.interact(() -> problems.setReport(report));

        assertEquals("Problems: 1 error, 1 warning", robot.lookup("#problem-header").queryAs(Label.class).getText());
        assertEquals(Problem.Severity.ERROR, problems.getProblems().get(0).severity());
        assertEquals("conv1", problems.getProblems().get(0).nodeId());
        String errorText = report.errors().get(0).text();
        // The list makes its cells on the next layout pulse, which may come after the events interact() waited for.
        assertDoesNotThrow(() -> org.testfx.util.WaitForAsyncUtils.waitFor(5, java.util.concurrent.TimeUnit.SECONDS,
                () -> robot.lookup(".problem-text").queryAll().stream().anyMatch(n -> errorText.equals(((Label) n).getText()))),
                "the full text is on show");
        assertTrue(robot.lookup(".icon-error").tryQuery().isPresent());
        assertTrue(robot.lookup(".icon-warning").tryQuery().isPresent());
    }

    @Test
    void selectingAProblemSelectsItsNodeAndAnotherNodeClearsIt(FxRobot robot) {
        robot.interact(() -> problems.setReport(oneErrorOneWarning()));
        @SuppressWarnings("unchecked")
        ListView<Problem> list = (ListView<Problem>) robot.lookup("#problem-items").query();

        robot.interact(() -> list.getSelectionModel().select(1));
        assertEquals("pool1", problems.selectedNodeIdProperty().get());

        robot.interact(() -> problems.selectedNodeIdProperty().set("input"));
        assertTrue(list.getSelectionModel().isEmpty());
    }

    @Test
    void aValidNetworkSaysSo(FxRobot robot) {
        NetworkSpec ok = NetworkSpec.builder("ok").input(8, 8, 1).add("conv1", LayerSpec.Conv2D.of(4, 3, 1, 1)).build();
        robot.interact(() -> problems.setReport(Calculator.analyze(ok)));
        assertEquals("Problems: none", robot.lookup("#problem-header").queryAs(Label.class).getText());
        assertEquals(0, problems.getProblems().size());
    }
}
