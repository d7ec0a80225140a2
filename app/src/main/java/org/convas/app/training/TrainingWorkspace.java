package org.convas.app.training;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.convas.app.training.TrainingViewModel.LeaveAnswer;
import org.convas.app.training.TrainingViewModel.LeaveQuestion;
import org.convas.app.training.TrainingViewModel.RunState;
import org.convas.app.training.TrainingViewModel.StartChoice;
import org.convas.app.training.TrainingViewModel.StartQuestion;
import org.convas.engine.train.FilterTuning;
import org.convas.visualizer.charts.RunOverlay;
import org.convas.engine.data.FloatImage;
import org.convas.engine.data.Normalisation;
import org.convas.engine.train.OptimizerSettings;
import org.convas.engine.train.TrainingEvents.ActivationMap;
import org.convas.engine.train.TrainingEvents.FilterBank;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.EpochPoint;
import org.convas.visualizer.charts.GradientNormChart;
import org.convas.visualizer.charts.LayerGradientNorm;
import org.convas.visualizer.charts.TrainingCharts;
import org.convas.visualizer.inspect.ActivationView;
import org.convas.visualizer.inspect.ConfusionMatrixView;
import org.convas.visualizer.inspect.DatasetPreview;
import org.convas.visualizer.inspect.FilterGrid;
import org.convas.visualizer.inspect.GalleryImage;
import org.convas.visualizer.inspect.ImageGallery;
import org.convas.visualizer.inspect.LayerActivation;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * The "Train" side of the window. Left: the dataset and the settings; top: Start (F5), Pause/Resume (F6),
 * Stop (Shift+F5), checkpoints, the progress bar with images/s and time left, and the message bar; middle: the
 * training charts above the filters of a chosen convolution (both always in view); right: tabs with the
 * activation maps of a chosen image, the per-layer gradient norms, the confusion matrix with the misclassified
 * images, and the dataset preview with the mean and standard-deviation images.
 *
 * <p>Views that are not on show are not redrawn: a snapshot or report is drawn when it arrives into the visible
 * tab, and when a tab is selected from the latest one. Every view is fed on the FX thread by the view-model's
 * coalesced deliveries (see {@link TrainingViewModel}).
 */
public final class TrainingWorkspace extends BorderPane {

    /** Charts redraw at most this often while points stream in. */
    static final int CHART_REDRAW_MS = 500;
    /** Height of the message bar: two lines of text. */
    static final double MESSAGE_HEIGHT = 42;

    private final TrainingViewModel vm;
    private final TrainingCharts charts = new TrainingCharts();
    private final GradientNormChart gradients = new GradientNormChart();
    private final FilterGrid filters = new FilterGrid();
    private final ActivationView activations = new ActivationView();
    private final ConfusionMatrixView confusion = new ConfusionMatrixView();
    private final ImageGallery mistakes = new ImageGallery();
    private final DatasetPreview datasetPreview = new DatasetPreview();
    private final TabPane views = new TabPane();
    private final Tab activationsTab = new Tab("Activations");
    private final Tab gradientsTab = new Tab("Gradients");
    private final Tab confusionTab = new Tab("Confusion matrix");
    private final Tab datasetTab = new Tab("Dataset");
    private final Tab runsTab = new Tab("Runs");
    private final Label filterInfo = new Label();
    private final Label filterTuning = new Label();
    private final Label confusionInfo = new Label();
    private final org.convas.app.inspect.InspectTabs inspect;
    private final Label results = new Label();
    private final javafx.scene.control.TableView<RunRecord> runTable = new javafx.scene.control.TableView<>();
    /** Asks what to do with a run or unsaved weights before they are given up; tests answer directly. */
    private java.util.function.Function<LeaveQuestion, LeaveAnswer> leavePrompt = this::askLeave;
    /** Chooses a folder (checkpoints); tests give one. */
    private java.util.function.Function<String, java.util.Optional<java.nio.file.Path>> folderChooser = this::chooseFolder;

    public TrainingWorkspace(TrainingViewModel vm) {
        this.vm = Objects.requireNonNull(vm, "vm");
        getStyleClass().add("training-workspace");
        getStylesheets().add(Objects.requireNonNull(TrainingWorkspace.class.getResource("training-workspace.css")).toExternalForm());
        setTop(new VBox(toolBar(), messageBar()));
        ScrollPane form = new ScrollPane(settingsForm());
        form.setFitToWidth(true);
        form.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        form.setId("training-settings");
        // At 1024×768 the form, the charts and the views share 1024 px: the form takes its minimum, and each of the
        // other two keeps a usable minimum instead of one of them collapsing to nothing.
        form.setMinWidth(280);
        form.setPrefWidth(320);
        setLeft(form);

        views.getTabs().setAll(activationsTab, gradientsTab, confusionTab, datasetTab, runsTab);
        views.setMinWidth(300);
        views.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        views.setId("training-views");
        activationsTab.setContent(activationsPane());
        gradientsTab.setContent(gradients);
        confusionTab.setContent(confusionPane());
        datasetTab.setContent(datasetPreview);
        runsTab.setContent(runsPane());
        views.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> redrawVisible());
        inspect = org.convas.app.inspect.InspectTabs.install(vm, views, this::showTab);
        charts.setId("training-charts");
        // Two redraws a second are enough to watch a curve; each redraw of a chart costs FX and render time that
        // the training threads would otherwise get (measured by TrainingWorkspaceDemo --benchmark).
        charts.setMinRedrawInterval(javafx.util.Duration.millis(CHART_REDRAW_MS));
        gradients.setMinRedrawInterval(javafx.util.Duration.millis(CHART_REDRAW_MS));
        SplitPane chartsAndFilters = new SplitPane(charts, filtersPane());
        chartsAndFilters.setOrientation(Orientation.VERTICAL);
        chartsAndFilters.setDividerPositions(0.62);
        chartsAndFilters.setMinWidth(300);
        // Their own minimums (two chart viewers side by side, a filter row) would add up to more than 1024 px leaves:
        // a split pane then overflows and the inspection views are pushed off the window.
        charts.setMinWidth(280);
        charts.setMinHeight(160);
        for (Node n : chartsAndFilters.getItems()) if (n != charts && n instanceof javafx.scene.layout.Region r) r.setMinWidth(280);
        SplitPane centre = new SplitPane(chartsAndFilters, views);
        centre.setOrientation(Orientation.HORIZONTAL);
        centre.setDividerPositions(0.5);
        setCenter(centre);

