package org.convas.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command split into positionals, {@code --name value} (or {@code --name=value}) options
 * and bare {@code --flag}s, with typed getters whose messages name the option and the rule broken:
 * {@code --lr must be a number above 0 (it is "-1"); 0.01 is a common start}.
 */
final class Options {

    private final String command;
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();

    /**
     * @param valued the options that take a value ("--lr"); flags the ones that do not ("--no-peer")
     * @throws UsageException for an option the command does not know, or a valued option without its value
     */
    Options(String command, List<String> args, Set<String> valued, Set<String> flagNames) throws UsageException {
        this.command = command;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                positionals.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (flagNames.contains(name) && eq < 0) {
                flags.add(name);
            } else if (valued.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else {
                    if (i + 1 >= args.size()) throw new UsageException(command + ": " + name + " needs a value");
                    value = args.get(++i);
                }
                if (values.put(name, value) != null) throw new UsageException(command + ": " + name + " is given twice");
            } else {
                List<String> known = new ArrayList<>(valued);
                known.addAll(flagNames);
                throw new UsageException(command + ": unknown option " + name + "; the options are " + String.join(", ", known));
            }
        }
    }

    List<String> positionals() {
        return positionals;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A whole number in [min, max]; {@code rule} completes "must be ..." when it is not. */
    int integer(String name, int fallback, int min, int max, String rule) throws UsageException {
        String v = values.get(name);
        if (v == null) return fallback;
        long parsed;
        try {
            parsed = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be a whole number (it is \"" + v + "\"); " + rule);
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(command + ": " + name + " must be " + rule + " (it is " + v + ")");
        }
        return (int) parsed;
    }

    /** A finite number accepted by {@code check}; {@code rule} says what is accepted. */
    double number(String name, double fallback, java.util.function.DoublePredicate check, String rule) throws UsageException {
        String v = values.get(name);
        if (v == null) return fallback;
        double parsed;
        try {
            parsed = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be a number (it is \"" + v + "\"); it " + rule);
        }
        if (!Double.isFinite(parsed) || !check.test(parsed)) {
            throw new UsageException(command + ": " + name + " " + rule + " (it is " + v + ")");
        }
        return parsed;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
