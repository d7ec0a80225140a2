package org.convas.app.designer;

import org.convas.engine.spec.Position;

import java.util.List;
import java.util.Map;

/**
 * Where a connection is drawn: from the bottom centre of its source block to the top centre of its target.
 * A connection that would pass through other blocks (a skip connection over the blocks it skips) is routed
 * down a vertical lane beside them instead. Pure Java, so it is tested without a window.
 */
public final class WireRouter {

    /** Clearance between a lane and the blocks it passes. */
    static final double CLEARANCE = 14;

    private WireRouter() {
    }

    /** A point of a wire, in canvas coordinates. */
    public record Point(double x, double y) {
    }

    /**
     * The wire's points: two (start, end) for a direct connection, four (start, top of the lane, bottom of the
     * lane, end) for a routed one.
     */
    public static List<Point> route(Map<String, Position> layout, String from, String to, double blockWidth, double blockHeight) {
        Position a = layout.get(from);
        Position b = layout.get(to);
        Point start = new Point(a.x() + blockWidth / 2, a.y() + blockHeight);
        Point end = new Point(b.x() + blockWidth / 2, b.y());
        if (end.y() <= start.y()) return List.of(start, end);
        double left = Math.min(start.x(), end.x()) - 6;
        double right = Math.max(start.x(), end.x()) + 6;
        double minLeft = Double.POSITIVE_INFINITY;
        double maxRight = Double.NEGATIVE_INFINITY;
        for (var e : layout.entrySet()) {
            if (e.getKey().equals(from) || e.getKey().equals(to)) continue;
            Position p = e.getValue();
            if (blocksBand(p, start.y(), end.y(), blockHeight) && p.x() < right && p.x() + blockWidth > left) {
                minLeft = Math.min(minLeft, p.x());
                maxRight = Math.max(maxRight, p.x() + blockWidth);
            }
        }
        if (minLeft == Double.POSITIVE_INFINITY) return List.of(start, end);
        double rightLane = freeLane(layout, from, to, maxRight + CLEARANCE, +1, start.y(), end.y(), blockWidth, blockHeight);
        double leftLane = freeLane(layout, from, to, minLeft - CLEARANCE, -1, start.y(), end.y(), blockWidth, blockHeight);
        double mid = (start.x() + end.x()) / 2;
        double lane = Math.abs(rightLane - mid) <= Math.abs(leftLane - mid) ? rightLane : leftLane;
        double bend = Math.min(24, (end.y() - start.y()) / 4);
        return List.of(start, new Point(lane, start.y() + bend), new Point(lane, end.y() - bend), end);
    }

    private static boolean blocksBand(Position p, double top, double bottom, double blockHeight) {
        return p.y() < bottom && p.y() + blockHeight > top;
    }

    /** Moves a candidate lane outwards until no block between the two rows touches it. */
    private static double freeLane(Map<String, Position> layout, String from, String to, double x, int direction,
                                   double top, double bottom, double blockWidth, double blockHeight) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (var e : layout.entrySet()) {
                if (e.getKey().equals(from) || e.getKey().equals(to)) continue;
                Position p = e.getValue();
                if (blocksBand(p, top, bottom, blockHeight) && p.x() - CLEARANCE / 2 < x && p.x() + blockWidth + CLEARANCE / 2 > x) {
                    x = direction > 0 ? p.x() + blockWidth + CLEARANCE : p.x() - CLEARANCE;
                    moved = true;
                }
            }
        }
        return x;
    }
}
