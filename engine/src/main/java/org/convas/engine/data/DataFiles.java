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

    static byte[] readRaw(Path file) throws DatasetException {
        String name = label(file);
        if (Files.isDirectory(file)) throw new DatasetException(name, "is a folder, expected a file");
        try {
            byte[] raw = Files.readAllBytes(file);
            if (raw.length == 0) throw new DatasetException(name, "empty file (0 bytes)");
            return raw;
        } catch (NoSuchFileException e) {
            throw new DatasetException(file.toString(), "file not found", e);
        } catch (AccessDeniedException e) {
            throw new DatasetException(name, "cannot be read (permission denied)", e);
        } catch (IOException e) {
            throw new DatasetException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    static byte[] gunzipIfNeeded(byte[] raw, String name) throws DatasetException {
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1F || (raw[1] & 0xFF) != 0x8B) return raw;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 2);
            in.transferTo(out);
            return out.toByteArray();
        } catch (EOFException e) {
            throw new DatasetException(name, "gzip data ends early: the file is truncated", e);
        } catch (ZipException e) {
            throw new DatasetException(name, "corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetException(name, "cannot be gunzipped: " + e.getMessage(), e);
        }
    }
}
