package org.convas.engine.calc;

/**
 * The region of the network input that one output unit of a node sees, per axis: its size (in input
 * pixels), the jump (input pixels between neighbouring output units) and the start (centre of the first
 * output unit's region, in input pixel coordinates where pixel 0 spans [0, 1)).
 *
 * <p>Recurrence for a window of effective size F', stride S and padding P before:
 * size' = size + (F' − 1)·jump, jump' = jump·S, start' = start + ((F' − 1)/2 − P)·jump. Sizes and jumps stop at
 * {@link Long#MAX_VALUE} instead of wrapping round (a chain of 65,536-strides gets there in four layers).
 */
public record ReceptiveField(long width, long height, long jumpX, long jumpY, double startX, double startY) {

    public static final ReceptiveField PIXEL = new ReceptiveField(1, 1, 1, 1, 0.5, 0.5);

    public String sizeText() {
        return width == height ? width + "×" + width : width + "×" + height;
    }

    @Override
    public String toString() {
        String jump = jumpX == jumpY ? Long.toString(jumpX) : jumpX + "×" + jumpY;
        return sizeText() + " (jump " + jump + ")";
    }
}
