package org.convas.engine.inspect;

import org.convas.engine.model.Model;
import org.convas.engine.spec.Node;

/**
 * How many images an inspection pass runs at once. An executor holds an output and a gradient buffer for every node
 * of every image of its batch, so a batch of 64 that costs 1 MB on the tiny net would cost 16 GB on ResNet-50 at
 * 224×224 (about 250 MB an image): the batch shrinks to fit {@value #BUDGET_MIB} MiB, never below one image.
 */
public final class Batches {

    /** Memory an inspection batch may take for its buffers. */
    public static final int BUDGET_MIB = 256;

    private Batches() {
    }

    /** Bytes of buffers one image takes in an executor: 2 floats (value and gradient) per output of every node. */
    public static long bytesPerImage(Model model) {
        long values = 0;
        for (Node n : model.order()) values += model.report().layer(n.id()).output().size();
        return values * 2 * Float.BYTES;
    }

    /** {@code wanted} images, or fewer when they would take more than the budget; at least 1. */
    public static int fit(Model model, int wanted) {
        long per = Math.max(1, bytesPerImage(model));
        long most = (long) BUDGET_MIB * 1024 * 1024 / per;
        return (int) Math.max(1, Math.min(wanted, most));
    }
}
