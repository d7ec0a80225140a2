package org.convas.engine.exchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch's file format for {@code torch.save(state_dict, "weights.pt")}, read and written without Python.
 *
 * <p>The file is a zip archive (entries stored, not compressed) under one top folder: {@code data.pkl}, a pickle
 * (protocol 2) of the state_dict, an {@code OrderedDict} of tensors; {@code data/0}, {@code data/1}…, the raw
 * little-endian bytes of each tensor's storage; and {@code version} ("3"). In the pickle, a tensor is
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)}, its storage a
 * persistent id {@code ("storage", torch.FloatStorage, "0", "cpu", numel)}.
 *
 * <p>Reading runs a small pickle machine that builds only dictionaries, lists, tuples, numbers, strings and
 * tensors; every other global becomes an inert placeholder and nothing is ever executed, so a file cannot run
 * code here. A checkpoint dictionary that holds the state_dict under "model", "state_dict" or
 * "model_state_dict" (train.py's {@code last.pt}) is accepted as well.
 */
public final class TorchArchive {

    private static final int ALIGNMENT = 64;

    private TorchArchive() {
    }

    // ================================================================ writing

    /**
     * Writes a state_dict that {@code torch.load} reads (the keys in the given order). The write is atomic: a
     * temporary file beside the target, then a rename.
     */
    public static void write(Path file, Map<String, TorchTensor> tensors) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(out, tensors);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void write(OutputStream target, Map<String, TorchTensor> tensors) throws IOException {
        String prefix = "archive/";
        Counting counting = new Counting(new java.io.BufferedOutputStream(target, 1 << 16));
        try (ZipOutputStream zip = new ZipOutputStream(counting)) {
            zip.setMethod(ZipOutputStream.STORED);
            byte[] pkl = pickle(tensors);
            stored(zip, counting, prefix + "data.pkl", pkl.length, crc(pkl), out -> out.write(pkl));
            int k = 0;
            for (TorchTensor t : tensors.values()) {
                stored(zip, counting, prefix + "data/" + k++, (long) t.values().length * width(t), storageCrc(t), out -> writeStorage(out, t));
            }
            byte[] version = "3\n".getBytes(StandardCharsets.US_ASCII);
            stored(zip, counting, prefix + "version", version.length, crc(version), out -> out.write(version));
        }
    }

    private interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** One stored entry, its data aligned to 64 bytes with padding in the local header's extra field (as torch does). */
    private static void stored(ZipOutputStream zip, Counting counting, String name, long size, long crc, Body body) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        e.setTime(315532800000L + 43200000L); // a fixed date (1980-01-01 12:00), so the same weights give the same file
        long headerEnd = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length;
        int pad = (int) ((ALIGNMENT - (headerEnd + 4) % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        body.writeTo(zip);
        zip.closeEntry();
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private static int width(TorchTensor t) {
        if (t.dtype().equals("int64")) return 8;
        if (t.dtype().equals("float32")) return 4;
        throw new IllegalArgumentException("writing " + t.dtype() + " tensors is not supported");
    }

    /** The storage's little-endian bytes, a chunk at a time (one VGG layer holds 400 MB). */
    private static void chunks(TorchTensor t, ChunkSink sink) throws IOException {
        float[] v = t.values();
        boolean long64 = t.dtype().equals("int64");
        int per = 1 << 16;
        ByteBuffer b = ByteBuffer.allocate(per * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < v.length; from += per) {
            int to = Math.min(v.length, from + per);
            b.clear();
            if (long64) {
                for (int i = from; i < to; i++) b.putLong((long) v[i]);
            } else {
                b.asFloatBuffer().put(v, from, to - from);
                b.position((to - from) * 4);
            }
            sink.accept(b.array(), b.position());
        }
    }

    private interface ChunkSink {
        void accept(byte[] bytes, int length) throws IOException;
    }

    private static long storageCrc(TorchTensor t) throws IOException {
        CRC32 crc = new CRC32();
        chunks(t, (bytes, n) -> crc.update(bytes, 0, n));
        return crc.getValue();
    }

    private static void writeStorage(OutputStream out, TorchTensor t) throws IOException {
        chunks(t, (bytes, n) -> out.write(bytes, 0, n));
    }

    /** The pickle of an OrderedDict of tensors, protocol 2, the opcodes torch.save itself writes. */
    static byte[] pickle(Map<String, TorchTensor> tensors) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);                                          // PROTO 2
        global(p, "collections", "OrderedDict");
        p.write(')');                                        // EMPTY_TUPLE
        p.write('R');                                        // REDUCE → OrderedDict()
        p.write('(');                                        // MARK
        int k = 0;
        for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
            TorchTensor t = e.getValue();
            unicode(p, e.getKey());
            global(p, "torch._utils", "_rebuild_tensor_v2");
            p.write('(');
            p.write('(');
            unicode(p, "storage");
            global(p, "torch", t.dtype().equals("int64") ? "LongStorage" : "FloatStorage");
            unicode(p, Integer.toString(k++));
            unicode(p, "cpu");
            integer(p, t.values().length);
            p.write('t');                                    // TUPLE: the persistent id
            p.write('Q');                                    // BINPERSID
            integer(p, 0);                                   // storage offset
            long[] shape = t.shape();
            p.write('(');
            for (long d : shape) integer(p, d);
            p.write('t');
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            p.write('(');
            for (long d : stride) integer(p, d);
            p.write('t');
            p.write(0x89);                                   // NEWFALSE: requires_grad
            global(p, "collections", "OrderedDict");
            p.write(')');
            p.write('R');                                    // backward hooks: OrderedDict()
            p.write('t');
            p.write('R');                                    // _rebuild_tensor_v2(...)
        }
        p.write('u');                                        // SETITEMS
        p.write('.');                                        // STOP
        return p.toByteArray();
    }

    private static void global(ByteArrayOutputStream p, String module, String name) {
        p.write('c');
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        p.writeBytes(b);
    }

    private static void integer(ByteArrayOutputStream p, long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            p.write('J');                                    // BININT
            p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            p.write(0x8a);                                   // LONG1, 8 bytes
            p.write(8);
            p.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
    }

    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    // ================================================================ reading

    /**
     * Reads the state_dict of a file written by {@code torch.save} (zip format, PyTorch 1.6 and later): the tensors
     * by key, in the file's order.
     *
     * @throws ExchangeException when the file is not such a file or holds no state_dict (the message says what it holds)
     */
    public static Map<String, TorchTensor> read(Path file) throws ExchangeException, IOException {
        String name = file.toString();
        if (!Files.exists(file)) throw new NoSuchFileException(name, null, "no such file");
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4 || head[0] != 'P' || head[1] != 'K') {
                if (n >= 2 && (head[0] & 0xFF) == 0x80) {
                    throw new ExchangeException(name + ": a PyTorch file in the legacy format (before PyTorch 1.6); save it again"
                            + " with a newer PyTorch (torch.save(torch.load(f), f)) to read it here");
                }
                throw new ExchangeException(name + ": not a PyTorch weights file (torch.save writes a zip archive; this file"
                        + " does not start like one)");
            }
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("data.pkl")).findFirst()
                    .orElseThrow(() -> new ExchangeException(name + ": a zip archive without data.pkl: not written by torch.save"));
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            byte[] pickle = zip.getInputStream(pkl).readAllBytes();
            Object root = new Unpickler(pickle, key -> {
                ZipEntry e = zip.getEntry(prefix + "data/" + key);
                if (e == null) throw new ExchangeException(name + ": storage data/" + key + " is missing from the archive");
                try {
                    return zip.getInputStream(e).readAllBytes();
                } catch (IOException ex) {
                    throw new ExchangeException(name + ": cannot read data/" + key + ": " + ex.getMessage(), ex);
                }
            }, name).load();
            return stateDict(root, name);
        } catch (ZipException e) {
            throw new ExchangeException(name + ": damaged zip archive: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, TorchTensor> stateDict(Object root, String name) throws ExchangeException {
        if (root instanceof Map<?, ?> map) {
            for (String key : List.of("model", "state_dict", "model_state_dict")) {
                if (map.get(key) instanceof Map<?, ?> inner && isStateDict(inner)) return (Map<String, TorchTensor>) inner;
            }
            if (isStateDict(map)) return (Map<String, TorchTensor>) map;
            throw new ExchangeException(name + ": holds a dictionary with keys " + describeKeys(map)
                    + ", not a state_dict of tensors (nor one under \"model\" or \"state_dict\")");
        }
        throw new ExchangeException(name + ": holds " + Unpickler.describe(root) + ", not a state_dict; save the model's"
                + " weights with torch.save(model.state_dict(), \"weights.pt\")");
    }

    private static boolean isStateDict(Map<?, ?> map) {
        if (map.isEmpty()) return false;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TorchTensor)) return false;
        }
        return true;
    }

    private static String describeKeys(Map<?, ?> map) {
        List<String> keys = new ArrayList<>();
        for (Object k : map.keySet()) {
            if (keys.size() == 8) {
                keys.add("…");
                break;
            }
            keys.add(String.valueOf(k));
        }
        return keys.toString();
    }

    /** Reads the bytes of storage {@code key}. */
    @FunctionalInterface
    interface StorageSource {
        byte[] bytes(String key) throws ExchangeException;
    }

    /** A global the reader does not build (a class, a function): kept by name, never called. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** The result of calling a global the reader does not know: inert. */
    record Opaque(Global callee) {
    }

    private record Storage(String dtype, String key, long numel) {
    }

    private record Tuple(List<Object> items) {
    }

    /** A pickle machine for protocols 2–5, restricted to data: see the class comment. */
    static final class Unpickler {
        private static final Object MARK = new Object();
        private final byte[] b;
        private final StorageSource storages;
        private final String source;
        private final Map<String, byte[]> storageCache = new LinkedHashMap<>();
        private final List<Object> stack = new ArrayList<>();
        private final Map<Long, Object> memo = new LinkedHashMap<>();
        private int pos;

        Unpickler(byte[] bytes, StorageSource storages, String source) {
            this.b = bytes;
            this.storages = storages;
            this.source = source;
        }

        Object load() throws ExchangeException {
            try {
                while (true) {
                    int op = b[pos++] & 0xFF;
                    switch (op) {
                        case 0x80 -> pos++;                                  // PROTO
                        case 0x95 -> pos += 8;                               // FRAME
                        case '.' -> {                                        // STOP
                            return pop();
                        }
                        case '(' -> stack.add(MARK);
                        case '}' -> stack.add(new LinkedHashMap<Object, Object>());
                        case ']' -> stack.add(new ArrayList<Object>());
                        case ')' -> stack.add(new Tuple(List.of()));
                        case 't' -> stack.add(new Tuple(popMark()));
                        case 0x85 -> stack.add(new Tuple(popN(1)));
                        case 0x86 -> stack.add(new Tuple(popN(2)));
                        case 0x87 -> stack.add(new Tuple(popN(3)));
                        case 'l' -> stack.add(new ArrayList<>(popMark()));
                        case 'd' -> {
                            List<Object> items = popMark();
                            Map<Object, Object> m = new LinkedHashMap<>();
                            for (int i = 0; i + 1 < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
                            stack.add(m);
                        }
                        case 'a' -> {
                            Object v = pop();
                            list(peek()).add(v);
                        }
                        case 'e' -> {
                            List<Object> items = popMark();
                            list(peek()).addAll(items);
                        }
                        case 's' -> {
                            Object v = pop();
                            Object k = pop();
                            map(peek()).put(key(k), v);
                        }
                        case 'u' -> {
                            List<Object> items = popMark();
                            Map<Object, Object> m = map(peek());
                            for (int i = 0; i + 1 < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
                        }
                        case 0x8f -> stack.add(new ArrayList<Object>());     // EMPTY_SET, as a list
                        case 0x90 -> {                                       // ADDITEMS
                            List<Object> items = popMark();
                            list(peek()).addAll(items);
                        }
                        case 'q' -> memo.put((long) (b[pos++] & 0xFF), peek());
                        case 'r' -> memo.put(u32(), peek());
                        case 0x94 -> memo.put((long) memo.size(), peek());   // MEMOIZE
                        case 'h' -> stack.add(memoGet(b[pos++] & 0xFF));
                        case 'j' -> stack.add(memoGet(u32()));
                        case 'c' -> stack.add(new Global(line(), line()));
                        case 0x93 -> {                                       // STACK_GLOBAL
                            Object name = pop();
                            Object module = pop();
                            stack.add(new Global(String.valueOf(module), String.valueOf(name)));
                        }
                        case 'R' -> {
                            Object args = pop();
                            Object callee = pop();
                            stack.add(call(callee, args));
                        }
                        case 0x81 -> {                                       // NEWOBJ
                            Object args = pop();
                            Object cls = pop();
                            stack.add(call(cls, args));
                        }
                        case 'b' -> pop();                                   // BUILD: state is ignored (OrderedDict's _metadata)
                        case 'Q' -> stack.add(persistent(pop()));
                        case 'J' -> stack.add((long) le32());
                        case 'K' -> stack.add((long) (b[pos++] & 0xFF));
                        case 'M' -> {
                            stack.add((long) ((b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8));
                            pos += 2;
                        }
                        case 0x8a -> {                                       // LONG1
                            int n = b[pos++] & 0xFF;
                            long v = 0;
                            for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[pos + i] & 0xFF);
                            if (n > 0 && n < 8 && (b[pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                            pos += n;
                            stack.add(v);
                        }
                        case 'G' -> {
                            stack.add(ByteBuffer.wrap(b, pos, 8).order(ByteOrder.BIG_ENDIAN).getDouble());
                            pos += 8;
                        }
                        case 'N' -> stack.add(null);
                        case 0x88 -> stack.add(Boolean.TRUE);
                        case 0x89 -> stack.add(Boolean.FALSE);
                        case 'X' -> stack.add(text(u32()));
                        case 0x8c -> stack.add(text(b[pos++] & 0xFF));       // SHORT_BINUNICODE
                        case 0x8d -> stack.add(text(u64()));                 // BINUNICODE8
                        case 'T', 'B' -> stack.add(bytes(u32()));            // BINSTRING, BINBYTES
                        case 'U', 'C' -> stack.add(bytes(b[pos++] & 0xFF));  // SHORT_BINSTRING, SHORT_BINBYTES
                        case 0x8e -> stack.add(bytes(u64()));                // BINBYTES8
                        case '0' -> pop();
                        case '1' -> popMark();
                        case '2' -> stack.add(peek());
                        default -> throw new ExchangeException(source + ": data.pkl uses pickle opcode 0x"
                                + Integer.toHexString(op) + " at byte " + (pos - 1) + ", which a state_dict does not need");
                    }
                }
            } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
                throw new ExchangeException(source + ": data.pkl is truncated or damaged (at byte " + pos + ")", e);
            }
        }

        private Object call(Object callee, Object args) throws ExchangeException {
            List<Object> a = args instanceof Tuple t ? t.items() : List.of();
            if (callee instanceof Global g) {
                String full = g.toString();
                switch (full) {
                    case "collections.OrderedDict", "builtins.dict", "__builtin__.dict" -> {
                        return new LinkedHashMap<Object, Object>();
                    }
                    case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                        return tensor(a);
                    }
                    case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                        return a.isEmpty() ? new Opaque(g) : a.get(0);
                    }
                    default -> {
                        return new Opaque(g);
                    }
                }
            }
            return new Opaque(new Global("?", String.valueOf(callee)));
        }

        private Object persistent(Object pid) throws ExchangeException {
            if (pid instanceof Tuple t && t.items().size() >= 5 && "storage".equals(t.items().get(0))) {
                Object type = t.items().get(1);
                String dtype = type instanceof Global g ? dtypeOf(g.name()) : "unknown";
                return new Storage(dtype, String.valueOf(t.items().get(2)), ((Number) t.items().get(4)).longValue());
            }
            throw new ExchangeException(source + ": data.pkl refers to an object that is not a tensor storage (" + pid + ")");
        }

        private static String dtypeOf(String storageClass) {
            return switch (storageClass) {
                case "FloatStorage" -> "float32";
                case "DoubleStorage" -> "float64";
                case "HalfStorage" -> "float16";
                case "BFloat16Storage" -> "bfloat16";
                case "LongStorage" -> "int64";
                case "IntStorage" -> "int32";
                case "ShortStorage" -> "int16";
                case "CharStorage" -> "int8";
                case "ByteStorage" -> "uint8";
                case "BoolStorage" -> "bool";
                default -> storageClass;
            };
        }

        private TorchTensor tensor(List<Object> a) throws ExchangeException {
            if (a.size() < 4 || !(a.get(0) instanceof Storage storage)) {
                throw new ExchangeException(source + ": a tensor in data.pkl is not stored as PyTorch stores one");
            }
            long offset = ((Number) a.get(1)).longValue();
            long[] size = longs(a.get(2));
            long[] stride = longs(a.get(3));
            byte[] raw = storageCache.get(storage.key());
            if (raw == null) {
                raw = storages.bytes(storage.key());
                storageCache.put(storage.key(), raw);
            }
            int width = switch (storage.dtype()) {
                case "float32", "int32" -> 4;
                case "float64", "int64" -> 8;
                case "float16", "bfloat16", "int16" -> 2;
                case "int8", "uint8", "bool" -> 1;
                default -> throw new ExchangeException(source + ": tensors of type " + storage.dtype() + " are not supported");
            };
            long numel = 1;
            for (long d : size) numel *= d;
            if (numel > Integer.MAX_VALUE) throw new ExchangeException(source + ": a tensor of " + numel + " values is too large");
            float[] values = new float[(int) numel];
            ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long[] index = new long[size.length];
            for (int i = 0; i < values.length; i++) {
                long at = offset;
                for (int d = 0; d < size.length; d++) at += index[d] * stride[d];
                long byteAt = at * width;
                if (byteAt < 0 || byteAt + width > raw.length) {
                    throw new ExchangeException(source + ": a tensor reaches past the end of its storage data/" + storage.key());
                }
                int p = (int) byteAt;
                values[i] = switch (storage.dtype()) {
                    case "float32" -> buf.getFloat(p);
                    case "float64" -> (float) buf.getDouble(p);
                    case "float16" -> halfToFloat(buf.getShort(p));
                    case "bfloat16" -> Float.intBitsToFloat((buf.getShort(p) & 0xFFFF) << 16);
                    case "int64" -> (float) buf.getLong(p);
                    case "int32" -> (float) buf.getInt(p);
                    case "int16" -> (float) buf.getShort(p);
                    case "int8" -> (float) buf.get(p);
                    default -> (float) (buf.get(p) & 0xFF);
                };
                for (int d = size.length - 1; d >= 0; d--) {
                    if (++index[d] < size[d]) break;
                    index[d] = 0;
                }
            }
            return new TorchTensor(storage.dtype(), size, values);
        }

        /** IEEE 754 binary16 to float (Float.float16ToFloat arrived in Java 20; Convas runs on 17). */
        static float halfToFloat(short h) {
            int bits = h & 0xFFFF;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1F;
            int mant = bits & 0x3FF;
            if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
            if (exp == 0) {
                float v = mant * 0x1.0p-24f;
                return sign == 0 ? v : -v;
            }
            return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        }

        private static long[] longs(Object tuple) {
            List<Object> items = tuple instanceof Tuple t ? t.items() : List.of();
            long[] out = new long[items.size()];
            for (int i = 0; i < out.length; i++) out[i] = ((Number) items.get(i)).longValue();
            return out;
        }

        static String describe(Object o) {
            if (o instanceof TorchTensor t) return "a single tensor (" + t.shapeText() + ")";
            if (o instanceof Opaque op) return "an object of class " + op.callee();
            if (o instanceof List<?> l) return "a list of " + l.size() + " items";
            if (o instanceof Tuple t) return "a tuple of " + t.items().size() + " items";
            return o == null ? "None" : "a " + o.getClass().getSimpleName();
        }

        private static Object key(Object k) {
            return k instanceof Tuple t ? t.items() : k;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o) throws ExchangeException {
            if (o instanceof List<?> l) return (List<Object>) l;
            throw new ExchangeException(source + ": data.pkl appends to something that is not a list");
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> map(Object o) throws ExchangeException {
            if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
            if (o instanceof Opaque) return new LinkedHashMap<>(); // items of an unknown mapping: dropped
            throw new ExchangeException(source + ": data.pkl sets an item on something that is not a dictionary");
        }

        private Object memoGet(long i) throws ExchangeException {
            if (!memo.containsKey(i)) throw new ExchangeException(source + ": data.pkl refers to memo entry " + i + " before it is made");
            return memo.get(i);
        }

        private Object pop() {
            return stack.remove(stack.size() - 1);
        }

        private Object peek() {
            return stack.get(stack.size() - 1);
        }

        private List<Object> popN(int n) {
            List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
            for (int i = 0; i < n; i++) pop();
            return items;
        }

        private List<Object> popMark() throws ExchangeException {
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i) == MARK) {
                    List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
                    stack.subList(i, stack.size()).clear();
                    return items;
                }
            }
            throw new ExchangeException(source + ": data.pkl is damaged (a MARK is missing)");
        }

        private String line() {
            int start = pos;
            while (b[pos] != '\n') pos++;
            return new String(b, start, pos++ - start, StandardCharsets.UTF_8);
        }

        private String text(long n) {
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        private byte[] bytes(long n) {
            byte[] out = Arrays.copyOfRange(b, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        private int le32() {
            int v = ByteBuffer.wrap(b, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            pos += 4;
            return v;
        }

        private long u32() {
            return le32() & 0xFFFFFFFFL;
        }

        private long u64() {
            long v = ByteBuffer.wrap(b, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            pos += 8;
            return v;
        }
    }
}
