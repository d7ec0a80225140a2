package org.convas.app.inspect;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;
import org.convas.app.training.TrainingViewModel;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.inspect.LayerStatistics;
import org.convas.engine.inspect.Progress;
import org.convas.engine.model.Model;
import org.convas.visualizer.charts.DistributionChart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Distributions: per layer, the histogram of its weights and of its outputs on {@value #PROBE} fixed validation images,
 * and how both moved over training (percentile bands), with dead ReLUs and saturated Sigmoid/Tanh units called out;
 * below, a table of every layer at the latest point. Recorded while a run goes, whether or not the view is on show, at
 * most every {@value #MIN_INTERVAL_SECONDS} s and never more than a tenth of the time (an interval of ten times the
 * CPU time of the last computation), so recording costs training little.
 */
final class DistributionsPane extends BorderPane {

    static final int PROBE = 64;
    static final long MIN_INTERVAL_SECONDS = 2;
    /** History points kept; beyond that every other old point is dropped. */
    static final int MAX_POINTS = 240;

    /** One recorded moment. */
    record Point(String label, int epoch, int batch, LayerStatistics.Report report,
                 org.convas.engine.train.TrainingEvents.Snapshot snapshot) {
    }

    private final TrainingViewModel vm;
    private final DistributionChart activationChart = new DistributionChart();
    private final DistributionChart weightChart = new DistributionChart();
    private final ObservableList<String> layers = FXCollections.observableArrayList();
    private final ComboBox<String> layerBox = new ComboBox<>(layers);
    private final Label summary = new Label();
    private final TableView<LayerStatistics.Activations> table = new TableView<>();
    private final List<Point> history = new ArrayList<>();
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private final Job job;
    private Object run;

    DistributionsPane(TrainingViewModel vm, InspectFeed feed, Executor fx, LongSupplier clock) {
        this.vm = vm;
        this.job = new Job(feed, fx, clock);
        setId("distributions-pane");
        layerBox.setId("distributions-layer");
        summary.setId("distributions-summary");
        summary.setWrapText(true);
        summary.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        summary.getStyleClass().add("note");
        activationChart.setId("distributions-activations");
        weightChart.setId("distributions-weights");
        Label status = new Label();
        status.getStyleClass().add("note");
        javafx.scene.control.Button export = new javafx.scene.control.Button("Export PNG…");
        FlowPane top = new FlowPane(8, 4, new Label("Layer"), layerBox, export, status);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setMinWidth(0);
        top.setPadding(new Insets(4));
        setTop(top);
        table.setId("distributions-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().setAll(List.of(
                column("layer", LayerStatistics.Activations::nodeId),
                column("type", LayerStatistics.Activations::type),
                column("output", a -> a.shape().toString()),
                column("mean", a -> number(a.distribution().mean())),
                column("std", a -> number(a.distribution().std())),
                column("zeros", a -> percent(a.zeroFraction())),
                column("dead ReLU units", a -> Double.isNaN(a.deadFraction()) ? "" : percent(a.deadFraction())),
                column("saturated", a -> Double.isNaN(a.saturatedFraction()) ? "" : percent(a.saturatedFraction()))));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (now != null) layerBox.setValue(now.nodeId());
        });
        VBox charts = new VBox(4, summary, activationChart, weightChart);
        export.setOnAction(e -> PngExport.choose(this, charts.snapshot(null, null), "histograms-" + layerBox.getValue() + ".png",
                status::setText));
        charts.setPadding(new Insets(4));
        javafx.scene.layout.VBox.setVgrow(activationChart, javafx.scene.layout.Priority.ALWAYS);
        javafx.scene.layout.VBox.setVgrow(weightChart, javafx.scene.layout.Priority.ALWAYS);
        SplitPane split = new SplitPane(charts, table);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.68);
        setCenter(split);
        layerBox.valueProperty().addListener((obs, old, now) -> draw());
        vm.stateProperty().addListener((obs, old, now) -> {
            boolean going = now == TrainingViewModel.RunState.RUNNING || now == TrainingViewModel.RunState.PAUSED;
            if (going && vm.run() != run) {
                run = vm.run();
                history.clear();
            }
            job.recording = now == TrainingViewModel.RunState.RUNNING;
        });
        vm.data().preparedDataProperty().addListener((obs, old, now) -> job.read());
        job.read();
        draw();
    }

    InspectJob<?> job() {
        return job;
    }

    DistributionChart activationChart() {
        return activationChart;
    }

    DistributionChart weightChart() {
        return weightChart;
    }

    String summaryText() {
        return summary.getText();
    }

    ComboBox<String> layerBox() {
        return layerBox;
    }

    List<Point> history() {
        return List.copyOf(history);
    }

    private static TableColumn<LayerStatistics.Activations, String> column(String title, Function<LayerStatistics.Activations, String> value) {
        TableColumn<LayerStatistics.Activations, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        c.setSortable(false);
        return c;
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String percent(double f) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * f);
    }

    private void add(Point computed) {
        Point p = new Point(Moment.label(computed.snapshot(), vm.getState()), computed.epoch(), computed.batch(), computed.report(),
                computed.snapshot());
        if (!history.isEmpty()) {
            Point last = history.get(history.size() - 1);
            if (last.epoch() == p.epoch() && last.batch() == p.batch()) history.remove(history.size() - 1);
            // A different network (the spec changed): start again.
            if (!last.report().activations().stream().map(LayerStatistics.Activations::nodeId).toList()
                    .equals(p.report().activations().stream().map(LayerStatistics.Activations::nodeId).toList())) history.clear();
        }
        history.add(p);
        if (history.size() > MAX_POINTS) {
            List<Point> thinned = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) if (i % 2 == 0 || i >= history.size() - 20) thinned.add(history.get(i));
            history.clear();
            history.addAll(thinned);
        }
        List<String> ids = p.report().activations().stream().map(LayerStatistics.Activations::nodeId).toList();
        if (!layers.equals(ids)) layers.setAll(ids);
        if (layerBox.getValue() == null || !ids.contains(layerBox.getValue())) layerBox.setValue(ids.isEmpty() ? null : ids.get(0));
        table.getItems().setAll(p.report().activations());
        draw();
    }

    private void draw() {
        String id = layerBox.getValue();
        if (history.isEmpty() || id == null) {
            summary.setText("Load data or start training (F5): each layer's weights and outputs are recorded while the network trains.");
            activationChart.setPoints("", List.of());
            weightChart.setPoints("", List.of());
            return;
        }
        List<DistributionChart.Point> acts = new ArrayList<>(), weights = new ArrayList<>();
        String weightName = id + ".weight";
        for (Point p : history) {
            p.report().activations().stream().filter(a -> a.nodeId().equals(id)).findFirst()
                    .ifPresent(a -> acts.add(chartPoint(p.label(), a.distribution())));
            p.report().weights().stream().filter(w -> w.parameter().equals(weightName)).findFirst()
                    .ifPresent(w -> weights.add(chartPoint(p.label(), w.distribution())));
        }
        Point last = history.get(history.size() - 1);
        LayerStatistics.Activations a = last.report().activations(id);
        activationChart.setPoints(id + " outputs on " + last.report().probeImages() + " validation images", acts);
        weightChart.setPoints(weightName + " over training", weights);
        weightChart.setVisible(!weights.isEmpty());
        weightChart.setManaged(!weights.isEmpty());
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s (%s, %s), %s: mean %.3g, std %.3g, %.1f %% zeros.",
                id, a.type(), a.shape(), Moment.of(last.snapshot(), vm.getState()), a.distribution().mean(), a.distribution().std(), 100 * a.zeroFraction()));
        if (!Double.isNaN(a.deadFraction())) {
            long dead = Math.round(a.deadFraction() * a.units());
            text.append(String.format(Locale.ROOT, " Dead ReLUs: %d of %d %s (%.1f %%) are 0 on every probe image%s", dead, a.units(),
                    a.shape().isVector() ? "units" : "channels", 100 * a.deadFraction(),
                    dead == 0 ? "." : "; no gradient flows back through them."));
        }
        if (!Double.isNaN(a.saturatedFraction())) {
            text.append(String.format(Locale.ROOT, " Saturated: %.1f %% of the outputs are in the flat tails (%s), where the gradient is "
                    + "below 0.01.", 100 * a.saturatedFraction(), a.type().equals("sigmoid") ? "below 0.01 or above 0.99" : "beyond ±0.99"));
        }
        summary.setText(text.toString());
    }

    private static DistributionChart.Point chartPoint(String label, LayerStatistics.Distribution d) {
        return new DistributionChart.Point(label, d.percentiles(), d.histogram().counts(), d.histogram().min(), d.histogram().max());
    }

    private final class Job extends InspectJob<Point> {
        private volatile boolean recording;
        private volatile PreparedDataset data;
        /** CPU time of the last computation (this thread's own work, not the time it waited for a core). */
        private volatile long lastDuration;
        private volatile long lastStart = Long.MIN_VALUE / 2;
        private final LongSupplier clock;

        Job(InspectFeed feed, Executor fx, LongSupplier clock) {
            super(feed, fx, clock);
            this.clock = clock;
            minimumInterval(TimeUnit.SECONDS.toNanos(MIN_INTERVAL_SECONDS));
        }

        void read() {
            org.convas.app.training.DataPreparation.PreparedData d = vm.data().preparedDataProperty().get();
            data = d == null ? null : d.validation();
        }

        @Override
        void setVisible(boolean on) {
            read();
            super.setVisible(on);
        }

        @Override
        public boolean wants(long nanoTime) {
            if (recording && !visible()) {
                // Record in the background at the pace that keeps the cost under a tenth of the time.
                return nanoTime - lastStart >= Math.max(TimeUnit.SECONDS.toNanos(MIN_INTERVAL_SECONDS), 10 * lastDuration);
            }
            return super.wants(nanoTime) && nanoTime - lastStart >= 10 * lastDuration;
        }

        @Override
        Point compute(InspectFeed.Source source, Progress progress) {
            PreparedDataset d = data;
            Model model = source.model();
            if (d == null || d.size() == 0 || !d.shape().equals(model.inputShape())) return null;
            lastStart = clock.getAsLong();
            long cpu = CPU.getCurrentThreadCpuTime();
            // 64 probe images, fewer when the network is large (an executor's buffers for 64 ResNet-50 images would
            // take 16 GB): the summary says how many.
            int n = org.convas.engine.inspect.Batches.fit(model, Math.min(PROBE, d.size()));
            int size = Math.toIntExact(model.inputShape().size());
            float[] probe = new float[n * size];
            for (int i = 0; i < n; i++) System.arraycopy(d.inputs(i), 0, probe, i * size, size);
            LayerStatistics.Report report = LayerStatistics.compute(model, probe, n);
            lastDuration = CPU.getCurrentThreadCpuTime() - cpu;
            var s = source.snapshot();
            return new Point(null, s.epoch(), s.batch(), report, s);
        }

        @Override
        void show(Point p) {
            add(p);
        }

        @Override
        void failed(String message) {
            summary.setText("Cannot compute the distributions: " + message);
        }
    }
}
