package org.convas.visualizer.inspect;

import java.util.List;
import java.util.Locale;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

import org.convas.visualizer.fx.SingleChildRegion;

/**
 * A confusion matrix: rows are true classes, columns predicted classes, each cell the number of test images of
 * row class i predicted as column class j. Cells are shaded by the row-normalised value counts[i][j] / Σ_j
 * counts[i][j] (white 0 → dark blue 1), so a class with few examples is as readable as a large one; the count
 * itself is written in the cell. The last column gives each class's recall, counts[i][i] / Σ_j counts[i][j].
 * Example: a row {80, 15, 5} shades the diagonal cell at 0.80 and shows recall 80%.
 *
 * <p>Drawn on one {@link Canvas} (fast for 100 classes too); cells shrink from 40 to 12 px to fit the width, and
 * counts are written while cells are at least 22 px.
 */
public final class ConfusionMatrixView extends SingleChildRegion {

    private final Canvas canvas = new Canvas(10, 10);
    private final Label summary = new Label("no results yet");
    private int[][] counts = new int[0][];
    private List<String> classNames = List.of();

    public ConfusionMatrixView() {
        this(new BorderPane());
    }

    private ConfusionMatrixView(BorderPane root) {
        super(root);
        getStyleClass().add("confusion-matrix");
        root.setTop(summary);
        root.setCenter(new ScrollPane(canvas));
        // Cells shrink to fit the width (down to 12 px, then the pane scrolls).
        widthProperty().addListener((obs, was, is) -> draw());
    }

    /**
     * Shows a matrix.
     *
     * @param counts     N×N, counts[true][predicted] ≥ 0
     * @param classNames N names, in class-index order
     * @throws IllegalArgumentException if the matrix is not N×N for N names or holds a negative count
     */
    public void setMatrix(int[][] counts, List<String> classNames) {
        validate(counts, classNames);
        this.counts = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            this.counts[i] = counts[i].clone();
        }
        this.classNames = List.copyOf(classNames);
        long total = 0;
        long correct = 0;
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts.length; j++) total += counts[i][j];
            correct += counts[i][i];
        }
        summary.setText(total == 0 ? "no images counted"
                : String.format(Locale.ROOT, "%d images, accuracy %.1f%% (rows: true class, columns: predicted)",
                total, 100.0 * correct / total));
        draw();
    }

    /** Forgets the matrix (another network is shown): an empty canvas and "no results yet". */
    public void clear() {
        counts = new int[0][];
        classNames = List.of();
        summary.setText("no results yet");
        canvas.setWidth(10);
        canvas.setHeight(10);
        canvas.getGraphicsContext2D().clearRect(0, 0, 10, 10);
    }

    /** The summary line, e.g. "1000 images, accuracy 83.2% …". */
    public String summaryText() {
        return summary.getText();
    }

    /**
     * Row-normalised matrix: r[i][j] = counts[i][j] / Σ_j counts[i][j]; a row without images is all 0.
     */
    public static double[][] rowNormalised(int[][] counts) {
        double[][] r = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            long sum = 0;
            for (int v : counts[i]) sum += v;
            r[i] = new double[counts[i].length];
            for (int j = 0; j < counts[i].length; j++) {
                r[i][j] = sum == 0 ? 0 : (double) counts[i][j] / sum;
            }
        }
        return r;
    }

    /** Per-class recall counts[i][i] / Σ_j counts[i][j]; NaN for a class without images. */
    public static double[] recalls(int[][] counts) {
        double[] recall = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            long sum = 0;
            for (int v : counts[i]) sum += v;
            recall[i] = sum == 0 ? Double.NaN : (double) counts[i][i] / sum;
        }
        return recall;
    }

    private static void validate(int[][] counts, List<String> classNames) {
        int n = classNames.size();
        if (counts.length != n) {
            throw new IllegalArgumentException("ConfusionMatrixView.setMatrix: " + counts.length + " rows for "
                    + n + " class names (rows are true classes, one per name)");
        }
        for (int i = 0; i < n; i++) {
            if (counts[i].length != n) {
                throw new IllegalArgumentException("ConfusionMatrixView.setMatrix: row " + i + " ("
                        + classNames.get(i) + ") has " + counts[i].length + " columns, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                if (counts[i][j] < 0) {
                    throw new IllegalArgumentException("ConfusionMatrixView.setMatrix: count[" + i + "][" + j
                            + "] = " + counts[i][j] + " is negative");
                }
            }
        }
    }

    private void draw() {
        int n = counts.length;
        if (n == 0) return;
        double labelWidth = 12 + 6.5 * classNames.stream().mapToInt(String::length).max().orElse(1);
        double top = labelWidth;
        double left = labelWidth;
        double recallWidth = 50;
        double available = getWidth() > 0 ? getWidth() - left - recallWidth - 24 : 40 * n;
        double cell = Math.max(12, Math.min(40, Math.floor(available / n)));
        boolean numbers = cell >= 22;
        canvas.setWidth(left + n * cell + recallWidth + 8);
        canvas.setHeight(top + n * cell + 8);
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        double[][] norm = rowNormalised(counts);
        double[] recall = recalls(counts);
        Font font = Font.font(cell >= 34 ? 12 : cell >= 26 ? 10 : 9);
        g.setFont(font);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i < n; i++) {
            g.setFill(Color.BLACK);
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(classNames.get(i), left - 4, top + (i + 0.5) * cell);
            // Column names written vertically, reading upward, ending just above the matrix.
            g.save();
            g.translate(left + (i + 0.5) * cell, top - 4);
            g.rotate(-90);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(classNames.get(i), 0, 0);
            g.restore();
            for (int j = 0; j < n; j++) {
                double x = left + j * cell;
                double y = top + i * cell;
                Color shade = shade(norm[i][j]);
                g.setFill(shade);
                g.fillRect(x, y, cell, cell);
                if (numbers && counts[i][j] > 0) {
                    g.setFill(norm[i][j] > 0.5 ? Color.WHITE : Color.BLACK);
                    g.setTextAlign(TextAlignment.CENTER);
                    g.setFont(i == j ? Font.font(null, FontWeight.BOLD, font.getSize()) : font);
                    g.fillText(Integer.toString(counts[i][j]), x + cell / 2, y + cell / 2);
                    g.setFont(font);
                }
            }
            g.setFill(Color.BLACK);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(Double.isNaN(recall[i]) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * recall[i]),
                    left + n * cell + 6, top + (i + 0.5) * cell);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("recall", left + n * cell + 6, top - 10);
        g.setStroke(Color.gray(0.75));
        g.strokeRect(left, top, n * cell, n * cell);
    }

    /** White at 0, dark blue (8, 48, 107) at 1, linear in between. */
    static Color shade(double value) {
        double t = Math.max(0, Math.min(1, value));
        return Color.rgb((int) Math.round(255 + (8 - 255) * t), (int) Math.round(255 + (48 - 255) * t),
                (int) Math.round(255 + (107 - 255) * t));
    }
}
