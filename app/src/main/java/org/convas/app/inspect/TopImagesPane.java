package org.convas.app.inspect;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import org.convas.app.training.TrainingViewModel;
import org.convas.engine.data.PreparedDataset;
import org.convas.engine.inspect.Progress;
import org.convas.engine.inspect.TopActivations;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Shape;
import org.convas.visualizer.inspect.TopPatchesView;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Top images: for a chosen filter of a chosen layer, the validation images that excite it most and the patch of each
 * that its strongest unit sees (Zeiler &amp; Fergus). One pass over the validation set finds them for every filter of
 * the layer at once, so stepping through the filters is instant; while training, the search is repeated on newer
 * weights at most every {@value #INTERVAL_SECONDS} s while the view is on show.
 */
final class TopImagesPane extends BorderPane {

    static final int TOP = 9;
    static final long INTERVAL_SECONDS = 3;

    /** Search results and what they were searched in. */
    record Found(TopActivations.Result result, PreparedDataset data, org.convas.engine.train.TrainingEvents.Snapshot snapshot) {
    }

    private final TrainingViewModel vm;
    private final TopPatchesView view = new TopPatchesView();
    private final ObservableList<String> layers = FXCollections.observableArrayList();
    private final ComboBox<String> layerBox = new ComboBox<>(layers);
    private final Spinner<Integer> filter = new Spinner<>(0, 0, 0);
    private final Label status = new Label();
    private final Job job;
    private Found found;

    TopImagesPane(TrainingViewModel vm, InspectFeed feed, Executor fx, LongSupplier clock) {
        this.vm = vm;
        this.job = new Job(feed, fx, clock);
        job.minimumInterval(TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS));
        setId("top-images-pane");
        layerBox.setId("top-layer");
        filter.setId("top-filter");
        filter.setEditable(true);
        filter.setPrefWidth(80);
        status.setId("top-status");
        status.getStyleClass().add("note");
        Button export = new Button("Export PNG…");
        export.setOnAction(e -> PngExport.choose(this, view.snapshot(null, null), "top-images-" + layerBox.getValue() + "-"
                + filter.getValue() + ".png", status::setText));
        FlowPane top = new FlowPane(8, 4, new Label("Layer"), layerBox, new Label("Filter"), filter, export, status);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setMinWidth(0);
        top.setPadding(new Insets(4));
        setTop(top);
        setCenter(view);
        view.clear("Load data or start training (F5): the " + TOP + " validation images that excite a filter most appear here.");
        layerBox.valueProperty().addListener((obs, old, now) -> {
            if (now != null && (found == null || !now.equals(found.result().nodeId()))) job.settingsChanged();
        });
        filter.valueProperty().addListener((obs, old, now) -> showFilter());
        vm.convLayers().addListener((javafx.collections.ListChangeListener<String>) c -> updateLayers());
        updateLayers();
    }

    InspectJob<?> job() {
        return job;
    }

    TopPatchesView view() {
        return view;
    }

    ComboBox<String> layerBox() {
        return layerBox;
    }

    Spinner<Integer> filterSpinner() {
        return filter;
    }

    Found found() {
        return found;
    }

    /** The layers offered: the network's convolutions and the layers after them, from the view-model's network. */
    private void updateLayers() {
        List<String> ids = new ArrayList<>(vm.convLayers());
        if (!layers.equals(ids)) layers.setAll(ids);
        if (layerBox.getValue() == null || !ids.contains(layerBox.getValue())) {
            String chosen = vm.selectedConvLayerProperty().get();
            layerBox.setValue(chosen != null && ids.contains(chosen) ? chosen : ids.isEmpty() ? null : ids.get(0));
        }
    }

    private void showFilter() {
        if (found == null) return;
        TopActivations.Result r = found.result();
        int k = Math.max(0, Math.min(filter.getValue() == null ? 0 : filter.getValue(), r.perFilter().size() - 1));
        Shape s = found.data().shape();
        List<TopPatchesView.Entry> entries = new ArrayList<>();
        for (TopActivations.Hit h : r.top(k)) {
            String name = found.data().classNames().get(found.data().label(h.image()));
            entries.add(new TopPatchesView.Entry(found.data().inputs(h.image()), s.depth(), s.height(), s.width(), h.x(), h.y(),
                    h.width(), h.height(), String.format(Locale.ROOT, "#%d %s\n%.3g", h.image(), name, h.value())));
        }
        String field = r.field() == null ? "receptive field unknown" : r.field().sizeText() + " receptive field";
        view.setEntries(String.format(Locale.ROOT, "%s, filter %d of %d (%s): the %d of %,d validation images whose strongest %s "
                        + "activation is highest, strongest first; above each, the patch that unit sees (%s). %s.",
                r.nodeId(), k, r.perFilter().size(), r.shape(), r.top(k).size(), r.imagesSearched(), r.nodeId(), field, when(found)), entries);
    }

    private String when(Found f) {
        String m = Moment.of(f.snapshot(), vm.getState());
        return f.snapshot().epoch() > 0 ? "Weights of " + m : "Weights: " + m;
    }

    private final class Job extends InspectJob<Found> {
        private volatile String layer;
        private volatile PreparedDataset data;

        Job(InspectFeed feed, Executor fx, LongSupplier clock) {
            super(feed, fx, clock);
        }

        @Override
        void settingsChanged() {
            read();
            super.settingsChanged();
        }

        @Override
        void setVisible(boolean on) {
            read();
            super.setVisible(on);
        }

        private void read() {
            layer = layerBox.getValue();
            org.convas.app.training.DataPreparation.PreparedData d = vm.data().preparedDataProperty().get();
            data = d == null ? null : d.validation();
        }

        @Override
        Found compute(InspectFeed.Source source, Progress progress) {
            PreparedDataset d = data;
            String id = layer;
            if (d == null || d.size() == 0 || id == null) return null;
            if (!d.shape().equals(source.model().inputShape())) return null;
            boolean known = false;
            for (Node n : source.model().order()) known |= n.id().equals(id);
            if (!known) return null;
            TopActivations.Result r = TopActivations.find(source.model(), d::inputs, d.size(), id, TOP, progress);
            return new Found(r, d, source.snapshot());
        }

        @Override
        void show(Found f) {
            found = f;
            int k = f.result().perFilter().size();
            if (filter.getValueFactory() instanceof SpinnerValueFactory.IntegerSpinnerValueFactory v && v.getMax() != k - 1) {
                v.setMax(k - 1);
                if (v.getValue() > k - 1) v.setValue(0);
            }
            status.setText("");
            showFilter();
        }

        @Override
        void failed(String message) {
            view.clear("Cannot search the top images: " + message);
        }

        @Override
        void showProgress(String text) {
            status.setText(text.isEmpty() ? "" : "searching: " + text);
        }
    }
}
