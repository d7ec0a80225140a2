package org.convas.app.designer;

import org.convas.engine.calc.Problem;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The editing commands and undo/redo, without a window. */
class DesignerViewModelTest {

    @TempDir
    Path home;
    DesignerViewModel vm;

    @BeforeEach
    void start() {
        vm = new DesignerViewModel(new DocumentModel(home));
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

    private String shapeOf(String id) {
        var l = vm.report().layer(id);
        return l.isKnown() ? l.output().toString() : "?";
    }

    @Test
    void appendingConvAfterTheInputShowsItsShapeAndParameters() {
        vm.select("input");
        String conv = vm.appendLayer(Palette.entry("Conv").layer());
        assertEquals("conv2d1", conv);
        // 3×3 pad 1 stride 1 keeps 32×32; 16 filters; (3·3·3 + 1)·16 = 448 parameters.
        assertEquals("32×32×16", shapeOf(conv));
        assertEquals(448, vm.report().layer(conv).parameters());
        assertEquals(List.of("input"), vm.spec().node(conv).inputs());
        assertEquals(conv, vm.selectedNodeIdProperty().get());
        assertTrue(vm.isDirty());
        assertTrue(vm.titleProperty().get().startsWith("*Untitled"));
    }

    @Test
    void undoAndRedoRestoreExactSpecs() {
        NetworkSpec blank = vm.spec();
        vm.appendLayer(Palette.entry("Conv").layer());
        NetworkSpec one = vm.spec();
        vm.appendLayer(Palette.entry("ReLU").layer());
        NetworkSpec two = vm.spec();
        assertTrue(vm.undo());
        assertEquals(one, vm.spec());
        assertTrue(vm.undo());
        assertEquals(blank, vm.spec());
        assertFalse(vm.isDirty(), "undoing back to the opened state is clean");
        assertFalse(vm.undo());
        assertTrue(vm.redo());
        assertTrue(vm.redo());
        assertEquals(two, vm.spec());
        assertFalse(vm.redo());
    }

    @Test
    void revisionGoesUpOnEveryChangeAndReportFollows() {
        long r0 = vm.revisionProperty().get();
        vm.appendLayer(new LayerSpec.ReLU());
        assertEquals(r0 + 1, vm.revisionProperty().get());
        assertSame(vm.spec(), vm.report().spec());
        vm.undo();
        assertEquals(r0 + 2, vm.revisionProperty().get());
        assertSame(vm.spec(), vm.report().spec());
    }

    @Test
    void strideThreeOnSevenBySevenIsAnErrorAndDownstreamShapesAreUnknownUntilUndone() {
        vm.newFrom(sevenBySeven());
        assertEquals("5×5×4", shapeOf("conv1"));
        var conv = (LayerSpec.Conv2D) vm.spec().node("conv1").layer();
        assertTrue(vm.setLayer("conv1", conv.withStride(3), "stride"));
        var errors = vm.report().layer("conv1").problems();
        assertEquals(1, errors.size());
        assertEquals(Problem.FIT, errors.get(0).rule());
        assertTrue(errors.get(0).text().startsWith("(7 − 3 + 2·0)/3 + 1 = 2.33"), errors.get(0).text());
        assertEquals("?", shapeOf("relu1"));
        assertEquals("?", shapeOf("fc1"));
        vm.undo();
        assertTrue(vm.report().isValid());
        assertEquals("1×1×10", shapeOf("fc1"));
    }

    @Test
    void typingIntoOneFieldIsOneUndoStepButAnotherFieldIsAnother() {
        long[] now = {0};
        EditHistory h = new EditHistory(sevenBySeven(), () -> now[0]);
        var conv = (LayerSpec.Conv2D) h.spec().node("conv1").layer();
        h.execute(new DesignerCommand.SetLayer("conv1", conv.withFilters(1), "filters"));
        now[0] += 300_000_000L;
        h.execute(new DesignerCommand.SetLayer("conv1", conv.withFilters(12), "filters"));
        now[0] += 300_000_000L;
        h.execute(new DesignerCommand.SetLayer("conv1", conv.withFilters(128), "filters"));
        assertEquals(1, h.undoSize());
        now[0] += 300_000_000L;
        h.execute(new DesignerCommand.SetLayer("conv1", conv.withFilters(128).withStride(2), "stride"));
        assertEquals(2, h.undoSize());
        now[0] += 5_000_000_000L; // after a pause, typing again is a new step
        h.execute(new DesignerCommand.SetLayer("conv1", conv.withFilters(128).withStride(3), "stride"));
        assertEquals(3, h.undoSize());
        h.undo();
        h.undo();
        h.undo();
        assertEquals(sevenBySeven(), h.spec());
    }

    @Test
    void movesOfOneGestureMergeIntoOneUndoStep() {
        vm.newFrom(sevenBySeven());
        NetworkSpec before = vm.spec();
        long g = vm.newGesture();
        vm.moveNodes(Map.of("conv1", new Position(10, 10)), g);
        vm.moveNodes(Map.of("conv1", new Position(20, 30)), g);
        vm.moveNodes(Map.of("conv1", new Position(40, 50), "relu1", new Position(40, 150)), g);
        assertEquals(new Position(40, 150), vm.spec().layout().get("relu1"));
        assertEquals(1, vm.history().undoSize());
        vm.moveNodes(Map.of("conv1", new Position(0, 0)), vm.newGesture());
        assertEquals(2, vm.history().undoSize());
        vm.undo();
        vm.undo();
        assertEquals(before, vm.spec());
    }

    @Test
    void insertIntoConnectionRewiresOnlyThatConnectionAndMakesRoomBelow() {
        vm.newFrom(sevenBySeven());
        double reluY = vm.spec().layout().get("relu1").y();
        double fcY = vm.spec().layout().get("fc1").y();
        String bn = vm.insertOnConnection("conv1", "relu1", LayerSpec.BatchNorm.standard());
        assertEquals(List.of("conv1"), vm.spec().node(bn).inputs());
        assertEquals(List.of(bn), vm.spec().node("relu1").inputs());
        assertEquals(reluY + AutoLayout.ROW_SPACING, vm.spec().layout().get("relu1").y());
        assertEquals(fcY + AutoLayout.ROW_SPACING, vm.spec().layout().get("fc1").y());
        assertEquals(vm.spec().layout().get("conv1").y() + AutoLayout.ROW_SPACING, vm.spec().layout().get(bn).y());
        // BatchNorm on 5×5×4: 2·4 = 8 parameters.
        assertEquals(8, vm.report().layer(bn).parameters());
        assertNull(vm.insertOnConnection("input", "fc1", new LayerSpec.ReLU()));
        assertTrue(vm.messageProperty().get().contains("no connection from input to fc1"), vm.messageProperty().get());
    }

    @Test
    void insertAfterABranchingBlockFeedsAllItsConsumers() {
        vm.newFrom(sevenBySeven());
        vm.connect("conv1", "fc1"); // fc1 now reads conv1 instead of relu1 (it takes one input)
        assertEquals(List.of("conv1"), vm.spec().node("fc1").inputs());
        String d = vm.insertAfter("conv1", new LayerSpec.Dropout(0.5));
        assertEquals(List.of(d), vm.spec().node("relu1").inputs());
        assertEquals(List.of(d), vm.spec().node("fc1").inputs());
    }

    @Test
    void buildsAResidualBlockByConnectingPorts() {
        vm.newFrom(NetworkSpec.builder("res").input(8, 8, 16).build());
        vm.select("input");
        String c1 = vm.appendLayer(LayerSpec.Conv2D.of(16, 3, 1, 1));
        String r1 = vm.appendLayer(new LayerSpec.ReLU());
        String c2 = vm.appendLayer(LayerSpec.Conv2D.of(16, 3, 1, 1));
        String add = vm.appendLayer(new LayerSpec.Add());
        assertTrue(vm.connect("input", add));
        assertEquals(List.of(c2, "input"), vm.spec().node(add).inputs());
        assertEquals("8×8×16", shapeOf(add));
        assertTrue(vm.report().isValid(), vm.report().problems().toString());
        assertEquals(List.of(r1), vm.spec().node(c2).inputs());
        assertEquals(List.of(c1), vm.spec().node(r1).inputs());
        vm.undo();
        assertEquals(List.of(c2), vm.spec().node(add).inputs());
    }

    @Test
    void connectRefusesLoopsSelfLinksInputTargetsAndDuplicates() {
        vm.newFrom(sevenBySeven());
        NetworkSpec before = vm.spec();
        assertFalse(vm.connect("fc1", "conv1"));
        assertTrue(vm.messageProperty().get().contains("would make a loop"), vm.messageProperty().get());
        assertFalse(vm.connect("conv1", "conv1"));
        assertFalse(vm.connect("conv1", "input"));
        assertTrue(vm.messageProperty().get().contains("Input block"));
        assertFalse(vm.connect("conv1", "relu1"));
        assertTrue(vm.messageProperty().get().contains("already feeds"));
        assertEquals(before, vm.spec());
        assertEquals(0, vm.history().undoSize());
    }

    @Test
    void disconnectLeavesTheConsumerWithoutInputAndUndoReconnects() {
        vm.newFrom(sevenBySeven());
        assertTrue(vm.disconnect("conv1", "relu1"));
        assertEquals(List.of(), vm.spec().node("relu1").inputs());
        assertFalse(vm.report().isValid());
        vm.undo();
        assertEquals(List.of("conv1"), vm.spec().node("relu1").inputs());
        assertFalse(vm.disconnect("input", "fc1"));
    }

    @Test
    void deleteKeepsTheChainWholeAndUndoBringsTheBlocksBack() {
        vm.newFrom(sevenBySeven());
        NetworkSpec before = vm.spec();
        vm.selectOnly(Set.of("relu1", "conv1"));
        assertTrue(vm.deleteSelection());
        assertEquals(List.of("input", "fc1"), vm.spec().nodes().stream().map(Node::id).toList());
        assertEquals(List.of("input"), vm.spec().node("fc1").inputs());
        assertTrue(vm.selection().isEmpty());
        assertNull(vm.selectedNodeIdProperty().get());
        vm.undo();
        assertEquals(before, vm.spec());
        assertFalse(vm.deleteSelection(), "nothing selected");
    }

    @Test
    void duplicateCopiesSettingsAndInnerConnectionsWithFreshIdsAndOffset() {
        vm.newFrom(sevenBySeven());
        vm.selectOnly(Set.of("conv1", "relu1"));
        assertTrue(vm.duplicateSelection());
        Node conv2 = vm.spec().node("conv2d1");
        Node relu2 = vm.spec().node("relu2");
        assertEquals(vm.spec().node("conv1").layer(), conv2.layer());
        assertEquals(List.of(), conv2.inputs(), "the connection from outside the copy is dropped");
        assertEquals(List.of("conv2d1"), relu2.inputs(), "the connection inside the copy is kept");
        Position p = vm.spec().layout().get("conv1");
        // 40 px down and right would cover the originals: the copy moves right a column at a time until it covers nothing.
        assertEquals(new Position(p.x() + DesignerViewModel.PASTE_OFFSET + AutoLayout.BLOCK_GAP, p.y() + DesignerViewModel.PASTE_OFFSET),
                vm.spec().layout().get("conv2d1"));
        assertNoOverlap();
        assertEquals(Set.of("conv2d1", "relu2"), vm.selection());
        vm.undo();
        assertFalse(vm.spec().contains("conv2d1"));
    }

    @Test
    void copyPasteTwicePastesTwoSeparateCopies() {
        vm.newFrom(sevenBySeven());
        vm.select("fc1");
        assertFalse(vm.canPaste());
        assertTrue(vm.copySelection());
        assertTrue(vm.paste());
        assertTrue(vm.paste());
        assertTrue(vm.spec().contains("fc2"));
        assertTrue(vm.spec().contains("fc3"));
        assertNotEquals(vm.spec().layout().get("fc2"), vm.spec().layout().get("fc3"));
        assertNoOverlap();
        vm.undo();
        assertFalse(vm.spec().contains("fc3"));
        assertTrue(vm.spec().contains("fc2"));
    }

    /** No two blocks of the current network cover each other. */
    private void assertNoOverlap() {
        List<Map.Entry<String, Position>> all = List.copyOf(vm.spec().layout().entrySet());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Position a = all.get(i).getValue();
                Position b = all.get(j).getValue();
                boolean overlap = Math.abs(a.x() - b.x()) < AutoLayout.BLOCK_WIDTH && Math.abs(a.y() - b.y()) < AutoLayout.BLOCK_HEIGHT;
                assertFalse(overlap, all.get(i).getKey() + " at " + a + " covers " + all.get(j).getKey() + " at " + b);
            }
        }
    }

    @Test
    void blocksAddedOnTopOfOthersMoveAsideAndInsertingOnABranchWireKeepsToThatBranch() {
        // Two branches from one input, side by side, meeting in a Concat (an Inception module in miniature).
        NetworkSpec branches = NetworkSpec.builder("branches").input(8, 8, 3)
                .add("left", LayerSpec.Conv2D.of(4, 1, 1, 0), "input").add("right", LayerSpec.Conv2D.of(4, 3, 1, 1), "input")
                .add("cat", new LayerSpec.Concat(), "left", "right").build();
        vm.newFrom(branches);
        Position left = vm.spec().layout().get("left");
        Position right = vm.spec().layout().get("right");
        assertEquals(left.y(), right.y(), "the branches sit side by side");
        // A drop on the wire input → right lands in right's column, not on "left" below the fork.
        String relu = vm.insertOnConnection("input", "right", new LayerSpec.ReLU());
        assertEquals(right.x(), vm.spec().layout().get(relu).x());
        assertNoOverlap();
        // A drop onto empty canvas that happens to be on a block moves aside in its row.
        String loose = vm.addLayer(new LayerSpec.Tanh(), left);
        assertEquals(left.y(), vm.spec().layout().get(loose).y());
        assertNoOverlap();
        // Pasting three times: three copies, none on anything.
        vm.select("cat");
        vm.copySelection();
        for (int i = 0; i < 3; i++) assertTrue(vm.paste());
        assertNoOverlap();
    }

    @Test
    void renamingABlockKeepsItsConnectionsLayoutAndSelectionAndRefusesTakenNames() {
        vm.newFrom(sevenBySeven());
        vm.select("conv1");
        Position at = vm.spec().layout().get("conv1");
        assertTrue(vm.renameNode("conv1", "  features "));
        assertFalse(vm.spec().contains("conv1"));
        assertEquals(List.of("features"), vm.spec().node("relu1").inputs());
        assertEquals(at, vm.spec().layout().get("features"));
        assertEquals("features", vm.selectedNodeIdProperty().get());
        assertEquals("5×5×4", shapeOf("features"));
        assertFalse(vm.renameNode("features", "relu1"));
        assertEquals("Cannot rename features to relu1: another block is already named \"relu1\"", vm.messageProperty().get());
        assertFalse(vm.renameNode("features", "two words"));
        assertTrue(vm.messageProperty().get().contains("cannot contain spaces"), vm.messageProperty().get());
        assertFalse(vm.renameNode("features", " "));
        assertTrue(vm.spec().contains("features"));
        vm.undo();
        assertEquals(sevenBySeven().nodes(), vm.spec().nodes());
    }

    @Test
    void renamingTheNetworkRenamesAnUnsavedDocumentAndIsUndoable() {
        assertTrue(vm.renameNetwork("My net"));
        assertEquals("My net", vm.spec().name());
        assertEquals("My net", vm.documentNameProperty().get());
        assertTrue(vm.titleProperty().get().contains("My net"));
        assertFalse(vm.renameNetwork("   "));
        vm.undo();
        assertEquals(DesignerViewModel.UNTITLED, vm.spec().name());
    }

    @Test
    void savingAnUntitledNetworkNamesItAfterItsFileEverywhere() throws Exception {
        vm.appendLayer(new LayerSpec.ReLU());
        Path file = home.resolve("edge-detector.convas.json");
        assertTrue(vm.saveAs(file));
        assertEquals("edge-detector", vm.spec().name());
        assertTrue(java.nio.file.Files.readString(file).contains("\"name\": \"edge-detector\""));
        assertEquals("edge-detector — Convas", vm.titleProperty().get());
        assertFalse(vm.isDirty());
        assertTrue(org.convas.engine.calc.ReportExport.toMarkdown(vm.report()).startsWith("# edge-detector\n"));
        // A crash after an edit: the recovery offer names the document, not "Untitled".
        vm.appendLayer(new LayerSpec.Tanh());
        vm.autosaveNow();
        DocumentModel later = new DocumentModel(home);
        assertEquals("edge-detector", later.recoveries().get(0).name());
    }

    @Test
    void aFailingAutosaveIsReportedOnceWithItsPlaceAndClearedWhenItWorksAgain() throws Exception {
        java.nio.file.Files.writeString(home.resolve("autosave"), "a file where the autosave folder should be");
        vm.appendLayer(new LayerSpec.ReLU());
        vm.autosaveNow();
        String failure = vm.autosaveFailureProperty().get();
        assertTrue(failure.startsWith("Convas could not autosave to " + home.resolve("autosave")), failure);
        assertTrue(vm.messageProperty().get().startsWith("Autosave failed: "), vm.messageProperty().get());
        assertTrue(vm.isDirty(), "the edit stays in the window");

        java.nio.file.Files.delete(home.resolve("autosave"));
        vm.autosaveNow();
        assertEquals("", vm.autosaveFailureProperty().get());
        assertEquals(1, new DocumentModel(home).recoveries().size());
    }

    @Test
    void theBackgroundAutosaveReportsItsFailureToo() throws Exception {
        vm.close(false);
        vm = new DesignerViewModel(new DocumentModel(home), java.time.Duration.ofMillis(10));
        java.nio.file.Files.writeString(home.resolve("autosave"), "not a folder");
        vm.appendLayer(new LayerSpec.ReLU());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (vm.autosaveFailureProperty().get().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(vm.autosaveFailureProperty().get().contains("could not autosave"),
                vm.autosaveFailureProperty().get());
    }

    @Test
    void aPresetIsRememberedUntilTheDocumentGoesToAFile() throws Exception {
        var lenet = org.convas.samples.Presets.find("lenet5").orElseThrow();
        vm.newFrom(lenet);
        assertSame(lenet, vm.presetProperty().get());
        assertEquals("LeNet-5", vm.documentNameProperty().get());
        vm.saveAs(home.resolve("mine.convas.json"));
        assertNull(vm.presetProperty().get());
        assertEquals("LeNet-5", vm.spec().name(), "a named network keeps its name");
        assertEquals("mine", vm.documentNameProperty().get());
        vm.newBlank();
        assertNull(vm.presetProperty().get());
    }

    @Test
    void applyingAVerifiedFixMendsTheBlockInOneUndoStep() {
        NetworkSpec s = NetworkSpec.builder("t").input(16, 16, 1).add("conv1", LayerSpec.Conv2D.of(2, 17, 3, 0))
                .add("relu1", new LayerSpec.ReLU()).build();
        vm.newFrom(s);
        vm.select("conv1");
        Problem p = vm.report().layer("conv1").problems().get(0);
        assertEquals(List.of("padding 2", "a 16×16 filter", "same padding"), p.fixes().stream().map(f -> f.description()).toList());
        for (var fix : p.fixes()) {
            assertTrue(vm.applyFix(p, fix));
            assertFalse(vm.report().layer("conv1").hasErrors(), fix.description());
            assertTrue(vm.report().layer("relu1").isKnown());
            assertEquals("conv1", vm.selectedNodeIdProperty().get());
            vm.undo();
            assertEquals(s.nodes(), vm.spec().nodes());
        }
        // Floor mode is a network setting, offered for a stride that leaves pixels over and undone as one step.
        vm.setLayer("conv1", LayerSpec.Conv2D.of(2, 3, 2, 0), "kernel");
        assertTrue(vm.setFloorMode(true));
        assertTrue(vm.spec().floorMode());
        assertTrue(vm.report().isValid());
        vm.undo();
        assertFalse(vm.spec().floorMode());
    }

    @Test
    void theWeightInitialisationIsANetworkSettingUndoneInOneStep() {
        vm.newFrom(sevenBySeven());
        assertEquals(org.convas.engine.spec.WeightInit.HE, vm.spec().weightInit());
        assertTrue(vm.setWeightInit(org.convas.engine.spec.WeightInit.XAVIER));
        assertEquals(org.convas.engine.spec.WeightInit.XAVIER, vm.spec().weightInit());
        assertFalse(vm.setWeightInit(org.convas.engine.spec.WeightInit.XAVIER), "no edit when nothing changes");
        vm.setLayer("conv1", LayerSpec.Conv2D.of(3, 3, 1, 0), "filters");
        assertEquals(org.convas.engine.spec.WeightInit.XAVIER, vm.spec().weightInit(), "kept by other edits");
        vm.undo();
        vm.undo();
        assertEquals(org.convas.engine.spec.WeightInit.HE, vm.spec().weightInit());
    }

    @Test
    void anAddFixInsertsTheProjectionOnTheWireWithRoomMade() {
        NetworkSpec s = NetworkSpec.builder("res").input(8, 8, 3).add("conv1", LayerSpec.Conv2D.of(16, 3, 1, 1))
                .add("sum", new LayerSpec.Add(), "input", "conv1").build();
        vm.newFrom(s);
        Problem p = vm.report().layer("sum").problems().get(0);
        assertTrue(vm.applyFix(p, p.fixes().get(0)));
        assertTrue(vm.report().isValid(), vm.report().problems()::toString);
        assertNoOverlap();
    }

    @Test
    void selectAllAndPrimarySelectionStayInSync() {
        vm.newFrom(sevenBySeven());
        vm.selectAll();
        assertEquals(4, vm.selection().size());
        assertEquals("input", vm.selectedNodeIdProperty().get());
        vm.selectedNodeIdProperty().set("fc1"); // the summary table selects a row
        assertEquals(Set.of("fc1"), vm.selection());
        vm.toggleSelected("relu1");
        assertEquals(Set.of("fc1", "relu1"), vm.selection());
        assertEquals("relu1", vm.selectedNodeIdProperty().get());
        vm.toggleSelected("relu1");
        assertEquals("fc1", vm.selectedNodeIdProperty().get());
        vm.selectAll();
        vm.makePrimary("conv1");
        assertEquals("conv1", vm.selectedNodeIdProperty().get());
        assertEquals(4, vm.selection().size(), "a click inside a multi-selection keeps it");
        vm.clearSelection();
        assertNull(vm.selectedNodeIdProperty().get());
        vm.selectedNodeIdProperty().set("nonexistent");
        assertTrue(vm.selection().isEmpty());
    }

    @Test
    void addLayerPlacesAnUnconnectedBlockWhereItWasDropped() {
        String id = vm.addLayer(LayerSpec.MaxPool.of(2, 2), new Position(300, 200));
        assertEquals(new Position(300, 200), vm.spec().layout().get(id));
        assertEquals(List.of(), vm.spec().node(id).inputs());
        assertFalse(vm.report().isValid(), "an unconnected pool has no input");
    }

    @Test
    void appendingAnInputAddsItOnItsOwnBelowEverything() {
        vm.select("input");
        String id = vm.appendLayer(Palette.entry("Input").layer());
        assertEquals(List.of(), vm.spec().node(id).inputs());
        assertEquals(AutoLayout.ROW_SPACING, vm.spec().layout().get(id).y());
    }

    @Test
    void setLayerRefusesTurningAnInputIntoAnotherType() {
        assertFalse(vm.setLayer("input", new LayerSpec.ReLU(), "type"));
        assertTrue(vm.messageProperty().get().contains("Input block cannot change"));
    }

    @Test
    void autoLayoutIsUndoable() {
        vm.newFrom(sevenBySeven());
        vm.moveNodes(Map.of("fc1", new Position(999, 999)), vm.newGesture());
        NetworkSpec moved = vm.spec();
        assertTrue(vm.autoLayout());
        assertNotEquals(new Position(999, 999), vm.spec().layout().get("fc1"));
        vm.undo();
        assertEquals(moved, vm.spec());
    }

    @Test
    void undoTextNamesTheCommand() {
        vm.appendLayer(new LayerSpec.ReLU());
        assertEquals("Undo insert ReLU", vm.history().undoTextProperty().get());
        vm.undo();
        assertEquals("Redo insert ReLU", vm.history().redoTextProperty().get());
    }

    @Test
    void aTableThatClearsItsSelectionWhenItGetsANewReportDoesNotClearTheDesigners() {
        vm.newFrom(sevenBySeven());
        // Like a TableView whose rows are replaced: on a new report it drops its selection first.
        vm.reportProperty().addListener((o, a, r) -> vm.selectedNodeIdProperty().set(null));
        vm.selectOnly(List.of("conv1", "relu1"));
        vm.makePrimary("relu1");
        var conv = (LayerSpec.Conv2D) vm.spec().node("conv1").layer();
        assertTrue(vm.setLayer("conv1", conv.withFilters(8), "filters"));
        assertEquals("relu1", vm.selectedNodeIdProperty().get());
        assertEquals(Set.of("conv1", "relu1"), vm.selection());
    }
}
