package org.convas.visualizer.charts;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Pane;

/** A pane holding a canvas that fills it, redrawn by {@link #draw} whenever its size changes. */
public abstract class CanvasPane extends Pane {

    protected final Canvas canvas = new Canvas();

    // Adding the canvas and the sizes here is the point of this class; subclasses draw in draw(), called only
    // from layout and redraw(), after construction (javac 21+ warns of the possible 'this' escape, -Werror).
    @SuppressWarnings("this-escape")
    protected CanvasPane() {
        getChildren().add(canvas);
        setMinSize(120, 80);
        setPrefSize(420, 260);
    }

    @Override
    protected void layoutChildren() {
        double w = Math.floor(getWidth()), h = Math.floor(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            redraw();
        }
    }

    /** Redraws now (after the data changed). */
    public final void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        if (canvas.getWidth() > 0 && canvas.getHeight() > 0) draw(g, canvas.getWidth(), canvas.getHeight());
    }

    protected abstract void draw(GraphicsContext g, double width, double height);

    /** Nice tick spacing for a span: 1, 2 or 5 times a power of ten, about {@code count} ticks. */
    static double tickStep(double span, int count) {
        if (!(span > 0)) return 1;
        double raw = span / count, p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
    }

    static String tickText(double v, double step) {
        if (Math.abs(v) < step * 1e-6) return "0";
        int digits = (int) Math.max(0, Math.ceil(-Math.log10(step)));
        if (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3)) return String.format(java.util.Locale.ROOT, "%.2g", v);
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
    }
}
