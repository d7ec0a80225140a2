package org.convas.app.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One command-line command, e.g. {@code summary}. Commands print to the streams they are given and return
 * an exit code instead of exiting, so tests run them in the same JVM.
 */
public interface Command {

    /** What the user types: "summary". */
    String name();

    /** The arguments it takes, for the usage text: "<preset|file.json> [--batch N] [--json]". */
    String arguments();

    /** One line on what it does. */
    String description();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @return the exit code, one of {@link Cli#OK}, {@link Cli#INVALID_NETWORK}, {@link Cli#USAGE}
     */
    int run(List<String> args, PrintStream out, PrintStream err);
}
