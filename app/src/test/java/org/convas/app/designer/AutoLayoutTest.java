package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Position;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoLayoutTest {

    /** An Inception-like module: four branches from one block, concatenated. */
    static NetworkSpec inception() {
        NetworkSpec.Builder b = NetworkSpec.builder("inception").input(28, 28, 192);
        String in = b.last();
        b.add("b1", LayerSpec.Conv2D.of(64, 1, 1, 0), in);
        b.add("b2a", LayerSpec.Conv2D.of(96, 1, 1, 0), in).add("b2b", LayerSpec.Conv2D.of(128, 3, 1, 1));
        b.add("b3a", LayerSpec.Conv2D.of(16, 1, 1, 0), in).add("b3b", LayerSpec.Conv2D.of(32, 5, 1, 2));
        b.add("b4a", new LayerSpec.MaxPool(3, 1, org.convas.engine.spec.Padding.of(1)), in).add("b4b", LayerSpec.Conv2D.of(32, 1, 1, 0));
        b.add("concat", new LayerSpec.Concat(), "b1", "b2b", "b3b", "b4b");
        return b.build();
    }

    /** A residual block: conv-relu-conv plus a skip from the input into an Add. */
    static NetworkSpec residual() {
        return NetworkSpec.builder("res").input(8, 8, 16)
                .add("c1", LayerSpec.Conv2D.of(16, 3, 1, 1)).add("r1", new LayerSpec.ReLU())
                .add("c2", LayerSpec.Conv2D.of(16, 3, 1, 1))
                .add("add", new LayerSpec.Add(), "c2", "input").add("r2", new LayerSpec.ReLU()).build();
    }

    @Test
    void aChainIsAStraightColumnOneRowApart() {
        Map<String, Position> l = AutoLayout.layout(Presets.lenet5());
        List<Position> ps = new ArrayList<>(l.values());
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(ps.get(0).x(), ps.get(i).x());
            assertEquals(i * AutoLayout.ROW_SPACING, ps.get(i).y());
        }
    }

    @Test
    void branchesSitSideBySideInOneRowWithoutOverlapAndTheMergeIsBelowThemAll() {
        Map<String, Position> l = AutoLayout.layout(inception());
        double row1 = l.get("b1").y();
        for (String id : List.of("b1", "b2a", "b3a", "b4a")) assertEquals(row1, l.get(id).y(), id);
        List<Double> xs = new ArrayList<>();
        for (String id : List.of("b1", "b2a", "b3a", "b4a")) xs.add(l.get(id).x());
        xs.sort(Double::compare);
        for (int i = 1; i < xs.size(); i++) assertTrue(xs.get(i) - xs.get(i - 1) >= AutoLayout.BLOCK_WIDTH, xs.toString());
        assertEquals(3 * AutoLayout.ROW_SPACING, l.get("concat").y());
        // The concat sits under the middle of its four branches, the input above it.
        double mid = (xs.get(0) + xs.get(3)) / 2;
        assertEquals(mid, l.get("concat").x(), 1.0);
        assertEquals(mid, l.get("input").x(), 1.0);
    }

    @Test
    void aSkipConnectionIsRoutedBesideTheBlocksItSkipsWithoutCrossingAny() {
        Map<String, Position> l = AutoLayout.layout(residual());
        List<WireRouter.Point> wire = WireRouter.route(l, "input", "add", AutoLayout.BLOCK_WIDTH, AutoLayout.BLOCK_HEIGHT);
        assertEquals(4, wire.size(), "routed down a lane: " + wire);
        double lane = wire.get(1).x();
        assertEquals(lane, wire.get(2).x());
        for (String id : List.of("c1", "r1", "c2")) {
            double x = l.get(id).x();
            assertTrue(lane < x || lane > x + AutoLayout.BLOCK_WIDTH, id + " spans " + x + "…" + (x + AutoLayout.BLOCK_WIDTH) + ", lane at " + lane);
        }
        // The lane stays in the room the layout left for it: the whole drawing is no wider than two columns.
        double maxRight = l.values().stream().mapToDouble(p -> p.x() + AutoLayout.BLOCK_WIDTH).max().orElseThrow();
        assertTrue(lane < maxRight + AutoLayout.LANE_GAP, "lane " + lane + ", blocks end at " + maxRight);
        // Neighbouring blocks are joined directly.
        assertEquals(2, WireRouter.route(l, "c1", "r1", AutoLayout.BLOCK_WIDTH, AutoLayout.BLOCK_HEIGHT).size());
    }

    @Test
    void noTwoBlocksOverlapInALargerNetwork() {
        NetworkSpec.Builder b = NetworkSpec.builder("stack").input(56, 56, 64);
        for (int i = 0; i < 6; i++) {
            String in = b.last();
            b.add("a" + i, LayerSpec.Conv2D.of(64, 1, 1, 0), in).add("b" + i, LayerSpec.Conv2D.of(64, 3, 1, 1))
                    .add("c" + i, LayerSpec.Conv2D.of(64, 1, 1, 0));
            if (i % 2 == 0) b.add("s" + i, LayerSpec.Conv2D.of(64, 1, 1, 0), in).add("add" + i, new LayerSpec.Add(), "c" + i, "s" + i);
            else b.add("add" + i, new LayerSpec.Add(), "c" + i, in);
        }
        Map<String, Position> l = AutoLayout.layout(b.build());
        List<Position> ps = new ArrayList<>(l.values());
        for (int i = 0; i < ps.size(); i++) {
            for (int j = i + 1; j < ps.size(); j++) {
                boolean overlap = Math.abs(ps.get(i).x() - ps.get(j).x()) < AutoLayout.BLOCK_WIDTH
                        && Math.abs(ps.get(i).y() - ps.get(j).y()) < AutoLayout.BLOCK_HEIGHT;
                assertFalse(overlap, ps.get(i) + " and " + ps.get(j));
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"googlenet", "resnet50", "resnet18", "vgg16", "mobilenet"})
    void presetsAreLaidOutWithoutOverlapsAndEveryRoutedWireMissesEveryBlock(String key) {
        NetworkSpec spec = Presets.find(key).orElseThrow().spec();
        Map<String, Position> l = AutoLayout.layout(spec);
        assertEquals(spec.size(), l.size());
        List<Map.Entry<String, Position>> ps = new ArrayList<>(l.entrySet());
        for (int i = 0; i < ps.size(); i++) {
            for (int j = i + 1; j < ps.size(); j++) {
                Position a = ps.get(i).getValue();
                Position b = ps.get(j).getValue();
                assertFalse(Math.abs(a.x() - b.x()) < AutoLayout.BLOCK_WIDTH && Math.abs(a.y() - b.y()) < AutoLayout.BLOCK_HEIGHT,
                        ps.get(i).getKey() + " overlaps " + ps.get(j).getKey());
            }
        }
        for (var n : spec.nodes()) {
            for (String in : n.inputs()) {
                List<WireRouter.Point> w = WireRouter.route(l, in, n.id(), AutoLayout.BLOCK_WIDTH, AutoLayout.BLOCK_HEIGHT);
                if (w.size() != 4) continue;
                double lane = w.get(1).x();
                for (var e : l.entrySet()) {
                    Position p = e.getValue();
                    boolean inBand = p.y() < w.get(2).y() && p.y() + AutoLayout.BLOCK_HEIGHT > w.get(1).y();
                    assertFalse(inBand && lane > p.x() && lane < p.x() + AutoLayout.BLOCK_WIDTH,
                            "wire " + in + " → " + n.id() + " crosses " + e.getKey());
                }
            }
        }
    }
}
