package org.convas.engine.spec;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes networks as JSON:
 *
 * <pre>{@code
 * {"format": "convas-network", "version": 1, "name": "LeNet-5", "floor": false,
 *  "nodes": [
 *    {"id": "input", "type": "input", "width": 32, "height": 32, "depth": 1},
 *    {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 6, "kernel": 5, "stride": 1, "padding": 0},
 *    {"id": "conv2", "type": "conv2d", "inputs": ["conv1"], "filters": 8, "kernel": [3, 1], "stride": [2, 1], "padding": [1, 0]},
 *    {"id": "fc1", "type": "fc", "inputs": ["conv1"], "units": 10, "trainable": false},
 *    ...],
 *  "layout": {"conv1": [120.0, 80.0]}}
 * }</pre>
 * An optional {@code "init": "xavier"} chooses the weights' initialisation ({@link WeightInit}; "he" when absent).
 *
 * <p>{@code "trainable": false} freezes a node's parameters ({@link Node#trainable()}); it is written only then.
 *
 * <p>Reading is all or nothing: any problem throws a {@link SpecFormatException} naming the node and field,
 * and no partial network is returned. Writing then reading gives an equal spec.
 */
public final class NetworkJson {

    public static final String FORMAT = "convas-network";
    public static final int VERSION = 1;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private NetworkJson() {
    }

    // ---------------------------------------------------------------- writing

    public static String write(NetworkSpec spec) {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", VERSION);
        root.addProperty("name", spec.name());
        root.addProperty("floor", spec.floorMode());
        // Written only when not the default, so files of networks that keep He's initialisation stay as they were.
        if (spec.weightInit() != WeightInit.HE) root.addProperty("init", spec.weightInit().key());
        JsonArray nodes = new JsonArray();
        for (Node n : spec.nodes()) nodes.add(writeNode(n));
        root.add("nodes", nodes);
        if (!spec.layout().isEmpty()) {
            JsonObject layout = new JsonObject();
            spec.layout().forEach((id, p) -> {
                JsonArray xy = new JsonArray();
                xy.add(p.x());
                xy.add(p.y());
                layout.add(id, xy);
            });
            root.add("layout", layout);
        }
        return GSON.toJson(root) + "\n";
    }

    /** Writes atomically: a temporary file beside the target, then a rename, so a crash never leaves half a file. */
    public static void write(NetworkSpec spec, Path file) throws IOException {
        AtomicFiles.writeString(file, write(spec));
    }

    private static JsonObject writeNode(Node n) {
        JsonObject o = new JsonObject();
        o.addProperty("id", n.id());
        LayerSpec l = n.layer();
        o.addProperty("type", l.type());
        if (!n.inputs().isEmpty()) {
            JsonArray ins = new JsonArray();
            n.inputs().forEach(ins::add);
            o.add("inputs", ins);
        }
        if (!n.trainable()) o.addProperty("trainable", false);
        if (l instanceof LayerSpec.Input in) {
            o.addProperty("width", in.width());
            o.addProperty("height", in.height());
            o.addProperty("depth", in.depth());
        } else if (l instanceof LayerSpec.Conv2D c) {
            o.addProperty("filters", c.filters());
            if (c.kernelHeight() == c.kernelWidth()) {
                o.addProperty("kernel", c.kernelHeight());
            } else {
                o.add("kernel", pair(c.kernelHeight(), c.kernelWidth()));
            }
            writeStride(o, c.strideHeight(), c.strideWidth());
            o.add("padding", writePadding(c.padding()));
            o.addProperty("dilation", c.dilation());
            o.addProperty("groups", c.groups());
            o.addProperty("bias", c.bias());
        } else if (l instanceof LayerSpec.MaxPool p) {
            o.addProperty("size", p.size());
            writeStride(o, p.strideHeight(), p.strideWidth());
            o.add("padding", writePadding(p.padding()));
        } else if (l instanceof LayerSpec.AvgPool p) {
            o.addProperty("size", p.size());
            writeStride(o, p.strideHeight(), p.strideWidth());
            o.add("padding", writePadding(p.padding()));
        } else if (l instanceof LayerSpec.FullyConnected f) {
            o.addProperty("units", f.units());
            o.addProperty("bias", f.bias());
        } else if (l instanceof LayerSpec.LeakyReLU r) {
            o.addProperty("slope", r.slope());
        } else if (l instanceof LayerSpec.Dropout d) {
            o.addProperty("p", d.p());
        } else if (l instanceof LayerSpec.BatchNorm b) {
            o.addProperty("epsilon", b.epsilon());
            o.addProperty("momentum", b.momentum());
        } else if (l instanceof LayerSpec.LocalResponseNorm r) {
            o.addProperty("size", r.size());
            o.addProperty("alpha", r.alpha());
            o.addProperty("beta", r.beta());
            o.addProperty("k", r.k());
        } else if (!(l instanceof LayerSpec.GlobalAvgPool || l instanceof LayerSpec.Flatten || l instanceof LayerSpec.ReLU
                || l instanceof LayerSpec.Sigmoid || l instanceof LayerSpec.Tanh || l instanceof LayerSpec.Add
                || l instanceof LayerSpec.Concat || l instanceof LayerSpec.ChannelScale || l instanceof LayerSpec.Softmax)) {
            // Types without settings are listed by name: a new type must say how it is saved, never be saved
            // without its settings by default (docs/adding-a-layer.md).
            throw new IllegalStateException("NetworkJson cannot save layer type \"" + l.type() + "\" ("
                    + l.getClass().getSimpleName() + "): add it to NetworkJson.writeNode and Reader.node (docs/adding-a-layer.md)");
        }
        return o;
    }

