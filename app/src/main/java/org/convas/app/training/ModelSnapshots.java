package org.convas.app.training;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;
import org.convas.engine.train.TrainingEvents.ActivationMap;
import org.convas.engine.train.TrainingEvents.FilterBank;
import org.convas.engine.train.TrainingEvents.Snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Snapshots of a model that is not training (before a run starts, after it ended, a loaded checkpoint): the
 * same {@link Snapshot} record the trainer serves between batches, so the views cannot tell them apart. While a
 * run is going, ask the run instead ({@code TrainingRun.requestSnapshot}): only it knows when the weights hold
 * still.
 */
final class ModelSnapshots {

    private ModelSnapshots() {
    }

    /** A copy of the model's weights in a new model (to read them on another thread while training goes on). */
    static Model copy(Model model) {
        Model copy = Model.create(model.spec(), org.convas.engine.model.Initializer.HE, 0);
        for (Map.Entry<String, float[]> e : model.tensors().entrySet()) copy.setTensor(e.getKey(), e.getValue().clone());
        return copy;
    }

    /**
     * Every node's output for one image in evaluation mode, the filters of every convolution, the probabilities.
     *
     * @param image W·H·D values in (C, H, W) order
     * @param label the image's label, or −1 for an image from outside the data set
     */
    static Snapshot take(Model model, float[] image, int label, int epoch, int batch) {
        ModelWorker executor = model.newWorker(1, true);
        executor.forward(image, 0, 1, false, 0);
        List<ActivationMap> maps = new ArrayList<>();
        List<FilterBank> filters = new ArrayList<>();
        for (Node node : model.order()) {
            Shape shape = model.report().layer(node.id()).output();
            maps.add(new ActivationMap(node.id(), shape, Arrays.copyOf(executor.activation(node.id()), Math.toIntExact(shape.size()))));
            if (node.layer() instanceof LayerSpec.Conv2D c) {
                Shape in = model.report().layer(node.id()).inputShapes().get(0);
                filters.add(new FilterBank(node.id(), c.filters(), in.depth() / c.groups(), c.kernelHeight(), c.kernelWidth(),
                        model.tensor(node.id() + ".weight").clone()));
            }
        }
        float[] probabilities = Arrays.copyOf(executor.probabilities(), model.classes());
        return new Snapshot(epoch, batch, model.inputShape(), image.clone(), label, List.copyOf(maps), List.copyOf(filters),
                probabilities, argMax(probabilities));
    }

    static int argMax(float[] values) {
        int best = 0;
        for (int j = 1; j < values.length; j++) if (values[j] > values[best]) best = j;
        return best;
    }
}
