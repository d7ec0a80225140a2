package org.convas.app;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
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
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.convas.app.designer.DesignerView;
import org.convas.samples.Preset;
import org.convas.visualizer.summary.ProblemList;
import org.convas.visualizer.summary.SummaryTable;

import java.io.File;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The main window's content: menu and tool bar on top (File &gt; Open…, the preset chooser), a work area,
 * and a status line. The work area shows the {@link SummaryTable} above the {@link ProblemList} until a
 * centre view (the designer canvas) is given with {@link #setCenterView}: then the centre view takes the top
 * of the work area and the table and problem list share a dock below it.
 */
public final class MainWindow extends BorderPane {

    /** What the preset chooser says while the network on show came from a file. */
    static final String FROM_FILE = "From a file";

    private final MainViewModel model;
    private final SummaryTable summary = new SummaryTable();
    private final ProblemList problems = new ProblemList();
    private final SplitPane workArea = new SplitPane();
    private final SplitPane dock = new SplitPane();
    private final ComboBox<Preset> presetChooser = new ComboBox<>();
    private final Label status = new Label();
    private Node centerView;
    private MenuBar mainMenu;
    /** What choosing a preset does; the designer, once mounted, opens it as a new document. */
    private java.util.function.Consumer<Preset> presetAction;
    /** What File &gt; Open does; the designer, once mounted, asks about unsaved work first. */
    private Runnable openAction = this::chooseAndOpen;
    private final TabPane modes = new TabPane();
    private final ToolBar toolBar;
    private final Tab designTab = new Tab("Design");
    private final Tab trainTab = new Tab("Train");
    private Runnable onQuit = () -> {
        if (getScene() != null && getScene().getWindow() != null) getScene().getWindow().hide();
    };

    public MainWindow(MainViewModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.presetAction = model::loadPreset;
        getStyleClass().add("main-window");
        getStylesheets().add(Objects.requireNonNull(MainWindow.class.getResource("main-window.css")).toExternalForm());

        toolBar = toolBar();
        mainMenu = menuBar();
        setTop(new VBox(mainMenu, toolBar));
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
     * Puts a view (the designer canvas) in the centre of the work area, with the summary table and problem
     * list docked below it; {@code null} gives the work area back to the table and the problem list.
     */
    public void setCenterView(Node view) {
        centerView = view;
        layOutWorkArea();
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
        mainMenu = bar;
        model.setSpec(designer.viewModel().spec());
        designer.viewModel().specProperty().addListener((obs, old, now) -> model.setSpec(now));
        model.selectedNodeIdProperty().bindBidirectional(designer.selectedNodeIdProperty());
        setCenterView(designer);
    }

    /** The File menu of the window's menu bar (features add their items to it). */
    public Menu fileMenu() {
        return mainMenu.getMenus().get(0);
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

    /** File &gt; Open…: asks for a network JSON file and opens it. */
    public void chooseAndOpen() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a network");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Convas networks (*.json)", "*.json"),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        Path current = model.getFile();
        if (current != null && current.toAbsolutePath().getParent() != null) {
            chooser.setInitialDirectory(current.toAbsolutePath().getParent().toFile());
        }
        File chosen = chooser.showOpenDialog(window());
        if (chosen != null) open(chosen.toPath());
    }

    /** Opens a file; when it cannot be loaded an alert gives the exact message and the current network stays. */
    public void open(Path file) {
        Optional<String> error = model.open(file);
        error.ifPresent(message -> {
            Alert alert = new Alert(Alert.AlertType.ERROR, message, ButtonType.OK);
            alert.setTitle("Cannot open " + file.getFileName());
            alert.setHeaderText("This file cannot be opened; the current network is unchanged.");
            alert.getDialogPane().setId("open-error");
            alert.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
            alert.getDialogPane().setPrefWidth(560);
            if (window() != null) alert.initOwner(window());
            alert.show();
        });
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private void layOutWorkArea() {
        if (centerView == null) {
            dock.getItems().clear();
            workArea.getItems().setAll(summary, problems);
            workArea.setDividerPositions(0.78);
        } else {
            dock.getItems().setAll(summary, problems);
            dock.setDividerPositions(0.72);
            workArea.getItems().setAll(centerView, dock);
            workArea.setDividerPositions(0.58);
        }
    }

    private MenuBar menuBar() {
        MenuItem open = new MenuItem("Open…");
        open.setId("menu-open");
        open.setAccelerator(KeyCombination.keyCombination("Shortcut+O"));
        open.setOnAction(e -> openAction.run());
        MenuItem quit = new MenuItem("Quit");
        quit.setId("menu-quit");
        quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
        quit.setOnAction(e -> onQuit.run());
        Menu file = new Menu("File", null, open, new SeparatorMenuItem(), quit);

        Menu presets = new Menu("Presets");
        for (Preset p : model.presets()) {
            MenuItem item = new MenuItem(p.title());
            item.setOnAction(e -> presetAction.accept(p));
            presets.getItems().add(item);
        }
        return new MenuBar(file, presets);
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
        // A network from a file has no preset: the button then says so instead of going blank. The skin shows
        // the prompt text for a null value, the button cell covers the other paths.
        presetChooser.setPromptText(FROM_FILE);
        presetChooser.setButtonCell(new ListCell<>() {
            @Override
            protected void updateItem(Preset p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? FROM_FILE : p.title());
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
            if (chosen != null && chosen != model.getPreset()) presetAction.accept(chosen);
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
