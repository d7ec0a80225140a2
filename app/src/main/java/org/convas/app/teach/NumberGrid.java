package org.convas.app.teach;

import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

import java.util.function.IntBinaryOperator;

/**
 * A grid of numbered cells drawn with scene-graph nodes (so it stays sharp under the presentation zoom): rows ×
 * columns of a region of a plane, each cell a square with its number when the cell is large enough to read. Cells
 * are given by row and column in the plane's own coordinates, which may run outside the plane (padding, or the
 * window that falls off the edge). Marks (the window, the current cell, a winner) are rectangles drawn on top.
 */
final class NumberGrid extends Pane {

    /** What a cell shows. */
    record Cell(String text, Color fill, Color textColor, boolean dashed, String id) {
    }

    /** A cell's look and number, by row and column; null for no cell. */
    interface CellSource {
        Cell cell(int row, int col);
    }

    private final double cellSize;
    private final int firstRow;
    private final int firstCol;
    private final int rows;
    private final int cols;

    /**
     * @param firstRow first row shown (plane coordinates; negative inside the top padding)
     * @param rows     rows shown
     */
    NumberGrid(int firstRow, int firstCol, int rows, int cols, double cellSize, CellSource source) {
        this.cellSize = cellSize;
        this.firstRow = firstRow;
        this.firstCol = firstCol;
        this.rows = rows;
        this.cols = cols;
        getStyleClass().add("number-grid");
        double fontSize = Math.min(15, cellSize * 0.42);
        Font font = Font.font("System", FontWeight.NORMAL, fontSize);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                Cell cell = source.cell(firstRow + r, firstCol + c);
                if (cell == null) continue;
                Rectangle box = new Rectangle(c * cellSize, r * cellSize, cellSize, cellSize);
                box.setFill(cell.fill());
                box.setStroke(Color.web("#8a93a0"));
                box.setStrokeWidth(0.8);
                if (cell.dashed()) box.getStrokeDashArray().setAll(3.0, 3.0);
                if (cell.id() != null) box.setId(cell.id() + "-box");
                getChildren().add(box);
                if (cellSize >= 20 && cell.text() != null && !cell.text().isEmpty()) {
                    Text t = new Text(cell.text());
                    // Long numbers ("−0.21") get a smaller font rather than wrapping inside the cell.
                    double fit = (cellSize - 3) / (0.6 * Math.max(1, cell.text().length()));
                    t.setFont(fit < fontSize ? Font.font("System", FontWeight.NORMAL, Math.max(6, fit)) : font);
                    t.setFill(cell.textColor());
                    t.setTextOrigin(VPos.CENTER);
                    t.setTextAlignment(TextAlignment.CENTER);
                    t.setWrappingWidth(cellSize);
                    t.setX(c * cellSize);
                    t.setY(r * cellSize + cellSize / 2);
                    t.setMouseTransparent(true);
                    if (cell.id() != null) t.setId(cell.id());
                    t.getStyleClass().add("grid-number");
                    getChildren().add(t);
                }
            }
        }
        setPrefSize(cols * cellSize + 2, rows * cellSize + 2);
        setMinSize(USE_PREF_SIZE, USE_PREF_SIZE);
        setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
    }

    /** Draws a frame around rows r0..r0+h−1, columns c0..c0+w−1 (plane coordinates), clipped to what is shown. */
    Rectangle mark(int r0, int c0, int h, int w, Color stroke, double width, boolean dashed, String id) {
        double x = (c0 - firstCol) * cellSize, y = (r0 - firstRow) * cellSize;
        Rectangle frame = new Rectangle(x, y, w * cellSize, h * cellSize);
        frame.setFill(Color.TRANSPARENT);
        frame.setStroke(stroke);
        frame.setStrokeWidth(width);
        if (dashed) frame.getStrokeDashArray().setAll(6.0, 4.0);
        frame.setMouseTransparent(true);
        if (id != null) frame.setId(id);
        getChildren().add(frame);
        return frame;
    }

    /** Lets a click on a cell call back with its row and column (plane coordinates). */
    void onCellClicked(IntBinaryOperator action) {
        setCursor(Cursor.HAND);
        setOnMouseClicked(e -> {
            int c = firstCol + (int) Math.floor(e.getX() / cellSize);
            int r = firstRow + (int) Math.floor(e.getY() / cellSize);
            if (r >= firstRow && r < firstRow + rows && c >= firstCol && c < firstCol + cols) action.applyAsInt(r, c);
        });
    }

    /** The cell side, in pixels, that keeps a grid of {@code cells} cells within {@code budget} pixels. */
    static double cellSizeFor(int cells, double budget, double max, double min) {
        return Math.max(min, Math.min(max, Math.floor(budget / Math.max(1, cells))));
    }
}
