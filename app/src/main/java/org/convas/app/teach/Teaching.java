package org.convas.app.teach;

import javafx.beans.value.ObservableValue;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import org.convas.app.MainWindow;
import org.convas.app.designer.DesignerView;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.train.TrainingEvents.Snapshot;
import org.convas.samples.teach.LectureComparisons;
import org.convas.samples.teach.LectureExamples;
import org.convas.visualizer.inspect.ActivationView;

import java.util.Objects;

/**
 * Teach mode, plugged into the main window: a "Teach" tab (step by step, compare, case studies) that opens on the
 * lecture's 7×7 / 3×3 / stride-3 example; a Teach menu with every example and comparison and "Step Through the
 * Selected Block"; "What this layer does" in the designer's inspector; the View menu's presentation zoom and
 * presentation mode; and the receptive field of a clicked activation in the Train tab.
 */
public final class Teaching {

    /** The accelerator of "Step Through the Selected Block". */
    public static final KeyCombination STEP_THROUGH_BLOCK = new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN);

    private final MainWindow window;
    private final ExplorerModel explorer = new ExplorerModel();
    private final CompareModel compare = new CompareModel();
    private final ExplorerView explorerView = new ExplorerView(explorer);
    private final CompareView compareView;
    private final CaseStudiesView caseStudies = new CaseStudiesView();
    private final TabPane sections = new TabPane();
    private final Tab teachTab = new Tab("Teach");
    private final Tab stepTab = new Tab("Step by step");
    private final Tab compareTab = new Tab("Compare");
    private final Tab casesTab = new Tab("Case studies");
    private final ExplanationPanel explanation;
    private final DesignerView designer;
    private PresentationZoom zoom;
    private ObservableValue<Snapshot> snapshots;
    private Stage stage;
    private boolean zoomBeforePresentationSet;
    private double zoomBeforePresentation = 1;

    private Teaching(MainWindow window, DesignerView designer) {
        this.window = Objects.requireNonNull(window);
        this.designer = Objects.requireNonNull(designer);
        ObservableValue<NetworkSpec> network = designer.viewModel().specProperty();
        compareView = new CompareView(compare, network, this::selectedBlockAlone);
        explanation = new ExplanationPanel(designer.selectedNodeIdProperty(), designer.reportProperty());
        explanation.setOnStepThrough(b -> stepThrough(b.id(), b.report()));
        caseStudies.setOnOpen(p -> {
            designer.newFrom(p);
            window.showDesign();
        });
    }

    /**
     * Installs Teach mode into a main window whose designer is mounted and whose training view is set.
     *
     * @param training the Train tab's activation view, or null when there is none
     */
    public static Teaching install(MainWindow window, DesignerView designer, ActivationView training) {
        return install(window, designer, training, null);
    }

    /**
     * As {@link #install(MainWindow, DesignerView, ActivationView)}, and "Step through it" uses the numbers of the
     * Train tab's latest snapshot (its image, activations and weights) when it is of the network on show.
     */
    public static Teaching install(MainWindow window, DesignerView designer, ActivationView training,
                                   ObservableValue<Snapshot> snapshots) {
        Teaching t = new Teaching(window, designer);
        t.snapshots = snapshots;
        t.sections.setId("teach-sections");
        t.sections.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        t.stepTab.setId("tab-teach-step");
        t.stepTab.setContent(t.explorerView);
        t.compareTab.setId("tab-teach-compare");
        t.compareTab.setContent(t.compareView);
        t.casesTab.setId("tab-teach-cases");
        t.casesTab.setContent(t.caseStudies);
        t.sections.getTabs().setAll(t.stepTab, t.compareTab, t.casesTab);
        t.teachTab.setId("tab-teach");
        // Leaving the tab pauses the animation: nobody is watching it.
        t.teachTab.selectedProperty().addListener((o, was, now) -> {
            if (!now) t.explorer.stop();
        });
        t.stepTab.selectedProperty().addListener((o, was, now) -> {
            if (!now) t.explorer.stop();
        });
        t.teachTab.setContent(t.sections);
        t.teachTab.setTooltip(new javafx.scene.control.Tooltip(
                "Watch a convolution step by step (the lecture's 7×7 input, 3×3 filter, stride 3), compare networks, case studies"));
        window.addModeTab(t.teachTab);
        designer.inspector().addSection(t.explanation);
        t.addMenus(window.menus());
        if (training != null) {
            // The Train tab shows the activations of the network on show: its calculator report gives the fields.
            training.setReceptiveFields((name, shape) -> {
                NetworkReport r = designer.reportProperty().get();
                return r == null ? null : r.find(name).filter(l -> shape.equals(l.output())).map(LayerReport::receptiveField).orElse(null);
            });
        }
        return t;
    }

    /**
     * Wraps the window's content in a {@link PresentationZoom} (the scene's root) and lets View ▸ Presentation Mode
     * take the stage to full screen.
     */
    public PresentationZoom zoomable(Stage stage) {
        this.stage = stage;
        zoom = new PresentationZoom(window);
        zoom.sceneProperty().addListener((o, was, scene) -> {
            if (scene == null) return;
            scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ADD, KeyCombination.SHORTCUT_DOWN), zoom::zoomIn);
            scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PLUS, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_ANY), zoom::zoomIn);
            scene.getAccelerators().put(new KeyCodeCombination(KeyCode.SUBTRACT, KeyCombination.SHORTCUT_DOWN), zoom::zoomOut);
        });
        if (stage != null) {
            stage.fullScreenProperty().addListener((o, was, now) -> {
                if (!now && zoomBeforePresentationSet) {
                    zoom.setZoom(zoomBeforePresentation);
                    zoomBeforePresentationSet = false;
                }
                presentationItem.setSelected(now);
            });
        }
        return zoom;
    }

    /** The block selected in the designer as a network of its own (its input shape → the block), or null. */
    NetworkSpec selectedBlockAlone() {
        String id = designer.selectedNodeIdProperty().get();
        NetworkReport r = designer.reportProperty().get();
        LayerReport l = id == null || r == null ? null : r.find(id).orElse(null);
        if (l == null || l.inputShapes().size() != 1 || l.inputShapes().get(0) == null
                || l.node().layer() instanceof org.convas.engine.spec.LayerSpec.Input) {
            return null;
        }
        org.convas.engine.spec.Shape in = l.inputShapes().get(0);
        return NetworkSpec.builder(id + " (" + l.node().layer().label() + ")").floorMode(r.spec().floorMode())
                .input(in.width(), in.height(), in.depth()).add(id, l.node().layer()).build();
    }

    public ExplorerModel explorer() { return explorer; }

    public CompareModel compare() { return compare; }

    public ExplanationPanel explanation() { return explanation; }

    public Tab teachTab() { return teachTab; }

    // ---------------------------------------------------------------- commands

    /** Opens the Teach tab on a lecture example. */
    public void showExample(String key) {
        LectureExamples.find(key).ifPresent(explorer::showExample);
        showStepByStep();
    }

    public void showStepByStep() {
        window.showTab(teachTab);
        sections.getSelectionModel().select(stepTab);
    }

    public void showComparison(LectureComparisons.Template t) {
        compare.showTemplate(t);
        window.showTab(teachTab);
        sections.getSelectionModel().select(compareTab);
    }

    /** Steps through a designer block: its layer on its input shape. */
    public void stepThrough(String id, LayerReport report) {
        NetworkValues values = snapshots == null ? null : NetworkValues.from(snapshots.getValue(), report).orElse(null);
        explorer.showBlock(id, report.node().layer(), report.inputShapes().get(0), values);
        showStepByStep();
    }

    /** Steps through the block selected in the designer, when it is a Conv or Pool block with a known input. */
    public boolean stepThroughSelection() {
        String id = designer.selectedNodeIdProperty().get();
        NetworkReport r = designer.reportProperty().get();
        LayerReport l = id == null || r == null ? null : r.find(id).orElse(null);
        if (l == null || !LayerExplanation.canStepThrough(l.node().layer()) || l.inputShapes().isEmpty() || l.inputShapes().get(0) == null) {
            return false;
        }
        stepThrough(id, l);
        return true;
    }

    private final CheckMenuItem presentationItem = new CheckMenuItem("Presentation Mode");

    public void setPresentationMode(boolean on) {
        if (zoom == null) return;
        if (on) {
            if (!zoomBeforePresentationSet) {
                zoomBeforePresentation = zoom.getZoom();
                zoomBeforePresentationSet = true;
            }
            if (zoom.getZoom() < PresentationZoom.PRESENTATION) zoom.setZoom(PresentationZoom.PRESENTATION);
            if (stage != null) stage.setFullScreen(true);
        } else {
            if (stage != null && stage.isFullScreen()) stage.setFullScreen(false);
            if (zoomBeforePresentationSet) {
                zoom.setZoom(zoomBeforePresentation);
                zoomBeforePresentationSet = false;
            }
        }
        presentationItem.setSelected(on);
    }

    // ---------------------------------------------------------------- menus

    private void addMenus(MenuBar bar) {
        if (bar == null) return;
        Menu view = bar.getMenus().stream().filter(m -> "View".equals(m.getText())).findFirst().orElse(null);
        if (view == null) {
            view = new Menu("View");
            bar.getMenus().add(view);
        }
        MenuItem in = item("Presentation Zoom In", "menu-zoom-in", () -> {
            if (zoom != null) zoom.zoomIn();
        });
        // Ctrl+= and Ctrl++ (Shift+= on most keyboards); the keypad's + and − are added to the scene below.
        in.setAccelerator(new KeyCodeCombination(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_ANY));
        MenuItem out = item("Presentation Zoom Out", "menu-zoom-out", () -> {
            if (zoom != null) zoom.zoomOut();
        });
        out.setAccelerator(new KeyCodeCombination(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN));
        MenuItem reset = item("Presentation Zoom 100 %", "menu-zoom-reset", () -> {
            if (zoom != null) zoom.reset();
        });
        reset.setAccelerator(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN, KeyCombination.ALT_DOWN));
        presentationItem.setId("menu-presentation");
        presentationItem.setAccelerator(new KeyCodeCombination(KeyCode.F11));
        presentationItem.setOnAction(e -> setPresentationMode(presentationItem.isSelected()));
        view.getItems().addAll(new SeparatorMenuItem(), in, out, reset, presentationItem);
        view.setOnShowing(e -> reset.setText("Presentation Zoom 100 %" + (zoom == null || zoom.getZoom() == 1.0 ? "" : "  (now " + zoom.percentText() + ")")));

        Menu teach = new Menu("Teach");
        teach.setId("menu-teach");
        MenuItem stride3 = item("Step Through a Convolution: 7×7 Input, 3×3 Filter, Stride 3", "menu-teach-stride3",
                () -> showExample(LectureExamples.STRIDE_THREE));
        Menu examples = new Menu("Lecture Examples");
        for (LectureExamples.Example e : LectureExamples.all()) {
            examples.getItems().add(item(e.title(), "menu-teach-example-" + e.key(), () -> showExample(e.key())));
        }
        MenuItem selected = item("Step Through the Selected Block", "menu-teach-selected", () -> {
            if (!stepThroughSelection()) {
                showStatus("Select a Conv, MaxPool or AvgPool block (with a known input) to step through it.");
            }
        });
        selected.setAccelerator(STEP_THROUGH_BLOCK);
        Menu comparisons = new Menu("Compare");
        for (LectureComparisons.Template t : LectureComparisons.all()) {
            comparisons.getItems().add(item(t.title(), "menu-compare-" + t.key(), () -> showComparison(t)));
        }
        comparisons.getItems().addAll(new SeparatorMenuItem(), item("Compare Two Networks…", "menu-compare-any", () -> {
            window.showTab(teachTab);
            sections.getSelectionModel().select(compareTab);
        }));
        MenuItem cases = item("Case Studies: the Lecture's Networks by Year", "menu-teach-cases", () -> {
            window.showTab(teachTab);
            sections.getSelectionModel().select(casesTab);
        });
        teach.getItems().addAll(stride3, examples, selected, new SeparatorMenuItem(), comparisons, cases);
        bar.getMenus().add(teach);
    }

    private void showStatus(String text) {
        javafx.scene.control.Alert alert = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION, text,
                javafx.scene.control.ButtonType.OK);
        alert.setHeaderText("Nothing to step through");
        alert.getDialogPane().setId("teach-nothing-selected");
        if (window.getScene() != null) alert.initOwner(window.getScene().getWindow());
        alert.show();
    }

    private static MenuItem item(String text, String id, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setId(id);
        m.setOnAction(e -> action.run());
        return m;
    }
}
