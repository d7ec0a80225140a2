package org.convas.app.training;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a checkpoint's weights were trained on, written beside the checkpoint's own files: the dataset (its
 * bundled id when it has one, and its title) and the class names in output order. A checkpoint loaded later then
 * labels its top-5 with the right names and chooses the same bundled dataset again; the engine's checkpoint
 * format does not know about datasets and ignores the file.
 *
 * @param datasetId  the bundled id, or null for the user's own files
 * @param title      the dataset's title
 * @param classNames in the network's output order
 */
record TrainedDataNote(String datasetId, String title, List<String> classNames) {

    /** Beside the checkpoint's files; a checkpoint save keeps it. */
    static final String FILE = org.convas.engine.train.Checkpoint.NOTE;

    TrainedDataNote {
        classNames = List.copyOf(classNames);
    }

    static TrainedDataNote of(DataSource source, List<String> classNames) {
        return new TrainedDataNote(source instanceof DataSource.Bundled b ? b.entry().id() : null, source.title(), classNames);
    }

    void writeTo(Path folder) throws IOException {
        Properties p = new Properties();
        if (datasetId != null) p.setProperty("dataset", datasetId);
        p.setProperty("title", title);
        p.setProperty("classes", String.valueOf(classNames.size()));
        for (int i = 0; i < classNames.size(); i++) p.setProperty("class." + i, classNames.get(i));
        StringWriter w = new StringWriter();
        p.store(w, "What these weights were trained on (Convas)");
        org.convas.engine.spec.AtomicFiles.writeString(folder.resolve(FILE), w.toString());
    }

    /** The note in a checkpoint folder; empty when there is none or it cannot be read (it only helps). */
    static Optional<TrainedDataNote> readFrom(Path folder) {
        Path f = folder.resolve(FILE);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            int n = Integer.parseInt(p.getProperty("classes", "0"));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(p.getProperty("class." + i, "class " + i));
            return Optional.of(new TrainedDataNote(p.getProperty("dataset"), p.getProperty("title", ""), names));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
