package org.convas.app.designer;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Position;
import org.convas.samples.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17's designer flows, driven through the real window: fixes, names, placement, problems, large networks. */
@ExtendWith(ApplicationExtension.class)
class DesignerPolishFxTest {

    @TempDir
    static Path temp;
    private static int run;

    private DesignerView view;
    private DesignerViewModel vm;

    @Start
    void start(Stage stage) throws Exception {
        Path home = Files.createDirectories(temp.resolve("home" + (++run)));
        view = DesignerView.create(new DocumentModel(home));
        vm = view.viewModel();
        stage.setScene(new Scene(view, 1280, 800));
        view.attachTo(stage);
        stage.show();
    }

    @AfterEach
    void stop() {
        vm.close(false);
    }

    private void load(FxRobot robot, NetworkSpec spec) {
        robot.interact(() -> vm.newFrom(spec));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void assertNoOverlap() {
        List<Map.Entry<String, Position>> all = List.copyOf(vm.spec().layout().entrySet());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Position a = all.get(i).getValue();
                Position b = all.get(j).getValue();
                assertFalse(Math.abs(a.x() - b.x()) < AutoLayout.BLOCK_WIDTH && Math.abs(a.y() - b.y()) < AutoLayout.BLOCK_HEIGHT,
                        all.get(i).getKey() + " covers " + all.get(j).getKey());
            }
        }
    }

    @Test
    void aVerifiedFixIsAppliedWithOneClickAndUndoneWithCtrlZ(FxRobot robot) {
        NetworkSpec s = NetworkSpec.builder("t").input(16, 16, 1).add("conv1", LayerSpec.Conv2D.of(2, 17, 3, 0))
                .add("relu1", new LayerSpec.ReLU()).build();
        load(robot, s);
        robot.clickOn("#block-conv1");
        Button first = robot.lookup("#fix-0").queryAs(Button.class);
        assertEquals("Apply: padding 2", first.getText());
        robot.clickOn(first);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.report().isValid(), vm.report().problems()::toString);
        assertEquals("2×2×2", vm.report().layer("conv1").output().toString()); // (16 − 17 + 4)/3 + 1 = 2
        assertTrue(robot.lookup("#fix-0").tryQuery().isEmpty(), "nothing left to fix");
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(s.nodes(), vm.spec().nodes());
    }

    @Test
    void floorModeIsANetworkSettingInTheInspector(FxRobot robot) {
        load(robot, NetworkSpec.builder("t").input(32, 32, 3).add("conv1", LayerSpec.Conv2D.of(4, 3, 2, 0)).build());
        assertFalse(vm.report().isValid());
        robot.interact(vm::clearSelection);
        WaitForAsyncUtils.waitForFxEvents();
        CheckBox floor = robot.lookup("#floor-mode").queryAs(CheckBox.class);
        assertFalse(floor.isSelected());
        robot.clickOn(floor);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.spec().floorMode());
        assertTrue(vm.report().isValid(), "floored to 15×15 with a warning");
        assertEquals("15×15×4", vm.report().layer("conv1").output().toString());
    }

    @Test
    void blocksAndTheNetworkAreRenamedInTheInspectorAndTakenNamesAreRefused(FxRobot robot) {
        load(robot, NetworkSpec.builder("t").input(8, 8, 1).add("conv1", LayerSpec.Conv2D.of(4, 3, 1, 1))
                .add("relu1", new LayerSpec.ReLU()).build());
        robot.clickOn("#block-conv1");
        TextField name = robot.lookup("#block-name").queryAs(TextField.class);
        robot.doubleClickOn(name).eraseText(5).write("edges").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.spec().contains("edges"));
        assertEquals(List.of("edges"), vm.spec().node("relu1").inputs());
        assertTrue(robot.lookup("#block-edges").tryQuery().isPresent());
        robot.doubleClickOn(name).eraseText(5).write("relu1").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.spec().contains("edges"), "a taken name is refused");
        assertTrue(robot.lookup("#inspector-error").queryAs(Label.class).getText().contains("already named \"relu1\""));

        robot.interact(vm::clearSelection);
        WaitForAsyncUtils.waitForFxEvents();
        TextField network = robot.lookup("#network-name").queryAs(TextField.class);
        robot.doubleClickOn(network).eraseText(1).write("Edge finder").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Edge finder", vm.spec().name());
    }

    @Test
    void aBlockDroppedOnABranchWireLandsOnThatWireNotOnTheNeighbouringBranch(FxRobot robot) {
        load(robot, NetworkSpec.builder("branches").input(8, 8, 3)
                .add("left", LayerSpec.Conv2D.of(4, 1, 1, 0), "input").add("right", LayerSpec.Conv2D.of(4, 3, 1, 1), "input")
                .add("cat", new LayerSpec.Concat(), "left", "right").build());
        // Just above "right", on its wire from the input.
        Point2D onWire = robot.point("#block-right").atPosition(Pos.TOP_CENTER).atOffset(new Point2D(0, -14)).query();
        robot.drag("#palette-ReLU", MouseButton.PRIMARY).moveTo(onWire).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.spec().contains("relu1"), vm.spec().nodes()::toString);
        assertEquals(List.of("relu1"), vm.spec().node("right").inputs());
        assertNoOverlap();
        robot.clickOn("#block-relu1");
        for (int i = 0; i < 2; i++) robot.press(KeyCode.CONTROL, KeyCode.D).release(KeyCode.D, KeyCode.CONTROL);
        robot.press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        robot.press(KeyCode.CONTROL, KeyCode.V).release(KeyCode.V, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(8, vm.spec().size());
        assertNoOverlap();
    }

    @Test
    void deletingOneWireGivesOneErrorAndTheBlocksBelowWait(FxRobot robot) {
        load(robot, Presets.find("lenet5").orElseThrow().spec());
        robot.interact(() -> vm.disconnect("conv1", "relu1"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, vm.report().errors().size(), vm.report().problems()::toString);
        assertTrue(vm.report().errors().get(0).text().startsWith("not connected: ReLU has no input; the 11 blocks below it (pool1, conv2 … softmax)"),
                vm.report().errors().get(0).text());
        assertTrue(robot.lookup("#designer-totals").queryAs(Label.class).getText().endsWith("1 error"));
    }

    @Test
    void f1ShowsTheKeyboardShortcuts(FxRobot robot) {
        robot.clickOn("#designer-canvas");
        robot.type(KeyCode.F1);
        WaitForAsyncUtils.waitForFxEvents();
        DialogPane d = robot.lookup("#shortcuts").queryAs(DialogPane.class);
        assertTrue(d.getContentText().contains("Ctrl+Z"), d.getContentText());
        assertTrue(d.getContentText().contains("F2"));
        robot.interact(() -> d.getScene().getWindow().hide());
    }

    @Test
    void fitShowsAllOfResNet50AndGoogLeNet(FxRobot robot) {
        for (String preset : List.of("resnet50", "googlenet")) {
            load(robot, Presets.find(preset).orElseThrow().spec());
            robot.clickOn("#tool-fit");
            WaitForAsyncUtils.waitForFxEvents();
            DesignerCanvas canvas = view.canvas();
            Bounds area = canvas.localToScene(canvas.getLayoutBounds());
            for (var n : vm.spec().nodes()) {
                Bounds b = canvas.block(n.id()).localToScene(canvas.block(n.id()).getLayoutBounds());
                assertTrue(area.contains(b.getMinX(), b.getMinY()) && area.contains(b.getMaxX(), b.getMaxY()),
                        preset + ": " + n.id() + " at " + b + " is outside the canvas " + area);
            }
        }
    }

    @Test
    void modulesFoldIntoOneBlockAndUnfoldWithADoubleClick(FxRobot robot) {
        load(robot, Presets.find("resnet50").orElseThrow().spec());
        DesignerCanvas canvas = view.canvas();
        robot.interact(() -> canvas.setAllCollapsed(true));
        WaitForAsyncUtils.waitForFxEvents();
        List<Modules.Module> modules = canvas.modules();
        assertEquals(16, modules.size());
        Modules.Module first = modules.get(0);
        assertNotNull(canvas.moduleBlock(first.id()));
        assertTrue(robot.lookup("#block-" + first.members().get(0)).tryQuery().isEmpty(), "its blocks are folded away");
        String title = robot.from(canvas.moduleBlock(first.id())).lookup(".block-title").queryAs(Label.class).getText();
        assertEquals("Residual block (" + first.members().size() + ")", title);
        // Folded, ResNet-50 fits at a zoom where text is still drawn large enough to see.
        assertTrue(canvas.zoom() > 0.1, "zoom " + canvas.zoom());

        // Dragging a folded module moves all its blocks, in one undo step.
        Position before = vm.spec().layout().get(first.members().get(0));
        robot.interact(() -> canvas.reveal(first.id()));
        robot.drag(canvas.moduleBlock(first.id()), MouseButton.PRIMARY).moveBy(60, 0).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        Position after = vm.spec().layout().get(first.members().get(0));
        assertEquals(before.y(), after.y(), 1);
        assertTrue(after.x() > before.x() + 20, before + " → " + after);
        assertEquals(1, vm.history().undoSize());

        robot.doubleClickOn(canvas.moduleBlock(first.id()));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(canvas.isCollapsed(first.id()));
        assertTrue(robot.lookup("#block-" + first.members().get(0)).tryQuery().isPresent());
    }

    @Test
    void theOverviewShowsTheViewAndAClickThereMovesIt(FxRobot robot) {
        load(robot, Presets.find("resnet50").orElseThrow().spec());
        DesignerCanvas canvas = view.canvas();
        DesignerCanvas.Overview overview = canvas.overview();
        assertTrue(overview.isVisible());
        var before = overview.viewRectangle();
        assertTrue(before.getHeight() < DesignerCanvas.Overview.HEIGHT / 2, "the view is a small part of ResNet-50: " + before);
        robot.clickOn(robot.point(overview).atPosition(Pos.BOTTOM_CENTER).atOffset(new Point2D(0, -8)));
        WaitForAsyncUtils.waitForFxEvents();
        var after = overview.viewRectangle();
        assertTrue(after.getMinY() > before.getMinY() + 50, before + " → " + after);
        robot.press(KeyCode.CONTROL, KeyCode.M).release(KeyCode.M, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(overview.isVisible());
        robot.press(KeyCode.CONTROL, KeyCode.M).release(KeyCode.M, KeyCode.CONTROL);
        // A network that is wholly in view needs no map: the corner stays free for clicks on the canvas.
        load(robot, Presets.find("lenet5").orElseThrow().spec());
        robot.clickOn("#tool-fit");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(overview.isVisible());
        assertTrue(overview.isMouseTransparent());
    }
}
