package org.convas.app;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
import org.convas.samples.Preset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application as it starts from the command line with no arguments. */
@ExtendWith(ApplicationExtension.class)
class ConvasAppTest {

    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        new ConvasApp().start(stage);
    }

    @Test
    void opensOnLeNet5WithConv1sRow(FxRobot robot) {
        assertEquals("LeNet-5 — Convas", stage.getTitle());
        Set<String> conv1Row = robot.lookup(".table-row-cell").queryAll().stream()
                .filter(row -> robot.from(row).lookup(".layer-id").tryQuery()
                        .map(id -> "conv1".equals(((Labeled) id).getText())).orElse(false))
                .flatMap(row -> robot.from(row).lookup(".table-cell").queryAll().stream())
                .map(cell -> ((Labeled) cell).getText()).filter(t -> t != null)
                .collect(Collectors.toSet());
        assertTrue(conv1Row.contains("28×28×6"), conv1Row::toString);
        assertTrue(conv1Row.contains("156"), conv1Row::toString);
        assertTrue(conv1Row.contains("(5·5·1 + 1)·6 = 156"), conv1Row::toString);
        @SuppressWarnings("unchecked")
        ComboBox<Preset> chooser = robot.lookup("#preset-chooser").queryAs(ComboBox.class);
        assertEquals("LeNet-5", chooser.getButtonCell().getText());
    }
}
