package org.convas.visualizer.demo;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.imageio.ImageIO;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.util.Duration;

import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;
import org.convas.visualizer.charts.GradientNormChart;
import org.convas.visualizer.charts.LayerGradientNorm;
import org.convas.visualizer.charts.TrainingCharts;
import org.convas.visualizer.fx.FrameBatcher;
import org.convas.visualizer.fx.LatestValueSlot;
import org.convas.visualizer.inspect.ActivationView;
import org.convas.visualizer.inspect.ConfusionMatrixView;
import org.convas.visualizer.inspect.DatasetPreview;
import org.convas.visualizer.inspect.FilterGrid;
import org.convas.visualizer.inspect.GalleryImage;
import org.convas.visualizer.inspect.ImageGallery;
import org.convas.visualizer.inspect.LayerActivation;

/**
 * Every visualizer view in one window, fed by a fake trainer thread the way the real one will feed them: chart
 * points through {@link FrameBatcher}s, filter and activation snapshots through {@link LatestValueSlot}s.
 *
 * <p>Arguments: {@code --snapshot FILE} writes a PNG of the window after {@code --after SECONDS} (default 8) and
 * exits; without it the window stays open. Start it with {@link RunViewsDemo}.
 */
public final class ViewsDemo extends Application {

    private final AtomicBoolean running = new AtomicBoolean(true);

    /** What the fake trainer hands over between batches. */
    record ActivationSnapshot(float[] input, List<LayerActivation> layers, float[] probabilities) {
    }

    @Override
    public void start(Stage stage) {
        TrainingCharts charts = new TrainingCharts();
        GradientNormChart norms = new GradientNormChart();
        FilterGrid filters = new FilterGrid();
        ActivationView activations = new ActivationView();
        ConfusionMatrixView confusion = new ConfusionMatrixView();
        ImageGallery mistakes = new ImageGallery();
        DatasetPreview dataset = new DatasetPreview();

        Slider smoothing = new Slider(0, 0.99, charts.smoothing());
        Label smoothingLabel = new Label();
        smoothing.valueProperty().addListener((obs, was, is) -> {
            charts.setSmoothing(is.doubleValue());
            smoothingLabel.setText(String.format("smoothing β = %.2f", is.doubleValue()));
        });
        smoothingLabel.setText(String.format("smoothing β = %.2f", charts.smoothing()));
        VBox chartBox = new VBox(4, charts, new HBox(8, smoothingLabel, smoothing));
        VBox.setVgrow(charts, Priority.ALWAYS);

        // Static data: dataset preview, confusion matrix, misclassified images.
        SyntheticData.Images images = SyntheticData.images(64, 3);
        List<GalleryImage> samples = new ArrayList<>();
        float[] mean = new float[28 * 28];
        float[] sq = new float[28 * 28];
        for (int i = 0; i < images.pixels().size(); i++) {
            float[] img = images.pixels().get(i);
            if (i < 24) samples.add(new GalleryImage(img, 1, 28, 28,
                    SyntheticData.FASHION_CLASSES.get(images.labels()[i])));
            for (int p = 0; p < img.length; p++) {
                mean[p] += img[p];
                sq[p] += img[p] * img[p];
            }
        }
        float[] std = new float[mean.length];
        int n = images.pixels().size();
        for (int p = 0; p < mean.length; p++) {
            mean[p] /= n;
            std[p] = (float) Math.sqrt(Math.max(0, sq[p] / n - mean[p] * mean[p]));
        }
        dataset.setSamples("Fashion-MNIST test", samples);
        dataset.setMeanAndStd(mean, std, 1, 28, 28);
        confusion.setMatrix(SyntheticData.confusion(), SyntheticData.FASHION_CLASSES);
        List<GalleryImage> wrong = new ArrayList<>();
        Random pick = new Random(9);
        for (int i = 24; i < 32; i++) {
            int truth = images.labels()[i];
            int predicted = (truth + 1 + pick.nextInt(9)) % 10;
            wrong.add(new GalleryImage(images.pixels().get(i), 1, 28, 28, String.format("true: %s%npredicted: %s (%.2f)",
                    SyntheticData.FASHION_CLASSES.get(truth), SyntheticData.FASHION_CLASSES.get(predicted),
                    0.4 + 0.5 * pick.nextDouble())));
        }
        mistakes.setImages(wrong);
        mistakes.setOnImageClicked(i -> System.out.println("clicked misclassified image " + i));

        // Live data from a fake trainer thread.
        FrameBatcher<BatchPoint> batchFeed = new FrameBatcher<>(charts::addBatches);
        FrameBatcher<EpochPoint> epochFeed = new FrameBatcher<>(charts::addEpochs);
        FrameBatcher<LayerGradientNorm> normFeed = new FrameBatcher<>(norms::addNorms);
        LatestValueSlot<float[]> filterSlot = LatestValueSlot.onFxThread(w -> filters.setFilters(w, 32, 3, 7, 7));
        boolean[] mapSelected = {false};
        LatestValueSlot<ActivationSnapshot> activationSlot = LatestValueSlot.onFxThread(s -> {
            activations.setInput(s.input(), 1, 28, 28);
            activations.setLayers(s.layers());
            activations.setProbabilities(s.probabilities(), SyntheticData.FASHION_CLASSES);
            if (!mapSelected[0]) {
                activations.selectMap(0, 1); // show the enlarged-map panel from the start
                mapSelected[0] = true;
            }
        });
        batchFeed.start();
        epochFeed.start();
        normFeed.start();
        Thread trainer = new Thread(() -> fakeTrainer(batchFeed, epochFeed, normFeed, filterSlot, activationSlot,
                images), "fake-trainer");
        trainer.setDaemon(true);
        trainer.start();

        GridPane top = new GridPane();
        top.setHgap(6);
        top.add(chartBox, 0, 0);
        top.add(norms, 1, 0);
        top.add(titled("First-layer filters (learning)", filters), 2, 0);
        percentColumns(top, 42, 25, 33);
        GridPane bottom = new GridPane();
        bottom.setHgap(6);
        bottom.add(titled("Activations for one test image", activations), 0, 0);
        bottom.add(titled("Confusion matrix", confusion), 1, 0);
        VBox right = new VBox(6, titled("Misclassified", mistakes), titled("Dataset preview", dataset));
        VBox.setVgrow(right.getChildren().get(1), Priority.ALWAYS);
        bottom.add(right, 2, 0);
        percentColumns(bottom, 45, 25, 30);
        GridPane root = new GridPane();
        root.setPadding(new Insets(6));
        root.setVgap(6);
        root.add(top, 0, 0);
        root.add(bottom, 0, 1);
        RowConstraints r1 = new RowConstraints();
        r1.setPercentHeight(42);
        RowConstraints r2 = new RowConstraints();
        r2.setPercentHeight(58);
        root.getRowConstraints().addAll(r1, r2);
        ColumnConstraints full = new ColumnConstraints();
        full.setPercentWidth(100);
        root.getColumnConstraints().add(full);
        for (var pane : List.of(top, bottom)) {
            RowConstraints all = new RowConstraints();
            all.setPercentHeight(100);
            pane.getRowConstraints().add(all);
        }

        Scene scene = new Scene(root, 1900, 1160);
        stage.setTitle("Convas views demo");
        stage.setScene(scene);
        stage.setOnHidden(e -> running.set(false));
        stage.show();

        List<String> args = getParameters().getRaw();
        int at = args.indexOf("--snapshot");
        if (at >= 0) {
            File file = new File(args.get(at + 1));
            int after = args.indexOf("--after");
            double seconds = after >= 0 ? Double.parseDouble(args.get(after + 1)) : 8;
            PauseTransition wait = new PauseTransition(Duration.seconds(seconds));
            wait.setOnFinished(e -> {
                try {
                    ImageIO.write(SwingFXUtils.fromFXImage(scene.snapshot(null), null), "png", file);
                    System.out.println("wrote " + file);
                } catch (java.io.IOException ex) {
                    ex.printStackTrace();
                }
                running.set(false);
                Platform.exit();
            });
            wait.play();
        }
    }

