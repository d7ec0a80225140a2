package org.convas.engine.calc;

import org.convas.engine.spec.NetworkSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calculator's result for a whole network: one {@link LayerReport} per node (inputs first), the
 * problems, and totals. Totals count only nodes whose shape is known.
 */
public final class NetworkReport {

    private final NetworkSpec spec;
    private final List<LayerReport> layers;
    private final Map<String, LayerReport> byId;
    private final List<Problem> problems;

    NetworkReport(NetworkSpec spec, List<LayerReport> layers, List<Problem> networkProblems) {
        this.spec = spec;
        this.layers = List.copyOf(layers);
        Map<String, LayerReport> m = new LinkedHashMap<>();
        List<Problem> all = new ArrayList<>(networkProblems);
        for (LayerReport l : layers) {
            m.put(l.id(), l);
            all.addAll(l.problems());
        }
        this.byId = m;
        this.problems = List.copyOf(all);
    }

    public NetworkSpec spec() { return spec; }

    /** Per-node reports in evaluation order (every node after its inputs; written order if the graph has a cycle). */
    public List<LayerReport> layers() { return layers; }

    public LayerReport layer(String id) {
        LayerReport r = byId.get(id);
        if (r == null) throw new IllegalArgumentException("no node " + id);
        return r;
    }

    public Optional<LayerReport> find(String id) { return Optional.ofNullable(byId.get(id)); }

    /** All problems, errors and warnings. */
    public List<Problem> problems() { return problems; }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** True when there are no errors (warnings are allowed). */
    public boolean isValid() {
        return errors().isEmpty();
    }

    // Totals saturate at Long.MAX_VALUE rather than wrap round: each layer's counts are at most 2^53 (the
    // calculator's limit), but a network may have many such layers.

    public long totalWeights() { return layers.stream().mapToLong(LayerReport::weights).reduce(0, Calculator::saturatedAdd); }

    public long totalBiases() { return layers.stream().mapToLong(LayerReport::biases).reduce(0, Calculator::saturatedAdd); }

    public long totalParameters() { return Calculator.saturatedAdd(totalWeights(), totalBiases()); }

    /** Parameters of frozen nodes ({@code Node.trainable()} false): in the totals, but training leaves them alone. */
    public long frozenParameters() {
        return layers.stream().filter(l -> !l.node().trainable()).mapToLong(LayerReport::parameters)
                .reduce(0, Calculator::saturatedAdd);
    }

    /** Parameters training updates: the total less the frozen ones. */
    public long trainableParameters() { return totalParameters() - frozenParameters(); }

    /** ", trainable 1,234 (frozen 5,678)" when some node is frozen, else "": appended to a parameter total. */
    public String frozenSuffix() {
        long frozen = frozenParameters();
        return frozen == 0 ? ""
                : ", trainable " + Numbers.grouped(trainableParameters()) + " (frozen " + Numbers.grouped(frozen) + ")";
    }

    public long totalMacs() { return layers.stream().mapToLong(LayerReport::macs).reduce(0, Calculator::saturatedAdd); }

    /** Activation values of one image's forward pass, input included, in-place layers not counted twice. */
    public long totalActivations() {
        return layers.stream().filter(l -> l.isKnown() && !l.inPlace()).mapToLong(LayerReport::activations)
                .reduce(0, Calculator::saturatedAdd);
    }

    /** Forward activation memory per image at 4 bytes a value. */
    public long forwardBytesPerImage() { return Calculator.saturatedMultiply(totalActivations(), 4); }

    /** Forward plus backward (the activations' gradients): about twice the forward memory. */
    public long trainingBytesPerImage() { return Calculator.saturatedMultiply(totalActivations(), 8); }

    /**
     * Memory for one training step at a batch size.
     *
     * @param optimizerStateCopies values of optimizer state per parameter: 0 for SGD, 1 for momentum, 2 for Adam
     */
    public MemoryEstimate memoryForBatch(int batch, int optimizerStateCopies) {
        long p = Calculator.saturatedMultiply(totalParameters(), 4);
        return new MemoryEstimate(batch, Calculator.saturatedMultiply(batch, trainingBytesPerImage()), p, p,
                Calculator.saturatedMultiply(p, optimizerStateCopies));
    }
}
