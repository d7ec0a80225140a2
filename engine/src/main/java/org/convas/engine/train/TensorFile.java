package org.convas.engine.train;

import org.convas.engine.spec.AtomicFiles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Named float tensors in one binary file, written atomically.
 *
 * <p>Layout (big-endian, Java's DataOutput): magic "CNVT" (4 bytes), format version (int, 1), tensor count
 * (int), then per tensor its name (modified UTF-8, {@code writeUTF}), length n (int) and n floats; last, the
 * CRC-32 of every byte before it (long). A file with the wrong magic, version or checksum is refused.
 */
public final class TensorFile {

    public static final int MAGIC = 0x434E5654; // "CNVT"
    public static final int VERSION = 1;

    private TensorFile() {
    }

    public static byte[] encode(Map<String, float[]> tensors) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(tensors.size());
            for (Map.Entry<String, float[]> e : tensors.entrySet()) {
                out.writeUTF(e.getKey());
                float[] v = e.getValue();
                out.writeInt(v.length);
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.BIG_ENDIAN);
                buf.asFloatBuffer().put(v);
                out.write(buf.array());
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    public static void write(Path file, Map<String, float[]> tensors) throws IOException {
        AtomicFiles.writeBytes(file, encode(tensors));
    }

    public static Map<String, float[]> read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    public static Map<String, float[]> decode(byte[] data, String source) throws IOException {
        if (data.length < 20) throw new IOException(source + " is not a Convas tensor file: only " + data.length + " bytes");
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        long stored = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8));
        if (in.readInt() != MAGIC) throw new IOException(source + " is not a Convas tensor file (wrong magic number)");
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException(source + " has tensor format version " + version + "; this Convas reads version " + VERSION);
        }
        if (stored != crc.getValue()) {
            throw new IOException(source + " is damaged: its checksum does not match its contents");
        }
        int count = in.readInt();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > data.length / 4) throw new IOException(source + ": tensor " + name + " claims " + n + " values");
            byte[] raw = new byte[n * 4];
            in.readFully(raw);
            float[] v = new float[n];
            ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(v);
            out.put(name, v);
        }
        return out;
    }

    /** CRC-32 of a byte array, to tie the files of a checkpoint together. */
    static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }
}
