package org.convas.app.cli;

import org.convas.engine.calc.Calculator;
import org.convas.engine.calc.NetworkReport;
import org.convas.samples.Preset;
import org.convas.samples.Presets;

import java.io.PrintStream;
import java.util.List;

import static org.convas.app.cli.TextTable.Align.LEFT;
import static org.convas.app.cli.TextTable.Align.RIGHT;
import static org.convas.engine.calc.Numbers.compact;
import static org.convas.engine.calc.Numbers.grouped;

/** {@code presets}: the preset networks with their key, title, parameters, MACs per image and description. */
public final class PresetsCommand implements Command {

    @Override
    public String name() {
        return "presets";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String description() {
        return "list the preset networks (key, title, parameters, MACs per image, description)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            err.println("presets: takes no arguments (given: " + String.join(" ", args) + ")");
            return Cli.USAGE;
        }
        TextTable t = new TextTable()
                .column("Key", LEFT).column("Title", LEFT).column("Parameters", RIGHT).column("MACs", RIGHT)
                .column("Description", LEFT);
        for (Preset p : Presets.all()) {
            NetworkReport r = Calculator.analyze(p.spec());
            t.row(p.key() + (p.key().equals(Presets.DEFAULT) ? " *" : ""), p.title(), grouped(r.totalParameters()),
                    compact(r.totalMacs()), p.description());
        }
        t.print(out);
        out.println();
        out.println("* opens by default. Show one with: summary <key>");
        return Cli.OK;
    }
}
