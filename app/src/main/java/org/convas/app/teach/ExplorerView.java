package org.convas.app.teach;

import javafx.animation.AnimationTimer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import org.convas.engine.calc.Window;
import org.convas.engine.spec.Shape;
import org.convas.engine.teach.SlidingWindow;
import org.convas.engine.teach.Volume;
import org.convas.samples.teach.LectureExamples;

import java.io.File;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The step-by-step explorer: the lecture's examples on the left; W, depth, F, S, P and the number of filters on
 * top (each change rebuilds the walk at once, also while it plays); the input volume with the window (padding as
 * grey zeros, the window that falls off the edge in red), the filter with its weights and bias, and the output
 * filling in; under them the current output value worked out with the actual numbers; play, pause, step, back
 * and speed at the bottom. Keys: Space plays or pauses, → and ← step, Home goes back to the start.
 */
public final class ExplorerView extends BorderPane {

    /** Most cells a grid shows along one side; larger planes show a viewport that follows the window. */
    static final int MAX_CELLS = 16;
    /** Most channels (input slices, filter slices, output maps) drawn side by side. */
    static final int MAX_SLICES = 4;

    private static final Color WINDOW = Color.web("#1f6fd1");
    private static final Color OFF_EDGE = Color.web("#d62828");
    private static final Color CURRENT = Color.web("#f08c00");
    private static final Color PADDING = Color.web("#e2e4e8");

    private final ExplorerModel vm;
    private final ListView<LectureExamples.Example> examples = new ListView<>();
    private final Label title = new Label();
    private final Label description = new Label();
    private final Label source = new Label();
    private final Label message = new Label();
    private final Label formula = new Label();
    private final Label problem = new Label();
    private final Label stepText = new Label();
    private final Label counter = new Label();
    private final FlowPane drawing = new FlowPane(28, 16);
    private final ComboBox<SlidingWindow.Operation> operation = new ComboBox<>();
    private final Spinner<Integer> width = spinner("teach-w", 1, ExplorerModel.MAX_SIDE);
    private final Spinner<Integer> depth = spinner("teach-depth", 1, ExplorerModel.MAX_DEPTH);
    private final Spinner<Integer> kernel = spinner("teach-f", 1, ExplorerModel.MAX_SIDE);
    private final Spinner<Integer> stride = spinner("teach-s", 1, ExplorerModel.MAX_SIDE);
    private final Spinner<Integer> padding = spinner("teach-p", 0, ExplorerModel.MAX_SIDE);
    private final Spinner<Integer> filters = spinner("teach-k", 1, ExplorerModel.MAX_FILTERS);
    private final Button play = new Button("Play");
    private final Slider speed = new Slider(0.25, 10, 1.5);
    private boolean syncing;
    private java.util.function.Supplier<File> imageChooser = this::chooseImage;
    private final AnimationTimer clock;

    public ExplorerView(ExplorerModel vm) {
        this.vm = vm;
        setId("teach-explorer");
        getStyleClass().add("teach-explorer");
        getStylesheets().add(ExplorerView.class.getResource("teach.css").toExternalForm());
        setLeft(examplesPanel());
        setCenter(centre());
        setFocusTraversable(true);

        vm.walkProperty().addListener((o, a, b) -> {
            syncControls();
            redraw();
        });
        vm.stepProperty().addListener((o, a, b) -> redraw());
        vm.playingProperty().addListener((o, a, now) -> play.setText(now ? "Pause" : "Play"));
        vm.messageProperty().addListener((o, a, m) -> showMessage(m));
        title.textProperty().bind(vm.titleProperty());
        description.textProperty().bind(vm.descriptionProperty());
        source.textProperty().bind(vm.sourceTextProperty());
        speed.valueProperty().bindBidirectional(vm.speedProperty());
        addEventFilter(KeyEvent.KEY_PRESSED, this::keyPressed);

        clock = new AnimationTimer() {
            private long last;

            @Override
            public void handle(long now) {
                if (!vm.playingProperty().get()) {
                    last = 0;
                    return;
                }
                if (last == 0) last = now;
                if (now - last >= 1e9 / Math.max(0.1, vm.speedProperty().get())) {
                    last = now;
                    vm.stepForward();
                }
            }
        };
        sceneProperty().addListener((o, a, s) -> {
            if (s == null) clock.stop();
            else clock.start();
        });
        syncControls();
        redraw();
        showMessage(vm.messageProperty().get());
    }

