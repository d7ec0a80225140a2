package org.convas.app.designer;

import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.AbstractPropertyEditor;
import org.controlsfx.property.editor.Editors;
import org.controlsfx.property.editor.PropertyEditor;
import org.convas.engine.calc.Fix;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.Problem;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The selected block's hyperparameters in a ControlsFX {@link PropertySheet}. Every change that parses is a
 * {@code SetLayer} command at once (typing into one field merges into one undo step), so shapes and problems
 * update as you type; text that does not parse shows its error here and leaves the network as it was.
 */
public final class InspectorView extends VBox {

    private final DesignerViewModel vm;
    private final PropertySheet sheet = new PropertySheet();
    private final Label header = new Label();
    private final Label error = new Label();
    private final Label details = new Label();
    private final TextField name = new TextField();
    private final VBox fixes = new VBox(4);
    private final VBox network = new VBox(6);
    private final TextField networkName = new TextField();
    private final javafx.scene.control.CheckBox floorMode = new javafx.scene.control.CheckBox("Floor mode");
    private final javafx.scene.control.ComboBox<org.convas.engine.spec.WeightInit> weightInit = new javafx.scene.control.ComboBox<>();
    private String shownId;
    private LayerSpec shownLayer;
    private boolean shownTrainable = true;
    private boolean refreshQueued;

    public InspectorView(DesignerViewModel vm) {
        this.vm = vm;
        setId("inspector");
        getStyleClass().add("inspector");
        setSpacing(6);
        header.setId("inspector-title");
        header.getStyleClass().add("inspector-title");
        header.setWrapText(true);
        error.setId("inspector-error");
        error.getStyleClass().add("inspector-error");
        error.setWrapText(true);
        error.setManaged(false);
        error.setVisible(false);
        details.setId("inspector-details");
        details.getStyleClass().add("inspector-details");
        details.setWrapText(true);
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        sheet.setMode(PropertySheet.Mode.NAME);
        sheet.setPropertyEditorFactory(this::editorFor);
        VBox.setVgrow(details, Priority.NEVER);
        name.setId("block-name");
        name.setPromptText("block name");
        name.setTooltip(new javafx.scene.control.Tooltip("The block's name (its id): Enter renames it (F2 also does)"));
        name.setOnAction(e -> commitName());
        name.focusedProperty().addListener((o, was, now) -> {
            if (!now) commitName();
        });
        fixes.setId("inspector-fixes");
        networkName.setId("network-name");
        networkName.setOnAction(e -> commitNetworkName());
        networkName.focusedProperty().addListener((o, was, now) -> {
            if (!now) commitNetworkName();
        });
        floorMode.setId("floor-mode");
        floorMode.setWrapText(true);
        floorMode.setOnAction(e -> vm.setFloorMode(floorMode.isSelected()));
        Label floorHelp = new Label("Off: a window that does not fit its input exactly is an error. On: it is floored as PyTorch "
                + "and Keras do, and a warning names the pixels left unused.");
        floorHelp.setWrapText(true);
        floorHelp.getStyleClass().add("inspector-details");
        Label networkTitle = new Label("Network");
        networkTitle.getStyleClass().add("inspector-title");
        network.setId("inspector-network");
        weightInit.getItems().setAll(org.convas.engine.spec.WeightInit.values());
        weightInit.setId("weight-init");
        weightInit.setMaxWidth(Double.MAX_VALUE);
        weightInit.setOnAction(e -> vm.setWeightInit(weightInit.getValue()));
        Label initHelp = new Label("How the weights start when the network is trained: He keeps the variance through ReLUs; "
                + "Xavier suits tanh and sigmoid. Biases start at 0.");
        initHelp.setWrapText(true);
        initHelp.getStyleClass().add("inspector-details");
        network.getChildren().addAll(networkTitle, new Label("Name"), networkName, floorMode, floorHelp,
                new Label("Weight initialisation"), weightInit, initHelp);
        getChildren().addAll(header, name, sheet, error, details, fixes, network);
        // Coalesced: a selection that flickers (a table clearing and restoring it) does not rebuild the editors.
        vm.selectedNodeIdProperty().addListener((o, a, b) -> {
            if (refreshQueued) return;
            refreshQueued = true;
            javafx.application.Platform.runLater(() -> {
                refreshQueued = false;
                refresh();
            });
        });
        vm.revisionProperty().addListener((o, a, b) -> refresh());
        refresh();
    }

