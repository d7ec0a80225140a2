package org.convas.app;

import org.convas.app.cli.NetworkSource;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertEquals("LeNet-5", vm.getDocumentName());
        assertEquals("28×28×6", vm.getReport().layer("conv1").output().toString());
        assertEquals("LeNet-5: 14 nodes, 61,706 parameters, 416.5K MACs per image; no problems", vm.getStatus());
        assertSame(vm.getSpec(), vm.getReport().spec(), "the report belongs to the spec on show");
    }

    @Test
    void theStatusAndTitleNameTheDocumentNotItsNetworksInnerName() {
        MainViewModel vm = onLeNet(List.of(Presets.find("lenet5").orElseThrow(), TINY));
        // The designer saved LeNet-5 as my-lenet.convas.json: the document is "my-lenet", and no longer a preset.
        vm.setDocument("my-lenet", null);
        assertEquals("my-lenet — Convas", vm.getTitle());
        assertNull(vm.getPreset());
        assertTrue(vm.getStatus().startsWith("my-lenet: 14 nodes, 61,706 parameters"), vm.getStatus());
        vm.setSpec(TINY.spec());
        vm.setDocument("Tiny net", TINY);
        assertSame(TINY, vm.getPreset());
        assertEquals("Tiny net: 2 nodes, 20 parameters, 648 MACs per image; no problems", vm.getStatus());
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
