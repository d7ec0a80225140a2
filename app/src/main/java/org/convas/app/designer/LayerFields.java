package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Padding;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The editable fields of a layer record, as text the inspector shows and parses: whole numbers, decimals,
 * yes/no, padding ("1", "same", "valid", "0×3"), the stride ("2", or "2×1" down × across) and, for convolutions, the
 * kernel ("3" or "1×7") in one field.
 * Parsing a field gives a new layer or an {@link IllegalArgumentException} whose message names the field and
 * the rule; the spec is never touched here. Works on every record of {@link LayerSpec} by its components, so a
 * new layer type gets an inspector without code here.
 */
public final class LayerFields {

    public enum Kind { INTEGER, DECIMAL, BOOLEAN, PADDING, KERNEL }

    /** One field: its name ("stride"), its kind, and its current value as text ("2", "same", "true"). */
    public record Field(String name, Kind kind, String text) {
    }

    private LayerFields() {
    }

    public static List<Field> fieldsOf(LayerSpec layer) {
        List<Field> out = new ArrayList<>();
        for (RecordComponent c : layer.getClass().getRecordComponents()) {
            String n = c.getName();
            if (layer instanceof LayerSpec.Conv2D conv && n.equals("kernelHeight")) {
                out.add(new Field("kernel", Kind.KERNEL, pair(conv.kernelHeight(), conv.kernelWidth())));
                continue;
            }
            if (layer instanceof LayerSpec.Conv2D && n.equals("kernelWidth")) continue;
            if (n.equals("strideHeight")) {
                out.add(new Field("stride", Kind.KERNEL, pair((Integer) value(layer, c), strideWidth(layer))));
                continue;
            }
            if (n.equals("strideWidth")) continue;
            Object v = value(layer, c);
            Class<?> t = c.getType();
            Kind kind = t == int.class ? Kind.INTEGER : t == double.class ? Kind.DECIMAL : t == boolean.class ? Kind.BOOLEAN
                    : t == Padding.class ? Kind.PADDING : null;
            if (kind == null) throw new IllegalStateException("no editor for " + layer.type() + "." + n + " of type " + t);
            out.add(new Field(n, kind, kind == Kind.DECIMAL ? decimal((Double) v) : String.valueOf(v)));
        }
        return out;
    }

    /** The layer with one field set from text. */
    private static int strideWidth(LayerSpec layer) {
        if (layer instanceof LayerSpec.Conv2D c) return c.strideWidth();
        if (layer instanceof LayerSpec.MaxPool p) return p.strideWidth();
        if (layer instanceof LayerSpec.AvgPool p) return p.strideWidth();
        throw new IllegalStateException(layer.type() + " has a strideHeight but no strideWidth");
    }

    public static LayerSpec with(LayerSpec layer, String field, String text) {
        RecordComponent[] cs = layer.getClass().getRecordComponents();
        Object[] args = new Object[cs.length];
        boolean found = false;
        for (int i = 0; i < cs.length; i++) {
            String n = cs[i].getName();
            args[i] = value(layer, cs[i]);
            if (field.equals("kernel") && layer instanceof LayerSpec.Conv2D) {
                if (n.equals("kernelHeight") || n.equals("kernelWidth")) {
                    int[] k = parsePair(field, text);
                    args[i] = n.equals("kernelHeight") ? k[0] : k[1];
                    found = true;
                }
            } else if (field.equals("stride") && (n.equals("strideHeight") || n.equals("strideWidth"))) {
                int[] st = parsePair(field, text);
                args[i] = n.equals("strideHeight") ? st[0] : st[1];
                found = true;
            } else if (n.equals(field)) {
                args[i] = parse(field, cs[i].getType(), text);
                found = true;
            }
        }
        if (!found) throw new IllegalArgumentException(layer.type() + " has no field \"" + field + "\"");
        try {
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) types[i] = cs[i].getType();
            Constructor<?> canonical = layer.getClass().getDeclaredConstructor(types);
            return (LayerSpec) canonical.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild " + layer.type(), e);
        }
    }

    private static Object parse(String field, Class<?> type, String text) {
        String t = text.strip();
        if (type == int.class) return parseInt(field, t);
        if (type == double.class) {
            try {
                double d = Double.parseDouble(t.replace('−', '-'));
                if (!Double.isFinite(d)) throw new NumberFormatException();
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + " must be a number such as 0.5 (\"" + t + "\" is not)");
            }
        }
        if (type == boolean.class) {
            String l = t.toLowerCase(Locale.ROOT);
            if (l.equals("true") || l.equals("yes")) return true;
            if (l.equals("false") || l.equals("no")) return false;
            throw new IllegalArgumentException(field + " must be true or false (\"" + t + "\" is not)");
        }
        if (type == Padding.class) return parsePadding(field, t);
        throw new IllegalStateException("no parser for " + type);
    }

    /** "same", "valid", "2" (P on every side) or "0×3" (rows above and below × columns left and right). */
    public static Padding parsePadding(String field, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("same")) return Padding.SAME;
        if (t.equals("valid")) return Padding.VALID;
        try {
            int[] p = parsePair(field, t);
            return Padding.of(p[0], p[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be \"same\", \"valid\", a whole number such as 1, or rows×columns such as 0×3 (\""
                    + text.strip() + "\" is not)");
        }
    }

    /** "3" gives 3×3, "1×7" (or "1x7") gives 1 high and 7 wide. */
    static int[] parsePair(String field, String text) {
        String[] parts = text.strip().split("\\s*[×xX*]\\s*", -1);
        if (parts.length == 1) {
            int v = parseInt(field, parts[0]);
            return new int[] {v, v};
        }
        if (parts.length == 2) return new int[] {parseInt(field, parts[0]), parseInt(field, parts[1])};
        throw new IllegalArgumentException(field + " must be one whole number or height×width such as 1×7 (\"" + text.strip() + "\" is not)");
    }

    private static int parseInt(String field, String t) {
        try {
            return Integer.parseInt(t.strip().replace('−', '-'));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a whole number (\"" + t.strip() + "\" is not)");
        }
    }

    private static Object value(LayerSpec layer, RecordComponent c) {
        try {
            return c.getAccessor().invoke(layer);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pair(int h, int w) {
        return h == w ? Integer.toString(h) : h + "×" + w;
    }

    private static String decimal(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString((long) d) + ".0" : Double.toString(d);
    }
}
