package org.convas.app.teach;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.calc.Numbers;
import org.convas.engine.calc.ReceptiveField;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.teach.Totals;
import org.convas.samples.teach.LectureComparisons;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Two networks (or blocks) side by side: the calculator's report of each, their totals, and per total the
 * difference B − A and the ratio B/A. A lecture template sets both sides and its explanation; choosing another
 * network for a side keeps the other and drops the template's text.
 */
public final class CompareModel {

    /** One line of the totals table, formatted: "Parameters | 110,592 | 200,704 | +94,112 | 1.81×". */
    public record Row(String metric, String left, String right, String difference, String ratio) {
    }

    private final ObjectProperty<NetworkSpec> left = new SimpleObjectProperty<>(this, "left");
    private final ObjectProperty<NetworkSpec> right = new SimpleObjectProperty<>(this, "right");
    private final ReadOnlyObjectWrapper<NetworkReport> leftReport = new ReadOnlyObjectWrapper<>(this, "leftReport");
    private final ReadOnlyObjectWrapper<NetworkReport> rightReport = new ReadOnlyObjectWrapper<>(this, "rightReport");
    private final ReadOnlyObjectWrapper<List<Row>> rows = new ReadOnlyObjectWrapper<>(this, "rows", List.of());
    private final ReadOnlyStringWrapper explanation = new ReadOnlyStringWrapper(this, "explanation", "");
    private final ReadOnlyObjectWrapper<LectureComparisons.Template> template = new ReadOnlyObjectWrapper<>(this, "template");
    private boolean applying;

    public CompareModel() {
        left.addListener((o, a, b) -> changed());
        right.addListener((o, a, b) -> changed());
        showTemplate(LectureComparisons.stackOfThreeByThree());
    }

    public ObjectProperty<NetworkSpec> leftProperty() { return left; }

    public ObjectProperty<NetworkSpec> rightProperty() { return right; }

    public ReadOnlyObjectProperty<NetworkReport> leftReportProperty() { return leftReport.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<NetworkReport> rightReportProperty() { return rightReport.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<List<Row>> rowsProperty() { return rows.getReadOnlyProperty(); }

    public List<Row> rows() { return rows.get(); }

    public ReadOnlyStringProperty explanationProperty() { return explanation.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<LectureComparisons.Template> templateProperty() { return template.getReadOnlyProperty(); }

    /** Shows a lecture comparison: both sides and the explanation with the calculator's numbers. */
    public void showTemplate(LectureComparisons.Template t) {
        Objects.requireNonNull(t, "template");
        applying = true;
        try {
            template.set(t);
            left.set(t.left());
            right.set(t.right());
        } finally {
            applying = false;
        }
        changed();
    }

    public void setLeft(NetworkSpec spec) {
        left.set(Objects.requireNonNull(spec));
    }

    public void setRight(NetworkSpec spec) {
        right.set(Objects.requireNonNull(spec));
    }

    private void changed() {
        if (applying) return;
        LectureComparisons.Template t = template.get();
        if (t != null && (left.get() != t.left() || right.get() != t.right())) template.set(null);
        NetworkReport a = left.get() == null ? null : Calculator.analyze(left.get());
        NetworkReport b = right.get() == null ? null : Calculator.analyze(right.get());
        leftReport.set(a);
        rightReport.set(b);
        rows.set(a == null || b == null ? List.of() : rows(Totals.of(a), Totals.of(b)));
        explanation.set(template.get() != null ? template.get().explain()
                : "Two networks chosen by hand: the table compares the calculator's totals. Pick a lecture comparison for its explanation.");
    }

    /** The totals table of two networks. */
    public static List<Row> rows(Totals a, Totals b) {
        List<Row> r = new ArrayList<>();
        r.add(count("Parameters", a.parameters(), b.parameters()));
        r.add(count("  weights", a.weights(), b.weights()));
        r.add(count("  biases", a.biases(), b.biases()));
        r.add(count("Multiply-adds per image", a.macs(), b.macs()));
        r.add(count("Activations per image", a.activations(), b.activations()));
        r.add(new Row("Forward memory per image", Numbers.bytes(a.forwardBytes()), Numbers.bytes(b.forwardBytes()),
                signedBytes(b.forwardBytes() - a.forwardBytes()), ratio(a.forwardBytes(), b.forwardBytes())));
        r.add(new Row("Output", text(a.output()), text(b.output()), "", ""));
        r.add(new Row("Receptive field of the output", rf(a.receptiveField()), rf(b.receptiveField()),
                a.receptiveField() == null || b.receptiveField() == null ? ""
                        : signed(b.receptiveField().width() - a.receptiveField().width()) + " px",
                ""));
        return r;
    }

    private static Row count(String metric, long a, long b) {
        return new Row(metric, Numbers.grouped(a), Numbers.grouped(b), signed(b - a), ratio(a, b));
    }

    private static String signed(long d) {
        return d > 0 ? "+" + Numbers.grouped(d) : d < 0 ? "−" + Numbers.grouped(-d) : "0";
    }

    private static String signedBytes(long d) {
        return d > 0 ? "+" + Numbers.bytes(d) : d < 0 ? "−" + Numbers.bytes(-d) : "0";
    }

    /** B/A: "1.81×"; "—" when A is 0. */
    static String ratio(long a, long b) {
        if (a == 0) return b == 0 ? "" : "—";
        return String.format(Locale.ROOT, "%.2f×", (double) b / a);
    }

    private static String text(Object o) {
        return o == null ? "?" : o.toString();
    }

    private static String rf(ReceptiveField f) {
        return f == null ? "?" : f.sizeText();
    }
}
