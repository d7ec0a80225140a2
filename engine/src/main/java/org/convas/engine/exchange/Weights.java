package org.convas.engine.exchange;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Trained weights for a network from any file Convas reads: a Convas checkpoint folder, a PyTorch state_dict
 * ({@code .pt}, {@code .pth}: from an exported model.py) or an ONNX model. The tensors go into a model of the given
 * network by name, so the file must come from this network (the message says which tensor does not fit).
 */
public final class Weights {

    private Weights() {
    }

    public static Model load(Path file, NetworkSpec spec) throws ExchangeException, IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file or folder");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(file)) {
            Model saved = Checkpoint.loadModel(file);
            return copy(saved.tensors(), spec, file.toString());
        }
        if (name.endsWith(".onnx")) return copy(OnnxImport.read(file).tensors(), spec, file.toString());
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin") && isZip(file)) return PyTorchImport.read(file, spec);
        throw new ExchangeException(file + ": Convas reads weights from a checkpoint folder, a PyTorch state_dict (.pt, .pth)"
                + " or an ONNX model (.onnx)");
    }

    private static boolean isZip(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && b[0] == 'P' && b[1] == 'K';
        }
    }

    private static Model copy(Map<String, float[]> tensors, NetworkSpec spec, String source) throws ExchangeException {
        Model model = Model.create(spec, Initializer.HE, 0);
        for (String t : model.tensors().keySet()) {
            float[] v = tensors.get(t);
            if (v == null && (t.endsWith(".running_mean") || t.endsWith(".running_var"))) continue;
            if (v == null) throw new ExchangeException(source + " has no " + t + ": are these the weights of \"" + spec.name() + "\"?");
            if (v.length != model.tensor(t).length) {
                throw new ExchangeException(source + ": " + t + " holds " + v.length + " values, the network's layer " + model.tensor(t).length);
            }
            model.setTensor(t, v);
        }
        for (String t : tensors.keySet()) {
            if (!model.tensors().containsKey(t)) throw new ExchangeException(source + " has " + t + ", which \"" + spec.name() + "\" has no place for");
        }
        return model;
    }
}
