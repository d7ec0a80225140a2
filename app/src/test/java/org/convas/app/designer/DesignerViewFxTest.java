package org.convas.app.designer;

import javafx.css.PseudoClass;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Position;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flows a person follows, driven through the real window (headless on Monocle in the build). */
@ExtendWith(ApplicationExtension.class)
class DesignerViewFxTest {

    @TempDir
    static Path temp;
    private static int run;

    private DesignerView view;
    private DesignerViewModel vm;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
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

    private static NetworkSpec sevenBySeven() {
        return NetworkSpec.builder("tiny").input(7, 7, 1)
                .add("conv1", LayerSpec.Conv2D.of(4, 3, 1, 0)).add("relu1", new LayerSpec.ReLU())
                .add("fc1", LayerSpec.FullyConnected.of(10)).build();
    }

    private void load(FxRobot robot, NetworkSpec spec) {
        robot.interact(() -> vm.newFrom(spec));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static boolean has(javafx.scene.Node n, String pseudo) {
        return n.getPseudoClassStates().contains(PseudoClass.getPseudoClass(pseudo));
    }

    private static String shape(FxRobot robot, String id) {
        return robot.lookup("#shape-" + id).queryAs(Label.class).getText();
    }

    @Test
    void dragConvFromThePaletteJustBelowTheInputShowsItsShape(FxRobot robot) {
        // A blank document: Input 32×32×3.
        Point2D belowInput = robot.point("#block-input").atPosition(Pos.BOTTOM_CENTER).atOffset(new Point2D(0, 24)).query();
        robot.drag("#palette-Conv", MouseButton.PRIMARY).moveTo(belowInput).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(vm.spec().contains("conv2d1"), vm.spec().nodes().toString());
        assertEquals(List.of("input"), vm.spec().node("conv2d1").inputs());
        // 3×3, stride 1, padding 1 keeps 32×32; 16 filters: (3·3·3 + 1)·16 = 448 parameters.
        assertEquals("32×32×16", shape(robot, "conv2d1"));
        assertEquals("448 params", robot.lookup("#block-conv2d1 .block-params").queryAs(Label.class).getText());
        assertTrue(stage.getTitle().startsWith("*"), stage.getTitle());

        // The drop is one undo step.
        robot.clickOn("#block-input");
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.spec().contains("conv2d1"));
        assertTrue(robot.lookup("#block-conv2d1").tryQuery().isEmpty());
    }

    @Test
    void strideThreeOnSevenBySevenTurnsTheBlockRedWithItsMessageAndUndoFixesEverything(FxRobot robot) {
        load(robot, sevenBySeven());
        assertEquals("5×5×4", shape(robot, "conv1"));
        robot.clickOn("#block-conv1");
        TextField stride = robot.lookup("#field-stride").queryAs(TextField.class);
        assertEquals("1", stride.getText());
        robot.doubleClickOn(stride).write("3");
        WaitForAsyncUtils.waitForFxEvents();

        var conv = robot.lookup("#block-conv1").queryAs(BlockView.class);
        assertTrue(has(conv, "error"), "the block is red");
        assertTrue(conv.tooltip().getText().startsWith("(7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at stride 3 does not fit a 7×7 input"),
                conv.tooltip().getText());
        assertTrue(conv.tooltip().getText().endsWith("; padding 1, stride 2, same padding or floor mode (a network setting) would fit"), conv.tooltip().getText());
        String details = robot.lookup("#inspector-details").queryAs(Label.class).getText();
        assertTrue(details.contains("does not fit a 7×7 input"), details);
        assertEquals("?×?×?", shape(robot, "relu1"), "downstream shapes are unknown, not wrong");
        assertEquals("?×?×?", shape(robot, "fc1"));

        robot.clickOn("#block-conv1");
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(has(conv, "error"));
        assertEquals("5×5×4", shape(robot, "conv1"));
        assertEquals("5×5×4", shape(robot, "relu1"));
        assertEquals("1×1×10", shape(robot, "fc1"));
        assertEquals("1", robot.lookup("#field-stride").queryAs(TextField.class).getText(), "the inspector shows the undone value");
        assertTrue(vm.report().isValid());
    }

