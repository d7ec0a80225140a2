package org.convas.app;

import org.convas.app.cli.BenchCommand;
import org.convas.app.cli.Cli;
import org.convas.app.cli.Command;
import org.convas.app.cli.ExportCommand;
import org.convas.app.cli.ImportCommand;
import org.convas.app.cli.PresetsCommand;
import org.convas.app.cli.SummaryCommand;
import org.convas.app.cli.TrainCommand;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The entry point of {@code convas.jar}: with no arguments it opens the window, otherwise the first argument
 * names a command ({@code summary}, {@code presets}, {@code gui}, {@code help}). A plain class, not the
 * {@code Application}, so a shaded jar starts with JavaFX on the class path.
 */
public final class Main {

    private Main() {
    }

    /** Every command, in the order the usage lists them. Add new commands (train, bench, ...) here. */
    public static List<Command> commands() {
        return List.of(new GuiCommand(), new SummaryCommand(), new PresetsCommand(), new TrainCommand(), new ExportCommand(),
                new ImportCommand(), new BenchCommand());
    }

    public static Cli cli() {
        return new Cli("./convas", commands());
    }

    public static void main(String[] args) {
        // The formulas use ×, −, · and ⌈⌉: print UTF-8 whatever the locale (JDK 17 would print "?" under LANG=C).
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = cli().run(args.length == 0 ? new String[]{"gui"} : args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
