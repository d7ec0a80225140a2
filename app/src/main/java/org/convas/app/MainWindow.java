package org.convas.app;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.convas.app.designer.DesignerView;
import org.convas.samples.Preset;
import org.convas.visualizer.summary.ProblemList;
import org.convas.visualizer.summary.SummaryTable;

import java.util.Objects;

/**
 * The main window's content: the designer's menus and the tool bar on top (the preset chooser, Open), a work
 * area and a status line. Once {@link #mountDesigner mounted}, the designer takes most of the work area and
 * the {@link SummaryTable} and {@link ProblemList} share a dock below it, following its network and selection.
 */
public final class MainWindow extends BorderPane {

    /** The share of the work area's height the designer gets at first (the summary dock has the rest). */
    static final double DESIGNER_SHARE = 0.7;

    private final MainViewModel model;
    private final SummaryTable summary = new SummaryTable();
    private final ProblemList problems = new ProblemList();
    private final SplitPane workArea = new SplitPane();
    private final SplitPane dock = new SplitPane();
    private final ComboBox<Preset> presetChooser = new ComboBox<>();
    private final Label status = new Label();
    private Node centerView;
    /** What choosing a preset does: the mounted designer opens it as a new document (asking about unsaved work). */
    private java.util.function.Consumer<Preset> presetAction = p -> { };
    /** What Open does: the mounted designer asks about unsaved work first. */
    private Runnable openAction = () -> { };
    private final TabPane modes = new TabPane();
    private final ToolBar toolBar;
    private final Tab designTab = new Tab("Design");
    private final Tab trainTab = new Tab("Train");
    private Runnable onQuit = () -> {
        if (getScene() != null && getScene().getWindow() != null) getScene().getWindow().hide();
    };

    public MainWindow(MainViewModel model) {
        this.model = Objects.requireNonNull(model, "model");
        getStyleClass().add("main-window");
        getStylesheets().add(Objects.requireNonNull(MainWindow.class.getResource("main-window.css")).toExternalForm());

        toolBar = toolBar();
        setTop(new VBox(toolBar));
        workArea.setOrientation(Orientation.VERTICAL);
        workArea.setId("work-area");
        dock.setOrientation(Orientation.HORIZONTAL);
        dock.setId("summary-dock");
        layOutWorkArea();
        setCenter(workArea);
        status.setId("status");
        status.getStyleClass().add("status-line");
        status.setMaxWidth(Double.MAX_VALUE);
        status.textProperty().bind(model.statusProperty());
        setBottom(status);

        summary.setReport(model.getReport());
        problems.setReport(model.getReport());
        model.reportProperty().addListener((obs, old, now) -> {
            summary.setReport(now);
            problems.setReport(now);
        });
        summary.selectedNodeIdProperty().bindBidirectional(model.selectedNodeIdProperty());
        problems.selectedNodeIdProperty().bindBidirectional(model.selectedNodeIdProperty());
    }


    /**
     * Makes the designer the window's document: it takes the centre, its File/Edit/View menus join the
     * window's menu bar, the preset chooser and Open go through it (so unsaved work is asked about first),
     * and the summary table and problem list follow its network and selection on every edit.
     */
    public void mountDesigner(DesignerView designer) {
        designer.setMenuBarShown(false);
        java.util.List<Menu> menus = new java.util.ArrayList<>(designer.menus().getMenus());
        designer.menus().getMenus().clear();
        presetAction = designer::newFrom;
        openAction = designer::open;
        MenuBar bar = new MenuBar();
        bar.setId("main-menu");
        bar.getMenus().addAll(menus);
        MenuItem quit = new MenuItem("Quit");
        quit.setId("menu-quit");
        quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
        quit.setOnAction(e -> onQuit.run());
        menus.get(0).getItems().addAll(new SeparatorMenuItem(), quit);
        setTop(new VBox(bar, toolBar));
        var vm = designer.viewModel();
        model.setSpec(vm.spec());
        model.setDocument(vm.documentNameProperty().get(), vm.presetProperty().get());
        vm.specProperty().addListener((obs, old, now) -> model.setSpec(now));
        // The chooser and the status line name the open document: its preset, or its file, or "Untitled".
        vm.documentNameProperty().addListener((obs, old, now) -> model.setDocument(now, vm.presetProperty().get()));
        vm.presetProperty().addListener((obs, old, now) -> model.setDocument(vm.documentNameProperty().get(), now));
        model.selectedNodeIdProperty().bindBidirectional(designer.selectedNodeIdProperty());
        problems.setOnApplyFix(vm::applyFix);
        centerView = designer;
        layOutWorkArea();
    }

    public Node getCenterView() {
        return centerView;
    }

