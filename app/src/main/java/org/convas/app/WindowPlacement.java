package org.convas.app;

import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import org.convas.engine.spec.AtomicFiles;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the main window opens and how it keeps its size:
 * <ul>
 *   <li>at the size and place it had when it was last closed ({@code window.properties} in Convas's home
 *       folder), if that still lies on a screen; otherwise at 1440×900 (at most 90 % of the screen), centred;</li>
 *   <li>never shrunk by the window manager: JavaFX 21 on GTK loses the requested size when some window managers
 *       (Openbox, measured under Xvfb: 3 starts of 4 at 718×395) map the window or one of its dialogs
 *       (JDK-8316423, fixed in JavaFX 22), so for a moment after the window or a dialog of it shows, a size
 *       the person did not choose is put back;</li>
 *   <li>its last size, place and maximised state are saved when it closes.</li>
 * </ul>
 */
final class WindowPlacement {

    static final double DEFAULT_WIDTH = 1440;
    static final double DEFAULT_HEIGHT = 900;
    static final double MIN_WIDTH = 720;
    static final double MIN_HEIGHT = 420;
    /** How long after the window (or one of its dialogs) shows or hides a shrink counts as the window manager's. */
    static final Duration SETTLE = Duration.millis(1500);

    /** A window's place and size, and whether it was maximised (then x, y, width and height are its normal bounds). */
    record Bounds(double x, double y, double width, double height, boolean maximized) {
    }

    private final Path file;
    private Bounds intended;
    private long settleUntil;

    WindowPlacement(Path file) {
        this.file = file;
    }

    /** The placement file in Convas's home folder ({@code ~/.convas/window.properties}). */
    static WindowPlacement inHome(Path home) {
        return new WindowPlacement(home.resolve("window.properties"));
    }

