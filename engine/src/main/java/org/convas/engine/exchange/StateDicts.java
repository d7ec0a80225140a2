package org.convas.engine.exchange;

import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a Convas model's tensors line up with the state_dict of the exported {@code model.py}: the same values in the
 * same order (Convas keeps PyTorch's layouts, see {@link Model}), under the node's Python name
 * ({@link PythonNames}) and with PyTorch's shapes. BatchNorm also has {@code num_batches_tracked}, which Convas does
 * not keep: it is written as 0 and ignored on import.
 */
public final class StateDicts {

    /**
     * One state_dict entry.
     *
     * @param tensor the Convas tensor name ("conv1.weight"), or null for {@code num_batches_tracked}
     * @param key    the state_dict key
     * @param shape  PyTorch's shape
     */
    public record Entry(String tensor, String key, long[] shape) {
    }

    private StateDicts() {
    }

    /** The state_dict entries of a model, in the order {@code model.py} registers them (node order). */
    public static List<Entry> layout(Model model) {
        NetworkReport report = model.report();
        Map<String, String> names = PythonNames.of(model.spec());
        List<Entry> out = new ArrayList<>();
        for (Node node : model.spec().nodes()) {
            LayerReport r = report.layer(node.id());
            String py = names.get(node.id());
            String id = node.id();
            if (node.layer() instanceof LayerSpec.Conv2D c) {
                long perGroup = r.inputShapes().get(0).depth() / c.groups();
                out.add(new Entry(id + ".weight", py + ".weight", new long[] {c.filters(), perGroup, c.kernelHeight(), c.kernelWidth()}));
                if (c.bias()) out.add(new Entry(id + ".bias", py + ".bias", new long[] {c.filters()}));
            } else if (node.layer() instanceof LayerSpec.FullyConnected f) {
                out.add(new Entry(id + ".weight", py + ".weight", new long[] {f.units(), r.inputShapes().get(0).size()}));
                if (f.bias()) out.add(new Entry(id + ".bias", py + ".bias", new long[] {f.units()}));
            } else if (node.layer() instanceof LayerSpec.BatchNorm) {
                long c = r.output().depth();
                for (String t : List.of("weight", "bias", "running_mean", "running_var")) {
                    out.add(new Entry(id + "." + t, py + "." + t, new long[] {c}));
                }
                out.add(new Entry(null, py + ".num_batches_tracked", new long[0]));
            }
        }
        return out;
    }

    /** The model's tensors as the state_dict {@code model.py} has; the values are the model's own arrays, not copies. */
    public static Map<String, TorchTensor> of(Model model) {
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        for (Entry e : layout(model)) {
            sd.put(e.key(), e.tensor() == null ? new TorchTensor("int64", e.shape(), new float[] {0})
                    : TorchTensor.float32(e.shape(), model.tensor(e.tensor())));
        }
        return sd;
    }

    /**
     * Copies a state_dict into the model, checking every key and shape first, so a mismatch changes nothing.
     *
     * @throws ExchangeException naming the missing, unexpected or misshapen keys
     */
    public static void load(Map<String, TorchTensor> stateDict, Model model, String source) throws ExchangeException {
        List<Entry> layout = layout(model);
        Set<String> expected = new LinkedHashSet<>();
        for (Entry e : layout) expected.add(e.key());
        List<String> missing = new ArrayList<>();
        for (Entry e : layout) if (e.tensor() != null && !stateDict.containsKey(e.key())) missing.add(e.key());
        List<String> unexpected = new ArrayList<>();
        for (String k : stateDict.keySet()) if (!expected.contains(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder(source + " does not fit the network \"" + model.spec().name() + "\":");
            if (!missing.isEmpty()) sb.append(" missing ").append(shortList(missing)).append(";");
            if (!unexpected.isEmpty()) sb.append(" not in the network ").append(shortList(unexpected)).append(";");
            sb.append(" was it written by this network's model.py?");
            throw new ExchangeException(sb.toString());
        }
        for (Entry e : layout) {
            if (e.tensor() == null) continue;
            TorchTensor t = stateDict.get(e.key());
            if (!Arrays.equals(t.shape(), e.shape())) {
                throw new ExchangeException(source + ": " + e.key() + " is " + t.shapeText() + " but the network's "
                        + e.tensor().substring(0, e.tensor().lastIndexOf('.')) + " needs " + new TorchTensor("float32", e.shape(),
                        new float[Math.toIntExact(product(e.shape()))]).shapeText());
            }
        }
        for (Entry e : layout) {
            if (e.tensor() != null) model.setTensor(e.tensor(), stateDict.get(e.key()).values());
        }
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    private static String shortList(List<String> keys) {
        return keys.size() <= 6 ? String.join(", ", keys) : String.join(", ", keys.subList(0, 6)) + " and " + (keys.size() - 6) + " more";
    }
}