    public ExplorerModel viewModel() {
        return vm;
    }

    /** Replaces the file chooser of "Load an image…" (tests hand in a file). */
    public void setImageChooser(java.util.function.Supplier<File> chooser) {
        imageChooser = chooser;
    }

    // ---------------------------------------------------------------- layout

    private Node examplesPanel() {
        Label heading = new Label("Lecture examples");
        heading.getStyleClass().add("teach-heading");
        examples.setId("teach-examples");
        examples.getItems().setAll(LectureExamples.all());
        examples.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(LectureExamples.Example e, boolean empty) {
                super.updateItem(e, empty);
                setText(empty || e == null ? null : e.title());
                setWrapText(true);
                setPrefWidth(0);
                setTooltip(empty || e == null ? null : new Tooltip(e.description()));
            }
        });
        examples.getSelectionModel().selectedItemProperty().addListener((o, a, e) -> {
            if (e != null && !syncing) vm.showExample(e);
        });
        vm.example().ifPresent(e -> {
            syncing = true;
            examples.getSelectionModel().select(examples.getItems().stream().filter(x -> x.key().equals(e.key())).findFirst().orElse(null));
            syncing = false;
        });
        VBox.setVgrow(examples, Priority.ALWAYS);
        Button load = new Button("Load an image…");
        load.setId("teach-load-image");
        load.setTooltip(new Tooltip("Use a picture's pixels (PNG, JPEG, BMP, GIF) as the input volume"));
        load.setMaxWidth(Double.MAX_VALUE);
        load.setOnAction(e -> {
            File f = imageChooser.get();
            if (f != null && vm.loadImage(f.toPath())) examples.getSelectionModel().clearSelection();
        });
        source.setId("teach-source");
        source.setWrapText(true);
        source.getStyleClass().add("teach-source");
        VBox left = new VBox(8, heading, examples, load, source);
        left.setPadding(new Insets(10));
        left.setPrefWidth(270);
        left.setMinWidth(200);
        return left;
    }

    private Node centre() {
        title.setId("teach-title");
        title.getStyleClass().add("teach-title");
        title.setWrapText(true);
        description.setId("teach-description");
        description.setWrapText(true);
        description.setMinHeight(Region.USE_PREF_SIZE);
        title.setMinHeight(Region.USE_PREF_SIZE);
        message.setId("teach-message");
        message.getStyleClass().add("teach-message");
        message.setWrapText(true);

        operation.setId("teach-operation");
        operation.getItems().setAll(SlidingWindow.Operation.values());
        operation.setConverter(new StringConverter<>() {
            @Override
            public String toString(SlidingWindow.Operation op) {
                return op == null ? "" : op.title();
            }

            @Override
            public SlidingWindow.Operation fromString(String s) {
                return null;
            }
        });
        operation.valueProperty().addListener((o, a, op) -> {
            if (!syncing && op != null) vm.setOperation(op);
        });
        onChange(width, vm::setInputSize);
        onChange(depth, vm::setInputDepth);
        onChange(kernel, vm::setKernel);
        onChange(stride, vm::setStride);
        onChange(padding, vm::setPadding);
        onChange(filters, vm::setFilters);
        FlowPane params = new FlowPane(14, 6,
                labelled("Layer", operation), labelled("W = H", width), labelled("Depth D", depth), labelled("F", kernel),
                labelled("Stride S", stride), labelled("Padding P", padding), labelled("Filters K", filters));
        params.getStyleClass().add("teach-parameters");

        formula.setId("teach-formula");
        formula.getStyleClass().add("teach-formula");
        problem.setId("teach-problem");
        problem.getStyleClass().add("teach-problem");
        problem.setWrapText(true);
        problem.setMinHeight(Region.USE_PREF_SIZE);
        message.setMinHeight(Region.USE_PREF_SIZE);

        drawing.setId("teach-drawing");
        drawing.setPadding(new Insets(10));
        drawing.setAlignment(Pos.TOP_LEFT);
        drawing.setRowValignment(javafx.geometry.VPos.TOP);
        ScrollPane scroll = new ScrollPane(drawing);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(330);
        // The panels wrap below each other when the window (or the presentation zoom) leaves too little width.
        scroll.viewportBoundsProperty().addListener((o, a, b) -> drawing.setPrefWrapLength(Math.max(200, b.getWidth() - 24)));
        VBox.setVgrow(scroll, Priority.ALWAYS);

        stepText.setId("teach-step-text");
        stepText.getStyleClass().add("teach-step-text");
        stepText.setWrapText(true);
        stepText.setMinHeight(Region.USE_PREF_SIZE);

        VBox box = new VBox(8, title, description, params, formula, problem, message, scroll, stepText, transport());
        box.setPadding(new Insets(10));
        return box;
    }

    private Node transport() {
        Button reset = button("teach-reset", "Reset", "Back to the first window (Home)", vm::reset);
        Button back = button("teach-back", "◀ Back", "One step back (←)", vm::stepBack);
        play.setId("teach-play");
        play.setTooltip(new Tooltip("Play or pause the animation (Space)"));
        play.setOnAction(e -> vm.togglePlaying());
        play.setDefaultButton(false);
        play.setPrefWidth(80);
        Button step = button("teach-step", "Step ▶", "One step forward (→)", vm::stepForward);
        speed.setId("teach-speed");
        speed.setPrefWidth(150);
        Label speedText = new Label();
        speedText.textProperty().bind(vm.speedProperty().asString(Locale.ROOT, "%.2g steps/s"));
        counter.setId("teach-counter");
        counter.getStyleClass().add("teach-counter");
        for (Button b : new Button[] {reset, back, play, step}) b.setMinWidth(Region.USE_PREF_SIZE);
        speedText.setMinWidth(Region.USE_PREF_SIZE);
        counter.setMinWidth(Region.USE_PREF_SIZE);
        Label speedLabel = new Label("Speed");
        speedLabel.setMinWidth(Region.USE_PREF_SIZE);
        FlowPane bar = new FlowPane(10, 6, reset, back, play, step, speedLabel, speed, speedText, counter);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("teach-transport");
        return bar;
    }

    private Button button(String id, String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }

    private static Node labelled(String text, Node control) {
        Label l = new Label(text);
        l.setLabelFor(control);
        HBox box = new HBox(6, l, control);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static Spinner<Integer> spinner(String id, int min, int max) {
        Spinner<Integer> s = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, min));
        s.setId(id);
        s.setEditable(true);
        s.setPrefWidth(82);
        // Only digits reach the value factory; out-of-range numbers are clamped by it.
        s.getEditor().setTextFormatter(new TextFormatter<>(c -> c.getControlNewText().matches("\\d{0,4}") ? c : null));
        s.focusedProperty().addListener((o, was, now) -> {
            if (!now) commit(s);
        });
        s.getEditor().setOnAction(e -> commit(s));
        return s;
    }

    private static void commit(Spinner<Integer> s) {
        String text = s.getEditor().getText();
        if (text == null || text.isBlank()) {
            s.getEditor().setText(String.valueOf(s.getValue()));
            return;
        }
        try {
            s.getValueFactory().setValue(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            s.getEditor().setText(String.valueOf(s.getValue()));
        }
        s.getEditor().setText(String.valueOf(s.getValue()));
    }

    private void onChange(Spinner<Integer> s, IntConsumer action) {
        s.valueProperty().addListener((o, a, v) -> {
            if (!syncing && v != null) action.accept(v);
        });
    }

    private void syncControls() {
        syncing = true;
        try {
            SlidingWindow w = vm.walk();
            operation.setValue(w.operation());
            width.getValueFactory().setValue(vm.inputWidth());
            depth.getValueFactory().setValue(vm.inputDepth());
            kernel.getValueFactory().setValue(vm.kernel());
            stride.getValueFactory().setValue(vm.stride());
            padding.getValueFactory().setValue(vm.padding());
            boolean conv = w.operation() == SlidingWindow.Operation.CONVOLUTION;
            filters.setDisable(!conv);
            if (conv) filters.getValueFactory().setValue(vm.filters());
            if (vm.example().isEmpty()) examples.getSelectionModel().clearSelection();
            else if (examples.getSelectionModel().getSelectedItem() == null
                    || !examples.getSelectionModel().getSelectedItem().key().equals(vm.example().get().key())) {
                examples.getItems().stream().filter(x -> x.key().equals(vm.example().get().key())).findFirst()
                        .ifPresent(x -> examples.getSelectionModel().select(x));
            }
        } finally {
            syncing = false;
        }
    }

    private void showMessage(String m) {
        message.setText(m == null ? "" : m);
        message.setVisible(m != null && !m.isEmpty());
        message.setManaged(message.isVisible());
    }

    private void keyPressed(KeyEvent e) {
        if (e.getTarget() instanceof javafx.scene.control.TextInputControl) return;
        if (e.getCode() == KeyCode.SPACE) vm.togglePlaying();
        else if (e.getCode() == KeyCode.RIGHT) vm.stepForward();
        else if (e.getCode() == KeyCode.LEFT) vm.stepBack();
        else if (e.getCode() == KeyCode.HOME) vm.reset();
        else return;
        e.consume();
    }

    private File chooseImage() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Load an image as the input");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Images (*.png, *.jpg, *.jpeg, *.bmp, *.gif)", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif"),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        return chooser.showOpenDialog(getScene() == null ? null : getScene().getWindow());
    }

    // ---------------------------------------------------------------- drawing

    private void redraw() {
        SlidingWindow w = vm.walk();
        SlidingWindow.Step s = vm.step();
        formula.setText(w.report().isKnown() ? "Output: " + w.shapeFormula() + "  →  " + w.report().output()
                : "Output: " + w.shapeFormula());
        String problemText = w.problem().map(p -> p.text()).orElse("");
        if (!w.fits() && w.output().isPresent()) {
            problemText += ". The walk shows the " + w.output().get().width() + "×" + w.output().get().height()
                    + " windows that fit (as floor mode would) and, in red, the one that falls off.";
        }
        problem.setText(problemText);
        problem.setVisible(!problemText.isEmpty());
        problem.setManaged(!problemText.isEmpty());
        drawing.getChildren().clear();
        if (w.window().isEmpty() || s == null) {
            drawing.getChildren().add(inputPanel(w, null, null));
            stepText.setText("No window position fits this input: " + problemText);
            counter.setText("");
            return;
        }
        drawing.getChildren().addAll(inputPanel(w, w.window().get(), s));
        // The filter (or the pooling rule) above the output it produces.
        VBox right = new VBox(18, w.operation() == SlidingWindow.Operation.CONVOLUTION ? filterPanel(w, s) : poolPanel(w),
                outputPanel(w, s));
        drawing.getChildren().add(right);
        stepText.setText(String.join("\n", s.lines()));
        stepText.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("off-edge"), !s.fits());
        counter.setText("Step " + (s.index() + 1) + " of " + w.steps() + (s.fits()
                ? " · output " + s.map() + ", row " + s.outRow() + ", column " + s.outCol()
                : " · this window does not fit"));
    }

    /** The input slices the current step reads (up to {@value #MAX_SLICES}), with the window on each. */
    private Node inputPanel(SlidingWindow w, Window win, SlidingWindow.Step s) {
        Volume in = w.input();
        int pt = win == null ? 0 : win.padTop(), pl = win == null ? 0 : win.padLeft();
        int pb = win == null ? 0 : win.padBottom(), pr = win == null ? 0 : win.padRight();
        int rowMin = -pt, colMin = -pl;
        int rowMax = in.height() - 1 + pb, colMax = in.width() - 1 + pr;
        if (win != null && w.output().isPresent()) {
            Shape o = w.output().get();
            if (w.hasColumnThatFallsOff()) colMax = Math.max(colMax, o.width() * win.strideW() - pl + win.effectiveKernelW() - 1);
            if (w.hasRowThatFallsOff()) rowMax = Math.max(rowMax, o.height() * win.strideH() - pt + win.effectiveKernelH() - 1);
        }
        int first, count;
        if (s == null) {
            first = 0;
            count = Math.min(in.depth(), MAX_SLICES);
        } else {
            first = s.terms().isEmpty() ? 0 : s.terms().get(0).depth();
            int spanned = w.operation() == SlidingWindow.Operation.CONVOLUTION ? w.filterDepth() : 1;
            count = Math.min(spanned, MAX_SLICES);
        }
        // Several channels side by side: a smaller neighbourhood of the window, so the numbers stay readable.
        int kh = win == null ? 1 : win.effectiveKernelH(), kw = win == null ? 1 : win.effectiveKernelW();
        int budget = count <= 1 ? MAX_CELLS : count == 2 ? 11 : 8;
        int[] rows = viewport(rowMin, rowMax, s == null ? rowMin : s.top(), kh, Math.max(budget, kh + 2));
        int[] cols = viewport(colMin, colMax, s == null ? colMin : s.left(), kw, Math.max(budget, kw + 2));
        double cell = NumberGrid.cellSizeFor(Math.max(rows[1], cols[1]), 430, 40, 12);
        if (count > 1) cell = Math.min(cell, NumberGrid.cellSizeFor(cols[1] * count, 760, 40, 10));
        double[] range = rangeOf(in);
        HBox slices = new HBox(10);
        int winnerDepth = -1, winnerRow = 0, winnerCol = 0;
        if (s != null && s.winner() >= 0) {
            SlidingWindow.Term t = s.terms().get(s.winner());
            winnerDepth = t.depth();
            winnerRow = t.row();
            winnerCol = t.col();
        }
        for (int i = 0; i < count; i++) {
            int d = first + i;
            int rMax = rowMax, cMax = colMax;
            int padRowMax = in.height() - 1 + pb, padColMax = in.width() - 1 + pr;
            NumberGrid grid = new NumberGrid(rows[0], cols[0], rows[1], cols[1], cell, (r, c) -> {
                if (r > rMax || c > cMax) return null;
                if (in.inside(r, c)) {
                    double v = in.at(d, r, c);
                    double t = (v - range[0]) / Math.max(1e-12, range[1] - range[0]);
                    Color fill = Color.web("#ffffff").interpolate(Color.web("#2a62b8"), Math.max(0, Math.min(1, t)) * 0.85);
                    return new NumberGrid.Cell(SlidingWindow.number(v), fill, t > 0.6 ? Color.WHITE : Color.BLACK, false,
                            "in-" + d + "-" + r + "-" + c);
                }
                if (r <= padRowMax && c <= padColMax) return new NumberGrid.Cell("0", PADDING, Color.web("#6b7280"), false, null);
                return new NumberGrid.Cell("", Color.web("#fff5f5"), Color.BLACK, true, null);
            });
            if (s != null) {
                grid.mark(s.top(), s.left(), win.effectiveKernelH(), win.effectiveKernelW(), s.fits() ? WINDOW : OFF_EDGE, 3.5,
                        !s.fits(), i == 0 ? "teach-window" : null);
                if (winnerDepth == d) grid.mark(winnerRow, winnerCol, 1, 1, CURRENT, 3.5, false, "teach-winner");
                // A dilated filter reads only some cells of its window: frame each one it reads.
                if (win.dilation() > 1) {
                    for (SlidingWindow.Term t : s.terms()) {
                        if (t.depth() == d) grid.mark(t.row(), t.col(), 1, 1, s.fits() ? WINDOW : OFF_EDGE, 2, false, null);
                    }
                }
            }
            Label caption = new Label("channel " + d + (in.depth() > 1 ? " of " + in.depth() : ""));
            caption.getStyleClass().add("teach-caption");
            slices.getChildren().add(new VBox(4, caption, grid));
        }
        String heading = "Input " + in.shape() + (win != null && (pt + pl + pb + pr) > 0 ? ", padded with zeros (grey)" : "");
        Label title = new Label(heading);
        title.getStyleClass().add("teach-heading");
        VBox box = new VBox(6, title, slices);
        int hidden = s == null ? in.depth() - count
                : (w.operation() == SlidingWindow.Operation.CONVOLUTION ? w.filterDepth() : 1) - count;
        if (hidden > 0) box.getChildren().add(new Label("+ " + hidden + " more channels (in the sums, not drawn)"));
        if (rows[1] < rowMax - rowMin + 1 || cols[1] < colMax - colMin + 1) {
            box.getChildren().add(new Label("showing rows " + rows[0] + "–" + (rows[0] + rows[1] - 1) + ", columns "
                    + cols[0] + "–" + (cols[0] + cols[1] - 1) + " around the window"));
        }
        return box;
    }

    private Node filterPanel(SlidingWindow w, SlidingWindow.Step s) {
        int k = s.map();
        int fh = w.filterHeight(), fw = w.filterWidth();
        int count = Math.min(w.filterDepth(), MAX_SLICES);
        double cell = NumberGrid.cellSizeFor(Math.max(fh, fw * count), 420, 40, 10);
        HBox slices = new HBox(10);
        for (int dd = 0; dd < count; dd++) {
            int d = dd;
            NumberGrid grid = new NumberGrid(0, 0, fh, fw, cell, (r, c) -> {
                double v = w.weight(k, d, r, c);
                Color fill = v > 0 ? Color.web("#d8f3dc") : v < 0 ? Color.web("#ffe3e3") : Color.WHITE;
                return new NumberGrid.Cell(SlidingWindow.number(v), fill, Color.BLACK, false, "w-" + k + "-" + d + "-" + r + "-" + c);
            });
            slices.getChildren().add(grid);
        }
        Label title = new Label("Filter " + k + ": " + fh + "×" + fw + "×" + w.filterDepth());
        title.getStyleClass().add("teach-heading");
        Label bias = new Label(w.report().node().layer() instanceof org.convas.engine.spec.LayerSpec.Conv2D c && c.bias()
                ? "bias b" + k + " = " + SlidingWindow.number(w.bias(k)) : "no bias");
        bias.setId("teach-bias");
        bias.getStyleClass().add("teach-bias");
        VBox box = new VBox(6, title, slices, bias);
        if (w.filterDepth() > count) box.getChildren().add(new Label("+ " + (w.filterDepth() - count) + " more channels"));
        return box;
    }

    private Node poolPanel(SlidingWindow w) {
        Window win = w.window().orElseThrow();
        Label title = new Label(w.operation().title());
        title.getStyleClass().add("teach-heading");
        Label what = new Label(w.operation() == SlidingWindow.Operation.MAX_POOL
                ? "the largest of the " + win.kernelH() * win.kernelW() + " values under the window (orange)\nno weights, no bias"
                : "the mean of the " + win.kernelH() * win.kernelW() + " values under the window\n(padded zeros count)\nno weights, no bias");
        what.setWrapText(true);
        return new VBox(6, title, what);
    }

    private Node outputPanel(SlidingWindow w, SlidingWindow.Step s) {
        Shape o = w.output().orElseThrow();
        int colsAll = o.width() + (w.hasColumnThatFallsOff() ? 1 : 0);
        int rowsAll = o.height() + (w.hasRowThatFallsOff() ? 1 : 0);
        int[] rows = viewport(0, rowsAll - 1, s.outRow(), 1);
        int[] cols = viewport(0, colsAll - 1, s.outCol(), 1);
        int mapsShown = Math.min(w.maps(), MAX_SLICES);
        int firstMap = w.maps() <= MAX_SLICES ? 0 : Math.max(0, Math.min(s.map() - 1, w.maps() - MAX_SLICES));
        double cell = NumberGrid.cellSizeFor(Math.max(rows[1], cols[1] * Math.min(2, mapsShown)), 330, 44, 12);
        HBox maps = new HBox(10);
        for (int i = 0; i < mapsShown; i++) {
            int m = firstMap + i;
            NumberGrid grid = new NumberGrid(rows[0], cols[0], rows[1], cols[1], cell, (r, c) -> {
                boolean inside = r < o.height() && c < o.width();
                if (!inside) {
                    boolean current = !s.fits() && s.map() == m && s.outRow() == r && s.outCol() == c;
                    if (!current) return null;
                    return new NumberGrid.Cell("✗", Color.web("#ffe3e3"), OFF_EDGE, true, "out-off");
                }
                boolean done = w.stepOf(m, r, c) <= s.index();
                if (!done) return new NumberGrid.Cell("", Color.web("#f7f7f9"), Color.BLACK, false, null);
                return new NumberGrid.Cell(SlidingWindow.number(w.value(m, r, c)), Color.web("#fff4db"), Color.BLACK, false,
                        "out-" + m + "-" + r + "-" + c);
            });
            if (s.fits() && s.map() == m) grid.mark(s.outRow(), s.outCol(), 1, 1, CURRENT, 3.5, false, "teach-current");
            grid.onCellClicked((r, c) -> {
                vm.goToOutput(m, r, c);
                return 0;
            });
            Label caption = new Label(w.operation() == SlidingWindow.Operation.CONVOLUTION ? "map " + m + " (filter " + m + ")" : "channel " + m);
            caption.getStyleClass().add("teach-caption");
            maps.getChildren().add(new VBox(4, caption, grid));
        }
        Label title = new Label("Output " + o + (w.fits() ? "" : " (the windows that fit)"));
        title.getStyleClass().add("teach-heading");
        VBox box = new VBox(6, title, maps);
        if (w.maps() > mapsShown) box.getChildren().add(new Label("maps " + firstMap + "–" + (firstMap + mapsShown - 1) + " of " + w.maps()));
        Label hint = new Label("click an output value to see how it was computed");
        hint.getStyleClass().add("teach-hint");
        box.getChildren().add(hint);
        return box;
    }

    /** [first, count] of at most {@value #MAX_CELLS} positions within [min, max] that keep [at, at + span) in view. */
    static int[] viewport(int min, int max, int at, int span) {
        return viewport(min, max, at, span, MAX_CELLS);
    }

    /** [first, count] of at most {@code cells} positions within [min, max] that keep [at, at + span) in view. */
    static int[] viewport(int min, int max, int at, int span, int cells) {
        int total = max - min + 1;
        if (total <= cells) return new int[] {min, total};
        int first = at - (cells - span) / 2;
        first = Math.max(min, Math.min(first, max - cells + 1));
        return new int[] {first, cells};
    }

    /** The value range of the input on show, computed once per input (a deep block's input holds millions). */
    private double[] rangeOf(Volume v) {
        if (v != rangeVolume) {
            rangeVolume = v;
            range = range(v);
        }
        return range;
    }

    private Volume rangeVolume;
    private double[] range;

    private static double[] range(Volume v) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double x : v.values()) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return new double[] {lo, hi};
    }
}
