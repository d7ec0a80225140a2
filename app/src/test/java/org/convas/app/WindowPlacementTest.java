package org.convas.app;

import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the main window opens, without a window. */
class WindowPlacementTest {

    private static final Rectangle2D FULL_HD = new Rectangle2D(0, 0, 1920, 1040);
    private static final Rectangle2D LAPTOP = new Rectangle2D(0, 0, 1280, 760);

    @Test
    void theFirstStartIs1440By900CentredOrNinetyPercentOfASmallerScreen() {
        assertEquals(new WindowPlacement.Bounds(240, 70, 1440, 900, false),
                WindowPlacement.initial(Optional.empty(), List.of(FULL_HD), FULL_HD));
        // 90 % of 1280×760 is 1152×684.
        assertEquals(new WindowPlacement.Bounds(64, 38, 1152, 684, false),
                WindowPlacement.initial(Optional.empty(), List.of(LAPTOP), LAPTOP));
    }

    @Test
    void theLastPlaceIsRestoredWhileItIsOnAScreenAndCutToIt() {
        var saved = new WindowPlacement.Bounds(100, 80, 1200, 800, false);
        assertEquals(saved, WindowPlacement.initial(Optional.of(saved), List.of(FULL_HD), FULL_HD));
        // Saved on a big screen, opened on a laptop: as large as the laptop's screen allows, moved onto it.
        var big = new WindowPlacement.Bounds(400, 200, 1800, 1000, true);
        assertEquals(new WindowPlacement.Bounds(0, 0, 1280, 760, true), WindowPlacement.initial(Optional.of(big), List.of(LAPTOP), LAPTOP));
        // Saved on a second monitor that is gone: the default place on the primary screen.
        var gone = new WindowPlacement.Bounds(2400, 100, 1200, 800, false);
        assertEquals(new WindowPlacement.Bounds(240, 70, 1440, 900, false),
                WindowPlacement.initial(Optional.of(gone), List.of(FULL_HD), FULL_HD));
        // On the second monitor while it is there.
        Rectangle2D right = new Rectangle2D(1920, 0, 1920, 1040);
        assertEquals(gone, WindowPlacement.initial(Optional.of(gone), List.of(FULL_HD, right), FULL_HD));
    }

    @Test
    void aSavedPlaceRoundTripsAndADamagedFileIsIgnored(@TempDir Path home) throws Exception {
        WindowPlacement p = WindowPlacement.inHome(home);
        assertEquals(Optional.empty(), p.load());
        var b = new WindowPlacement.Bounds(12.5, 40, 1300, 820, true);
        p.save(b);
        assertEquals(Optional.of(b), p.load());
        Files.writeString(home.resolve("window.properties"), "x=left\ny=0\nwidth=1\nheight=1\n");
        assertEquals(Optional.empty(), p.load());
    }
}
