package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** New, open, save, recent files, autosave and recovery, without a window. */
class DocumentModelTest {

    @TempDir
    Path home;
    @TempDir
    Path work;

    @Test
    void saveThenReopenGivesTheSameNetworkAndACleanTitle() {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        vm.newFrom(Presets.lenet5());
        assertFalse(vm.isDirty());
        vm.select("conv1");
        vm.appendLayer(LayerSpec.BatchNorm.standard());
        assertTrue(vm.isDirty());
        assertFalse(vm.save(), "a new document has no file: the view asks for one");
        Path file = work.resolve("lenet-bn.convas.json");
        assertTrue(vm.saveAs(file));
        assertFalse(vm.isDirty());
        assertEquals("lenet-bn — Convas", vm.titleProperty().get());
        NetworkSpec saved = vm.spec();

        DesignerViewModel other = new DesignerViewModel(new DocumentModel(home));
        assertTrue(other.open(file));
        assertEquals(saved, other.spec());
        assertFalse(other.isDirty());
        assertEquals(file, other.fileProperty().get());
        vm.close(false);
        other.close(false);
    }

    @Test
    void saveAfterEditsWritesToTheSameFile() throws Exception {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        Path file = work.resolve("a.convas.json");
        vm.saveAs(file);
        vm.appendLayer(new LayerSpec.ReLU());
        assertTrue(vm.titleProperty().get().startsWith("*a "));
        assertTrue(vm.save());
        assertEquals(vm.spec(), NetworkJson.read(file));
        vm.close(false);
    }

    @Test
    void malformedFileKeepsCurrentWorkAndSaysWhereTheProblemIs() throws Exception {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        vm.appendLayer(new LayerSpec.ReLU());
        NetworkSpec work0 = vm.spec();
        Path bad = work.resolve("bad.convas.json");
        Files.writeString(bad, "{\"format\": \"convas-network\", \"version\": 1, \"nodes\": [ {\"id\": \"x\"");
        assertFalse(vm.open(bad));
        assertEquals(work0, vm.spec());
        assertTrue(vm.isDirty());
        assertTrue(vm.messageProperty().get().startsWith("Cannot open bad.convas.json: "), vm.messageProperty().get());
        assertTrue(vm.messageProperty().get().contains(bad.toString()), "names the file: " + vm.messageProperty().get());
        assertFalse(vm.open(work.resolve("missing.convas.json")));
        assertTrue(vm.messageProperty().get().contains("no such file"), vm.messageProperty().get());
        assertEquals(work0, vm.spec());
        vm.close(false);
    }

    @Test
    void recentFilesAreNewestFirstWithoutDuplicatesAndSurviveARestart() throws Exception {
        DocumentModel docs = new DocumentModel(home);
        NetworkSpec s = DesignerViewModel.blankNetwork();
        Path a = work.resolve("a.convas.json");
        Path b = work.resolve("b.convas.json");
        docs.save(s, a);
        docs.save(s, b);
        docs.open(a);
        assertEquals(List.of(a, b), new DocumentModel(home).recentFiles());
        for (int i = 0; i < DocumentModel.RECENT_LIMIT + 3; i++) docs.save(s, work.resolve("n" + i + ".convas.json"));
        assertEquals(DocumentModel.RECENT_LIMIT, docs.recentFiles().size());
        Files.delete(work.resolve("n12.convas.json"));
        assertFalse(docs.recentFiles().contains(work.resolve("n12.convas.json")), "missing files are left out");
    }

    @Test
    void nameOfStripsTheNetworkExtension() {
        assertEquals("resnet", DocumentModel.nameOf(Path.of("/x/resnet.convas.json")));
        assertEquals("net", DocumentModel.nameOf(Path.of("net.json")));
    }

