package org.convas.app.designer;

import org.convas.engine.spec.AtomicFiles;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Files behind the designer, without a window: open and save network files, the recent-files list, and
 * crash-proof autosave with recovery at the next start.
 *
 * <p>Everything lives under a base directory (default {@code ~/.convas}, or the system property
 * {@code convas.home}; tests pass a temporary directory):
 * <pre>
 *   recent-files.txt                 one absolute path a line, newest first, at most {@value #RECENT_LIMIT}
 *   autosave/&lt;session&gt;.json          the unsaved network of one running designer (NetworkJson)
 *   autosave/&lt;session&gt;.properties    its document file and name, and when it was written
 * </pre>
 * A session's autosave is deleted when its work is saved or discarded; files left behind by a session that
 * crashed are offered by {@link #recoveries()} at the next start.
 */
public final class DocumentModel {

    public static final int RECENT_LIMIT = 10;
    /** The extension the file choosers offer. */
    public static final String EXTENSION = ".convas.json";

    private final Path base;
    private final String session = UUID.randomUUID().toString();

    /** A crashed session's unsaved work. */
    public record Recovery(Path file, Path documentFile, String name, Instant savedAt) {
        /** The network as it was autosaved. */
        public NetworkSpec load() throws SpecFormatException, IOException {
            return NetworkJson.read(file);
        }
    }

    public DocumentModel(Path baseDirectory) {
        this.base = baseDirectory.toAbsolutePath();
    }

    /** {@code -Dconvas.home=...} if set, else {@code ~/.convas}. */
    public static Path defaultBaseDirectory() {
        String home = System.getProperty("convas.home");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".convas");
    }

    public Path baseDirectory() { return base; }

    // ---------------------------------------------------------------- open and save

    /** Reads a network file and puts it at the top of the recent files. */
    public NetworkSpec open(Path file) throws SpecFormatException, IOException {
        NetworkSpec spec = NetworkJson.read(file);
        addRecent(file);
        return spec;
    }

    /** Writes a network file atomically and puts it at the top of the recent files. */
    public void save(NetworkSpec spec, Path file) throws IOException {
        NetworkJson.write(spec, file);
        addRecent(file);
    }

    /** The document name a file gives: "resnet.convas.json" → "resnet". */
    public static String nameOf(Path file) {
        String n = file.getFileName().toString();
        if (n.endsWith(EXTENSION)) return n.substring(0, n.length() - EXTENSION.length());
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    // ---------------------------------------------------------------- recent files

    /** Recent files, newest first; files that no longer exist are left out. */
    public List<Path> recentFiles() {
        Path f = base.resolve("recent-files.txt");
        if (!Files.isRegularFile(f)) return List.of();
        try {
            List<Path> out = new ArrayList<>();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                Path p = Path.of(line.strip());
                if (Files.isRegularFile(p)) out.add(p);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of(); // a damaged list is not worth an error dialog: it is rebuilt by the next save
        }
    }

    public void addRecent(Path file) throws IOException {
        Set<Path> paths = new LinkedHashSet<>();
        paths.add(file.toAbsolutePath().normalize());
        paths.addAll(recentFiles());
        StringBuilder sb = new StringBuilder();
        paths.stream().limit(RECENT_LIMIT).forEach(p -> sb.append(p).append('\n'));
        AtomicFiles.writeString(base.resolve("recent-files.txt"), sb.toString());
    }

    // ---------------------------------------------------------------- autosave and recovery

    private Path autosaveDirectory() { return base.resolve("autosave"); }

    /** This session's autosave file. */
    public Path autosaveFile() { return autosaveDirectory().resolve(session + ".json"); }

    /**
     * Saves unsaved work of this session where {@link #recoveries()} of a later session finds it. Safe to call
     * from any thread (the spec is immutable; the files are written atomically).
     */
    public synchronized void autosave(NetworkSpec spec, Path documentFile) throws IOException {
        autosave(spec, documentFile, spec.name());
    }

    /** As {@link #autosave(NetworkSpec, Path)}, with the name the recovery offer calls the work (the document's). */
    public synchronized void autosave(NetworkSpec spec, Path documentFile, String name) throws IOException {
        Properties meta = new Properties();
        meta.setProperty("name", name);
        meta.setProperty("document", documentFile == null ? "" : documentFile.toAbsolutePath().toString());
        meta.setProperty("saved", Instant.now().toString());
        StringWriter w = new StringWriter();
        meta.store(w, "Convas autosave");
        // The description first: a session that finds the network file then always finds its description too.
        AtomicFiles.writeString(autosaveDirectory().resolve(session + ".properties"), w.toString());
        NetworkJson.write(spec, autosaveFile());
    }

    /** Removes this session's autosave (the work was saved, or discarded on purpose). */
    public synchronized void clearAutosave() {
        delete(autosaveFile());
        delete(autosaveDirectory().resolve(session + ".properties"));
    }

    /** Unsaved work left by other sessions (normally: ones that crashed), newest first. */
    public List<Recovery> recoveries() {
        Path dir = autosaveDirectory();
        if (!Files.isDirectory(dir)) return List.of();
        List<Recovery> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String stem = f.getFileName().toString().replaceFirst("\\.json$", "");
                if (stem.equals(session)) continue;
                Properties meta = new Properties();
                Path metaFile = dir.resolve(stem + ".properties");
                if (Files.isRegularFile(metaFile)) meta.load(new StringReader(Files.readString(metaFile, StandardCharsets.UTF_8)));
                String doc = meta.getProperty("document", "");
                Instant saved = parseInstant(meta.getProperty("saved")).orElse(Files.getLastModifiedTime(f).toInstant());
                out.add(new Recovery(f, doc.isEmpty() ? null : Path.of(doc), meta.getProperty("name", stem), saved));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the autosave folder " + dir, e);
        }
        out.sort(Comparator.comparing(Recovery::savedAt).reversed());
        return out;
    }

    /** Deletes a recovery that was restored or declined. */
    public void discard(Recovery r) {
        delete(r.file());
        String stem = r.file().getFileName().toString().replaceFirst("\\.json$", "");
        delete(r.file().resolveSibling(stem + ".properties"));
    }

    private static Optional<Instant> parseInstant(String s) {
        try {
            return s == null ? Optional.empty() : Optional.of(Instant.parse(s));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.nio.file.NotDirectoryException noFolder) {
            // a file where the autosave folder belongs: nothing was autosaved there, so nothing to delete
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
