package org.convas.app.designer;

import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layered (Sugiyama-style) layout, top to bottom, good enough that GoogLeNet's Inception branches sit side
 * by side and ResNet's skip connections run beside the blocks they skip:
 * <ol>
 *   <li>layering by longest path: a block sits one row below its lowest input;</li>
 *   <li>a connection that spans several rows gets a thin placeholder in each row between, so it keeps its own
 *       lane;</li>
 *   <li>order within a row by barycentre (mean position of the neighbours), sweeping down and up, to reduce
 *       crossings;</li>
 *   <li>x by repeatedly pulling every block to the mean x of its neighbours while keeping the order and the
 *       minimum gaps (an isotonic regression solved by pool-adjacent-violators), so chains come out straight.</li>
 * </ol>
 * Positions are block top-left corners. Pure Java: no JavaFX.
 */
public final class AutoLayout {

    public static final double BLOCK_WIDTH = 196;
    public static final double BLOCK_HEIGHT = 62;
    public static final double ROW_SPACING = 96;
    /** Centre-to-centre gap between two blocks in a row. */
    static final double BLOCK_GAP = BLOCK_WIDTH + 36;
    /** Gap between a block and a connection's lane, and between two lanes. */
    static final double LANE_GAP = BLOCK_WIDTH / 2 + 24;
    static final double LANE_LANE_GAP = 28;

    private AutoLayout() {
    }

    /** A vertex of the layered graph: a block, or a lane placeholder of a long connection. */
    private static final class Vertex {
        final String id;
        final boolean lane;
        final int row;
        final List<Vertex> up = new ArrayList<>();
        final List<Vertex> down = new ArrayList<>();
        double order;
        double x;

        Vertex(String id, boolean lane, int row) {
            this.id = id;
            this.lane = lane;
            this.row = row;
        }
    }

    public static Map<String, Position> layout(NetworkSpec spec) {
        List<Node> order = spec.topologicalOrder().orElse(spec.nodes());
        Map<String, Integer> rowOf = new HashMap<>();
        for (Node n : order) {
            int row = 0;
            for (String in : n.inputs()) {
                Integer r = rowOf.get(in);
                if (r != null) row = Math.max(row, r + 1);
            }
            rowOf.put(n.id(), row);
        }
        int rowCount = rowOf.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<List<Vertex>> rows = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) rows.add(new ArrayList<>());
        Map<String, Vertex> vertices = new LinkedHashMap<>();
        for (Node n : order) {
            Vertex v = new Vertex(n.id(), false, rowOf.get(n.id()));
            v.order = rows.get(v.row).size();
            rows.get(v.row).add(v);
            vertices.put(n.id(), v);
        }
        for (Node n : order) {
            Vertex target = vertices.get(n.id());
            for (String in : n.inputs()) {
                Vertex source = vertices.get(in);
                if (source == null || source.row >= target.row) continue; // a loop's back edge: drawn, not laid out
                Vertex prev = source;
                for (int r = source.row + 1; r < target.row; r++) {
                    Vertex lane = new Vertex(in + "→" + n.id(), true, r);
                    lane.order = rows.get(r).size();
                    rows.get(r).add(lane);
                    link(prev, lane);
                    prev = lane;
                }
                link(prev, target);
            }
        }

