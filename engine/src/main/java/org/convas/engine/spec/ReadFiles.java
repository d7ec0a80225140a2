package org.convas.engine.spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Reads whole files with a bound on their size, so that a device ({@code /dev/zero}), a pipe or a huge file is
 * refused with a message instead of filling the heap; and says in words why a file could not be read.
 */
public final class ReadFiles {

    private ReadFiles() {
    }

    /** A file that is too large, or is a folder: the message names it and the limit. */
    public static final class TooLargeException extends IOException {
        public TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * The bytes of {@code file}, at most {@code limit} of them.
     *
     * @param what names the kind of file in the message, e.g. "a network file"
     * @throws IOException with a message that names the file and the reason ("no such file", "permission denied",
     *                     "is a folder", "larger than the 16 MiB a network file may have")
     */
    public static byte[] bytes(Path file, long limit, String what) throws IOException {
        if (Files.isDirectory(file)) throw new IOException(file + ": is a folder, not " + what);
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.isRegularFile(file) ? Files.size(file) : -1;
            if (size > limit) throw tooLarge(file, size, limit, what);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(size, limit)) + 16);
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > limit) throw tooLarge(file, -1, limit, what);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (TooLargeException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(file + ": " + reason(e), e);
        }
    }

    private static TooLargeException tooLarge(Path file, long size, long limit, String what) {
        return new TooLargeException(file + ": " + (size >= 0 ? "is " + megabytes(size) + ", " : "")
                + "larger than the " + megabytes(limit) + " " + what + " may have"
                + (size < 0 && !Files.isRegularFile(file) ? " (it is a device or a pipe, not a file)" : ""));
    }

    private static String megabytes(long bytes) {
        if (bytes >= (1L << 30)) return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= (1L << 20)) return String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
        return String.format(java.util.Locale.ROOT, "%,d bytes", bytes);
    }

    /**
     * Why an I/O operation failed, in words, never "null": "no such file", "permission denied", "not a folder",
     * the system's reason ("No space left on device"), or the message.
     */
    public static String reason(Throwable e) {
        if (e instanceof NoSuchFileException) return "no such file or folder";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NotDirectoryException) return "not a folder";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof java.nio.file.DirectoryNotEmptyException) return "the folder is not empty";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return message(e);
    }

    /** An exception's message, or its kind in words when it has none: never "null". */
    public static String message(Throwable e) {
        String m = e.getMessage();
        if (m != null && !m.isBlank()) return m;
        if (e instanceof OutOfMemoryError) return "out of memory (the Java heap is full; give Java more memory with -Xmx)";
        if (e instanceof StackOverflowError) return "the network is too deep for the thread's stack";
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT)
                + (e.getCause() != null && e.getCause() != e ? ": " + message(e.getCause()) : "");
    }
}