    private static BorderPane titled(String title, javafx.scene.Node content) {
        Label label = new Label(title);
        label.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        BorderPane pane = new BorderPane(content);
        pane.setTop(label);
        pane.setStyle("-fx-border-color: #d0d4da; -fx-border-width: 1; -fx-padding: 4;");
        return pane;
    }

    private static void percentColumns(GridPane grid, double... percents) {
        for (double p : percents) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(p);
            c.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(c);
        }
    }

    private void fakeTrainer(FrameBatcher<BatchPoint> batches, FrameBatcher<EpochPoint> epochs,
                             FrameBatcher<LayerGradientNorm> norms, LatestValueSlot<float[]> filterSlot,
                             LatestValueSlot<ActivationSnapshot> activationSlot, SyntheticData.Images images) {
        Random random = new Random(42);
        SyntheticData.TinyLeNet net = new SyntheticData.TinyLeNet(7);
        List<String> layers = List.of("conv1", "conv2", "fc1", "fc2", "fc3");
        int batchesPerEpoch = 400;
        double epochLoss = 0;
        double epochAcc = 0;
        long lastFilters = 0;
        long lastActivations = 0;
        int imageIndex = 0;
        for (long step = 1; running.get() && step <= 6000; step++) {
            double loss = SyntheticData.loss(step, random);
            double acc = Math.min(1, Math.max(0, 0.92 - 0.8 * Math.exp(-step / 600.0) + 0.05 * random.nextGaussian()));
            int epoch = (int) ((step - 1) / batchesPerEpoch);
            double lr = 0.05 * Math.pow(0.5, epoch / 3);
            batches.offer(new BatchPoint(step, loss, acc, lr));
            epochLoss += loss;
            epochAcc += acc;
            if (step % batchesPerEpoch == 0) {
                double trainLoss = epochLoss / batchesPerEpoch;
                double trainAcc = epochAcc / batchesPerEpoch;
                epochs.offer(new EpochPoint(epoch + 1, trainLoss, trainAcc,
                        trainLoss * 1.08 + 0.02 * epoch + 0.03 * random.nextGaussian(),
                        trainAcc - 0.02 - 0.004 * epoch + 0.01 * random.nextGaussian()));
                epochLoss = 0;
                epochAcc = 0;
            }
            if (step % 10 == 0) {
                for (int l = 0; l < layers.size(); l++) {
                    double scale = Math.pow(10, l * 0.6 - 2) * (0.4 + 1.6 * Math.exp(-step / 1500.0));
                    norms.offer(new LayerGradientNorm(step, layers.get(l), scale * Math.exp(0.3 * random.nextGaussian())));
                }
            }
            long now = System.nanoTime();
            if (now - lastFilters > 300_000_000L) {
                lastFilters = now;
                double progress = Math.min(1, step / 2500.0);
                filterSlot.offer(SyntheticData.gaborFilters(32, 3, 7, progress, random));
            }
            if (now - lastActivations > 700_000_000L) {
                lastActivations = now;
                float[] image = images.pixels().get(imageIndex++ % 8);
                float[] probabilities = new float[10];
                List<LayerActivation> outputs = net.forward(image, probabilities);
                activationSlot.offer(new ActivationSnapshot(image, outputs, probabilities));
            }
            if (step % 4 == 0) {
                try {
                    Thread.sleep(1); // ~2,000 batches a second: a fast CPU run
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
