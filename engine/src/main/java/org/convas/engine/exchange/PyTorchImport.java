package org.convas.engine.exchange;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.SpecFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads the weights a {@code model.py} exported by Convas was trained to: a state_dict saved with {@code torch.save}
 * (train.py's {@code weights.pt}, or its checkpoint {@code last.pt}), into the Convas network it came from. No Python
 * is needed ({@link TorchArchive}). The network is the {@code network.json} that {@link PyTorchExport} wrote beside
 * model.py, or one given explicitly.
 */
public final class PyTorchImport {

    private PyTorchImport() {
    }

    /**
     * @param network the network, or null to read {@code network.json} from the weights' folder (or its parent, for
     *                train.py's {@code checkpoint/last.pt})
     */
    public static Model read(Path weights, NetworkSpec network) throws ExchangeException, IOException {
        NetworkSpec spec = network != null ? network : networkBeside(weights);
        Map<String, TorchTensor> stateDict = TorchArchive.read(weights);
        Model model;
        try {
            model = Model.create(spec, Initializer.HE, 0);
        } catch (RuntimeException e) {
            throw new ExchangeException("the network \"" + spec.name() + "\" cannot hold weights: " + e.getMessage(), e);
        }
        StateDicts.load(stateDict, model, weights.toString());
        return model;
    }

    /** The network.json next to a weights file, or in the folder above (train.py's checkpoint/last.pt). */
    public static NetworkSpec networkBeside(Path weights) throws ExchangeException, IOException {
        Path dir = weights.toAbsolutePath().getParent();
        for (Path candidate : List.of(dir.resolve(PyTorchExport.NETWORK), dir.getParent() == null ? dir.resolve(PyTorchExport.NETWORK)
                : dir.getParent().resolve(PyTorchExport.NETWORK))) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return NetworkJson.read(candidate);
                } catch (SpecFormatException e) {
                    throw new ExchangeException(e.getMessage(), e);
                }
            }
        }
        throw new ExchangeException(weights + ": no " + PyTorchExport.NETWORK + " beside it: a state_dict holds only numbers, so"
                + " Convas needs the network they belong to; give it with --network (the network.json that the export wrote next to model.py)");
    }
}