    private static JsonElement writePadding(Padding p) {
        return switch (p.mode()) {
            case SAME -> new JsonPrimitive("same");
            case VALID -> new JsonPrimitive("valid");
            case EXPLICIT -> p.height() == p.width() ? new JsonPrimitive(p.height()) : pair(p.height(), p.width());
        };
    }

    /** "stride": 2 when both axes share it, "stride": [height, width] otherwise (as the kernel and the padding). */
    private static void writeStride(JsonObject o, int height, int width) {
        if (height == width) o.addProperty("stride", height);
        else o.add("stride", pair(height, width));
    }

    private static JsonArray pair(int a, int b) {
        JsonArray arr = new JsonArray();
        arr.add(a);
        arr.add(b);
        return arr;
    }

    // ---------------------------------------------------------------- reading

    /** The largest network file read: ResNet-50's is about 60 KB. */
    public static final long FILE_LIMIT = 16L << 20;
    /** The most nodes a network may have (ResNet-50 has 176). */
    public static final int MAX_NODES = 100_000;

    /**
     * Reads a network file of at most {@value #FILE_LIMIT} bytes.
     *
     * @throws IOException with a message naming the file and the reason (no such file, permission denied, too large)
     */
    public static NetworkSpec read(Path file) throws SpecFormatException, IOException {
        byte[] bytes = ReadFiles.bytes(file, FILE_LIMIT, "a network file");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SpecFormatException(file.toString(), "", "not a UTF-8 text file (is it a network JSON file?)", e);
        }
        return read(text, file.toString());
    }

    /**
     * Gson's complaint about malformed JSON in words a user can act on: "malformed JSON at line 3, column 7", without
     * its advice to switch to lenient parsing, its JSON path and its link.
     */
    public static String jsonProblem(Throwable e) {
        Throwable t = e instanceof JsonParseException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof java.io.EOFException || e instanceof java.io.EOFException) {
            return "the file ends too early (truncated?)" + location(ReadFiles.message(t));
        }
        String m = firstLine(ReadFiles.message(t));
        m = m.replaceAll("\\s*See https?://\\S+", "");
        m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
        m = m.replaceAll(" path \\$\\S*", "");
        m = m.replaceAll("at line (\\d+) column (\\d+)", "at line $1, column $2");
        if (t instanceof NumberFormatException) m = "a number is malformed: " + m;
        return m.trim();
    }

    private static String location(String message) {
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("at line (\\d+) column (\\d+)").matcher(message);
        return at.find() ? " at line " + at.group(1) + ", column " + at.group(2) : "";
    }

    /** Parses a network; {@code source} names it in messages (a file name, or "clipboard"). */
    public static NetworkSpec read(String text, String source) throws SpecFormatException {
        if (text.isBlank()) throw new SpecFormatException(source, "", "the file is empty");
        JsonElement rootEl;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            rootEl = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new SpecFormatException(source, "", "unexpected text after the end of the JSON document");
            }
        } catch (JsonParseException | IOException | IllegalStateException | NumberFormatException | StackOverflowError e) {
            if (e instanceof StackOverflowError) {
                throw new SpecFormatException(source, "", "not valid JSON: arrays or objects are nested too deeply", null);
            }
            throw new SpecFormatException(source, "", "not valid JSON: " + jsonProblem(e), e);
        }
        if (!rootEl.isJsonObject()) throw new SpecFormatException(source, "", "expected a JSON object at the top level");
        JsonObject root = rootEl.getAsJsonObject();
        Reader r = new Reader(source);

        String format = r.string(root, "", "format", null);
        if (!FORMAT.equals(format)) {
            throw new SpecFormatException(source, "field \"format\"", "expected \"" + FORMAT + "\", found \"" + format + "\"");
        }
        int version = r.integer(root, "", "version", null);
        if (version != VERSION) {
            throw new SpecFormatException(source, "field \"version\"", "format version " + version
                    + " is not supported; this Convas reads version " + VERSION
                    + (version > VERSION ? " (the file was written by a newer Convas)" : ""));
        }
        String name = r.string(root, "", "name", "");
        boolean floor = r.bool(root, "", "floor", false);
        String initKey = r.string(root, "", "init", WeightInit.HE.key());
        WeightInit init = null;
        for (WeightInit w : WeightInit.values()) if (w.key().equals(initKey)) init = w;
        if (init == null) {
            throw new SpecFormatException(source, "field \"init\"", "expected \"he\" or \"xavier\", found \"" + initKey + "\"");
        }
        JsonArray arr = r.array(root, "", "nodes");
        if (arr.isEmpty()) throw new SpecFormatException(source, "field \"nodes\"", "the network has no nodes");
        if (arr.size() > MAX_NODES) {
            throw new SpecFormatException(source, "field \"nodes\"", "the network has " + arr.size() + " nodes; at most "
                    + MAX_NODES + " are allowed");
        }

        List<Node> nodes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonElement el = arr.get(i);
            String where = "node #" + (i + 1);
            if (!el.isJsonObject()) throw new SpecFormatException(source, where, "expected an object");
            JsonObject o = el.getAsJsonObject();
            String id = r.string(o, where, "id", null);
            if (id.isBlank()) throw new SpecFormatException(source, where + ", field \"id\"", "the id is empty");
            where = "node \"" + id + "\"";
            if (!ids.add(id)) throw new SpecFormatException(source, where, "a second node has the same id");
            nodes.add(r.node(o, id, where));
        }
        Map<String, Position> layout = new LinkedHashMap<>();
        if (root.has("layout") && !root.get("layout").isJsonNull()) {
            if (!root.get("layout").isJsonObject()) throw new SpecFormatException(source, "field \"layout\"", "expected an object of [x, y] pairs");
            for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("layout").entrySet()) {
                String where = "layout of \"" + e.getKey() + "\"";
                if (!ids.contains(e.getKey())) throw new SpecFormatException(source, where, "no node has this id");
                JsonElement v = e.getValue();
                if (!v.isJsonArray() || v.getAsJsonArray().size() != 2 || !isNumber(v.getAsJsonArray().get(0)) || !isNumber(v.getAsJsonArray().get(1))) {
                    throw new SpecFormatException(source, where, "expected [x, y]");
                }
                layout.put(e.getKey(), new Position(v.getAsJsonArray().get(0).getAsDouble(), v.getAsJsonArray().get(1).getAsDouble()));
            }
        }
        NetworkSpec spec = new NetworkSpec(name, nodes, floor, init, layout);
        checkGraph(spec, source);
        return spec;
    }

    /** Structural checks a file must pass: inputs exist, arities fit, no cycles, hyperparameters in range. */
    private static void checkGraph(NetworkSpec spec, String source) throws SpecFormatException {
        for (Node n : spec.nodes()) {
            String where = "node \"" + n.id() + "\"";
            for (String in : n.inputs()) {
                if (!spec.contains(in)) throw new SpecFormatException(source, where + ", field \"inputs\"", "input \"" + in + "\" is not a node of this network");
                if (in.equals(n.id())) throw new SpecFormatException(source, where + ", field \"inputs\"", "a node cannot feed itself");
            }
            if (n.inputs().size() != new HashSet<>(n.inputs()).size()) {
                throw new SpecFormatException(source, where + ", field \"inputs\"", "the same input is listed twice");
            }
            switch (n.layer().arity()) {
                case NONE -> {
                    if (!n.inputs().isEmpty()) throw new SpecFormatException(source, where + ", field \"inputs\"", "an input node takes no inputs");
                }
                case ONE -> {
                    if (n.inputs().size() != 1) throw new SpecFormatException(source, where + ", field \"inputs\"",
                            "a " + n.layer().type() + " node takes exactly one input (it lists " + n.inputs().size() + ")");
                }
                case MANY -> {
                    if (n.inputs().size() < 2) throw new SpecFormatException(source, where + ", field \"inputs\"",
                            "a " + n.layer().type() + " node merges two or more inputs (it lists " + n.inputs().size() + ")");
                }
            }
            List<FieldRule> rules = n.layer().fieldRules();
            if (!rules.isEmpty()) {
                FieldRule f = rules.get(0);
                throw new SpecFormatException(source, where + ", field \"" + f.field() + "\"", f.message());
            }
        }
        if (spec.inputs().isEmpty()) throw new SpecFormatException(source, "", "the network has no input node");
        Set<String> cyc = spec.nodesOnCycles();
        if (!cyc.isEmpty()) throw new SpecFormatException(source, "node \"" + cyc.iterator().next() + "\"", "the graph has a cycle through " + String.join(" → ", cyc));
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        String line = i < 0 ? s : s.substring(0, i);
        return line.replace("See https://github.com/google/gson/blob/main/Troubleshooting.md#malformed-json", "").trim();
    }

    /** Typed field access with located messages. */
    private record Reader(String source) {

        SpecFormatException err(String where, String field, String problem) {
            String place = where.isEmpty() ? "field \"" + field + "\"" : where + ", field \"" + field + "\"";
            return new SpecFormatException(source, place, problem);
        }

        JsonElement required(JsonObject o, String where, String field) throws SpecFormatException {
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) throw err(where, field, "missing");
            return e;
        }

        String string(JsonObject o, String where, String field, String dflt) throws SpecFormatException {
            if (dflt != null && (!o.has(field) || o.get(field).isJsonNull())) return dflt;
            JsonElement e = required(o, where, field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw err(where, field, "expected a string, found " + shortText(e));
            return e.getAsString();
        }

        int integer(JsonObject o, String where, String field, Integer dflt) throws SpecFormatException {
            if (dflt != null && (!o.has(field) || o.get(field).isJsonNull())) return dflt;
            return toInt(required(o, where, field), where, field);
        }

        int toInt(JsonElement e, String where, String field) throws SpecFormatException {
            if (!isNumber(e)) throw err(where, field, "expected a whole number, found " + shortText(e));
            double d = e.getAsDouble();
            if (d != Math.rint(d) || Double.isInfinite(d)) throw err(where, field, "expected a whole number, found " + shortText(e));
            long max = LayerSpec.maxOf(field);
            if (d > max) {
                throw err(where, field, shortText(e) + " is too large: " + field + " must be at most "
                        + String.format(java.util.Locale.ROOT, "%,d", max));
            }
            if (d < Integer.MIN_VALUE) throw err(where, field, shortText(e) + " is too small: " + field + " must be at least 0");
            return (int) d;
        }

        /** A value as the file wrote it, cut to 60 characters. */
        static String shortText(JsonElement e) {
            String t = e.toString();
            return t.length() <= 60 ? t : t.substring(0, 57) + "…";
        }

        double number(JsonObject o, String where, String field, Double dflt) throws SpecFormatException {
            if (dflt != null && (!o.has(field) || o.get(field).isJsonNull())) return dflt;
            JsonElement e = required(o, where, field);
            if (!isNumber(e)) throw err(where, field, "expected a number, found " + shortText(e));
            double d = e.getAsDouble();
            if (!Double.isFinite(d)) throw err(where, field, "expected a finite number, found " + shortText(e));
            return d;
        }

        boolean bool(JsonObject o, String where, String field, boolean dflt) throws SpecFormatException {
            if (!o.has(field) || o.get(field).isJsonNull()) return dflt;
            JsonElement e = o.get(field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw err(where, field, "expected true or false, found " + shortText(e));
            return e.getAsBoolean();
        }

        JsonArray array(JsonObject o, String where, String field) throws SpecFormatException {
            JsonElement e = required(o, where, field);
            if (!e.isJsonArray()) throw err(where, field, "expected an array, found " + shortText(e));
            return e.getAsJsonArray();
        }

        /** An int, or a pair [h, w] of ints. */
        int[] intPair(JsonObject o, String where, String field, Integer dflt) throws SpecFormatException {
            if (dflt != null && (!o.has(field) || o.get(field).isJsonNull())) return new int[] {dflt, dflt};
            JsonElement e = required(o, where, field);
            if (e.isJsonArray()) {
                JsonArray a = e.getAsJsonArray();
                if (a.size() != 2) throw err(where, field, "expected a number or a pair [height, width], found " + shortText(e));
                return new int[] {toInt(a.get(0), where, field), toInt(a.get(1), where, field)};
            }
            int v = toInt(e, where, field);
            return new int[] {v, v};
        }

        Padding padding(JsonObject o, String where) throws SpecFormatException {
            JsonElement e = o.get("padding");
            if (e == null || e.isJsonNull()) return Padding.NONE;
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                return switch (e.getAsString().toLowerCase(java.util.Locale.ROOT)) {
                    case "same" -> Padding.SAME;
                    case "valid" -> Padding.VALID;
                    default -> throw err(where, "padding", "expected a number, [height, width], \"same\" or \"valid\", found " + shortText(e));
                };
            }
            int[] p = intPair(o, where, "padding", null);
            return Padding.of(p[0], p[1]);
        }

        List<String> inputs(JsonObject o, String where) throws SpecFormatException {
            if (!o.has("inputs") || o.get("inputs").isJsonNull()) return List.of();
            JsonElement e = o.get("inputs");
            if (!e.isJsonArray()) throw err(where, "inputs", "expected an array of node ids, found " + shortText(e));
            List<String> out = new ArrayList<>();
            for (JsonElement x : e.getAsJsonArray()) {
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) throw err(where, "inputs", "expected node ids (strings), found " + shortText(x));
                out.add(x.getAsString());
            }
            return out;
        }

        Node node(JsonObject o, String id, String where) throws SpecFormatException {
            String type = string(o, where, "type", null);
            List<String> inputs = inputs(o, where);
            LayerSpec layer = switch (type) {
                case "input" -> new LayerSpec.Input(integer(o, where, "width", null), integer(o, where, "height", null), integer(o, where, "depth", null));
                case "conv2d" -> {
                    int[] k = intPair(o, where, "kernel", null);
                    int[] s = intPair(o, where, "stride", 1);
                    yield new LayerSpec.Conv2D(integer(o, where, "filters", null), k[0], k[1], s[0], s[1],
                            padding(o, where), integer(o, where, "dilation", 1), integer(o, where, "groups", 1), bool(o, where, "bias", true));
                }
                case "maxpool" -> {
                    int size = integer(o, where, "size", null);
                    int[] s = intPair(o, where, "stride", size);
                    yield new LayerSpec.MaxPool(size, s[0], s[1], padding(o, where));
                }
                case "avgpool" -> {
                    int size = integer(o, where, "size", null);
                    int[] s = intPair(o, where, "stride", size);
                    yield new LayerSpec.AvgPool(size, s[0], s[1], padding(o, where));
                }
                case "globalavgpool" -> new LayerSpec.GlobalAvgPool();
                case "flatten" -> new LayerSpec.Flatten();
                case "fc" -> new LayerSpec.FullyConnected(integer(o, where, "units", null), bool(o, where, "bias", true));
                case "relu" -> new LayerSpec.ReLU();
                case "leakyrelu" -> new LayerSpec.LeakyReLU(number(o, where, "slope", 0.01));
                case "sigmoid" -> new LayerSpec.Sigmoid();
                case "tanh" -> new LayerSpec.Tanh();
                case "dropout" -> new LayerSpec.Dropout(number(o, where, "p", 0.5));
                case "batchnorm" -> new LayerSpec.BatchNorm(number(o, where, "epsilon", 1e-5), number(o, where, "momentum", 0.1));
                case "lrn" -> new LayerSpec.LocalResponseNorm(integer(o, where, "size", 5), number(o, where, "alpha", 1e-4),
                        number(o, where, "beta", 0.75), number(o, where, "k", 2.0));
                case "add" -> new LayerSpec.Add();
                case "concat" -> new LayerSpec.Concat();
                case "scale" -> new LayerSpec.ChannelScale();
                case "softmax" -> new LayerSpec.Softmax();
                default -> throw err(where, "type", "unknown layer type \"" + type + "\"; known types: " + String.join(", ", TYPES));
            };
            return new Node(id, layer, inputs, bool(o, where, "trainable", true));
        }
    }

    /** Every type tag, in palette order. */
    public static final List<String> TYPES = List.of("input", "conv2d", "maxpool", "avgpool", "globalavgpool", "flatten", "fc",
            "relu", "leakyrelu", "sigmoid", "tanh", "dropout", "batchnorm", "lrn", "add", "concat", "scale", "softmax");
}