    /** Adds a section below the block's settings and details (Teach mode's "What this layer does"). */
    public void addSection(javafx.scene.Node section) {
        getChildren().add(section);
    }

    private void refresh() {
        String id = vm.selectedNodeIdProperty().get();
        Optional<Node> node = id == null ? Optional.empty() : vm.spec().find(id);
        boolean floor = vm.spec().floorMode();
        if (floorMode.isSelected() != floor) floorMode.setSelected(floor);
        if (weightInit.getValue() != vm.spec().weightInit()) weightInit.setValue(vm.spec().weightInit());
        if (!networkName.isFocused()) networkName.setText(vm.spec().name());
        show(name, node.isPresent());
        show(network, node.isEmpty());
        if (node.isEmpty()) {
            shownId = null;
            shownLayer = null;
            fixes.getChildren().clear();
            header.setText("No block selected");
            sheet.getItems().clear();
            sheet.setVisible(false);
            sheet.setManaged(false);
            showError(null);
            details.setText("Select a block to edit its settings. Drag blocks from the palette, or double-click one to append it.");
            return;
        }
        Node n = node.get();
        if (!n.id().equals(shownId) || !n.layer().equals(shownLayer) || n.trainable() != shownTrainable) {
            shownId = n.id();
            shownLayer = n.layer();
            shownTrainable = n.trainable();
            header.setText(n.id() + " — " + Palette.titleOf(n.layer()));
            name.setText(n.id());
            List<PropertySheet.Item> items = new ArrayList<>();
            for (LayerFields.Field f : LayerFields.fieldsOf(n.layer())) items.add(new FieldItem(f));
            if (n.layer() instanceof LayerSpec.Conv2D || n.layer() instanceof LayerSpec.FullyConnected
                    || n.layer() instanceof LayerSpec.BatchNorm) {
                items.add(new TrainableItem(n.trainable()));
            }
            sheet.getItems().setAll(items);
            sheet.setVisible(true);
            sheet.setManaged(true);
            showError(null);
        }
        LayerReport r = vm.report().find(n.id()).orElse(null);
        StringBuilder sb = new StringBuilder();
        if (r != null) {
            sb.append("Output: ").append(r.isKnown() ? r.output().toString() : "unknown");
            if (!r.hasErrors()) sb.append('\n').append(r.shapeFormula()); // an error's text starts with the same formula
            if (!r.paramFormula().isEmpty()) sb.append("\n\nParameters: ").append(r.paramFormula());
            if (!r.problems().isEmpty()) sb.append("\n\n").append(BlockView.problemText(r.problems()));
        }
        details.setText(sb.toString());
        details.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("error"), r != null && r.hasErrors());
        showFixes(r);
    }

    /** One "Apply" button per verified fix of the block's problems: one click, one undo step. */
    private void showFixes(LayerReport r) {
        fixes.getChildren().clear();
        if (r == null) return;
        int i = 0;
        for (Problem p : r.problems()) {
            for (Fix f : p.fixes()) {
                javafx.scene.control.Button apply = new javafx.scene.control.Button("Apply: " + f.description());
                apply.setId("fix-" + i++);
                apply.setWrapText(true);
                apply.setMaxWidth(Double.MAX_VALUE);
                apply.getStyleClass().add("apply-fix");
                apply.setTooltip(new javafx.scene.control.Tooltip("Checked by the calculator: with this change " + p.nodeId() + " fits"));
                apply.setOnAction(e -> vm.applyFix(p, f));
                fixes.getChildren().add(apply);
            }
        }
    }

    private void commitName() {
        if (shownId == null || name.getText().strip().equals(shownId)) return;
        String id = shownId;
        if (vm.renameNode(id, name.getText())) {
            showError(null);
        } else {
            showError(vm.messageProperty().get());
            name.setText(id);
        }
    }

    private void commitNetworkName() {
        String now = networkName.getText().strip();
        if (now.equals(vm.spec().name())) return;
        if (!vm.renameNetwork(now)) {
            showError(vm.messageProperty().get());
            networkName.setText(vm.spec().name());
        }
    }

    private static void show(javafx.scene.Node n, boolean shown) {
        n.setVisible(shown);
        n.setManaged(shown);
    }

    private void showError(String message) {
        error.setText(message == null ? "" : message);
        error.setVisible(message != null);
        error.setManaged(message != null);
    }

    private PropertyEditor<?> editorFor(PropertySheet.Item item) {
        if (item instanceof TrainableItem) {
            PropertyEditor<?> e = Editors.createCheckEditor(item);
            e.getEditor().setId("field-trainable");
            return e;
        }
        FieldItem f = (FieldItem) item;
        if (f.field.kind() == LayerFields.Kind.BOOLEAN) {
            PropertyEditor<?> e = Editors.createCheckEditor(item);
            e.getEditor().setId("field-" + f.field.name());
            return e;
        }
        TextField text = new TextField();
        text.setId("field-" + f.field.name());
        f.editor = text;
        return new AbstractPropertyEditor<String, TextField>(item, text) {
            @Override
            protected ObservableValue<String> getObservableValue() {
                return getEditor().textProperty();
            }

            @Override
            public void setValue(String value) {
                getEditor().setText(value);
            }
        };
    }

    /** Whether training changes the block's parameters (off: frozen, for fine-tuning an imported network). */
    private final class TrainableItem implements PropertySheet.Item {
        private final boolean value;

        TrainableItem(boolean value) {
            this.value = value;
        }

        @Override public Class<?> getType() { return Boolean.class; }
        @Override public String getCategory() { return "Training"; }
        @Override public String getName() { return "trainable"; }
        @Override public String getDescription() { return "off freezes the block's weights: training leaves them as they are"; }
        @Override public Object getValue() { return value; }

        @Override
        public void setValue(Object v) {
            if (shownId == null || !(v instanceof Boolean b) || b == vm.spec().node(shownId).trainable()) return;
            shownTrainable = b;
            if (!vm.setTrainable(shownId, b)) {
                shownTrainable = !b;
                showError(vm.messageProperty().get());
            }
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() { return Optional.empty(); }
    }

    /** One hyperparameter as a property sheet row. */
    private final class FieldItem implements PropertySheet.Item {
        final LayerFields.Field field;
        TextField editor;

        FieldItem(LayerFields.Field field) {
            this.field = field;
        }

        @Override public Class<?> getType() { return field.kind() == LayerFields.Kind.BOOLEAN ? Boolean.class : String.class; }
        @Override public String getCategory() { return "Hyperparameters"; }
        @Override public String getName() { return field.name(); }

        @Override
        public String getDescription() {
            return switch (field.kind()) {
                case PADDING -> "same, valid, P (every side) or rows×columns such as 0×3";
                case KERNEL -> "F (square) or height×width such as 1×7";
                case INTEGER -> "a whole number";
                case DECIMAL -> "a number such as 0.5";
                case BOOLEAN -> "on or off";
            };
        }

        @Override
        public Object getValue() {
            return field.kind() == LayerFields.Kind.BOOLEAN ? Boolean.valueOf(field.text()) : field.text();
        }

        @Override
        public void setValue(Object value) {
            if (shownId == null || value == null) return;
            LayerSpec current = vm.spec().node(shownId).layer();
            LayerSpec changed;
            try {
                changed = LayerFields.with(current, field.name(), value.toString());
            } catch (IllegalArgumentException e) {
                showError(e.getMessage());
                if (editor != null) editor.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("invalid"), true);
                return;
            }
            showError(null);
            if (editor != null) editor.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("invalid"), false);
            if (changed.equals(current)) return;
            shownLayer = changed; // our own edit: keep the editors (and the caret) as they are
            if (!vm.setLayer(shownId, changed, field.name())) {
                shownLayer = current;
                showError(vm.messageProperty().get());
            }
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() { return Optional.empty(); }
    }
}