    /** The bounds saved last time, if the file is there and readable (a damaged file is ignored, not an error). */
    Optional<Bounds> load() {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            Bounds b = new Bounds(Double.parseDouble(p.getProperty("x")), Double.parseDouble(p.getProperty("y")),
                    Double.parseDouble(p.getProperty("width")), Double.parseDouble(p.getProperty("height")),
                    Boolean.parseBoolean(p.getProperty("maximized", "false")));
            boolean finite = Double.isFinite(b.x()) && Double.isFinite(b.y()) && Double.isFinite(b.width()) && Double.isFinite(b.height());
            return finite && b.width() > 0 && b.height() > 0 ? Optional.of(b) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void save(Bounds b) throws IOException {
        Properties p = new Properties();
        p.setProperty("x", Double.toString(b.x()));
        p.setProperty("y", Double.toString(b.y()));
        p.setProperty("width", Double.toString(b.width()));
        p.setProperty("height", Double.toString(b.height()));
        p.setProperty("maximized", Boolean.toString(b.maximized()));
        StringWriter w = new StringWriter();
        p.store(w, "Convas main window: where it was when it last closed");
        AtomicFiles.writeString(file, w.toString());
    }

    /**
     * Where to open: the saved bounds when at least a 200×100 corner of them is on one of the screens (cut
     * to that screen), else the default size centred on the primary screen.
     */
    static Bounds initial(Optional<Bounds> saved, List<Rectangle2D> screens, Rectangle2D primary) {
        if (saved.isPresent()) {
            Bounds b = saved.get();
            for (Rectangle2D s : screens) {
                double w = Math.min(Math.max(b.width(), MIN_WIDTH), s.getWidth());
                double h = Math.min(Math.max(b.height(), MIN_HEIGHT), s.getHeight());
                double x = Math.max(s.getMinX(), Math.min(b.x(), s.getMaxX() - w));
                double y = Math.max(s.getMinY(), Math.min(b.y(), s.getMaxY() - h));
                boolean onScreen = b.x() + 200 <= s.getMaxX() && b.x() + b.width() - 200 >= s.getMinX()
                        && b.y() + 100 <= s.getMaxY() && b.y() >= s.getMinY() - 20;
                if (onScreen) return new Bounds(x, y, w, h, b.maximized());
            }
        }
        double w = Math.min(DEFAULT_WIDTH, Math.floor(primary.getWidth() * 0.9));
        double h = Math.min(DEFAULT_HEIGHT, Math.floor(primary.getHeight() * 0.9));
        return new Bounds(primary.getMinX() + (primary.getWidth() - w) / 2, primary.getMinY() + (primary.getHeight() - h) / 2,
                w, h, false);
    }

    /**
     * Where the window will open ({@link #initial} on this machine's screens). The scene is made at this size, so
     * its first layout (split panes' dividers included) is done at the size the person will see, not at the
     * content's preferred size, which long unwrapped texts can make several screens wide.
     */
    Bounds initialBounds() {
        List<Rectangle2D> screens = Screen.getScreens().stream().map(Screen::getVisualBounds).toList();
        return initial(load(), screens, Screen.getPrimary().getVisualBounds());
    }

    /**
     * Places the stage (call before {@code show()}), keeps the window manager from shrinking it, and saves
     * its bounds when it hides.
     */
    void apply(Stage stage) {
        Bounds b = initialBounds();
        intended = b;
        stage.setMinWidth(Math.min(MIN_WIDTH, b.width()));
        stage.setMinHeight(Math.min(MIN_HEIGHT, b.height()));
        stage.setX(b.x());
        stage.setY(b.y());
        stage.setWidth(b.width());
        stage.setHeight(b.height());
        if (b.maximized()) stage.setMaximized(true);

        stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_SHOWN, e -> settle(stage));
        stage.widthProperty().addListener((o, was, now) -> guard(stage));
        stage.heightProperty().addListener((o, was, now) -> guard(stage));
        // A dialog of this window showing or closing is when the window manager shrinks it: settle again, keeping
        // the size the window had before.
        Window.getWindows().addListener((ListChangeListener<Window>) c -> {
            if (!stage.isShowing() || stage.isMaximized() || stage.isIconified()) return;
            while (c.next()) {
                boolean ours = c.getAddedSubList().stream().anyMatch(w -> owned(w, stage))
                        || c.getRemoved().stream().anyMatch(w -> owned(w, stage));
                if (ours) {
                    // The size the person has now (they may have made it smaller on purpose): the one to keep. Not
                    // while the window is still settling: a dialog that opens then (a recovery prompt at start) would
                    // make the window manager's shrink the size to keep.
                    if (System.nanoTime() >= settleUntil) {
                        intended = new Bounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false);
                    }
                    settle(stage);
                }
            }
        });
        stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_HIDING, e -> {
            try {
                save(current(stage));
            } catch (IOException ex) {
                System.err.println("Convas: cannot save the window's place in " + file + ": " + ex.getMessage());
            }
        });
    }

    private static boolean owned(Window w, Stage stage) {
        return w instanceof Stage s && s.getOwner() == stage;
    }

    /** The size the person last chose: while settling, the intended one; after, whatever the window has. */
    private Bounds current(Stage stage) {
        if (stage.isMaximized()) return new Bounds(intended.x(), intended.y(), intended.width(), intended.height(), true);
        return new Bounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false);
    }

    private void settle(Stage stage) {
        settleUntil = System.nanoTime() + (long) (SETTLE.toMillis() * 1e6);
        restore(stage);
        // The shrink can come after the last event we see here; look once more when the window manager is done.
        PauseTransition later = new PauseTransition(Duration.millis(300));
        later.setOnFinished(e -> restore(stage));
        later.play();
        PauseTransition last = new PauseTransition(SETTLE);
        last.setOnFinished(e -> {
            restore(stage);
            if (!stage.isMaximized()) intended = new Bounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false);
        });
        last.play();
    }

    private void guard(Stage stage) {
        if (System.nanoTime() < settleUntil) javafx.application.Platform.runLater(() -> restoreIfShrunk(stage));
    }

    private void restoreIfShrunk(Stage stage) {
        if (intended == null || !stage.isShowing() || stage.isMaximized() || stage.isIconified()) return;
        if (stage.getWidth() < intended.width() - 1 || stage.getHeight() < intended.height() - 1) {
            stage.setWidth(intended.width());
            stage.setHeight(intended.height());
        }
    }

    /** As {@link #restoreIfShrunk}, and the place too (the same bug drops the requested position to the corner). */
    private void restore(Stage stage) {
        restoreIfShrunk(stage);
        if (intended == null || !stage.isShowing() || stage.isMaximized() || stage.isIconified()) return;
        if (Math.abs(stage.getX() - intended.x()) > 2 || Math.abs(stage.getY() - intended.y()) > 2) {
            stage.setX(intended.x());
            stage.setY(intended.y());
        }
    }
}
