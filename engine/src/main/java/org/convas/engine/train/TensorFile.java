package org.convas.engine.train;

import org.convas.engine.spec.AtomicFiles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** The file's bytes, allocated once at their exact size (a checkpoint of a large network holds them twice at most). */
    public static byte[] encode(Map<String, float[]> tensors) {
        long size = 12 + 8;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            size += 2 + utfLength(e.getKey()) + 4 + 4L * e.getValue().length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the tensors take " + size + " bytes; a tensor file holds at most 2 GiB");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(MAGIC).putInt(VERSION).putInt(tensors.size());
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            byte[] name = modifiedUtf8(e.getKey());
            buf.putShort((short) name.length).put(name);
            float[] v = e.getValue();
            buf.putInt(v.length);
            buf.asFloatBuffer().put(v);
            buf.position(buf.position() + 4 * v.length);
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putLong(crc.getValue());
        return buf.array();
    }

    private static byte[] modifiedUtf8(String s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() + 2);
            new DataOutputStream(bytes).writeUTF(s);
            byte[] b = bytes.toByteArray();
            return java.util.Arrays.copyOfRange(b, 2, b.length);
        } catch (IOException e) {
            throw new IllegalArgumentException("tensor name too long: " + s.substring(0, Math.min(40, s.length())) + "…", e);
        }
    }

    private static int utfLength(String s) {
        return modifiedUtf8(s).length;
    }

    /**
     * Writes the file's bytes to {@code out} as {@link #encode} would give them, a tensor at a time through a small
     * buffer (a checkpoint of a large network takes no copy of its weights); returns the CRC-32 of all the bytes.
     */
    public static long writeTo(java.io.OutputStream out, Map<String, float[]> tensors) throws IOException {
        java.util.zip.CheckedOutputStream whole = new java.util.zip.CheckedOutputStream(out, new CRC32());
        java.util.zip.CheckedOutputStream body = new java.util.zip.CheckedOutputStream(whole, new CRC32());
        DataOutputStream data = new DataOutputStream(body);
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(tensors.size());
        ByteBuffer chunk = ByteBuffer.allocate(1 << 14).order(ByteOrder.BIG_ENDIAN);
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            data.writeUTF(e.getKey());
            float[] v = e.getValue();
            data.writeInt(v.length);
            for (int at = 0; at < v.length; ) {
                int n = Math.min(chunk.capacity() / 4, v.length - at);
                chunk.clear();
                chunk.asFloatBuffer().put(v, at, n);
                data.write(chunk.array(), 0, 4 * n);
                at += n;
            }
        }
        data.flush();
        new DataOutputStream(whole).writeLong(body.getChecksum().getValue());
        whole.flush();
        return whole.getChecksum().getValue();
    }

    public static void write(Path file, Map<String, float[]> tensors) throws IOException {
        AtomicFiles.writeBytes(file, encode(tensors));
    }

    public static Map<String, float[]> read(Path file) throws IOException {
        return decode(org.convas.engine.spec.ReadFiles.bytes(file, Integer.MAX_VALUE - 8, "a tensor file"), file.toString());
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
        if (count < 0) throw new IOException(source + " is damaged: it claims " + count + " tensors");
        Map<String, float[]> out = new LinkedHashMap<>();
        try {
            readTensors(in, count, data.length, source, out);
        } catch (java.io.EOFException e) {
            throw new IOException(source + " is damaged: it ends in the middle of tensor " + (out.size() + 1) + " of " + count, e);
        } catch (java.io.UTFDataFormatException e) {
            throw new IOException(source + " is damaged: the name of tensor " + (out.size() + 1) + " is not valid text", e);
        }
        return out;
    }

    private static void readTensors(DataInputStream in, int count, int length, String source, Map<String, float[]> out)
            throws IOException {
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > length / 4) throw new IOException(source + " is damaged: tensor " + name + " claims " + n + " values");
            if (out.containsKey(name)) throw new IOException(source + " is damaged: tensor " + name + " appears twice");
            byte[] raw = new byte[n * 4];
            in.readFully(raw);
            float[] v = new float[n];
            ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(v);
            out.put(name, v);
        }
    }

    /** CRC-32 of a byte array, to tie the files of a checkpoint together. */
    static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }
}
