package org.convas.engine.exchange;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;

import java.util.List;
import java.util.Map;

/**
 * A network read from another format, with its weights by Convas tensor name ({@code conv1.weight},
 * {@code bn1.running_var}; layouts on {@link Model}) and notes for the user (what was assumed).
 */
public record ImportedNetwork(NetworkSpec spec, Map<String, float[]> tensors, List<String> notes) {

    public ImportedNetwork {
        tensors = Map.copyOf(tensors);
        notes = List.copyOf(notes);
    }

    /**
     * The model with these weights. Tensors the network has but the file lacks (BatchNorm's running statistics of
     * a file that has none) keep their initial values; every one the file has must fit.
     *
     * @throws ExchangeException when a tensor does not fit its layer (the message names both sizes)
     */
    public Model toModel() throws ExchangeException {
        Model model = Model.create(spec, Initializer.HE, 0);
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            float[] target = model.tensors().get(e.getKey());
            if (target == null) throw new ExchangeException("the weights include " + e.getKey() + ", which the network has no place for");
            if (target.length != e.getValue().length) {
                throw new ExchangeException(e.getKey() + " holds " + e.getValue().length + " values but the layer needs " + target.length);
            }
            model.setTensor(e.getKey(), e.getValue());
        }
        for (String name : model.tensors().keySet()) {
            if (!tensors.containsKey(name) && !name.endsWith(".running_mean") && !name.endsWith(".running_var")) {
                throw new ExchangeException("the file has no values for " + name);
            }
        }
        return model;
    }
}
