package org.convas.app.inspect;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import org.convas.app.training.TrainingViewModel;
import org.convas.engine.inspect.Progress;
import org.convas.visualizer.inspect.HeatmapOverlay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The Explain view: why the network decides what it decides about the image the Activations tab shows. Saliency,
 * Grad-CAM at a chosen layer or occlusion sensitivity with a chosen square and step, for the predicted class or a
 * chosen one, over the image with a colour scale and an opacity slider; Export PNG saves the picture with its scale
 * and caption. Computed off the FX thread on a copy of the weights of the snapshot shown, again whenever a new one
 * arrives while training (coalesced: one computation at a time, the latest weights next).
 */
final class ExplainPane extends BorderPane {

    private static final String PREDICTED = "predicted class";

    private final TrainingViewModel vm;
    private final HeatmapOverlay overlay = new HeatmapOverlay();
    private final ComboBox<Explanation.Method> method = new ComboBox<>(FXCollections.observableArrayList(Explanation.Method.values()));
    private final ObservableList<String> classChoices = FXCollections.observableArrayList(PREDICTED);
    private final ComboBox<String> classBox = new ComboBox<>(classChoices);
    private final ObservableList<String> layerChoices = FXCollections.observableArrayList();
    private final ComboBox<String> layerBox = new ComboBox<>(layerChoices);
    private final Spinner<Integer> patch = new Spinner<>(0, 512, 0);
    private final Spinner<Integer> stride = new Spinner<>(0, 512, 0);
    private final Label status = new Label();
    private final Job job;
    private Explanation.Result shown;

    ExplainPane(TrainingViewModel vm, InspectFeed feed, Executor fx, LongSupplier clock) {
        this.vm = vm;
        this.job = new Job(feed, fx, clock);
        setId("explain-pane");
        method.setId("explain-method");
        method.setValue(Explanation.Method.SALIENCY);
        classBox.setId("explain-class");
        classBox.setValue(PREDICTED);
        layerBox.setId("explain-layer");
        layerBox.setTooltip(new Tooltip("Grad-CAM's layer: the last convolution by default"));
        patch.setId("explain-patch");
        stride.setId("explain-stride");
        for (Spinner<Integer> s : List.of(patch, stride)) {
            s.setEditable(true);
            s.setPrefWidth(72);
        }
        patch.setTooltip(new Tooltip("The occluding square's side in pixels (0: a fifth of the image)"));
        stride.setTooltip(new Tooltip("Pixels between two positions of the square (0: half the square)"));
        status.getStyleClass().add("note");
        status.setId("explain-status");
        Button export = new Button("Export PNG…");
        export.setId("explain-export");
        export.setOnAction(e -> PngExport.choose(this, overlay.exportImage(), fileName(), status::setText));
        Label layerLabel = new Label("Layer"), patchLabel = new Label("Square"), strideLabel = new Label("step");
        HBox gradCam = new HBox(6, layerLabel, layerBox);
        HBox occlusion = new HBox(6, patchLabel, patch, strideLabel, stride);
        for (HBox b : List.of(gradCam, occlusion)) b.setAlignment(Pos.CENTER_LEFT);
        gradCam.visibleProperty().bind(method.valueProperty().isEqualTo(Explanation.Method.GRAD_CAM));
        gradCam.managedProperty().bind(gradCam.visibleProperty());
        occlusion.visibleProperty().bind(method.valueProperty().isEqualTo(Explanation.Method.OCCLUSION));
        occlusion.managedProperty().bind(occlusion.visibleProperty());
        Spinner<Integer> image = new Spinner<>(0, Integer.MAX_VALUE, vm.imageIndexProperty().get());
        image.setId("explain-image");
        image.setEditable(true);
        image.setPrefWidth(90);
        image.setTooltip(new Tooltip("The validation image, as in the Activations tab"));
        image.valueProperty().addListener((obs, old, now) -> {
            if (now != null && now != vm.imageIndexProperty().get()) vm.showValidationImage(now);
        });
        vm.imageIndexProperty().addListener((obs, old, now) -> image.getValueFactory().setValue(now.intValue()));
        Label which = new Label();
        which.textProperty().bind(vm.imageTextProperty());
        which.getStyleClass().add("note");
        FlowPane top = new FlowPane(8, 4, new Label("Image"), image, which, new Label("Method"), method, new Label("Class"), classBox, gradCam, occlusion, export, status);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setMinWidth(0);
        top.setPadding(new Insets(4));
        setTop(top);
        ScrollPane scroll = new ScrollPane(overlay);
        scroll.setFitToWidth(true);
        setCenter(scroll);
        overlay.clearHeatmap("Load data or start training (F5): the explanation is computed for the image of the Activations tab.");

        method.valueProperty().addListener((obs, old, now) -> job.settingsChanged());
        classBox.valueProperty().addListener((obs, old, now) -> job.settingsChanged());
        layerBox.valueProperty().addListener((obs, old, now) -> {
            if (now != null && shown != null && !now.equals(shown.layer())) job.settingsChanged();
        });
        patch.valueProperty().addListener((obs, old, now) -> job.settingsChanged());
        stride.valueProperty().addListener((obs, old, now) -> job.settingsChanged());
        vm.data().preparedDataProperty().addListener((obs, old, now) -> updateClasses());
        vm.snapshotProperty().addListener((obs, old, now) -> {
            if (now != null && job.visible()) showImage(now);
        });
        updateClasses();
    }

