package org.convas.app;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuiCommandTest {

    @Test
    void linuxWithoutADisplaySaysSoAndPointsToTheCommandLine() {
        Optional<String> message = GuiCommand.missingDisplay("Linux", Map.of());
        assertTrue(message.isPresent());
        assertTrue(message.get().contains("DISPLAY is not set"), message.get());
        assertTrue(message.get().contains("./convas summary lenet5"), message.get());
        assertEquals(message, GuiCommand.missingDisplay("Linux", Map.of("DISPLAY", "")));
    }

    @Test
    void anX11OrWaylandDisplayOrAnotherSystemIsEnough() {
        assertEquals(Optional.empty(), GuiCommand.missingDisplay("Linux", Map.of("DISPLAY", ":0")));
        assertEquals(Optional.empty(), GuiCommand.missingDisplay("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0")));
        assertEquals(Optional.empty(), GuiCommand.missingDisplay("Mac OS X", Map.of()));
        assertEquals(Optional.empty(), GuiCommand.missingDisplay("Windows 11", Map.of()));
    }
}