    @Test
    void textThatDoesNotParseShowsAnErrorAndLeavesTheNetwork(FxRobot robot) {
        load(robot, sevenBySeven());
        robot.clickOn("#block-conv1");
        NetworkSpec before = vm.spec();
        robot.doubleClickOn("#field-padding").write("wide");
        WaitForAsyncUtils.waitForFxEvents();
        Label error = robot.lookup("#inspector-error").queryAs(Label.class);
        assertTrue(error.isVisible());
        assertTrue(error.getText().startsWith("padding must be \"same\", \"valid\""), error.getText());
        assertEquals(before.node("conv1"), vm.spec().node("conv1"));
    }

    @Test
    void buildsASmallResidualBlockByConnectingPorts(FxRobot robot) {
        load(robot, NetworkSpec.builder("residual").input(8, 8, 16).build());
        robot.clickOn("#block-input");
        for (String block : List.of("Conv", "ReLU", "Conv", "Add")) robot.doubleClickOn("#palette-" + block);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("conv2d2"), vm.spec().node("add1").inputs());

        robot.drag("#out-input", MouseButton.PRIMARY).moveTo("#block-add1").release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(List.of("conv2d2", "input"), vm.spec().node("add1").inputs());
        assertEquals("8×8×16", shape(robot, "add1"));
        assertTrue(vm.report().isValid(), vm.report().problems().toString());
        assertTrue(robot.lookup("#wire-input-add1").tryQuery().isPresent(), "the skip connection is drawn");
    }

    @Test
    void savesReopensAndGetsTheSameNetwork(FxRobot robot) throws Exception {
        load(robot, sevenBySeven());
        robot.clickOn("#block-relu1");
        robot.doubleClickOn("#palette-Dropout");
        WaitForAsyncUtils.waitForFxEvents();
        NetworkSpec edited = vm.spec();
        Path file = temp.resolve("saved-" + run + DocumentModel.EXTENSION);
        view.setFileDialogs(new DesignerView.FileDialogs() {
            public Path open(javafx.stage.Window owner, String title, javafx.stage.FileChooser.ExtensionFilter f) { return file; }
            public Path save(javafx.stage.Window owner, String title, String name, javafx.stage.FileChooser.ExtensionFilter f) { return file; }
        });
        robot.clickOn("#block-conv1");
        robot.press(KeyCode.CONTROL, KeyCode.S).release(KeyCode.S, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(Files.exists(file));
        assertEquals(edited, NetworkJson.read(file));
        assertEquals("saved-" + run + " — Convas", stage.getTitle());

        robot.press(KeyCode.CONTROL, KeyCode.N).release(KeyCode.N, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, vm.spec().size());
        robot.press(KeyCode.CONTROL, KeyCode.O).release(KeyCode.O, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(edited, vm.spec());
        assertFalse(vm.isDirty());
        assertEquals(List.of(file), vm.recentFiles());
        assertTrue(robot.lookup("#block-dropout1").tryQuery().isPresent());
    }

    @Test
    void closingUnsavedWorkAsksAndCancelKeepsIt(FxRobot robot) {
        robot.doubleClickOn("#palette-ReLU");
        WaitForAsyncUtils.waitForFxEvents();
        String[] asked = new String[1];
        view.setUnsavedPrompt(name -> {
            asked[0] = name;
            return DesignerView.UnsavedChoice.CANCEL;
        });
        boolean[] closed = new boolean[1];
        robot.interact(() -> closed[0] = view.confirmClose());
        assertFalse(closed[0]);
        assertEquals("Untitled", asked[0]);
        view.setUnsavedPrompt(name -> DesignerView.UnsavedChoice.DISCARD);
        robot.interact(() -> closed[0] = view.confirmClose());
        assertTrue(closed[0]);
    }

    @Test
    void dropOnAConnectionInsertsIntoItAndDeleteRemovesTheSelection(FxRobot robot) {
        load(robot, sevenBySeven());
        Point2D onWire = robot.point("#block-conv1").atPosition(Pos.BOTTOM_CENTER).atOffset(new Point2D(0, 16)).query();
        robot.drag("#palette-BatchNorm", MouseButton.PRIMARY).moveTo(onWire).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("conv1"), vm.spec().node("batchnorm1").inputs());
        assertEquals(List.of("batchnorm1"), vm.spec().node("relu1").inputs());
        assertEquals("5×5×4", shape(robot, "batchnorm1"));

        robot.clickOn("#block-batchnorm1");
        robot.type(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.spec().contains("batchnorm1"));
        assertEquals(List.of("conv1"), vm.spec().node("relu1").inputs());
    }

    @Test
    void exportsTheCanvasAsPng(FxRobot robot) throws Exception {
        load(robot, sevenBySeven());
        Path png = temp.resolve("canvas-" + run + ".png");
        boolean[] ok = new boolean[1];
        robot.interact(() -> ok[0] = view.writePng(png));
        assertTrue(ok[0]);
        var image = javax.imageio.ImageIO.read(png.toFile());
        // Four blocks in one column: one block wide plus margins, four rows tall.
        assertTrue(image.getWidth() >= AutoLayout.BLOCK_WIDTH && image.getWidth() < 2 * AutoLayout.BLOCK_WIDTH, "width " + image.getWidth());
        assertTrue(image.getHeight() >= 3 * AutoLayout.ROW_SPACING + AutoLayout.BLOCK_HEIGHT, "height " + image.getHeight());
        // 2× and 3× are the same picture with twice and three times the pixels.
        for (int scale : new int[] {2, 3}) {
            Path big = temp.resolve("canvas-" + run + "@" + scale + "x.png");
            int k = scale;
            robot.interact(() -> ok[0] = view.writePng(big, k));
            assertTrue(ok[0]);
            var bigImage = javax.imageio.ImageIO.read(big.toFile());
            assertEquals(image.getWidth() * scale, bigImage.getWidth(), 2.0);
            assertEquals(image.getHeight() * scale, bigImage.getHeight(), 2.0);
        }
    }

    @Test
    void rubberBandSelectsTwoBlocksAndOneDragMovesBothInOneUndoStep(FxRobot robot) {
        load(robot, sevenBySeven());
        NetworkSpec before = vm.spec();
        Point2D from = robot.point("#block-conv1").atPosition(Pos.TOP_LEFT).atOffset(new Point2D(-30, -20)).query();
        Point2D to = robot.point("#block-relu1").atPosition(Pos.BOTTOM_RIGHT).atOffset(new Point2D(30, 10)).query();
        robot.moveTo(from).press(KeyCode.SHIFT).press(MouseButton.PRIMARY).moveTo(to).release(MouseButton.PRIMARY).release(KeyCode.SHIFT);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(java.util.Set.of("conv1", "relu1"), vm.selection());

        Position conv = vm.spec().layout().get("conv1");
        Position relu = vm.spec().layout().get("relu1");
        robot.drag("#block-conv1", MouseButton.PRIMARY).moveBy(60, 10).moveBy(60, 10).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        Position conv2 = vm.spec().layout().get("conv1");
        Position relu2 = vm.spec().layout().get("relu1");
        assertEquals(conv2.x() - conv.x(), relu2.x() - relu.x(), 2.5, "both moved by the same amount");
        assertTrue(conv2.x() - conv.x() > 60, "moved right: " + conv + " → " + conv2);
        assertEquals(1, vm.history().undoSize(), "one drag is one undo step");

        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(before, vm.spec());
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.Z).release(KeyCode.Z, KeyCode.SHIFT, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(conv2, vm.spec().layout().get("conv1"), "Ctrl+Shift+Z redoes");
    }

    @Test
    void clickingAWireAndPressingDeleteDisconnectsAndCtrlYRedoes(FxRobot robot) {
        load(robot, sevenBySeven());
        Point2D onWire = robot.point("#block-relu1").atPosition(Pos.BOTTOM_CENTER).atOffset(new Point2D(0, 16)).query();
        robot.clickOn(onWire);
        robot.type(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), vm.spec().node("fc1").inputs());
        assertEquals("?×?×?", shape(robot, "fc1"));
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("relu1"), vm.spec().node("fc1").inputs());
        robot.press(KeyCode.CONTROL, KeyCode.Y).release(KeyCode.Y, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), vm.spec().node("fc1").inputs());
    }

    @Test
    void copyPasteAndDuplicateWithTheKeyboard(FxRobot robot) {
        load(robot, sevenBySeven());
        robot.clickOn("#block-fc1");
        robot.press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        robot.press(KeyCode.CONTROL, KeyCode.V).release(KeyCode.V, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.spec().contains("fc2"));
        assertEquals(java.util.Set.of("fc2"), vm.selection(), "the pasted block is selected");
        robot.press(KeyCode.CONTROL, KeyCode.D).release(KeyCode.D, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.spec().contains("fc3"));
        robot.press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(6, vm.selection().size());
    }

    @Test
    void unsavedWorkOfACrashedSessionIsOfferedAndRecovered(FxRobot robot) throws Exception {
        DocumentModel crashed = new DocumentModel(vm.documents().baseDirectory());
        NetworkSpec lost = sevenBySeven().withLayout(AutoLayout.layout(sevenBySeven()));
        crashed.autosave(lost, null);
        view.setRecoveryPrompt(r -> DesignerView.RecoveryChoice.RECOVER);
        robot.interact(view::offerRecovery);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(lost, vm.spec());
        assertTrue(stage.getTitle().startsWith("*tiny"), stage.getTitle());
        assertTrue(robot.lookup("#block-conv1").tryQuery().isPresent());
    }

    @Test
    void arrowKeysNudgeTheSelectionAsOneUndoStep(FxRobot robot) {
        load(robot, sevenBySeven());
        Position start = vm.spec().layout().get("relu1");
        robot.clickOn("#block-relu1");
        robot.type(KeyCode.RIGHT, 3).type(KeyCode.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(new Position(start.x() + 3 * DesignerView.NUDGE, start.y() + DesignerView.NUDGE), vm.spec().layout().get("relu1"));
        assertEquals(1, vm.history().undoSize());
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(start, vm.spec().layout().get("relu1"));
    }

    @Test
    void aFailingAutosaveOpensOneDialogThatSaysWhereAndWhatToDo(FxRobot robot) throws Exception {
        Files.writeString(temp.resolve("home" + run).resolve("autosave"), "a file where the autosave folder belongs");
        robot.interact(() -> {
            vm.appendLayer(new LayerSpec.ReLU());
            vm.autosaveNow();
            vm.appendLayer(new LayerSpec.Tanh());
            vm.autosaveNow(); // fails again: no second dialog
        });
        WaitForAsyncUtils.waitForFxEvents();
        var dialogs = robot.lookup("#" + org.convas.app.ErrorDialog.ID).queryAll();
        assertEquals(1, dialogs.size());
        javafx.scene.control.DialogPane dialog = (javafx.scene.control.DialogPane) dialogs.iterator().next();
        String shown = dialog.getContent() instanceof javafx.scene.control.TextArea t ? t.getText() : dialog.getContentText();
        assertTrue(shown.startsWith("Convas could not autosave to " + temp.resolve("home" + run).resolve("autosave")), shown);
        assertTrue(shown.contains("Save As"), shown);
        assertEquals("Your edits are not being autosaved", dialog.getHeaderText());
        robot.interact(() -> dialog.getScene().getWindow().hide());
    }
}