    InspectJob<?> job() {
        return job;
    }

    HeatmapOverlay overlay() {
        return overlay;
    }

    ComboBox<Explanation.Method> methodBox() {
        return method;
    }

    ComboBox<String> classBox() {
        return classBox;
    }

    ComboBox<String> layerBox() {
        return layerBox;
    }

    Spinner<Integer> patchSpinner() {
        return patch;
    }

    String statusText() {
        return status.getText();
    }

    /** The result on show, or null. */
    Explanation.Result shown() {
        return shown;
    }

    private String caption(Explanation.Result r) {
        String when = Moment.of(r.snapshot(), vm.getState());
        return r.caption().replace(Explanation.WHEN, Character.toUpperCase(when.charAt(0)) + when.substring(1));
    }

    private String fileName() {
        return (method.getValue() == null ? "explanation" : method.getValue().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                + (shown == null ? "" : "-" + shown.snapshot().label() + "-" + shown.classIndex()) + ".png";
    }

    private void updateClasses() {
        org.convas.app.training.DataPreparation.PreparedData data = vm.data().preparedDataProperty().get();
        List<String> names = new ArrayList<>(List.of(PREDICTED));
        if (data != null) names.addAll(data.train().classNames());
        String keep = classBox.getValue();
        if (!classChoices.equals(names)) classChoices.setAll(names);
        classBox.setValue(names.contains(keep) ? keep : PREDICTED);
    }

    private void showImage(org.convas.engine.train.TrainingEvents.Snapshot s) {
        overlay.setImage(s.image(), s.imageShape().depth(), s.imageShape().height(), s.imageShape().width());
        if (shown != null && shown.width() == s.imageShape().width() && shown.height() == s.imageShape().height()) {
            // Keep the last map over the new image until its own arrives (same size); the caption says what it was for.
            overlay.setHeatmap(shown.values(), shown.width(), shown.height(), shown.scale(), shown::text, caption(shown));
        }
    }

    /** The request from the controls, read on the FX thread. */
    private Explanation.Request request() {
        org.convas.app.training.DataPreparation.PreparedData data = vm.data().preparedDataProperty().get();
        int c = classChoices.indexOf(classBox.getValue()) - 1;
        return new Explanation.Request(method.getValue(), c, layerBox.getValue(), value(patch), value(stride),
                data == null ? List.of() : data.train().classNames(), data == null ? null : data.validation());
    }

    private static int value(Spinner<Integer> s) {
        return s.getValue() == null ? 0 : s.getValue();
    }

    private final class Job extends InspectJob<Explanation.Result> {
        private volatile Explanation.Request request;

        Job(InspectFeed feed, Executor fx, LongSupplier clock) {
            super(feed, fx, clock);
        }

        @Override
        void settingsChanged() {
            request = request();
            status.setText("");
            super.settingsChanged();
        }

        @Override
        void setVisible(boolean on) {
            request = request();
            super.setVisible(on);
        }

        @Override
        Explanation.Result compute(InspectFeed.Source source, Progress progress) {
            Explanation.Request r = request;
            return r == null ? null : Explanation.compute(source, r, progress);
        }

        @Override
        void show(Explanation.Result r) {
            shown = r;
            var s = r.snapshot();
            overlay.setImage(s.image(), s.imageShape().depth(), s.imageShape().height(), s.imageShape().width());
            overlay.setHeatmap(r.values(), r.width(), r.height(), r.scale(), r::text, caption(r));
            if (!layerChoices.equals(r.layers())) layerChoices.setAll(r.layers());
            if (r.layer() != null && !r.layer().equals(layerBox.getValue())) layerBox.setValue(r.layer());
            if (value(patch) == 0 && r.request().method() == Explanation.Method.OCCLUSION) status.setText("square " + r.patch() + ", step " + r.stride());
            else status.setText("");
        }

        @Override
        void failed(String message) {
            shown = null;
            overlay.clearHeatmap("Cannot explain this image: " + message);
        }

        @Override
        void showProgress(String text) {
            status.setText(text.isEmpty() ? "" : method.getValue() + ": " + text);
        }
    }
}
