package org.convas.app.bench;

import org.convas.app.designer.AutoLayout;
import org.convas.app.designer.DesignerViewModel;
import org.convas.app.designer.DocumentModel;
import org.convas.app.designer.WireRouter;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;
import org.convas.samples.Presets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What one designer edit costs without drawing, per preset: the automatic layout, routing every wire, and a
 * hyperparameter edit through the view-model (command, undo stack, calculator report, dirty check). Prints
 * microseconds per operation (median of repeated runs, after warm-up).
 * Run: {@code java -cp <app classpath> org.convas.app.bench.DesignerBench}.
 */
public final class DesignerBench {

    private DesignerBench() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("convas-bench");
        System.out.printf(Locale.ROOT, "%-14s %6s %12s %12s %14s%n", "preset", "nodes", "layout µs", "routing µs", "edit+report µs");
        for (String key : new String[] {"lenet5", "alexnet", "vgg16", "googlenet", "resnet50"}) {
            NetworkSpec spec = Presets.find(key).orElseThrow().spec();
            double layout = median(() -> AutoLayout.layout(spec));
            Map<String, Position> l = AutoLayout.layout(spec);
            double routing = median(() -> {
                for (Node n : spec.nodes()) for (String in : n.inputs()) WireRouter.route(l, in, n.id(), AutoLayout.BLOCK_WIDTH, AutoLayout.BLOCK_HEIGHT);
            });
            DesignerViewModel vm = new DesignerViewModel(new DocumentModel(home));
            vm.newFrom(spec);
            String conv = spec.nodes().stream().filter(n -> n.layer() instanceof LayerSpec.Conv2D).findFirst().orElseThrow().id();
            LayerSpec.Conv2D c = (LayerSpec.Conv2D) spec.node(conv).layer();
            int[] k = {0};
            double edit = median(() -> vm.setLayer(conv, c.withFilters(c.filters() + 1 + (k[0]++ % 7)), "bench" + k[0]));
            vm.close(false);
            System.out.printf(Locale.ROOT, "%-14s %6d %12.0f %12.0f %14.0f%n", key, spec.size(), layout, routing, edit);
        }
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 30; i++) r.run();
        double[] t = new double[41];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e3;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