        for (int sweep = 0; sweep < 6; sweep++) {
            for (int r = 1; r < rowCount; r++) sortByBarycentre(rows.get(r), true);
            for (int r = rowCount - 2; r >= 0; r--) sortByBarycentre(rows.get(r), false);
        }
        for (List<Vertex> row : rows) {
            double x = 0;
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) x += gap(row.get(i - 1), row.get(i));
                row.get(i).x = x;
            }
        }
        for (int pass = 0; pass < 12; pass++) {
            boolean downward = pass % 2 == 0;
            if (downward) for (int r = 1; r < rowCount; r++) place(rows.get(r), true, pass >= 8);
            else for (int r = rowCount - 2; r >= 0; r--) place(rows.get(r), false, pass >= 8);
        }
        // Straighten chains: a block that is the only child of its only parent goes right under it where the row
        // has room (averaging leaves small zigzags otherwise).
        for (int pass = 0; pass < 2; pass++) {
            for (int r = 1; r < rowCount; r++) straighten(rows.get(r));
        }
        double minX = vertices.values().stream().mapToDouble(v -> v.x).min().orElse(0);
        Map<String, Position> result = new LinkedHashMap<>();
        for (Node n : spec.nodes()) {
            Vertex v = vertices.get(n.id());
            result.put(n.id(), new Position(Math.round(v.x - minX), v.row * ROW_SPACING));
        }
        return result;
    }

    private static void straighten(List<Vertex> row) {
        double[] want = new double[row.size()];
        for (int i = 0; i < row.size(); i++) {
            Vertex v = row.get(i);
            want[i] = v.up.size() == 1 && v.up.get(0).down.size() == 1 ? v.up.get(0).x : v.x;
        }
        resolve(row, want);
    }

    private static void link(Vertex a, Vertex b) {
        a.down.add(b);
        b.up.add(a);
    }

    private static double gap(Vertex a, Vertex b) {
        if (!a.lane && !b.lane) return BLOCK_GAP;
        if (a.lane && b.lane) return LANE_LANE_GAP;
        return LANE_GAP;
    }

    private static void sortByBarycentre(List<Vertex> row, boolean fromAbove) {
        Map<Vertex, Double> key = new HashMap<>();
        for (Vertex v : row) {
            List<Vertex> ns = fromAbove ? v.up : v.down;
            key.put(v, ns.isEmpty() ? v.order : ns.stream().mapToDouble(n -> n.order).average().orElse(v.order));
        }
        List<Vertex> sorted = new ArrayList<>(row);
        sorted.sort((a, b) -> Double.compare(key.get(a), key.get(b))); // stable: ties keep their order
        row.clear();
        row.addAll(sorted);
        for (int i = 0; i < row.size(); i++) row.get(i).order = i;
    }

    /**
     * Pulls each vertex towards the mean x of its neighbours (above when {@code fromAbove}, below otherwise,
     * both in the final passes) and then resolves overlaps optimally: minimise Σ(xᵢ − wantᵢ)² subject to
     * xᵢ − xᵢ₋₁ ≥ gapᵢ. With cᵢ the cumulative gaps and yᵢ = xᵢ − cᵢ this is "y non-decreasing", solved by
     * pool-adjacent-violators.
     */
    private static void place(List<Vertex> row, boolean fromAbove, boolean both) {
        int n = row.size();
        if (n == 0) return;
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
            Vertex v = row.get(i);
            List<Vertex> ns = new ArrayList<>(fromAbove || both ? v.up : v.down);
            if (both) ns.addAll(v.down);
            want[i] = ns.isEmpty() ? v.x : ns.stream().mapToDouble(u -> u.x).average().orElse(v.x);
        }
        resolve(row, want);
    }

    /** Puts the row as close to {@code want} as the order and the gaps allow (least squares). */
    private static void resolve(List<Vertex> row, double[] want) {
        int n = row.size();
        double[] c = new double[n];
        for (int i = 1; i < n; i++) c[i] = c[i - 1] + gap(row.get(i - 1), row.get(i));
        // Pool adjacent violators on y = want − c.
        double[] blockMean = new double[n];
        int[] blockSize = new int[n];
        int blocks = 0;
        for (int i = 0; i < n; i++) {
            blockMean[blocks] = want[i] - c[i];
            blockSize[blocks] = 1;
            blocks++;
            while (blocks > 1 && blockMean[blocks - 2] > blockMean[blocks - 1]) {
                int s = blockSize[blocks - 2] + blockSize[blocks - 1];
                blockMean[blocks - 2] = (blockMean[blocks - 2] * blockSize[blocks - 2] + blockMean[blocks - 1] * blockSize[blocks - 1]) / s;
                blockSize[blocks - 2] = s;
                blocks--;
            }
        }
        int i = 0;
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < blockSize[b]; k++, i++) row.get(i).x = blockMean[b] + c[i];
        }
    }
}
