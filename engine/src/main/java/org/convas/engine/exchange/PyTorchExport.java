package org.convas.engine.exchange;

import org.convas.engine.data.Dataset;
import org.convas.engine.data.Image;
import org.convas.engine.model.Model;
import org.convas.engine.spec.AtomicFiles;
import org.convas.engine.spec.NetworkJson;
import org.convas.engine.spec.NetworkSpec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a network as a PyTorch project folder:
 * <ul>
 *   <li>{@code model.py}: the network as an {@code nn.Module} ({@link PyTorchModelWriter})</li>
 *   <li>{@code train.py}: trains it with the data settings of the recipe, on a CPU, a GPU or under torchrun</li>
 *   <li>{@code network.json}: the Convas network, so {@code convas import weights.pt} finds it</li>
 *   <li>{@code weights.pt}: the model's weights as a state_dict, when a trained model is given</li>
 *   <li>{@code data/}: the images as IDX files, when the recipe's data is a dataset bundled with Convas</li>
 *   <li>{@code README.md}: the commands</li>
 * </ul>
 */
public final class PyTorchExport {

    public static final String MODEL = "model.py";
    public static final String TRAIN = "train.py";
    public static final String WEIGHTS = "weights.pt";
    public static final String NETWORK = "network.json";

    private PyTorchExport() {
    }

    /**
     * @param model  a model whose weights go to weights.pt, or null for none; its spec must be {@code spec}
     * @param origin where the network came from, for the file headers
     * @return the files written, for the user
     */
    public static List<Path> write(Path dir, NetworkSpec spec, String origin, TrainingRecipe recipe, Model model)
            throws ExchangeException, IOException {
        String modelPy = PyTorchModelWriter.write(spec, origin);
        if (model != null && !model.spec().equals(spec)) throw new IllegalArgumentException("the model was built from another network");
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        AtomicFiles.writeString(dir.resolve(MODEL), modelPy);
        written.add(dir.resolve(MODEL));
        AtomicFiles.writeString(dir.resolve(TRAIN), trainScript(recipe));
        dir.resolve(TRAIN).toFile().setExecutable(true);
        written.add(dir.resolve(TRAIN));
        NetworkJson.write(spec, dir.resolve(NETWORK));
        written.add(dir.resolve(NETWORK));
        if (model != null) {
            TorchArchive.write(dir.resolve(WEIGHTS), StateDicts.of(model));
            written.add(dir.resolve(WEIGHTS));
        }
        if (recipe.data().copy() != null) {
            Path data = dir.resolve(recipe.data().path());
            Files.createDirectories(data);
            writeIdx(data, "train", recipe.data().copy().train());
            writeIdx(data, "t10k", recipe.data().copy().test());
            written.add(data);
        }
        AtomicFiles.writeString(dir.resolve("README.md"), readme(spec, recipe, model != null));
        written.add(dir.resolve("README.md"));
        return written;
    }

    /** train.py with the recipe as its SETTINGS. */
    public static String trainScript(TrainingRecipe recipe) throws IOException {
        String template;
        try (InputStream in = PyTorchExport.class.getResourceAsStream("train.py")) {
            if (in == null) throw new IOException("train.py template missing from the Convas jar");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String json = recipe.toJson().replace("'", "\\u0027");
        return template.replace("@@SETTINGS@@", json);
    }

    /**
     * Writes a grey dataset as an IDX pair ({@code <prefix>-images-idx3-ubyte.gz}, {@code <prefix>-labels-idx1-ubyte.gz}),
     * the format MNIST and Fashion-MNIST come in.
     */
    static void writeIdx(Path dir, String prefix, Dataset d) throws IOException, ExchangeException {
        if (d.isEmpty()) throw new ExchangeException(d.source() + " is empty: nothing to write for train.py");
        Image first = d.image(0);
        int w = first.width(), h = first.height();
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(images))) {
            out.writeInt(0x00000803);
            out.writeInt(d.size());
            out.writeInt(h);
            out.writeInt(w);
            for (int i = 0; i < d.size(); i++) {
                Image img = d.image(i);
                if (img.width() != w || img.height() != h || img.channels() != 1) {
                    throw new ExchangeException(d.source() + ": image " + i + " is " + img.shape() + "; IDX files hold grey images of one size ("
                            + w + "×" + h + "×1)");
                }
                out.write(img.toPlanar());
            }
        }
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(labels))) {
            out.writeInt(0x00000801);
            out.writeInt(d.size());
            for (int i = 0; i < d.size(); i++) out.writeByte(d.label(i));
        }
        AtomicFiles.writeBytes(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images.toByteArray());
        AtomicFiles.writeBytes(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels.toByteArray());
    }

    private static String readme(NetworkSpec spec, TrainingRecipe recipe, boolean weights) {
        return "# " + spec.name() + " for PyTorch\n\n"
                + "Written by Convas. `model.py` is the network (layer names are the Convas node ids), `train.py` trains it with\n"
                + "the data settings it had in Convas (" + recipe.data().description() + ", batch " + recipe.settings().batchSize()
                + ", " + recipe.settings().epochs() + " epochs).\n\n"
                + "```\n"
                + "python3 model.py                       # builds the model" + (weights ? ", loads weights.pt" : "") + " and prints its size\n"
                + "python3 train.py                       # one process: a GPU if there is one, else the CPU\n"
                + "torchrun --nproc_per_node=4 train.py   # 4 processes (GPUs, or CPU processes with gloo)\n"
                + (weights ? "python3 train.py --init weights.pt    # start from the weights exported from Convas\n" : "")
                + "python3 train.py --help                # data folder, epochs, batch, checkpoints, resume\n"
                + "convas import trained.pt               # back into Convas: the designer and the Train tab\n"
                + "```\n\n"
                + "Debian's PyTorch 1.13 on Python 3.11: its torchrun cannot parse its own default `--redirects 0`, so add\n"
                + "`--redirects 1 --tee 1` there (`torchrun --nproc_per_node=2 --redirects 1 --tee 1 train.py`).\n";
    }
}
