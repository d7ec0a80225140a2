package org.convas.engine.spec;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes files, and folders of files, so that a crash or a full disk leaves either the old version or the new one,
 * never half of one. A new file gets the permissions any new file gets (the user's umask: usually readable by the
 * group and others), and a file written over keeps the permissions it had, so a person who made a file private
 * keeps it private.
 *
 * <p>A file: the bytes go to a temporary file beside the target, which is flushed to the disk ({@code fsync}), then
 * renamed over the target in one atomic step, and the folder's entry is flushed too.
 *
 * <p>A folder ({@link #replaceFolder}, used for checkpoints): every file of the new version is written into a
 * sibling folder {@code .NAME.new} and flushed, the folder itself is flushed, then two renames swap it in
 * ({@code NAME → .NAME.old}, {@code .NAME.new → NAME}) and the old version is deleted. Until the second rename the
 * previous version stays complete, in {@code NAME} or (between the two renames) in {@code .NAME.old} with the new
 * one complete in {@code .NAME.new}; {@link #readableFolder} tells a reader which one to use, and the next
 * {@code replaceFolder} finishes or clears an interrupted swap first.
 */
public final class AtomicFiles {

    /** A test seam: called before every write, flush, rename and delete of a save, with what is about to happen. */
    @FunctionalInterface
    public interface Step {
        void before(String step) throws IOException;
    }

    /** The bytes of one file of a folder, written straight to the disk (no copy of them in memory). */
    @FunctionalInterface
    public interface Content {
        void writeTo(java.io.OutputStream out) throws IOException;

        static Content of(byte[] bytes) {
            return out -> out.write(bytes);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final Step NONE = step -> { };
    private static volatile Step step = NONE;

    private AtomicFiles() {
    }

    /**
     * For tests only: runs {@code hook} before every step of every save, e.g. to stop the process there
     * ({@code Runtime.halt}) or to fail as a full disk would. Null restores the normal behaviour.
     */
    public static void setStepHookForTests(Step hook) {
        step = hook == null ? NONE : hook;
    }

    /** Gives the new content the permissions of the file it replaces, where the file system has POSIX permissions. */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.exists(target)) return;
        try {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        } catch (UnsupportedOperationException e) {
            // Windows: no POSIX permissions to keep.
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        // Not Files.createTempFile: it makes the file readable by its owner only (0600), and the rename would
        // hand that on to the saved network, export or checkpoint.
        Path tmp = (dir == null ? Path.of("") : dir).resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            write(tmp, Content.of(bytes), abs.getFileName().toString());
            keepPermissions(abs, tmp);
            step.before("rename " + abs.getFileName());
            move(tmp, abs);
            if (dir != null) syncFolder(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The sibling folder a new version is written into: {@code .NAME.new}. */
    public static Path newSibling(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".new");
    }

    /** The sibling folder the previous version waits in during a swap: {@code .NAME.old}. */
    public static Path oldSibling(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".old");
    }

    /**
     * Replaces {@code folder} as a whole by one holding exactly {@code files} (name → bytes, written in this order,
     * so put the file that vouches for the others last). The folder may hold only files named in {@code ours}
     * (and temporary files of earlier saves): anything else is refused, as it would be deleted with the old version.
     */
    public static void replaceFolder(Path folder, Map<String, Content> files, Set<String> ours) throws IOException {
        replaceFolder(folder, files, ours, Set.of());
    }

    /**
     * As {@link #replaceFolder(Path, Map, Set)}, and the new version also holds the files named in {@code kept} that
     * the old version has and {@code files} does not write (copied over, before the others): notes another program
     * keeps beside the files, which a save must not lose. Each must be named in {@code ours} too.
     */
    public static void replaceFolder(Path folder, Map<String, Content> files, Set<String> ours, Set<String> kept) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) throw new IOException(folder + " is the root folder; choose a folder inside it");
        Files.createDirectories(parent);
        Path fresh = newSibling(target), old = oldSibling(target);
        finishInterruptedSwap(target);
        checkOnlyOurs(target, ours);
        if (Files.exists(fresh)) deleteTree(fresh); // a save that stopped while writing
        step.before("create " + fresh.getFileName());
        Files.createDirectory(fresh);
        for (String name : kept) {
            Path was = target.resolve(name);
            if (!files.containsKey(name) && Files.isRegularFile(was)) write(fresh.resolve(name), out -> Files.copy(was, out), name);
        }
        for (Map.Entry<String, Content> e : files.entrySet()) write(fresh.resolve(e.getKey()), e.getValue(), e.getKey());
        step.before("sync " + fresh.getFileName());
        syncFolder(fresh);
        syncFolder(parent);
        if (Files.exists(target)) {
            if (Files.exists(old)) deleteTree(old);
            step.before("rename " + target.getFileName() + " to " + old.getFileName());
            move(target, old);
            syncFolder(parent);
        }
        step.before("rename " + fresh.getFileName() + " to " + target.getFileName());
        move(fresh, target);
        syncFolder(parent);
        if (Files.exists(old)) {
            step.before("delete " + old.getFileName());
            deleteTree(old);
            syncFolder(parent);
        }
    }

    /**
     * The folder to read {@code folder}'s latest complete version from: {@code folder} itself, or, when a swap
     * stopped between its two renames, the complete new version in {@code .NAME.new}. Empty when neither exists.
     * Never changes anything on disk.
     */
    public static java.util.Optional<Path> readableFolder(Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) return java.util.Optional.of(folder);
        Path fresh = newSibling(target);
        if (Files.isDirectory(fresh)) return java.util.Optional.of(fresh);
        return java.util.Optional.empty();
    }

    /** Completes a swap that stopped between its two renames, and removes what a stopped save left behind. */
    private static void finishInterruptedSwap(Path target) throws IOException {
        Path fresh = newSibling(target), old = oldSibling(target);
        Path parent = target.getParent();
        if (!Files.exists(target) && Files.isDirectory(fresh) && Files.isDirectory(old)) {
            // Stopped after NAME → .NAME.old: .NAME.new was complete (it is renamed only once flushed).
            step.before("rename " + fresh.getFileName() + " to " + target.getFileName());
            move(fresh, target);
            syncFolder(parent);
        }
        if (Files.exists(target) && Files.exists(old)) {
            step.before("delete " + old.getFileName());
            deleteTree(old);
            syncFolder(parent);
        }
    }

    private static void checkOnlyOurs(Path target, Set<String> ours) throws IOException {
        if (!Files.exists(target)) return;
        if (!Files.isDirectory(target)) throw new IOException(target + " is a file, not a folder");
        List<String> others = new ArrayList<>();
        try (Stream<Path> list = Files.list(target)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                boolean leftover = name.startsWith(".") && name.endsWith(".tmp");
                if (!ours.contains(name) && !leftover) others.add(name);
            }
        }
        if (!others.isEmpty()) {
            java.util.Collections.sort(others);
            throw new IOException(target + " holds files that are not part of a checkpoint (" + String.join(", ",
                    others.subList(0, Math.min(5, others.size()))) + (others.size() > 5 ? ", …" : "") + "); a checkpoint"
                    + " folder is replaced as a whole when it is saved, so choose an empty or new folder");
        }
    }

    /**
     * Writes and flushes one file; the hook runs before it is opened, after its first block (64 KiB, or half of a
     * smaller file) is written, and before the flush.
     */
    private static void write(Path file, Content content, String name) throws IOException {
        step.before("write " + name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.io.OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
            java.io.OutputStream out = new java.io.OutputStream() {
                private boolean first = true;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (first && len > 1) {
                        int part = len / 2;
                        raw.write(b, off, part);
                        first = false;
                        step.before("write the rest of " + name);
                        raw.write(b, off + part, len - part);
                        return;
                    }
                    raw.write(b, off, len);
                }
            };
            java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
            content.writeTo(buffered);
            buffered.flush();
            step.before("sync " + name);
            ch.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Flushes a folder's entries (new names, renames) to the disk; a no-op where the system cannot (Windows). */
    public static void syncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows opens no folder as a channel; its renames are flushed by the file system's own journal.
        }
    }

    /** Deletes a folder and everything in it (no symbolic links are followed). */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException | NoSuchFileException ignored) {
                    // Another process wrote into it meanwhile: leave it.
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