    /**
     * Adds the training workspace: the window then shows two tabs, "Design" (the work area as before) and "Train"
     * (this view); {@code null} removes it again.
     */
    public void setTrainingView(Node view) {
        if (view == null) {
            designTab.setContent(null);
            modes.getTabs().clear();
            setCenter(workArea);
            return;
        }
        modes.setId("mode-tabs");
        modes.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        designTab.setId("tab-design");
        trainTab.setId("tab-train");
        designTab.setContent(workArea);
        trainTab.setContent(view);
        modes.getTabs().setAll(designTab, trainTab);
        setCenter(modes);
    }

    /** The training view set with {@link #setTrainingView}, or null. */
    public Node getTrainingView() {
        return trainTab.getContent();
    }

    /** The window's menu bar (the designer's menus once it is mounted), for other features to add menus to; null if none. */
    public MenuBar menus() {
        if (getTop() instanceof VBox top) {
            for (Node n : top.getChildren()) if (n instanceof MenuBar bar) return bar;
        }
        return null;
    }

    /** Adds a tab after Design and Train (call after {@link #setTrainingView}); {@link #showTab} brings it to the front. */
    public void addModeTab(Tab tab) {
        if (modes.getTabs().isEmpty()) {
            modes.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
            designTab.setId("tab-design");
            designTab.setContent(workArea);
            modes.getTabs().setAll(designTab);
            modes.setId("mode-tabs");
            setCenter(modes);
        }
        modes.getTabs().add(tab);
    }

    public void showTab(Tab tab) {
        if (modes.getTabs().contains(tab)) modes.getSelectionModel().select(tab);
    }

    /** Brings the "Design" tab to the front. */
    public void showDesign() {
        if (modes.getTabs().contains(designTab)) modes.getSelectionModel().select(designTab);
    }

    /** Brings the "Train" tab to the front (when a training view was set). */
    public void showTraining() {
        if (modes.getTabs().contains(trainTab)) modes.getSelectionModel().select(trainTab);
    }

    public SummaryTable summaryTable() {
        return summary;
    }

    public ProblemList problemList() {
        return problems;
    }

    /** What Quit (Ctrl+Q) does; by default it closes this window. */
    public void setOnQuit(Runnable action) {
        onQuit = Objects.requireNonNull(action);
    }

    /** The designer on top with most of the height; the summary table and the problem list side by side below. */
    private void layOutWorkArea() {
        dock.getItems().setAll(summary, problems);
        dock.setDividerPositions(0.72);
        if (centerView == null) {
            workArea.getItems().setAll(dock);
        } else {
            workArea.getItems().setAll(centerView, dock);
            workArea.setDividerPositions(DESIGNER_SHARE);
        }
    }

    private ToolBar toolBar() {
        presetChooser.setId("preset-chooser");
        presetChooser.getItems().setAll(model.presets());
        presetChooser.setVisibleRowCount(Math.min(12, Math.max(1, model.presets().size())));
        presetChooser.setConverter(new StringConverter<>() {
            @Override
            public String toString(Preset p) {
                return p == null ? "" : p.title();
            }

            @Override
            public Preset fromString(String s) {
                return model.presets().stream().filter(p -> p.title().equals(s)).findFirst().orElse(null);
            }
        });
        // A network from a file or a new one has no preset: the button then names the open document instead of
        // a preset it is not. The skin shows the prompt text for a null value, the button cell covers the rest.
        presetChooser.promptTextProperty().bind(model.documentNameProperty());
        presetChooser.setButtonCell(new ListCell<>() {
            {
                model.documentNameProperty().addListener((o, a, b) -> updateItem(getItem(), isEmpty()));
            }

            @Override
            protected void updateItem(Preset p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? model.getDocumentName() : p.title());
            }
        });
        presetChooser.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(Preset p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : p.title());
                setTooltip(empty || p == null ? null : new Tooltip(p.description()));
            }
        });
        presetChooser.setValue(model.getPreset());
        presetChooser.valueProperty().addListener((obs, old, chosen) -> {
            if (chosen == null || chosen == model.getPreset()) return;
            presetAction.accept(chosen);
            // Declined (unsaved work kept): the chooser goes back to naming the document still open.
            if (model.getPreset() != chosen) javafx.application.Platform.runLater(() -> presetChooser.setValue(model.getPreset()));
        });
        model.presetProperty().addListener((obs, old, now) -> presetChooser.setValue(now));

        Button open = new Button("Open…");
        open.setId("button-open");
        open.setTooltip(new Tooltip("Open a network JSON file (Ctrl+O)"));
        open.setOnAction(e -> openAction.run());

        Label presetLabel = new Label("Network:");
        HBox spacer = new HBox();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ToolBar bar = new ToolBar(presetLabel, presetChooser, open, spacer);
        bar.getStyleClass().add("main-tool-bar");
        return bar;
    }
}
