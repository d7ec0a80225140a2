package org.convas.app;

import javafx.application.Application;
import org.convas.app.cli.Cli;
import org.convas.app.cli.Command;
import org.convas.app.cli.NetworkSource;
import org.convas.app.cli.UsageException;
import org.convas.engine.spec.SpecFormatException;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** {@code gui [preset|file.json]}: opens the window. The network is checked first, so a bad name fails in the terminal. */
final class GuiCommand implements Command {

    /** Held so the logging framework keeps the level we set (it references loggers weakly). */
    private static final Logger JAVAFX_LOGGER = Logger.getLogger("javafx");

    /**
     * The shaded jar puts JavaFX on the class path by design (one runnable jar, STACK.md pitfall 1), so
     * JavaFX's start-up warning "Unsupported JavaFX configuration: classes were loaded from 'unnamed module'"
     * tells the user nothing they can act on. Other JavaFX warnings still show.
     */
    private static void quietUnnamedModuleWarning() {
        JAVAFX_LOGGER.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
    }

    /**
     * On Linux the window needs an X11 or Wayland display; without one JavaFX fails with a stack trace, so
     * say what is wrong and what works instead. Other systems always have a display.
     */
    static Optional<String> missingDisplay(String osName, Map<String, String> env) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) return Optional.empty();
        if (!env.getOrDefault("DISPLAY", "").isEmpty() || !env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty()) return Optional.empty();
        return Optional.of("gui: no display to open the window on (DISPLAY is not set). Run it on a desktop, or under "
                + "xvfb-run -a; the command line needs no display, e.g. ./convas summary lenet5");
    }

    @Override
    public String name() {
        return "gui";
    }

    @Override
    public String arguments() {
        return "[preset|file.json]";
    }

    @Override
    public String description() {
        return "open the window on a preset or a network file (the default command; default network: lenet5)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() > 1) {
            err.println("gui: one network at a time (given: " + String.join(" ", args) + ")");
            return Cli.USAGE;
        }
        if (args.size() == 1) {
            try {
                NetworkSource.resolve(args.get(0));
            } catch (UsageException | SpecFormatException e) {
                err.println(e.getMessage());
                return Cli.USAGE;
            } catch (IOException e) {
                String why = org.convas.engine.spec.ReadFiles.message(e);
                err.println("cannot read " + (why.startsWith(args.get(0)) ? why : args.get(0) + ": " + why));
                return Cli.USAGE;
            }
        }
        Optional<String> noDisplay = missingDisplay(System.getProperty("os.name", ""), System.getenv());
        if (noDisplay.isPresent()) {
            err.println(noDisplay.get());
            return Cli.USAGE;
        }
        quietUnnamedModuleWarning();
        Application.launch(ConvasApp.class, args.toArray(String[]::new));
        return Cli.OK;
    }
}
