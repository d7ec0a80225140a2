package org.convas.app.training;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.convas.app.MainViewModel;
import org.convas.app.MainWindow;
import org.convas.app.cli.NetworkSource;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Train tab on a 1024×768 screen: the settings, the charts with the filters, and the views all stay usable. */
@ExtendWith(ApplicationExtension.class)
class TrainingWorkspaceLayoutTest {

    private TrainingViewModel vm;

    @Start
    void start(Stage stage) {
        Preset lenet = Presets.find("lenet5").orElseThrow();
        MainViewModel main = new MainViewModel(Presets.all(), new NetworkSource(lenet.spec(), lenet, null));
        MainWindow window = new MainWindow(main);
        vm = TrainingViewModel.forWindow(main.specProperty(), main::setSpec, null);
        window.setTrainingView(new TrainingWorkspace(vm));
        window.showTraining();
        stage.setScene(new Scene(window, 1024, 768));
        stage.show();
    }

    @AfterEach
    void shutDown() {
        vm.shutdown();
    }

    @Test
    void atTenTwentyFourBySevenSixtyEightNoPaneCollapses(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        Node form = robot.lookup("#training-settings").query();
        Node charts = robot.lookup("#training-charts").query();
        Node views = robot.lookup("#training-views").query();
        double f = form.getLayoutBounds().getWidth(), c = charts.getLayoutBounds().getWidth(), v = views.getLayoutBounds().getWidth();
        assertTrue(f >= 280, "settings " + f);
        assertTrue(c >= 290, "charts " + c);
        assertTrue(v >= 290, "inspection views " + v);
        assertTrue(charts.getLayoutBounds().getHeight() >= 160, "charts height " + charts.getLayoutBounds().getHeight());
        assertTrue(f + c + v <= 1024 + 1, f + " + " + c + " + " + v);
        // The maps themselves, between the input column and the edge (a third column once left them about 30 px).
        Node maps = robot.lookup("#activation-maps").query();
        assertTrue(maps.getLayoutBounds().getWidth() >= 0.25 * v, "activation maps " + maps.getLayoutBounds().getWidth() + " of " + v);
    }
}
