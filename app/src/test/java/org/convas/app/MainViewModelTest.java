package org.convas.app;

import org.convas.app.cli.NetworkSource;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main window's logic, without a window. */
class MainViewModelTest {

    static final Preset TINY = new Preset("tiny", "Tiny net", "One 3×3 convolution on 8×8×1, for tests.",
            () -> NetworkSpec.builder("Tiny net").input(8, 8, 1).add("conv", LayerSpec.Conv2D.of(2, 3, 1, 0)).build());

    static MainViewModel onLeNet(List<Preset> catalogue) {
        Preset lenet = Presets.find(Presets.DEFAULT).orElseThrow();
        return new MainViewModel(catalogue, new NetworkSource(lenet.spec(), lenet, null));
    }

    @Test
    void opensOnTheGivenPresetWithItsReportTitleAndStatus() {
        MainViewModel vm = onLeNet(Presets.all());
        assertEquals("LeNet-5 — Convas", vm.getTitle());
        assertEquals("lenet5", vm.getPreset().key());
        assertNull(vm.getFile());
        assertEquals("28×28×6", vm.getReport().layer("conv1").output().toString());
        assertEquals("LeNet-5: 14 nodes, 61,706 parameters, 416.5K MACs per image; no problems", vm.getStatus());
        assertSame(vm.getSpec(), vm.getReport().spec(), "the report belongs to the spec on show");
    }

    @Test
    void loadingAPresetReplacesTheNetworkAndClearsTheSelection() {
        MainViewModel vm = onLeNet(List.of(Presets.find("lenet5").orElseThrow(), TINY));
        vm.selectedNodeIdProperty().set("conv1");
        vm.loadPreset(TINY);
        assertEquals("Tiny net — Convas", vm.getTitle());
        assertSame(TINY, vm.getPreset());
        assertEquals("6×6×2", vm.getReport().layer("conv").output().toString());
        assertNull(vm.selectedNodeIdProperty().get());
    }

    @Test
    void openingAValidFileShowsItsNameAndFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mine.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Mine",
                 "nodes": [{"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
                           {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 1, "kernel": 3, "stride": 3, "padding": 0}]}
                """);
        MainViewModel vm = onLeNet(Presets.all());
        assertEquals(Optional.empty(), vm.open(file));
        assertEquals("Mine — mine.json — Convas", vm.getTitle());
        assertNull(vm.getPreset(), "a file is not a preset");
        assertEquals(file, vm.getFile());
        assertEquals("Mine: 2 nodes, 0 parameters, 0 MACs per image; 1 error, 0 warnings", vm.getStatus());
    }

    @Test
    void aFileThatCannotBeOpenedLeavesTheNetworkAsItWasAndGivesTheMessage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, """
                {"format": "convas-network", "version": 1, "name": "Broken",
                 "nodes": [{"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
                           {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 1, "kernel": 3, "stride": -2}]}
                """);
        MainViewModel vm = onLeNet(Presets.all());
        vm.selectedNodeIdProperty().set("fc1");
        NetworkSpec before = vm.getSpec();

        Optional<String> error = vm.open(file);
        assertTrue(error.isPresent());
        assertTrue(error.get().startsWith(file + ", node \"conv1\", field \""), error.get());
        assertSame(before, vm.getSpec());
        assertEquals("lenet5", vm.getPreset().key());
        assertEquals("LeNet-5 — Convas", vm.getTitle());
        assertEquals("fc1", vm.selectedNodeIdProperty().get(), "nothing lost, not even the selection");
        assertEquals("Not opened: " + error.get() + "; still showing LeNet-5", vm.getStatus());

        Optional<String> missing = vm.open(dir.resolve("gone.json"));
        assertEquals(Optional.of("cannot read " + dir.resolve("gone.json") + ": no such file or folder"), missing);
    }

    @Test
    void anEditRecomputesTheReportAndForgetsASelectedNodeThatWasRemoved() {
        MainViewModel vm = onLeNet(Presets.all());
        vm.selectedNodeIdProperty().set("relu1");
        vm.setSpec(vm.getSpec().withLayer("conv1", LayerSpec.Conv2D.of(6, 4, 2, 1)));
        assertEquals("relu1", vm.selectedNodeIdProperty().get());
        assertEquals("16×16×6", vm.getReport().layer("conv1").output().toString());
        assertEquals("lenet5", vm.getPreset().key(), "an edit keeps where the network came from");

        vm.setSpec(vm.getSpec().without("relu1"));
        assertNull(vm.selectedNodeIdProperty().get());
    }
}
