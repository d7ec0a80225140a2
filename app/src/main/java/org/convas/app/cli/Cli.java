package org.convas.app.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command dispatcher: the first argument names a command, the rest go to it. {@code help}, {@code --help}
 * and {@code -h} print the usage; an unknown command prints the usage to stderr and returns {@link #USAGE}.
 * New commands ({@code train}, {@code bench}, ...) are one more entry in the list given to the constructor.
 */
public final class Cli {

    /** The command worked and, for a network, the network has no errors (warnings allowed). */
    public static final int OK = 0;
    /** The network was read but has errors (a layer that does not fit, a broken connection, ...). */
    public static final int INVALID_NETWORK = 1;
    /** Bad arguments, or a file that cannot be read or is not a valid network file. */
    public static final int USAGE = 2;
    /** Training stopped because the loss or a gradient became NaN or infinite. */
    public static final int DIVERGED = 3;
    /** Training was interrupted (Ctrl+C), as shells report a command ended by SIGINT: 128 + 2. */
    public static final int CANCELLED = 130;

    private final String program;
    private final Map<String, Command> commands = new LinkedHashMap<>();

    /**
     * @param program  how the user starts the program, for the usage text ("./convas")
     * @param commands the commands, in the order the usage lists them
     */
    public Cli(String program, List<Command> commands) {
        this.program = program;
        for (Command c : commands) {
            if (this.commands.put(c.name(), c) != null) throw new IllegalArgumentException("two commands are named " + c.name());
        }
    }

    public List<Command> commands() {
        return List.copyOf(commands.values());
    }

    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return USAGE;
        }
        String name = args[0];
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            usage(out);
            return OK;
        }
        Command c = commands.get(name);
        if (c == null) {
            err.println("unknown command \"" + name + "\"");
            err.println();
            usage(err);
            return USAGE;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        if (rest.contains("--help") || rest.contains("-h")) {
            commandUsage(out, c);
            return OK;
        }
        try {
            return c.run(rest, out, err);
        } catch (OutOfMemoryError e) {
            // A command that ran out of heap where it could not check first: say so, never print a stack trace.
            err.println(name + ": the Java heap is full (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); give Java more"
                    + " memory, e.g. JAVA_TOOL_OPTIONS=-Xmx8g, or use a smaller network, batch or dataset");
            return USAGE;
        }
    }

    /** The usage text's width: it reads in a 100-column terminal (and in an 80-column one, barring the longest words). */
    public static final int WIDTH = 100;

    /**
     * The usage: each command's name and arguments on its own line(s), wrapped between options (an option in
     * brackets is never split), and its description below, indented, so no row is padded to the longest one.
     */
    public void usage(PrintStream out) {
        out.println("Convas: design, inspect and train convolutional neural networks on the CPU.");
        out.println();
        out.println("Usage: " + program + " [command] [arguments]");
        out.println();
        out.println("Commands:");
        for (Command c : commands.values()) {
            // Continuation lines align after the command's name, deeper than the description below.
            printWrapped(out, words(c.name() + (c.arguments().isEmpty() ? "" : " " + c.arguments())), "  ",
                    " ".repeat(2 + c.name().length() + 1));
            printWrapped(out, List.of(c.description().split(" ")), "      ", "      ");
        }
        printWrapped(out, List.of("help"), "  ", "      ");
        printWrapped(out, List.of("print this help".split(" ")), "      ", "      ");
        out.println();
        out.println("With no command, " + program + " opens the window on the default network.");
        printWrapped(out, List.of(("Exit codes: " + OK + " done (the network has no errors), " + INVALID_NETWORK
                + " the network has errors, " + USAGE + " bad arguments, unreadable data or network file, or not enough memory, "
                + DIVERGED + " the training diverged, " + CANCELLED + " training interrupted.").split(" ")), "", "  ");
    }

    /** One command's usage for {@code <command> --help}, wrapped like {@link #usage}. */
    void commandUsage(PrintStream out, Command c) {
        printWrapped(out, words("Usage: " + program + " " + c.name() + (c.arguments().isEmpty() ? "" : " " + c.arguments())), "",
                " ".repeat(("Usage: " + program + " " + c.name() + " ").length()));
        printWrapped(out, List.of(c.description().split(" ")), "", "");
    }

    /**
     * Splits a usage line into the units it may wrap between: words, with a bracketed option ("[--lr X]",
     * "[--optimizer sgd|momentum]") kept whole.
     */
    static List<String> words(String usage) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < usage.length(); i++) {
            char ch = usage.charAt(i);
            if (ch == '[' || ch == '<') depth++;
            if (ch == ']' || ch == '>') depth = Math.max(0, depth - 1);
            if (ch == ' ' && depth == 0) {
                if (word.length() > 0) out.add(word.toString());
                word.setLength(0);
            } else {
                word.append(ch);
            }
        }
        if (word.length() > 0) out.add(word.toString());
        return out;
    }

    /** Prints the words as lines of at most {@link #WIDTH} columns (a longer single word gets a line of its own). */
    static void printWrapped(PrintStream out, List<String> words, String firstIndent, String indent) {
        StringBuilder line = new StringBuilder(firstIndent);
        boolean empty = true;
        for (String w : words) {
            if (!empty && line.length() + 1 + w.length() > WIDTH) {
                out.println(line);
                line = new StringBuilder(indent);
                empty = true;
            }
            if (!empty) line.append(' ');
            line.append(w);
            empty = false;
        }
        if (!empty) out.println(line);
    }
}
