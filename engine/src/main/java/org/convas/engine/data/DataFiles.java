package org.convas.engine.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.convas.engine.spec.ReadFiles;

/** Reading whole dataset files, gunzipped when they start with the gzip magic bytes 1f 8b. */
final class DataFiles {

    private DataFiles() {
    }

    static String label(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** The file's bytes, gunzipped if it is gzip (detected by content, not by the ".gz" name). */
    static byte[] readMaybeGzip(Path file) throws DatasetException {
        byte[] raw = readRaw(file);
        return gunzipIfNeeded(raw, label(file));
    }

    /**
     * The largest dataset file read, or gunzipped, into memory: 1.5 GiB (Java arrays stop at 2 GiB; MNIST's
     * training images are 47 MB, a CIFAR-10 batch 30 MB).
     */
    static final long FILE_LIMIT = 3L << 29;

    /**
     * The most a dataset file may take in memory now: the limit above, and a third of the free heap (the bytes,
     * gunzipped, and the images copied out of them are held at once).
     */
    static long memoryLimit() {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        return Math.min(FILE_LIMIT, free / 3);
    }

    static byte[] readRaw(Path file) throws DatasetException {
        String name = label(file);
        if (Files.isDirectory(file)) throw new DatasetException(name, "is a folder, expected a file");
        long limit = memoryLimit();
        try {
            byte[] raw = ReadFiles.bytes(file, limit, "a dataset file");
            if (raw.length == 0) throw new DatasetException(name, "empty file (0 bytes)");
            return raw;
        } catch (ReadFiles.TooLargeException e) {
            throw new DatasetException(name, tooLarge(limit), e);
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof NoSuchFileException) throw new DatasetException(file.toString(), "file not found", e);
            if (cause instanceof AccessDeniedException) throw new DatasetException(name, "cannot be read (permission denied)", e);
            throw new DatasetException(name, "cannot be read: " + ReadFiles.reason(cause), e);
        } catch (OutOfMemoryError e) {
            throw new DatasetException(name, "the Java heap is full while reading it; give Java more memory (-Xmx)");
        }
    }

    private static String limitReason(long limit) {
        return limit == FILE_LIMIT ? "the most a dataset file may have" : "a third of the free Java heap; give Java more memory with -Xmx";
    }

    private static String tooLarge(long limit) {
        return "is larger than the " + (limit >> 20) + " MiB it may take in memory now ("
                + (limit == FILE_LIMIT ? "the most a dataset file may have" : "a third of the free Java heap; give Java more"
                + " memory with -Xmx") + ")";
    }

    static byte[] gunzipIfNeeded(byte[] raw, String name) throws DatasetException {
        return gunzipIfNeeded(raw, name, head -> -1);
    }

    /**
     * Gunzips gzip data (by its magic bytes 1f 8b), never past {@link #memoryLimit()} nor past the size the data's own
     * header gives: {@code expectedSize} sees the first bytes inflated (at least 64, or all of them) and returns the
     * whole size they promise, or −1 when it cannot tell. So a small file that inflates to gigabytes (a "gzip bomb")
     * is refused after its header, not after filling the heap.
     */
    static byte[] gunzipIfNeeded(byte[] raw, String name, java.util.function.ToLongFunction<byte[]> expectedSize)
            throws DatasetException {
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1F || (raw[1] & 0xFF) != 0x8B) return raw;
        long limit = memoryLimit();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, raw.length * 4L));
            byte[] buf = new byte[1 << 16];
            long total = 0;
            long expected = -1;
            boolean asked = false;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                out.write(buf, 0, n);
                if (!asked && total >= 64) {
                    asked = true;
                    expected = expectedSize.applyAsLong(java.util.Arrays.copyOf(out.toByteArray(), 64));
                    if (expected > limit) {
                        throw new DatasetException(name, "its header promises " + expected + " bytes, more than the "
                                + (limit >> 20) + " MiB it may take in memory now (" + limitReason(limit) + ")");
                    }
                }
                if (expected >= 0 && total > expected) {
                    throw new DatasetException(name, "corrupt: the gzip data holds more than the " + expected
                            + " bytes its header promises");
                }
                if (total > limit) {
                    throw new DatasetException(name, "the gzip data inflates to more than " + (limit >> 20) + " MiB, more than it"
                            + " may take in memory now (" + limitReason(limit) + ")");
                }
            }
            return out.toByteArray();
        } catch (EOFException e) {
            throw new DatasetException(name, "gzip data ends early: the file is truncated", e);
        } catch (ZipException e) {
            throw new DatasetException(name, "corrupt gzip data (" + ReadFiles.message(e) + ")", e);
        } catch (IOException e) {
            throw new DatasetException(name, "cannot be gunzipped: " + ReadFiles.message(e), e);
        } catch (OutOfMemoryError e) {
            throw new DatasetException(name, "the Java heap is full while gunzipping it; give Java more memory (-Xmx)");
        }
    }
}
