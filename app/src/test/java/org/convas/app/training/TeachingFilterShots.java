package org.convas.app.training;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.convas.engine.data.Augmentation;
import org.convas.engine.data.DatasetBatchSource;
import org.convas.engine.data.DatasetPair;
import org.convas.engine.data.FittedPreprocessing;
import org.convas.engine.data.Normalisation;
import org.convas.engine.data.Preprocessing;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.convas.engine.train.FilterTuning;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingRun;
import org.convas.engine.train.TrainingSettings;
import org.convas.samples.ClassicNetworks;
import org.convas.samples.data.BundledDatasets;
import org.convas.visualizer.inspect.FilterGrid;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The README's before/after pictures of the teaching sets: LeNet-5's first-layer filters at their random start
 * and after training on the bundled "synthetic-bars" and "synthetic-shapes" sets with the recommended settings
 * for as many epochs as they recommend (about a minute each on one core), drawn by the workspace's own
 * {@link FilterGrid}, with the {@link FilterTuning} figures. Writes {@code docs/teaching-bars.png} and
 * {@code docs/teaching-shapes.png} (or into the folder given as the first argument).
 */
public final class TeachingFilterShots {

    private TeachingFilterShots() { }

    public static void main(String[] args) {
        Application.launch(Shots.class, args);
    }

    public static final class Shots extends Application {
        @Override
        public void start(Stage stage) {
            Path out = Path.of(getParameters().getRaw().isEmpty() ? "docs" : getParameters().getRaw().get(0));
            Thread t = new Thread(() -> {
                try {
                    for (String id : new String[] {BundledDatasets.BARS, BundledDatasets.SHAPES}) shoot(id, out);
                } catch (Exception e) {
                    e.printStackTrace();
                }
                Platform.exit();
            });
            t.start();
        }

        private static void shoot(String id, Path out) throws Exception {
            DatasetPair data = BundledDatasets.find(id).orElseThrow().load();
            Model model = Model.create(ClassicNetworks.lenet5(), Initializer.HE, 1);
            FittedPreprocessing fitted = Preprocessing.builder(model.inputShape()).normalisation(Normalisation.PER_CHANNEL).build()
                    .fit(data.train());
            float[] before = model.tensor("conv1.weight").clone();
            BundledDatasets.Recommended r = BundledDatasets.TEACHING;
            TrainingSettings settings = TrainingSettings.builder().epochs(r.epochs()).batchSize(r.batchSize()).threads(1).seed(1)
                    .optimizer(OptimizerSettings.momentum(r.learningRate(), r.momentum()).withWeightDecay(r.weightDecay())).build();
            TrainingRun run = TrainingRun.create(model, DatasetBatchSource.training(fitted.train(), Augmentation.none()),
                    DatasetBatchSource.evaluation(fitted.apply(data.test())), settings);
            long start = System.nanoTime();
            run.runHere();
            double seconds = (System.nanoTime() - start) / 1e9;
            float[] after = model.tensor("conv1.weight").clone();
            double accuracy = run.progress().history().get(r.epochs() - 1).validationAccuracy();
            FilterTuning.Bank b0 = FilterTuning.of(before, 6, 1, 5, 5), b1 = FilterTuning.of(after, 6, 1, 5, 5);
            String summary = String.format(Locale.ROOT, "%s: random start: %s; after %d epochs (%.0f s on one thread, test accuracy %.1f%%): %s",
                    id, b0.describe(), r.epochs(), seconds, 100 * accuracy, b1.describe());
            System.out.println(summary);
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            Platform.runLater(() -> {
                try {
                    FilterGrid g0 = new FilterGrid(), g1 = new FilterGrid();
                    g0.setTileSize(96);
                    g1.setTileSize(96);
                    g0.setFilters(before, 6, 1, 5, 5);
                    g1.setFilters(after, 6, 1, 5, 5);
                    Label l0 = new Label("LeNet-5 conv1, random start: " + b0.describe());
                    Label l1 = new Label(String.format(Locale.ROOT, "after %d epochs on %s (%.0f s): %s", r.epochs(), id, seconds,
                            b1.describe()));
                    l0.setWrapText(true);
                    l1.setWrapText(true);
                    VBox box = new VBox(4, l0, g0, l1, g1);
                    box.setPadding(new Insets(8));
                    box.setStyle("-fx-background-color: white;");
                    Scene scene = new Scene(box, 760, 380);
                    var image = scene.snapshot(null);
                    Files.createDirectories(out);
                    String name = id.equals(BundledDatasets.BARS) ? "teaching-bars.png" : "teaching-shapes.png";
                    ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", out.resolve(name).toFile());
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            });
            done.get();
        }
    }
}
