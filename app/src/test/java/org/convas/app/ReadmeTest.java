package org.convas.app;

import org.convas.app.cli.Command;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and docs/*.md promise files, commands and options: every one they name must exist, so a rename or a
 * move that forgets the documents fails here with the document, the line and what is missing.
 */
class ReadmeTest {

    /** The repository's root: surefire runs in app/. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern REPO_PATH = Pattern.compile("`((?:\\.ci|app|docs|engine|samples|tools|visualizer)/[^`\\s]*)`");
    private static final Pattern CONVAS = Pattern.compile("\\./convas(?: ([a-z][a-z-]*))?([^`|\\n]*)");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");
    private static final Pattern HEADING = Pattern.compile("^#+ (.+)$");

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyLinkedFileAndAnchorExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            Set<String> anchors = lines.stream().map(HEADING::matcher).filter(Matcher::matches)
                    .map(m -> slug(m.group(1))).collect(Collectors.toSet());
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.startsWith("http://") || target.startsWith("https://")) continue;
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? null : target.substring(hash + 1);
                    Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                    if (!Files.exists(resolved)) {
                        missing.add(where(doc, i) + ": " + target + " does not exist");
                    } else if (anchor != null && resolved.toString().endsWith(".md")) {
                        Set<String> there = resolved.equals(doc) ? anchors : Files.readAllLines(resolved).stream()
                                .map(HEADING::matcher).filter(Matcher::matches).map(h -> slug(h.group(1)))
                                .collect(Collectors.toSet());
                        if (!there.contains(anchor)) missing.add(where(doc, i) + ": " + target + " names no heading");
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyRepositoryPathNamedExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = REPO_PATH.matcher(lines.get(i));
                while (m.find()) {
                    String path = m.group(1);
                    // docs/screenshot-inspect-*.png, engine/.../exchange/: patterns, not files.
                    // app/target/convas.jar: what the build makes.
                    if (path.contains("*") || path.contains("...") || path.contains("…") || path.contains("/target/")) continue;
                    if (!Files.exists(ROOT.resolve(path))) missing.add(where(doc, i) + ": " + path + " does not exist");
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyConvasCommandAndOptionIsReal() throws IOException {
        Map<String, Command> commands = Main.commands().stream().collect(Collectors.toMap(Command::name, Function.identity()));
        List<String> wrong = new ArrayList<>();
        int seen = 0;
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = CONVAS.matcher(lines.get(i));
                while (m.find()) {
                    String name = m.group(1);
                    if (name == null || name.equals("help")) continue;
                    seen++;
                    Command c = commands.get(name);
                    if (c == null) {
                        wrong.add(where(doc, i) + ": ./convas " + name + " is not a command (" + commands.keySet() + ")");
                        continue;
                    }
                    Matcher o = OPTION.matcher(m.group(2));
                    while (o.find()) {
                        String option = o.group();
                        if (!option.equals("--help") && !c.arguments().contains(option)) {
                            wrong.add(where(doc, i) + ": ./convas " + name + " has no option " + option);
                        }
                    }
                    String first = m.group(2).strip().split("\\s+")[0];
                    boolean takesNetwork = Set.of("summary", "train", "export", "gui").contains(name);
                    if (takesNetwork && first.matches("[a-z][a-z0-9-]*") && Presets.find(first).isEmpty()) {
                        wrong.add(where(doc, i) + ": ./convas " + name + " " + first + ": no such preset");
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(seen > 10, "the README shows the commands in use (" + seen + " found)");
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
    private static String slug(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static String where(Path doc, int line) {
        return ROOT.relativize(doc) + ":" + (line + 1);
    }
}
