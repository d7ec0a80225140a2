package org.convas.app.inspect;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.convas.app.training.TrainingViewModel;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.inspect.FeatureProjection;
import org.convas.engine.inspect.Progress;
import org.convas.engine.model.Model;
import org.convas.visualizer.charts.ScatterPlot;

import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Features: the penultimate features (what the last layer classifies) of up to {@value #IMAGES} validation images on
 * their first two principal components, coloured by true class: classes that form separate clouds are easy for the
 * last layer. Click a point to see that image's activations. Repeated on newer weights at most every
 * {@value #INTERVAL_SECONDS} s while the view is on show during training.
 */
final class FeaturesPane extends BorderPane {

    static final int IMAGES = 1000;
    static final long INTERVAL_SECONDS = 3;

    record Projected(FeatureProjection.Projection projection, int[] labels, PreparedDataset data, org.convas.engine.train.TrainingEvents.Snapshot snapshot) {
    }

    private final TrainingViewModel vm;
    private final ScatterPlot plot = new ScatterPlot();
    private final Label status = new Label();
    private final Job job;
    private Projected shown;

    FeaturesPane(TrainingViewModel vm, InspectFeed feed, Executor fx, LongSupplier clock, IntConsumer showImage) {
        this.vm = vm;
        this.job = new Job(feed, fx, clock);
        job.minimumInterval(TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS));
        setId("features-pane");
        plot.setId("features-plot");
        status.setId("features-status");
        status.getStyleClass().add("note");
        status.setWrapText(true);
        Button export = new Button("Export PNG…");
        export.setOnAction(e -> PngExport.choose(this, plot.snapshot(null, null), "features-pca.png", status::setText));
        export.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        status.setMinWidth(0);
        status.setMaxWidth(Double.MAX_VALUE);
        javafx.scene.layout.HBox top = new javafx.scene.layout.HBox(8, export, status);
        javafx.scene.layout.HBox.setHgrow(status, javafx.scene.layout.Priority.ALWAYS);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(4));
        top.setMinWidth(0);
        setTop(top);
        setCenter(plot);
        status.setText("Load data or start training (F5): the validation images' penultimate features appear here.");
        plot.setOnPointClicked(i -> showImage.accept(i));
    }

    InspectJob<?> job() {
        return job;
    }

    ScatterPlot plot() {
        return plot;
    }

    String statusText() {
        return status.getText();
    }

    Projected shown() {
        return shown;
    }

    private final class Job extends InspectJob<Projected> {
        private volatile PreparedDataset data;

        Job(InspectFeed feed, Executor fx, LongSupplier clock) {
            super(feed, fx, clock);
        }

        @Override
        void setVisible(boolean on) {
            org.convas.app.training.DataPreparation.PreparedData d = vm.data().preparedDataProperty().get();
            data = d == null ? null : d.validation();
            super.setVisible(on);
        }

        @Override
        Projected compute(InspectFeed.Source source, Progress progress) {
            PreparedDataset d = data;
            Model model = source.model();
            if (d == null || d.size() < 2 || !d.shape().equals(model.inputShape())) return null;
            int n = Math.min(IMAGES, d.size());
            String node = FeatureProjection.penultimateNode(model);
            int dim = Math.toIntExact(model.report().layer(node).output().size());
            float[] features = FeatureProjection.features(model, d::inputs, n, node, progress);
            FeatureProjection.Projection p = FeatureProjection.pca(node, features, n, dim, Math.min(2, dim), 1);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = d.label(i);
            return new Projected(p, labels, d, source.snapshot());
        }

        @Override
        void show(Projected r) {
            shown = r;
            FeatureProjection.Projection p = r.projection();
            float[] xs = new float[p.count()], ys = new float[p.count()];
            for (int i = 0; i < p.count(); i++) {
                xs[i] = p.x(i);
                ys[i] = p.components() > 1 ? p.y(i) : 0;
            }
            double pc1 = 100 * p.variances()[0] / Math.max(1e-300, p.totalVariance());
            double pc2 = p.components() > 1 ? 100 * p.variances()[1] / Math.max(1e-300, p.totalVariance()) : 0;
            plot.setPoints(String.format(Locale.ROOT, "PCA of %s (%d values) for %d validation images, %s", p.nodeId(), p.dimension(),
                    p.count(), Moment.of(r.snapshot(), vm.getState())), String.format(Locale.ROOT, "PC1 (%.1f %% of the variance)", pc1),
                    String.format(Locale.ROOT, "PC2 (%.1f %%)", pc2), xs, ys, r.labels(), r.data().classNames());
            status.setText(String.format(Locale.ROOT, "%s's %d values projected on their first two principal components, which hold "
                    + "%.1f %% of the variance. Click a point to see that image's activations.", p.nodeId(), p.dimension(), pc1 + pc2));
        }

        @Override
        void failed(String message) {
            status.setText("Cannot project the features: " + message);
        }

        @Override
        void showProgress(String text) {
            if (!text.isEmpty()) status.setText("computing the features: " + text);
        }
    }
}
