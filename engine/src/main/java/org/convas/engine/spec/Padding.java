package org.convas.engine.spec;

/**
 * Zero padding of a convolution or pooling window.
 *
 * <p>{@code EXPLICIT} pads {@code height} rows above and below and {@code width} columns left and right
 * (the lecture's P). {@code VALID} is P = 0. {@code SAME} pads just enough that the output is ⌈W/S⌉, as
 * TensorFlow does; when the total is odd the extra row/column goes bottom/right.
 */
public record Padding(Mode mode, int height, int width) {

    public enum Mode { EXPLICIT, SAME, VALID }

    public static final Padding VALID = new Padding(Mode.VALID, 0, 0);
    public static final Padding SAME = new Padding(Mode.SAME, 0, 0);
    public static final Padding NONE = new Padding(Mode.EXPLICIT, 0, 0);

    public Padding {
        if (mode == null) throw new IllegalArgumentException("padding mode is required");
        if (mode != Mode.EXPLICIT) { height = 0; width = 0; }
    }

    public static Padding of(int p) {
        return new Padding(Mode.EXPLICIT, p, p);
    }

    public static Padding of(int height, int width) {
        return new Padding(Mode.EXPLICIT, height, width);
    }

    public boolean isSymmetricExplicit() {
        return mode == Mode.EXPLICIT && height == width;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case SAME -> "same";
            case VALID -> "valid";
            case EXPLICIT -> height == width ? Integer.toString(height) : height + "×" + width;
        };
    }
}
