package org.convas.app.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns, for terminals: numbers right-aligned, text left-aligned, two
 * spaces between columns. Widths count code points, so "28×28×6" and "(32 − 5 + 2·0)/1 + 1" line up.
 */
final class TextTable {

    enum Align { LEFT, RIGHT }

    private final List<String> headers = new ArrayList<>();
    private final List<Align> aligns = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    TextTable column(String header, Align align) {
        headers.add(header);
        aligns.add(align);
        return this;
    }

    TextTable row(String... cells) {
        if (cells.length != headers.size()) throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        rows.add(cells.clone());
        return this;
    }

    /** Prints the header, a rule, the rows; returns the width of a full line. */
    int print(PrintStream out) {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = length(headers.get(c));
            for (String[] r : rows) width[c] = Math.max(width[c], length(r[c]));
        }
        int total = 0;
        for (int w : width) total += w;
        total += 2 * (width.length - 1);
        out.println(line(headers.toArray(String[]::new), width));
        out.println("-".repeat(total));
        for (String[] r : rows) out.println(line(r, width));
        return total;
    }

    private String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            boolean last = c == cells.length - 1;
            String pad = " ".repeat(width[c] - length(cells[c]));
            if (aligns.get(c) == Align.RIGHT) sb.append(pad).append(cells[c]);
            else sb.append(cells[c]).append(last ? "" : pad);
            if (!last) sb.append("  ");
        }
        return sb.toString().stripTrailing();
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
