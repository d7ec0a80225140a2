package org.convas.app.training;

import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.SpecFormatException;
import org.convas.engine.train.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The autosave of trained weights, as the designer autosaves documents: one checkpoint folder, written after every
 * epoch by the run itself ({@link #forRun}) and when a run ends ({@link #write}), deleted when the weights are saved
 * or discarded on purpose, and offered back by the next session when a session ended without either (a crash, a
 * kill). Writes and deletions run on the workspace's background thread, one after another, so a deletion never
 * races a write. A folder this session has not written belongs to an earlier session: it is left alone until the
 * person answers the recovery offer. Without a folder every method does nothing.
 */
final class WeightsAutosave {

    /** Networks with more parameters than this are not autosaved (a write of every epoch would take seconds). */
    static final long MAX_PARAMETERS = 20_000_000;

    /** What an earlier session left: the network's name and when it was written. */
    record Left(String network, String savedAt) {
    }

    private final Path folder;
    private final Executor background;
    private final Executor fx;
    private final Consumer<String> warn;
    /** True once this session has written (or its run writes) into the folder. */
    private boolean owned;

    /**
     * @param folder     the autosave folder, or null for none
     * @param background where files are written and deleted
     * @param fx         where {@code warn} is called
     * @param warn       shows a warning (a failed write)
     */
    WeightsAutosave(Path folder, Executor background, Executor fx, Consumer<String> warn) {
        this.folder = folder;
        this.background = background;
        this.fx = fx;
        this.warn = warn;
    }

    Path folder() {
        return folder;
    }

    /** The folder a run of a network this large writes its epoch-end checkpoints into, or null. FX thread. */
    Path forRun(long parameters) {
        if (folder == null || parameters > MAX_PARAMETERS) return null;
        owned = true;
        return folder;
    }

    /** Writes the trained state (and what it was trained on) after the writes queued before. FX thread. */
    void write(Checkpoint state, TrainedDataNote note) {
        if (folder == null || state == null || state.model().parameterCount() > MAX_PARAMETERS) return;
        owned = true;
        later(() -> {
            try {
                Checkpoint.save(folder, state.model(), state.optimizerState(), state.progress());
                if (note != null) note.writeTo(folder);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                fx.execute(() -> warn.accept("Could not autosave the trained weights to " + folder + ": " + org.convas.engine.spec.ReadFiles.message(e)
                        + ". Save a checkpoint to keep them."));
            }
        });
    }

    /** Writes only the note (a run that autosaves its epochs itself). */
    void writeNote(TrainedDataNote note) {
        if (folder == null || note == null || !owned) return;
        later(() -> {
            try {
                Files.createDirectories(folder);
                note.writeTo(folder);
            } catch (IOException e) {
                // Only a label for a later load; the weights are what matters.
            }
        });
    }

    /**
     * Deletes this session's autosave, after any write still queued; {@code wait} (the window may close right
     * after): waits for it, at most 10 s.
     */
    void discard(boolean wait) {
        if (folder == null || !owned) return; // an earlier session's autosave waits for its recovery offer
        owned = false;
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            background.execute(() -> {
                try {
                    deleteTree(folder);
                    done.complete(null);
                } catch (IOException | UncheckedIOException e) {
                    done.completeExceptionally(e);
                }
            });
            if (wait) done.get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | TimeoutException e) {
            // Closing, or a slow disk: the recovery offer at the next start lets the person discard it then.
        } catch (ExecutionException e) {
            warn.accept("Could not delete the autosaved weights in " + folder + ": " + org.convas.engine.spec.ReadFiles.message(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The person discarded what an earlier session left. */
    void discardEarlierSession() {
        owned = true;
        discard(false);
    }

    /** The recovered weights are this session's now: they are written again, and deleted when saved or discarded. */
    void adopt() {
        owned = folder != null;
    }

    /** What an earlier session left in the folder, if anything. */
    Optional<Left> left() {
        if (folder == null || !Files.isRegularFile(folder.resolve(Checkpoint.PROGRESS))) return Optional.empty();
        String network = "a network";
        try {
            network = TrainingViewModel.name(NetworkJson.read(folder.resolve(Checkpoint.NETWORK)));
        } catch (IOException | RuntimeException | SpecFormatException e) {
            // The name is only for the question; loading will say what is wrong.
        }
        String when;
        try {
            when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault())
                    .format(Files.getLastModifiedTime(folder.resolve(Checkpoint.PROGRESS)).toInstant());
        } catch (IOException e) {
            when = "earlier";
        }
        return Optional.of(new Left(network, when));
    }

    private void later(Runnable task) {
        try {
            background.execute(task);
        } catch (RejectedExecutionException e) {
            // Closing: the autosave of the last epoch stays.
        }
    }

    static void deleteTree(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) return;
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
