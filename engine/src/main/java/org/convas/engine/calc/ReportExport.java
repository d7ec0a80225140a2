package org.convas.engine.calc;

import org.convas.engine.spec.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The summary table of a {@link NetworkReport} as CSV (RFC 4180) or a Markdown table, one row per node in
 * evaluation order and a closing "total" row. A node whose output is unknown (it or something above it is
 * invalid) shows "unknown" rather than a shape.
 *
 * <p>Markdown is for reading: {@code | conv1 (Conv 11×11/4, 96) | 55×55×96 | … | 34,944 | … | 1.1 MiB |}.
 * CSV is for a spreadsheet, so its counts are plain numbers (no thousands separators, memory in bytes) and
 * the layer's id and type are separate columns:
 * {@code conv1,"Conv 11×11/4, 96",55×55×96,(227 − 11 + 2·0)/4 + 1 = 55,34944,"(11·11·3 + 1)·96 = 34,944",105415200,1161600,…}.
 */
public final class ReportExport {

    public static final List<String> COLUMNS = List.of("Layer", "Output", "Formula", "Params", "Param formula",
            "MACs", "Memory", "Receptive field");

    private ReportExport() {
    }

    /** The table as rows of cells, header first, totals last. */
    public static List<List<String>> rows(NetworkReport report) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (LayerReport l : report.layers()) {
            rows.add(List.of(
                    l.id() + " (" + l.node().layer().label() + ")",
                    l.isKnown() ? l.output().toString() : "unknown",
                    l.shapeFormula(),
                    Numbers.grouped(l.parameters()),
                    l.paramFormula(),
                    Numbers.grouped(l.macs()),
                    Numbers.bytes(l.memoryBytes()),
                    l.receptiveField() == null ? "" : l.receptiveField().toString()));
        }
        rows.add(List.of("total", "", "", Numbers.grouped(report.totalParameters()), "",
                Numbers.grouped(report.totalMacs()), Numbers.bytes(report.forwardBytesPerImage()), ""));
        return rows;
    }

    /** The CSV columns: counts as plain numbers a spreadsheet sums, memory in bytes. */
    public static final List<String> CSV_COLUMNS = List.of("Layer", "Type", "Output", "Formula", "Params", "Param formula",
            "MACs", "Memory (bytes)", "Receptive field");

    /** The rows of the CSV, header first, totals last. */
    public static List<List<String>> csvRows(NetworkReport report) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(CSV_COLUMNS);
        for (LayerReport l : report.layers()) {
            rows.add(List.of(
                    l.id(),
                    l.node().layer().label(),
                    l.isKnown() ? l.output().toString() : "unknown",
                    l.shapeFormula(),
                    Long.toString(l.parameters()),
                    l.paramFormula(),
                    Long.toString(l.macs()),
                    Long.toString(l.memoryBytes()),
                    l.receptiveField() == null ? "" : l.receptiveField().toString()));
        }
        rows.add(List.of("total", "", "", "", Long.toString(report.totalParameters()), "",
                Long.toString(report.totalMacs()), Long.toString(report.forwardBytesPerImage()), ""));
        return rows;
    }

    /** RFC 4180: cells with a comma, quote or line break are quoted, quotes doubled; lines end in CRLF. */
    public static String toCsv(NetworkReport report) {
        StringBuilder sb = new StringBuilder();
        for (List<String> row : csvRows(report)) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(csvCell(row.get(i)));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    /** A GitHub-flavoured Markdown table; "|" inside a cell is escaped as "\|". */
    public static String toMarkdown(NetworkReport report) {
        StringBuilder sb = new StringBuilder();
        List<List<String>> rows = rows(report);
        String title = report.spec().name();
        if (!title.isEmpty()) sb.append("# ").append(title).append("\n\n");
        for (int r = 0; r < rows.size(); r++) {
            sb.append('|');
            for (String cell : rows.get(r)) sb.append(' ').append(markdownCell(cell)).append(" |");
            sb.append('\n');
            if (r == 0) {
                sb.append('|');
                for (int i = 0; i < rows.get(0).size(); i++) sb.append(i == 0 || i == 2 || i == 4 ? "---|" : "--:|");
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public static void writeCsv(NetworkReport report, Path file) throws IOException {
        AtomicFiles.writeString(file, toCsv(report));
    }

    public static void writeMarkdown(NetworkReport report, Path file) throws IOException {
        AtomicFiles.writeString(file, toMarkdown(report));
    }

    static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String markdownCell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