        vm.addFeed(new TrainingViewModel.Feed() {
            @Override
            public void cleared() {
                charts.clear();
                gradients.clear();
            }


            @Override
            public void batches(List<BatchPoint> points) {
                charts.addBatches(points);
            }

            @Override
            public void epochs(List<EpochPoint> points) {
                charts.addEpochs(points);
            }

            @Override
            public void gradientNorms(List<LayerGradientNorm> points) {
                gradients.addNorms(points);
            }
        });
        vm.snapshotProperty().addListener((obs, old, now) -> {
            showFilters(now);
            if (now == null) activations.clear();
            else if (showing(activationsTab)) showActivations(now);
        });
        vm.selectedConvLayerProperty().addListener((obs, old, now) -> showFilters(vm.snapshotProperty().get()));
        vm.filterCaptionProperty().addListener((obs, old, now) -> {
            if (vm.snapshotProperty().get() == null) showFilters(null);
        });
        vm.validationReportProperty().addListener((obs, old, now) -> {
            if (now == null) {
                confusion.clear();
                mistakes.setImages(List.of());
                confusionInfo.setText("Computed on the validation set after every epoch.");
            } else if (showing(confusionTab)) {
                showReport(now);
            }
        });
        vm.data().preparedDataProperty().addListener((obs, old, now) -> showDataset());
        vm.data().previewImagesProperty().addListener((obs, old, now) -> showDataset());
        vm.runs().addListener((javafx.collections.ListChangeListener<RunRecord>) c -> {
            while (c.next()) {
                for (RunRecord r : c.getAddedSubList()) {
                    r.overlaidProperty().addListener((o, a, b) -> updateOverlays());
                    r.testAccuracyProperty().addListener((o, a, b) -> showResults());
                    r.endProperty().addListener((o, a, b) -> showResults());
                }
            }
            updateOverlays();
            showResults();
        });
        vm.currentRunProperty().addListener((obs, old, now) -> {
            updateOverlays();
            showResults();
        });
        vm.setStartPrompt(this::askStart);
        showFilters(vm.snapshotProperty().get());
        mistakes.setOnImageClicked(i -> {
            ValidationReport report = vm.validationReportProperty().get();
            if (report == null || i >= report.misclassified().size()) return;
            views.getSelectionModel().select(activationsTab);
            vm.showValidationImage(report.misclassified().get(i).index());
        });
        sceneProperty().addListener((obs, old, now) -> installShortcuts(now));
        vm.startDelivery();
    }

    public TrainingViewModel viewModel() {
        return vm;
    }

    public TrainingCharts charts() {
        return charts;
    }

    public FilterGrid filterGrid() {
        return filters;
    }

    public ActivationView activationView() {
        return activations;
    }

    public GradientNormChart gradientChart() {
        return gradients;
    }

    public ConfusionMatrixView confusionMatrix() {
        return confusion;
    }

    public ImageGallery misclassifiedGallery() {
        return mistakes;
    }

    public DatasetPreview datasetPreview() {
        return datasetPreview;
    }

    /** The inspection tabs: Explain, Top images, Histograms, PCA. */
    public org.convas.app.inspect.InspectTabs inspectTabs() {
        return inspect;
    }

    /**
     * Brings a view tab to the front: "Activations", "Gradients", "Confusion matrix", "Dataset", "Runs", or an
     * inspection tab ("Explain", "Top images", "Histograms", "PCA").
     */
    public void showTab(String title) {
        views.getTabs().stream().filter(t -> t.getText().equals(title)).findFirst()
                .ifPresent(t -> views.getSelectionModel().select(t));
    }

    // ---------------------------------------------------------------- top: controls, progress, messages

    private ToolBar toolBar() {
        Button start = new Button("Start");
        start.setId("train-start");
        start.setOnAction(e -> vm.start());
        start.setTooltip(new Tooltip("Start training (F5); with trained weights, asks whether to continue them or start over"));
        Button pause = new Button("Pause");
        pause.setId("train-pause");
        pause.setTooltip(new Tooltip("Pause or resume (F6)"));
        pause.setOnAction(e -> vm.togglePause());
        Button stop = new Button("Stop");
        stop.setId("train-stop");
        stop.setTooltip(new Tooltip("Stop after the current batch (Shift+F5)"));
        stop.setOnAction(e -> vm.stop());
        Button save = new Button("Save checkpoint…");
        save.setId("train-save");
        save.setTooltip(new Tooltip("Save the trained weights with the optimizer state and progress, to continue later; "
                + "while running or paused too"));
        save.setOnAction(e -> folderChooser.apply("Save the checkpoint into a folder").ifPresent(vm::saveCheckpoint));
        Button load = new Button("Load checkpoint…");
        load.setId("train-load");
        load.setOnAction(e -> {
            if (!confirmLeave("load a checkpoint")) return;
            folderChooser.apply("Open a checkpoint folder").ifPresent(vm::loadCheckpoint);
        });

        ChangeListener<Object> update = (obs, old, now) -> {
            RunState s = vm.getState();
            boolean active = s == RunState.RUNNING || s == RunState.PAUSED;
            start.setDisable(active || vm.busyProperty().get());
            pause.setDisable(!active);
            pause.setText(s == RunState.PAUSED ? "Resume" : "Pause");
            stop.setDisable(!active);
            save.setDisable(vm.trainedNetworkProperty().get() == null);
            load.setDisable(active || vm.busyProperty().get());
        };
        vm.stateProperty().addListener(update);
        vm.busyProperty().addListener(update);
        vm.trainedNetworkProperty().addListener(update);
        update.changed(null, null, null);

        ProgressBar bar = new ProgressBar();
        bar.setId("train-progress");
        bar.setPrefWidth(150);
        bar.progressProperty().bind(vm.progressProperty());
        Label text = new Label();
        text.setId("train-progress-text");
        text.textProperty().bind(vm.progressTextProperty());
        // A fixed share of the bar, cut with an ellipsis: a long line must not push the text into the tool bar's
        // overflow menu, where nobody sees it (at 1024 px the buttons leave about 330 px).
        text.setPrefWidth(320);
        text.setMinWidth(120);
        text.setTextOverrun(javafx.scene.control.OverrunStyle.ELLIPSIS);
        text.tooltipProperty().bind(javafx.beans.binding.Bindings.createObjectBinding(
                () -> text.getText().isEmpty() ? null : new Tooltip(text.getText()), text.textProperty()));
        HBox.setHgrow(text, Priority.ALWAYS);
        return new ToolBar(start, pause, stop, new Separator(Orientation.VERTICAL), save, load,
                new Separator(Orientation.VERTICAL), bar, text);
    }

    private Node messageBar() {
        Label message = new Label();
        message.setId("train-message");
        message.setWrapText(true);
        message.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(message, Priority.ALWAYS);
        javafx.scene.control.Hyperlink action = new javafx.scene.control.Hyperlink();
        action.setId("train-message-action");
        action.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox bar = new HBox(8, message, action);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("train-message");
        ChangeListener<TrainingViewModel.Message> show = (obs, old, now) -> {
            message.setText(now.text());
            bar.getStyleClass().removeAll("info", "warning", "error");
            if (!now.text().isEmpty()) bar.getStyleClass().add(now.level().name().toLowerCase(Locale.ROOT));
            boolean offered = now.action() != null;
            action.setText(offered ? now.actionText() : "");
            action.setVisible(offered);
            action.setManaged(offered);
            action.setOnAction(offered ? e -> now.action().run() : null);
            // An error also waits in a dialog with the same text: the line above may be cut short, and may be
            // replaced by the next message before it is read. An action on offer stays in the line.
            if (old != null && now.level() == TrainingViewModel.Level.ERROR && !now.text().isEmpty()) {
                org.convas.app.ErrorDialog.show(window(), "Training", "Convas cannot do this", now.text());
            }
        };
        // A fixed height of two lines: a message that appears, grows or goes away must not resize the charts and
        // views below it (each resize redraws every chart at once, a pause of the FX thread while training).
        bar.setMinHeight(MESSAGE_HEIGHT);
        bar.setPrefHeight(MESSAGE_HEIGHT);
        bar.setMaxHeight(MESSAGE_HEIGHT);
        message.setTextOverrun(javafx.scene.control.OverrunStyle.ELLIPSIS);
        message.setAlignment(Pos.CENTER_LEFT);
        message.tooltipProperty().bind(javafx.beans.binding.Bindings.createObjectBinding(
                () -> message.getText().isEmpty() ? null : new Tooltip(message.getText()), message.textProperty()));
        vm.messageProperty().addListener(show);
        show.changed(null, null, vm.getMessage());
        return bar;
    }

    private void installShortcuts(Scene scene) {
        if (scene == null) return;
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), vm::start);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F6), vm::togglePause);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), vm::stop);
    }

    // ---------------------------------------------------------------- left: the settings form

    private Node settingsForm() {
        // While a run goes, only the learning rate and the momentum can change (the run takes them at its next
        // step); the rest belongs to the run as it was started, so those fields are locked instead of silently ignored.
        Node dataset = datasetSection(), preprocessing = section("Preprocessing", preprocessingGrid()),
                augmentation = section("Augmentation (training only)", augmentationGrid()), run = section("Run", runGrid());
        for (Node n : List.of(dataset, preprocessing, augmentation, run)) n.disableProperty().bind(runActive());
        VBox box = new VBox(6, dataset, preprocessing, augmentation, section("Optimizer", optimizerGrid()), run);
        box.setPadding(new Insets(6));
        return box;
    }

    private Node datasetSection() {
        ComboBox<DataSource> chooser = new ComboBox<>(vm.data().dataSources());
        chooser.setId("train-dataset");
        chooser.setMaxWidth(Double.MAX_VALUE);
        chooser.valueProperty().bindBidirectional(vm.data().dataSourceProperty());
        chooser.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(DataSource s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty || s == null ? null : s.title());
            }
        });
        chooser.setButtonCell(chooser.getCellFactory().call(null));
        Button idx = new Button("IDX…");
        idx.setTooltip(new Tooltip("An IDX images file (…-images-idx3-ubyte[.gz]) with its labels file beside it"));
        idx.setOnAction(e -> chooseFiles("IDX images file", false, "*images-idx3*").ifPresent(f -> addSource(new DataSource.IdxFile(f.get(0)))));
        Button cifar = new Button("CIFAR…");
        cifar.setTooltip(new Tooltip("CIFAR-10 binary batches (data_batch_1.bin …)"));
        cifar.setOnAction(e -> chooseFiles("CIFAR-10 batch files", true, "*.bin").ifPresent(f -> addSource(new DataSource.CifarFiles(f))));
        Button folder = new Button("Folder…");
        folder.setTooltip(new Tooltip("A folder with one sub-folder of images per class"));
        folder.setOnAction(e -> folderChooser.apply("A folder with one sub-folder per class").ifPresent(p -> addSource(new DataSource.Folder(p))));
        Button load = new Button("Load and preview");
        load.setId("train-load-data");
        load.setOnAction(e -> {
            vm.prepareData();
            views.getSelectionModel().select(datasetTab);
        });
        load.disableProperty().bind(vm.busyProperty());
        Label conversion = wrapping(vm.data().conversionTextProperty());
        conversion.setId("train-conversion");
        Button recommended = new Button("Use recommended settings");
        recommended.setId("train-recommended");
        recommended.setOnAction(e -> vm.applyRecommendedSettings());
        Runnable offer = () -> {
            var r = vm.recommended();
            recommended.setVisible(r.isPresent());
            recommended.setManaged(r.isPresent());
            recommended.setTooltip(r.map(x -> new Tooltip(x.why())).orElse(null));
        };
        vm.data().dataSourceProperty().addListener((obs, old, now) -> offer.run());
        offer.run();
        VBox box = new VBox(6, chooser, new HBox(6, idx, cifar, folder), load, recommended, conversion);
        return section("Dataset", box);
    }

    private void addSource(DataSource source) {
        if (!vm.data().dataSources().contains(source)) vm.data().dataSources().add(source);
        vm.data().dataSourceProperty().set(source);
    }

    private GridPane preprocessingGrid() {
        GridPane g = grid();
        ComboBox<Normalisation> norm = new ComboBox<>();
        norm.getItems().setAll(Normalisation.values());
        norm.valueProperty().bindBidirectional(vm.data().normalisationProperty());
        norm.setTooltip(new Tooltip("NONE: [0, 1]; PER_CHANNEL: (x − mean_c)/std_c; MEAN_IMAGE: x − mean image"));
        CheckBox enlarge = new CheckBox("Allow enlarging small images");
        enlarge.selectedProperty().bindBidirectional(vm.data().allowEnlargingProperty());
        g.addRow(0, new Label("Normalise"), norm);
        g.add(enlarge, 0, 1, 2, 1);
        return g;
    }

    private GridPane augmentationGrid() {
        GridPane g = grid();
        Spinner<Integer> shift = intSpinner(vm.settings().shiftProperty(), 0, 16, 1);
        CheckBox flip = new CheckBox("Mirror left-right");
        flip.selectedProperty().bindBidirectional(vm.settings().flipProperty());
        TextField rotation = numberField(vm.settings().rotationProperty(), "rotation");
        g.addRow(0, new Label("Shift ± px"), shift);
        g.addRow(1, new Label("Rotate ± °"), rotation);
        g.add(flip, 0, 2, 2, 1);
        return g;
    }

    private GridPane optimizerGrid() {
        GridPane g = grid();
        ComboBox<OptimizerSettings.Kind> kind = new ComboBox<>();
        kind.getItems().setAll(OptimizerSettings.Kind.values());
        kind.valueProperty().bindBidirectional(vm.settings().optimizerProperty());
        kind.setId("train-optimizer");
        TextField lr = numberField(vm.settings().learningRateProperty(), "learning rate");
        lr.setId("train-learning-rate");
        lr.setTooltip(new Tooltip("η; may be changed while training (Enter)"));
        TextField momentum = numberField(vm.settings().momentumProperty(), "momentum");
        momentum.setTooltip(new Tooltip("μ for SGD, Nesterov and RMSProp; may be changed while training (Enter)"));
        TextField decay = numberField(vm.settings().weightDecayProperty(), "weight decay");
        ComboBox<TrainingSettingsForm.ScheduleChoice> schedule = new ComboBox<>();
        schedule.getItems().setAll(TrainingSettingsForm.ScheduleChoice.values());
        schedule.valueProperty().bindBidirectional(vm.settings().scheduleProperty());
        Spinner<Integer> every = intSpinner(vm.settings().scheduleEveryProperty(), 1, 1000, 1);
        TextField gamma = numberField(vm.settings().scheduleGammaProperty(), "γ");
        HBox step = new HBox(4, new Label("every"), every, new Label("γ"), gamma);
        step.setAlignment(Pos.CENTER_LEFT);
        every.setPrefWidth(70);
        gamma.setPrefColumnCount(4);
        step.visibleProperty().bind(vm.settings().scheduleProperty().isEqualTo(TrainingSettingsForm.ScheduleChoice.STEP));
        step.managedProperty().bind(step.visibleProperty());
        g.addRow(0, new Label("Optimizer"), kind);
        g.addRow(1, new Label("Learning rate"), lr);
        g.addRow(2, new Label("Momentum"), momentum);
        g.addRow(3, new Label("Weight decay"), decay);
        g.addRow(4, new Label("Schedule"), schedule);
        g.add(step, 0, 5, 2, 1);
        TextField clip = numberField(vm.settings().clipNormProperty(), "gradient clipping norm");
        clip.setId("train-clip");
        clip.setTooltip(new Tooltip("Scale the gradients down when their global L2 norm exceeds this (1 to 5 tames a "
                + "diverging run); 0 is off"));
        g.addRow(6, new Label("Clip norm"), clip);
        for (Node n : List.of(kind, decay, schedule, step, clip)) n.disableProperty().bind(runActive());
        return g;
    }

    private Node runGrid() {
        GridPane g = grid();
        Spinner<Integer> batch = intSpinner(vm.settings().batchSizeProperty(), 1, 1_000_000, 16);
        batch.setId("train-batch");
        Spinner<Integer> epochs = intSpinner(vm.settings().epochsProperty(), 1, 10_000, 1);
        epochs.setId("train-epochs");
        Spinner<Integer> threads = intSpinner(vm.settings().threadsProperty(), 1, 256, 1);
        TextField seed = longField(vm.settings().seedProperty());
        g.addRow(0, new Label("Batch size"), batch);
        g.addRow(1, new Label("Epochs"), epochs);
        g.addRow(2, new Label("Threads"), threads);
        g.addRow(3, new Label("Seed"), seed);
        Label memory = wrapping(vm.memoryTextProperty());
        memory.setId("train-memory");
        vm.memoryTooLargeProperty().addListener((obs, old, now) -> memory.pseudoClassStateChanged(TOO_LARGE, now));
        memory.pseudoClassStateChanged(TOO_LARGE, vm.memoryTooLargeProperty().get());
        return new VBox(6, g, memory);
    }

    private static final javafx.css.PseudoClass TOO_LARGE = javafx.css.PseudoClass.getPseudoClass("too-large");
    private static final javafx.css.PseudoClass INVALID = javafx.css.PseudoClass.getPseudoClass("invalid");

    /** True while a run is going (running or paused). */
    private javafx.beans.binding.BooleanBinding runActive() {
        return vm.stateProperty().isEqualTo(RunState.RUNNING).or(vm.stateProperty().isEqualTo(RunState.PAUSED));
    }

    private static TitledPane section(String title, Node content) {
        TitledPane pane = new TitledPane(title, content);
        pane.setCollapsible(true);
        return pane;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(5);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(90);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        g.getColumnConstraints().setAll(labels, fields);
        return g;
    }

    private static Label wrapping(javafx.beans.value.ObservableValue<String> text) {
        Label l = new Label();
        l.textProperty().bind(text);
        l.setWrapText(true);
        l.getStyleClass().add("note");
        l.setMaxWidth(Double.MAX_VALUE);
        return l;
    }

    private static Spinner<Integer> intSpinner(IntegerProperty property, int min, int max, int step) {
        Spinner<Integer> s = new Spinner<>(min, max, property.get(), step);
        s.setEditable(true);
        s.setMaxWidth(Double.MAX_VALUE);
        s.getValueFactory().valueProperty().addListener((obs, old, now) -> {
            if (now != null) property.set(now);
        });
        property.addListener((obs, old, now) -> s.getValueFactory().setValue(now.intValue()));
        // An edited value counts when the field loses focus too, not only on Enter.
        s.focusedProperty().addListener((obs, was, is) -> {
            if (!is) commit(s);
        });
        return s;
    }

    private static void commit(Spinner<Integer> s) {
        try {
            s.getValueFactory().setValue(s.getValueFactory().getConverter().fromString(s.getEditor().getText().trim()));
        } catch (RuntimeException e) {
            s.getEditor().setText(String.valueOf(s.getValue()));
        }
    }

    /**
     * A text field for a number: Enter or leaving the field sets the property; text that is not a number is
     * marked and the property keeps its value (the view-model checks the range and explains).
     */
    private static TextField numberField(DoubleProperty property, String what) {
        return textField(property, DoubleProperty::get, (p, v) -> p.set(v), TrainingWorkspace::formatNumber, what);
    }

    private static TextField longField(LongProperty property) {
        return textField(property, p -> p.get(), (p, v) -> p.set((long) v), v -> Long.toString((long) v), "seed");
    }

    private static <P extends javafx.beans.value.ObservableValue<? extends Number>> TextField textField(
            P property, ToDoubleFunction<P> get, java.util.function.ObjDoubleConsumer<P> set, DoubleFunction<String> format, String what) {
        TextField field = new TextField(format.apply(get.applyAsDouble(property)));
        field.setPrefColumnCount(7);
        Runnable commit = () -> {
            try {
                double v = Double.parseDouble(field.getText().trim().replace(',', '.'));
                field.pseudoClassStateChanged(INVALID, false);
                set.accept(property, v);
            } catch (NumberFormatException e) {
                field.pseudoClassStateChanged(INVALID, true);
                field.setTooltip(new Tooltip("\"" + field.getText() + "\" is not a number; the " + what + " stays "
                        + format.apply(get.applyAsDouble(property))));
            }
        };
        field.setOnAction(e -> commit.run());
        field.focusedProperty().addListener((obs, was, is) -> {
            if (!is) commit.run();
        });
        property.addListener((obs, old, now) -> {
            if (!field.isFocused()) field.setText(format.apply(now.doubleValue()));
        });
        return field;
    }

    static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        return Double.toString(v);
    }

    // ---------------------------------------------------------------- right: the views

    private Node filtersPane() {
        ComboBox<String> layer = new ComboBox<>(vm.convLayers());
        layer.setId("train-filter-layer");
        layer.valueProperty().bindBidirectional(vm.selectedConvLayerProperty());
        filterInfo.getStyleClass().add("note");
        filterInfo.setId("train-filter-caption");
        filterTuning.getStyleClass().add("note");
        filterTuning.setId("train-filter-tuning");
        filterTuning.setTooltip(new Tooltip("Orientation selectivity 0..1 (1: responds to one orientation only) and the best "
                + "match with Gabor edge/bar and blob templates, averaged over the filters, next to what random filters of "
                + "the same size score: trained edge detectors score well above them"));
        filters.setTileSize(72);
        Label convolution = new Label("Convolution");
        for (javafx.scene.layout.Region r : List.of(convolution, layer)) r.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox top = new HBox(8, convolution, layer, filterInfo);
        top.setAlignment(Pos.CENTER_LEFT);
        Label network = new Label();
        network.textProperty().bind(vm.networkTextProperty());
        network.getStyleClass().add("note");
        network.setId("train-network");
        network.setTextOverrun(javafx.scene.control.OverrunStyle.ELLIPSIS);
        network.tooltipProperty().bind(javafx.beans.binding.Bindings.createObjectBinding(
                () -> network.getText().isEmpty() ? null : new Tooltip(network.getText()), network.textProperty()));
        VBox header = new VBox(2, network, top, filterTuning);
        header.setPadding(new Insets(4));
        BorderPane pane = new BorderPane(filters, header, null, null, null);
        pane.setMinHeight(120);
        return pane;
    }

    private Node activationsPane() {
        Spinner<Integer> index = intSpinner(vm.imageIndexProperty(), 0, Integer.MAX_VALUE, 1);
        index.setId("train-image-index");
        index.setPrefWidth(100);
        Button loadImage = new Button("Load image…");
        loadImage.setOnAction(e -> chooseFiles("An image (PNG, JPEG, BMP, GIF)", false, "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif")
                .ifPresent(f -> vm.loadImage(f.get(0))));
        Label which = new Label();
        which.setId("train-image-text");
        which.textProperty().bind(vm.imageTextProperty());
        which.getStyleClass().add("note");
        HBox top = new HBox(8, new Label("Validation image"), index, loadImage, which);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(4));
        return new BorderPane(activations, top, null, null, null);
    }

    private Node confusionPane() {
        confusionInfo.getStyleClass().add("note");
        confusionInfo.setText("Computed on the validation set after every epoch.");
        Label mistakesTitle = new Label("Misclassified validation images, most confident first (click one to see its activations)");
        mistakesTitle.getStyleClass().add("note");
        VBox bottom = new VBox(4, mistakesTitle, mistakes);
        VBox.setVgrow(mistakes, Priority.ALWAYS);
        SplitPane split = new SplitPane(new BorderPane(confusion, confusionInfo, null, null, null), bottom);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        return split;
    }

    /** The tab on show (the selection model, which changes before the tabs' own selected flags are updated). */
    private boolean showing(Tab tab) {
        return views.getSelectionModel().getSelectedItem() == tab;
    }

    private void redrawVisible() {
        if (showing(activationsTab)) showActivations(vm.snapshotProperty().get());
        if (showing(confusionTab)) showReport(vm.validationReportProperty().get());
        if (showing(activationsTab)) vm.requestSnapshot();
    }

    private void showFilters(Snapshot s) {
        String layer = vm.selectedConvLayerProperty().get();
        if (s == null || layer == null) {
            filters.clear();
            filterTuning.setText("");
            String caption = vm.filterCaptionProperty().get();
            filterInfo.setText(layer == null ? "The network has no convolution."
                    : caption.isEmpty() ? "Load the data (or Start, F5) to see the filters." : caption);
            return;
        }
        for (FilterBank bank : s.filters()) {
            if (bank.nodeId().equals(layer)) {
                filters.setFilters(bank.weights(), bank.filters(), bank.depth(), bank.height(), bank.width());
                filterInfo.setText(vm.filterCaptionProperty().get());
                FilterTuning.Bank tuning = tuningCost(bank.filters(), bank.height(), bank.width()) <= MAX_TUNING_COST
                        ? FilterTuning.of(bank.weights(), bank.filters(), bank.depth(), bank.height(), bank.width()) : null;
                FilterTuning.Bank random = tuning == null ? null : randomBaseline(bank.depth(), bank.height(), bank.width());
                filterTuning.setText(tuning == null ? "" : String.format(Locale.ROOT,
                        "Orientation selectivity %.2f · edge/blob template match %.2f (random %d×%d filters: %.2f · %.2f)",
                        tuning.meanOrientationSelectivity(), tuning.meanTemplateMatch(), bank.width(), bank.height(),
                        random.meanOrientationSelectivity(), random.meanTemplateMatch()));
                return;
            }
        }
        filters.clear();
        filterTuning.setText("");
        filterInfo.setText("");
    }

    /**
     * Filter banks whose tuning figures cost up to this many multiply-adds get them on every snapshot (a few
     * milliseconds of the FX thread): LeNet-5's conv1 0.7 M, a 64-filter 3×3 layer 0.4 M; AlexNet's 11×11 conv1
     * (57 M) gets none.
     */
    static final long MAX_TUNING_COST = 3_000_000;

    private final java.util.Map<List<Integer>, FilterTuning.Bank> baselines = new java.util.HashMap<>();

    /**
     * The figures of 64 random filters of a shape (normally distributed weights, seed 1; both figures ignore the
     * scale), so a bank is compared with what chance gives for its own size: small filters match templates more
     * easily (3×3: about 0.8) than 5×5 ones (about 0.57).
     */
    private FilterTuning.Bank randomBaseline(int depth, int height, int width) {
        return baselines.computeIfAbsent(List.of(depth, height, width), k -> {
            java.util.Random random = new java.util.Random(1);
            float[] w = new float[64 * depth * height * width];
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
            return FilterTuning.of(w, 64, depth, height, width);
        });
    }

    /** Multiply-adds of {@link FilterTuning#of}: per filter, every template and every grating over its H·W taps. */
    static long tuningCost(int filters, int height, int width) {
        int side = Math.max(height, width);
        long shifts = side >= 5 ? 9 : 1;
        long templates = shifts * (16 * 8 * 4 + 6);
        long gratings = 2L * side * 16;
        return (long) filters * height * width * (templates + gratings);
    }

    private void showActivations(Snapshot s) {
        if (s == null) return;
        activations.setInput(s.image(), s.imageShape().depth(), s.imageShape().height(), s.imageShape().width());
        activations.setProbabilities(s.probabilities(), vm.classNamesProperty().get());
        List<LayerActivation> layers = new ArrayList<>();
        for (ActivationMap m : s.activations().subList(1, s.activations().size())) {
            layers.add(new LayerActivation(m.nodeId(), m.shape(), m.values()));
        }
        activations.setLayers(layers);
    }

    private void showReport(ValidationReport report) {
        if (report == null) return;
        confusion.setMatrix(report.counts(), report.classNames());
        // Epoch 0: weights not trained here (imported from ONNX or PyTorch), classified as they came.
        confusionInfo.setText(String.format(Locale.ROOT, "%s: validation accuracy %.1f%%, %d misclassified shown.",
                report.epoch() == 0 ? "Imported weights, before training here" : "After epoch " + report.epoch(),
                100 * report.accuracy(), report.misclassified().size()));
        DataPreparation.PreparedData data = vm.data().preparedDataProperty().get();
        if (data == null) return;
        List<GalleryImage> images = new ArrayList<>();
        var shape = data.validation().shape();
        for (ValidationReport.Mistake m : report.misclassified()) {
            images.add(new GalleryImage(data.validation().inputs(m.index()), shape.depth(), shape.height(), shape.width(),
                    report.classNames().get(m.trueClass()) + " → " + name(report, m.predictedClass())
                            + String.format(Locale.ROOT, " (%.2f)", m.probability())));
        }
        mistakes.setImages(images);
    }

    private static String name(ValidationReport r, int c) {
        return c < r.classNames().size() ? r.classNames().get(c) : "class " + c;
    }

    private void showDataset() {
        DataPreparation.PreparedData data = vm.data().preparedDataProperty().get();
        if (data == null) return;
        datasetPreview.setSamples(data.key().source().title() + " after preprocessing", vm.data().previewImagesProperty().get());
        FloatImage mean = data.fitted().statistics().meanImage();
        FloatImage std = data.fitted().statistics().stdImage();
        datasetPreview.setMeanAndStd(mean.values(), std.values(), mean.shape().depth(), mean.shape().height(), mean.shape().width());
    }

    // ---------------------------------------------------------------- choosers

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    // ---------------------------------------------------------------- the trained state: asking before it goes

    /**
     * Before the trained state is given up (another network, a checkpoint loaded, quitting): when a run is going or
     * the weights are unsaved, asks Save checkpoint… / Discard / Cancel, then acts. True when it is fine to go on.
     */
    public boolean confirmLeave(String action) {
        return vm.confirmLeave(action, leavePrompt);
    }

    /** Replaces the question before leaving (tests). */
    public void setLeavePrompt(java.util.function.Function<LeaveQuestion, LeaveAnswer> prompt) {
        leavePrompt = Objects.requireNonNull(prompt);
    }

    /** Replaces the folder chooser (tests): given the chooser's title, a folder or empty. */
    public void setFolderChooser(java.util.function.Function<String, java.util.Optional<java.nio.file.Path>> chooser) {
        folderChooser = Objects.requireNonNull(chooser);
    }

    /** Offers trained weights autosaved by a session that closed without saving them (once, as the window opens). */
    public void offerRecovery() {
        vm.recoverableTraining().ifPresent(q -> {
            ButtonType recover = new ButtonType("Recover", javafx.scene.control.ButtonBar.ButtonData.YES);
            ButtonType discard = new ButtonType("Discard", javafx.scene.control.ButtonBar.ButtonData.NO);
            ButtonType later = new ButtonType("Later", javafx.scene.control.ButtonBar.ButtonData.CANCEL_CLOSE);
            Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Convas closed without saving the trained weights of " + q.network()
                    + " (" + q.trained() + "). Recover them as a new document? Later keeps them until the next training run "
                    + "replaces them.", recover, discard, later);
            a.setHeaderText("Recover trained weights?");
            a.getDialogPane().setId("train-recover");
            org.convas.app.designer.Dialogs.ownedBy(a, window()); // owned and centred on the window under any window manager
            java.util.Optional<ButtonType> c = a.showAndWait();
            if (c.isPresent() && c.get() == recover) {
                if (confirmLeave("recover the autosaved weights")) vm.recoverTraining();
            } else if (c.isPresent() && c.get() == discard) {
                vm.discardRecoverableTraining();
            }
        });
    }

    private LeaveAnswer askLeave(LeaveQuestion q) {
        ButtonType save = new ButtonType(q.running() ? "Stop and save checkpoint…" : "Save checkpoint…", javafx.scene.control.ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType(q.running() ? "Stop and discard" : "Discard", javafx.scene.control.ButtonBar.ButtonData.NO);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, q.network() + ": " + q.trained() + ". Save the weights as a checkpoint "
                + "before you " + q.action() + "?", save, discard, ButtonType.CANCEL);
        a.setHeaderText(q.running() ? "Training is running" : "Trained weights are not saved");
        a.getDialogPane().setId("train-leave");
        org.convas.app.designer.Dialogs.ownedBy(a, window()); // owned and centred on the window under any window manager
        java.util.Optional<ButtonType> r = a.showAndWait();
        if (r.isEmpty() || r.get() == ButtonType.CANCEL) return LeaveAnswer.CANCEL;
        if (r.get() == discard) return LeaveAnswer.DISCARD;
        return folderChooser.apply("Save the checkpoint into a folder").map(LeaveAnswer::saveTo).orElse(LeaveAnswer.CANCEL);
    }

    private StartChoice askStart(StartQuestion q) {
        ButtonType more = new ButtonType("Continue " + q.moreEpochs() + " more epoch" + (q.moreEpochs() == 1 ? "" : "s"),
                javafx.scene.control.ButtonBar.ButtonData.YES);
        ButtonType over = new ButtonType(q.unsaved() ? "Start over (discard them)" : "Start over", javafx.scene.control.ButtonBar.ButtonData.NO);
        List<ButtonType> buttons = new ArrayList<>();
        if (q.canContinue()) buttons.add(more);
        buttons.add(over);
        buttons.add(ButtonType.CANCEL);
        String text = q.network() + " has trained weights: " + q.trained() + (q.unsaved() ? ", not saved" : "") + ". "
                + (q.canContinue() ? "Continue training these weights, or start over from random weights?"
                : "The network was edited since, so these weights no longer fit it: start the edited network from random weights?");
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, buttons.toArray(ButtonType[]::new));
        a.setHeaderText("The network has trained weights");
        a.getDialogPane().setId("train-start-question");
        org.convas.app.designer.Dialogs.ownedBy(a, window()); // owned and centred on the window under any window manager
        java.util.Optional<ButtonType> r = a.showAndWait();
        if (r.isEmpty() || r.get() == ButtonType.CANCEL) return StartChoice.CANCEL;
        return r.get() == more ? StartChoice.CONTINUE : StartChoice.START_OVER;
    }

    // ---------------------------------------------------------------- runs: history, overlay, results

    private Node runsPane() {
        results.setId("train-results");
        results.setWrapText(true);
        results.getStyleClass().add("results");
        results.setText("No run yet: Start (F5) trains the network; each run is kept here to compare.");
        runTable.setId("train-runs");
        runTable.setItems(vm.runs());
        runTable.setEditable(true);
        runTable.setColumnResizePolicy(javafx.scene.control.TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        javafx.scene.control.TableColumn<RunRecord, Boolean> shown = new javafx.scene.control.TableColumn<>("Show");
        shown.setCellValueFactory(c -> c.getValue().overlaidProperty());
        shown.setCellFactory(javafx.scene.control.cell.CheckBoxTableCell.forTableColumn(shown));
        shown.setEditable(true);
        shown.setPrefWidth(46);
        runTable.getColumns().add(shown);
        runTable.getColumns().add(column("Run", r -> String.valueOf(r.number()), 36));
        runTable.getColumns().add(column("Network", RunRecord::network, 96));
        runTable.getColumns().add(column("Time", r -> TrainingViewModel.duration(r.secondsProperty().get()), 44));
        runTable.getColumns().add(column("Valid.", r -> percent(r.validationAccuracy()), 52));
        runTable.getColumns().add(column("Test", r -> percent(r.testAccuracyProperty().get()), 52));
        runTable.getColumns().add(column("Settings", RunRecord::settings, 220));
        runTable.setRowFactory(t -> {
            javafx.scene.control.TableRow<RunRecord> row = new javafx.scene.control.TableRow<>();
            row.itemProperty().addListener((o, a, r) -> row.setTooltip(r == null ? null : new Tooltip(r.summary() + "\n" + r.settings())));
            return row;
        });
        runTable.setPlaceholder(new Label("No runs yet"));
        Label hint = new Label("Tick Show to draw a run's curves (dashed) over the current one: compare optimizers, or a deep "
                + "and a shallow network.");
        hint.setWrapText(true);
        hint.getStyleClass().add("note");
        VBox box = new VBox(6, results, runTable, hint);
        VBox.setVgrow(runTable, Priority.ALWAYS);
        box.setPadding(new Insets(6));
        return box;
    }

    private static javafx.scene.control.TableColumn<RunRecord, String> column(String title,
            java.util.function.Function<RunRecord, String> value, double width) {
        javafx.scene.control.TableColumn<RunRecord, String> c = new javafx.scene.control.TableColumn<>(title);
        c.setCellValueFactory(cell -> new javafx.beans.property.ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        c.setEditable(false);
        return c;
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** The runs ticked for overlay, except the one the charts show as the current run. */
    private void updateOverlays() {
        List<RunOverlay> overlays = new ArrayList<>();
        for (RunRecord r : vm.runs()) {
            if (r.overlaidProperty().get() && r != vm.currentRunProperty().get()) overlays.add(new RunOverlay(r.label(), r.batches(), r.epochs()));
        }
        charts.setOverlays(overlays);
    }

    private void showResults() {
        runTable.refresh();
        RunRecord last = vm.runs().isEmpty() ? null : vm.runs().get(vm.runs().size() - 1);
        if (last != null) results.setText(last.summary() + "\n" + last.settings() + " · " + last.data());
    }

    /** The text of the results box (tests). */
    public String resultsText() {
        return results.getText();
    }

    /** The runs table (tests). */
    public javafx.scene.control.TableView<RunRecord> runsTable() {
        return runTable;
    }

    private java.util.Optional<java.nio.file.Path> chooseFolder(String title) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title);
        File f = chooser.showDialog(window());
        return f == null ? java.util.Optional.empty() : java.util.Optional.of(f.toPath());
    }

    private java.util.Optional<List<java.nio.file.Path>> chooseFiles(String what, boolean many, String... patterns) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(what);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(what, patterns),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = many ? chooser.showOpenMultipleDialog(window()) : singleton(chooser.showOpenDialog(window()));
        if (files == null || files.isEmpty()) return java.util.Optional.empty();
        return java.util.Optional.of(files.stream().map(File::toPath).toList());
    }

    private static List<File> singleton(File f) {
        return f == null ? null : List.of(f);
    }
}