    @Test
    void autosaveAfterAnEditIsOfferedToTheNextSessionAndRecovered() throws Exception {
        DesignerViewModel crashed = new DesignerViewModel(new DocumentModel(home), Duration.ofMillis(50));
        crashed.newFrom(Presets.lenet5());
        crashed.select("relu1");
        crashed.appendLayer(new LayerSpec.Dropout(0.25));
        NetworkSpec unsaved = crashed.spec();
        Path autosave = crashed.documents().autosaveFile();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!(Files.exists(autosave) && unsaved.equals(readOrNull(autosave))) && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(unsaved, NetworkJson.read(autosave), "the debounced autosave wrote the latest spec");
        // The process dies here: no close().

        DesignerViewModel next = new DesignerViewModel(new DocumentModel(home));
        List<DocumentModel.Recovery> offers = next.recoveries();
        assertEquals(1, offers.size());
        assertEquals("LeNet-5", offers.get(0).name());
        assertTrue(next.recover(offers.get(0)));
        assertEquals(unsaved, next.spec());
        assertTrue(next.isDirty(), "recovered work is unsaved");
        assertTrue(next.recoveries().isEmpty(), "a recovery is offered once");
        assertTrue(new DocumentModel(home).recoveries().size() == 1, "but the recovered work is itself autosaved");
        next.close(false);
        assertTrue(new DocumentModel(home).recoveries().isEmpty(), "closing on purpose leaves nothing to recover");
    }

    @Test
    void savingOrUndoingToCleanRemovesTheAutosave() throws Exception {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home), Duration.ofMillis(10));
        vm.appendLayer(new LayerSpec.ReLU());
        vm.autosaveNow();
        assertTrue(Files.exists(vm.documents().autosaveFile()));
        vm.saveAs(work.resolve("x.convas.json"));
        vm.autosaveNow(); // clean: writes nothing
        long deadline = System.nanoTime() + 5_000_000_000L;
        // Saving is not a revision; the next clean revision (undo to saved state below) clears the file.
        vm.appendLayer(new LayerSpec.ReLU());
        vm.undo();
        while (Files.exists(vm.documents().autosaveFile()) && System.nanoTime() < deadline) Thread.sleep(20);
        assertFalse(Files.exists(vm.documents().autosaveFile()));
        vm.close(false);
    }

    @Test
    void recoveryOfADamagedAutosaveKeepsCurrentWork() throws Exception {
        Files.createDirectories(home.resolve("autosave"));
        Files.writeString(home.resolve("autosave/old.json"), "not json");
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        NetworkSpec before = vm.spec();
        var offers = vm.recoveries();
        assertEquals(1, offers.size());
        assertFalse(vm.recover(offers.get(0)));
        assertEquals(before, vm.spec());
        assertTrue(vm.messageProperty().get().startsWith("Cannot recover old: "), vm.messageProperty().get());
        vm.discardRecovery(offers.get(0));
        assertTrue(vm.recoveries().isEmpty());
        vm.close(false);
    }

    private static NetworkSpec readOrNull(Path p) {
        try {
            return NetworkJson.read(p);
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void exportsTheSummaryAsCsvAndMarkdownFromTheCurrentReport() throws Exception {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        vm.newFrom(Presets.lenet5());
        Path csv = work.resolve("lenet.csv");
        Path md = work.resolve("lenet.md");
        assertTrue(vm.exportCsv(csv));
        assertTrue(vm.exportMarkdown(md));
        assertEquals(org.convas.engine.calc.ReportExport.toCsv(vm.report()), Files.readString(csv));
        assertTrue(Files.readString(md).startsWith("# LeNet-5\n\n| Layer | Output |"));
        // LeNet-5's conv1: 6 filters of 5×5×1 with bias, (5·5·1 + 1)·6 = 156 parameters.
        // 28·28·6 outputs of 5·5·1 MACs = 117,600; 28·28·6·4 B = 18,816 B: plain numbers a spreadsheet sums.
        assertTrue(Files.readString(csv).contains("\r\nconv1,\"Conv 5×5/1, 6\",28×28×6,(32 − 5 + 2·0)/1 + 1 = 28,156,(5·5·1 + 1)·6 = 156,117600,18816,"),
                Files.readString(csv));
        assertFalse(vm.exportCsv(work.resolve("lenet.csv/inside-a-file.csv")));
        assertTrue(vm.messageProperty().get().startsWith("Cannot export "), vm.messageProperty().get());
        vm.close(false);
    }

    @Test
    void aConfirmedDiscardIsNotAutosavedAgainWhenTheApplicationStops() {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        vm.appendLayer(new LayerSpec.ReLU());
        vm.close(false);            // the person chose "Don't Save"
        vm.close(vm.isDirty());     // Application.stop() afterwards
        assertTrue(new DocumentModel(home).recoveries().isEmpty());
    }

    @Test
    void stoppingWithoutAConfirmedCloseKeepsTheWorkForRecovery() {
        DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
        vm.appendLayer(new LayerSpec.ReLU());
        vm.close(true);
        assertEquals(1, new DocumentModel(home).recoveries().size());
    }
}
