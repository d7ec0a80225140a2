package org.convas.app.designer;

import javafx.collections.SetChangeListener;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Group;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.CubicCurveTo;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;
import org.convas.engine.calc.LayerReport;
import org.convas.engine.calc.NetworkReport;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;
import org.convas.engine.spec.Position;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The drawing of the network: blocks at their layout positions, wires with arrowheads between them, zoom
 * (Ctrl+wheel, {@link #zoomBy}) and pan (drag on the background, or the wheel). Every gesture ends in one view-model
 * command: a block drag in {@code MoveNodes}, a port drag in {@code Connect}, a palette drop in
 * {@code InsertIntoChain} or {@code AddNode}. Shift+drag on the background selects with a rubber band.
 */
public final class DesignerCanvas extends Region {

    static final double MIN_SCALE = 0.1;
    /** Fit may go this far down: ResNet-50 laid out is about 16,000 px tall, and Fit must show all of it. */
    static final double MIN_FIT_SCALE = 0.01;
    static final double MAX_SCALE = 3;
    /** The largest zoom a loaded network is first shown at: enough to read, small enough to see structure. */
    static final double READABLE_SCALE = 0.85;
    /** How far below a block a drop still means "append to this block". */
    static final double BELOW_BLOCK_DROP = 56;

    private final DesignerViewModel vm;
    private final Pane content = new Pane();
    private final Group wires = new Group();
    private final Pane blocks = new Pane();
    private final Group overlay = new Group();
    private final Scale scale = new Scale(1, 1, 0, 0);
    private final Translate translate = new Translate(24, 24);
    private final Map<String, BlockView> views = new LinkedHashMap<>();
    /** Where each visible block is drawn, by its key: a node's id, or a folded module's id (its merge block's). */
    private final Map<String, Position> drawnPositions = new HashMap<>();
    /** Folded modules: one block each ({@link Modules}), keyed by the module's id. */
    private final Map<String, BlockView> moduleViews = new LinkedHashMap<>();
    private final java.util.Set<String> collapsed = new java.util.HashSet<>();
    private List<Modules.Module> modules = List.of();
    private NetworkSpec modulesOf;
    private List<Object> modulesTopology = List.of();
    /** Node id → the folded module that hides it. */
    private final Map<String, Modules.Module> hiddenIn = new HashMap<>();
    private final Overview overview = new Overview();
    private final Rectangle band = new Rectangle();
    private final Path pendingWire = new Path();
    private final Rectangle dropMarker = new Rectangle(AutoLayout.BLOCK_WIDTH, 6);
    private String selectedWireFrom;
    private String selectedWireTo;

    // gesture state
    private Point2D pressScene;
    private Point2D pressTranslate;
    private Map<String, Position> dragStart;
    /** Display positions of the visible blocks a drag moves, at the press. */
    private Map<String, Position> dragShown;
    private long gesture;
    private boolean dragged;
    private String wireFrom;

    public DesignerCanvas(DesignerViewModel vm) {
        this.vm = vm;
        getStyleClass().add("designer-canvas");
        setId("designer-canvas");
        setFocusTraversable(true);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        content.setManaged(false);
        content.getTransforms().setAll(translate, scale);
        content.getChildren().addAll(wires, blocks, overlay);
        blocks.setPickOnBounds(false);
        content.setPickOnBounds(false);
        band.getStyleClass().add("rubber-band");
        band.setVisible(false);
        pendingWire.getStyleClass().add("pending-wire");
        pendingWire.setVisible(false);
        pendingWire.setMouseTransparent(true);
        dropMarker.getStyleClass().add("drop-marker");
        dropMarker.setVisible(false);
        dropMarker.setMouseTransparent(true);
        overlay.getChildren().addAll(band, pendingWire, dropMarker);
        overlay.setMouseTransparent(true);
        getChildren().addAll(content, overview);
        overview.setOnMousePressed(this::overviewPressed);
        overview.setOnMouseDragged(this::overviewPressed);
        scale.xProperty().addListener((o, a, b) -> overview.draw());
        translate.xProperty().addListener((o, a, b) -> overview.draw());
        translate.yProperty().addListener((o, a, b) -> overview.draw());
        widthProperty().addListener((o, a, b) -> overview.draw());
        heightProperty().addListener((o, a, b) -> overview.draw());

        vm.revisionProperty().addListener((o, a, b) -> refresh());
        vm.selection().addListener((SetChangeListener<String>) c -> updateSelection());
        // A block selected elsewhere (the summary table) scrolls into view.
        vm.selectedNodeIdProperty().addListener((o, a, id) -> {
            if (id != null && dragStart == null) reveal(id);
        });
        setOnMousePressed(this::backgroundPressed);
        setOnMouseDragged(this::backgroundDragged);
        setOnMouseReleased(this::backgroundReleased);
        setOnScroll(this::scrolled);
        refresh();
    }

    // ---------------------------------------------------------------- drawing

    /** Redraws blocks and wires from the view-model's spec and report. */
    public void refresh() {
        NetworkSpec spec = vm.spec();
        NetworkReport report = vm.report();
        if (spec != modulesOf) {
            // Modules depend on the connections only: moves and settings (most edits) keep them.
            List<Object> topology = topologyOf(spec);
            if (!topology.equals(modulesTopology)) {
                modules = Modules.of(spec);
                modulesTopology = topology;
                collapsed.retainAll(modules.stream().map(Modules.Module::id).toList());
            }
            modulesOf = spec;
        }
        hiddenIn.clear();
        for (Modules.Module m : modules) if (collapsed.contains(m.id())) for (String id : m.members()) hiddenIn.put(id, m);
        drawnPositions.clear();
        Set<String> ids = new HashSet<>();
        for (Node n : spec.nodes()) {
            if (hiddenIn.containsKey(n.id())) continue;
            ids.add(n.id());
            BlockView v = views.computeIfAbsent(n.id(), this::newBlock);
            LayerReport r = report.find(n.id()).orElse(null);
            v.show(n, r);
            Position p = shown(spec, spec.layout().getOrDefault(n.id(), new Position(0, 0)));
            v.relocate(p.x(), p.y());
            drawnPositions.put(n.id(), p);
        }
        views.keySet().removeIf(id -> {
            if (ids.contains(id)) return false;
            blocks.getChildren().remove(views.get(id));
            return true;
        });
        Set<String> folded = new HashSet<>();
        for (Modules.Module m : modules) {
            if (!collapsed.contains(m.id())) continue;
            folded.add(m.id());
            BlockView v = moduleViews.computeIfAbsent(m.id(), this::newModuleBlock);
            long params = 0;
            boolean errors = false;
            for (String id : m.members()) {
                LayerReport r = report.find(id).orElse(null);
                if (r != null) {
                    params += r.parameters();
                    errors |= r.hasErrors();
                }
            }
            v.showModule(m, report.find(m.exit()).orElse(null), params, errors);
            Position p = moduleTop(spec, m);
            Position at = shown(spec, p);
            v.relocate(at.x(), at.y());
            drawnPositions.put(m.id(), at);
        }
        moduleViews.keySet().removeIf(id -> {
            if (folded.contains(id)) return false;
            blocks.getChildren().remove(moduleViews.get(id));
            return true;
        });
        if (selectedWireTo != null && !(spec.contains(selectedWireTo) && spec.node(selectedWireTo).inputs().contains(selectedWireFrom))) {
            selectedWireFrom = selectedWireTo = null;
        }
        drawWires();
        updateSelection();
        overview.draw();
    }

    // ---------------------------------------------------------------- folded modules

    /** What the modules are computed from: each block's id, kind of layer and inputs. */
    private static List<Object> topologyOf(NetworkSpec spec) {
        List<Object> t = new ArrayList<>(spec.size());
        for (Node n : spec.nodes()) t.add(List.of(n.id(), n.layer().getClass(), n.inputs()));
        return t;
    }

    /** The modules the canvas can fold (residual blocks, Inception modules), in network order. */
    public List<Modules.Module> modules() {
        if (vm.spec() != modulesOf) refresh();
        return modules;
    }

    public boolean isCollapsed(String moduleId) { return collapsed.contains(moduleId); }

    /** Folds a module into one block (or unfolds it); the blocks below close up (or make room) to match. */
    public void setCollapsed(String moduleId, boolean fold) {
        boolean changed = fold ? collapsed.add(moduleId) : collapsed.remove(moduleId);
        if (changed) refresh();
    }

    /** View ▸ Collapse All Modules / Expand All Modules. */
    public void setAllCollapsed(boolean fold) {
        collapsed.clear();
        if (fold) modules().forEach(m -> collapsed.add(m.id()));
        refresh();
        fitToWindow();
    }

    /** The module a block belongs to, if any (folded or not). */
    public java.util.Optional<Modules.Module> moduleOf(String id) {
        return modules().stream().filter(m -> m.members().contains(id)).findFirst();
    }

    /** A folded module's top-left: its merge block's column, its highest block's row. */
    private static Position moduleTop(NetworkSpec spec, Modules.Module m) {
        double top = Double.MAX_VALUE;
        for (String id : m.members()) top = Math.min(top, spec.layout().getOrDefault(id, new Position(0, 0)).y());
        return new Position(spec.layout().getOrDefault(m.id(), new Position(0, 0)).x(), top);
    }

    /**
     * Where a point of the layout is drawn: moved up by the height every folded module above it gave up
     * (a folded module keeps one row of its own).
     */
    private Position shown(NetworkSpec spec, Position p) {
        double up = 0;
        for (Modules.Module m : modules) {
            if (!collapsed.contains(m.id())) continue;
            double top = Double.MAX_VALUE, bottom = -Double.MAX_VALUE;
            for (String id : m.members()) {
                Position q = spec.layout().getOrDefault(id, new Position(0, 0));
                top = Math.min(top, q.y());
                bottom = Math.max(bottom, q.y());
            }
            if (p.y() > bottom + 1) up += bottom - top;
        }
        return up == 0 ? p : new Position(p.x(), p.y() - up);
    }

    /** The key a node is drawn under: its own id, or its folded module's. */
    private String shownKey(String id) {
        Modules.Module m = hiddenIn.get(id);
        return m == null ? id : m.id();
    }

    /** The nodes behind a drawn key: a node itself, or all blocks of a folded module. */
    private List<String> nodesOf(String key) {
        Modules.Module m = collapsed.contains(key) ? modules.stream().filter(x -> x.id().equals(key)).findFirst().orElse(null) : null;
        return m == null ? List.of(key) : m.members();
    }

    private BlockView newModuleBlock(String id) {
        BlockView v = new BlockView("module-" + id);
        v.setOnMousePressed(e -> {
            if (e.getClickCount() == 2) {
                setCollapsed(id, false);
                e.consume();
                return;
            }
            modulePressed(id, e);
        });
        v.setOnMouseDragged(this::blockDragged);
        v.setOnMouseReleased(this::blockReleased);
        v.setOnContextMenuRequested(e -> {
            javafx.scene.control.MenuItem expand = new javafx.scene.control.MenuItem("Expand " + id);
            expand.setOnAction(a -> setCollapsed(id, false));
            new javafx.scene.control.ContextMenu(expand).show(v, e.getScreenX(), e.getScreenY());
            e.consume();
        });
        blocks.getChildren().add(v);
        return v;
    }

    private void modulePressed(String id, MouseEvent e) {
        requestFocus();
        List<String> members = nodesOf(id);
        if (e.isControlDown() || e.isShiftDown()) vm.selection().addAll(members);
        else if (!vm.selection().containsAll(members)) vm.selectOnly(members);
        startDrag(e);
        e.consume();
    }

    private BlockView newBlock(String id) {
        BlockView v = new BlockView(id);
        v.setOnMousePressed(e -> blockPressed(v, e));
        v.setOnContextMenuRequested(e -> {
            moduleOf(id).ifPresent(m -> {
                javafx.scene.control.MenuItem fold = new javafx.scene.control.MenuItem("Collapse " + m.kind().toLowerCase(java.util.Locale.ROOT) + " " + m.id());
                fold.setOnAction(a -> setCollapsed(m.id(), true));
                new javafx.scene.control.ContextMenu(fold).show(v, e.getScreenX(), e.getScreenY());
            });
            e.consume();
        });
        v.setOnMouseDragged(this::blockDragged);
        v.setOnMouseReleased(this::blockReleased);
        v.outputPort().setOnMousePressed(e -> wirePressed(id, e));
        v.outputPort().setOnMouseDragged(this::wireDragged);
        v.outputPort().setOnMouseReleased(this::wireReleased);
        blocks.getChildren().add(v);
        return v;
    }

    private void drawWires() {
        wires.getChildren().clear();
        NetworkSpec spec = vm.spec();
        Set<String> drawn = new HashSet<>();
        for (Node n : spec.nodes()) {
            for (String realIn : n.inputs()) {
                String in = shownKey(realIn);
                String shownTo = shownKey(n.id());
                // Inside a folded module, or a second wire from the fork into one: drawn once or not at all.
                if (in.equals(shownTo) || !drawn.add(in + "→" + shownTo)) continue;
                if (!drawnPositions.containsKey(in) || !drawnPositions.containsKey(shownTo)) continue;
                boolean intoFold = !shownTo.equals(n.id());
                List<WireRouter.Point> pts = WireRouter.route(drawnPositions, in, shownTo, AutoLayout.BLOCK_WIDTH, AutoLayout.BLOCK_HEIGHT);
                Path visible = wirePath(pts);
                visible.getStyleClass().add("wire");
                boolean selected = in.equals(selectedWireFrom) && n.id().equals(selectedWireTo);
                if (selected) visible.getStyleClass().add("wire-selected");
                LayerReport from = vm.report().find(in).orElse(null);
                if (from == null || !from.isKnown()) visible.getStyleClass().add("wire-unknown");
                Path hit = wirePath(pts);
                hit.getStyleClass().add("wire-hit");
                hit.setId("wire-" + in + "-" + shownTo);
                String to = n.id();
                // A wire into a folded module stands for several connections: no drop or delete on it.
                if (!intoFold) hit.setUserData(new String[] {in, n.id()});
                if (!intoFold) hit.setOnMouseClicked(e -> {
                    selectedWireFrom = in;
                    selectedWireTo = to;
                    vm.clearSelection();
                    drawWires();
                    requestFocus();
                    e.consume();
                });
                hit.setOnMousePressed(MouseEvent::consume);
                WireRouter.Point end = pts.get(pts.size() - 1);
                double tip = end.y() - BlockView.PORT_RADIUS - 1;
                Polygon arrow = new Polygon(end.x(), tip, end.x() - 5, tip - 9, end.x() + 5, tip - 9);
                arrow.getStyleClass().add("wire-arrow");
                if (selected) arrow.getStyleClass().add("wire-selected");
                arrow.setMouseTransparent(true);
                wires.getChildren().addAll(visible, arrow, hit);
            }
        }
    }

    private static Path wirePath(List<WireRouter.Point> pts) {
        Path p = new Path();
        WireRouter.Point s = pts.get(0);
        p.getElements().add(new MoveTo(s.x(), s.y()));
        if (pts.size() == 2) {
            WireRouter.Point e = pts.get(1);
            double dy = Math.max(30, Math.abs(e.y() - s.y()) / 2);
            p.getElements().add(new CubicCurveTo(s.x(), s.y() + dy, e.x(), e.y() - 16 - dy, e.x(), e.y() - 16));
            p.getElements().add(new LineTo(e.x(), e.y() - 10));
        } else {
            WireRouter.Point a = pts.get(1);
            WireRouter.Point b = pts.get(2);
            WireRouter.Point e = pts.get(3);
            p.getElements().add(new CubicCurveTo(s.x(), a.y(), a.x(), s.y(), a.x(), a.y()));
            p.getElements().add(new LineTo(b.x(), b.y()));
            p.getElements().add(new CubicCurveTo(b.x(), e.y() - 16, e.x(), b.y(), e.x(), e.y() - 16));
            p.getElements().add(new LineTo(e.x(), e.y() - 10));
        }
        p.setFill(null);
        return p;
    }

    private void updateSelection() {
        views.forEach((id, v) -> v.setSelected(vm.selection().contains(id)));
        // A folded module is highlighted when any block inside it is selected (a row of the summary table, say).
        moduleViews.forEach((id, v) -> v.setSelected(nodesOf(id).stream().anyMatch(vm.selection()::contains)));
    }

    public BlockView block(String id) { return views.get(id); }

    /** The block a folded module is drawn as, or null when it is not folded. */
    public BlockView moduleBlock(String moduleId) { return moduleViews.get(moduleId); }

    /** The connection clicked last (from, to), or null. */
    public String[] selectedWire() {
        return selectedWireTo == null ? null : new String[] {selectedWireFrom, selectedWireTo};
    }

    // ---------------------------------------------------------------- zoom and pan

    public double zoom() { return scale.getX(); }

    /** Zooms by a factor about a point of this canvas (its local coordinates). */
    public void zoomBy(double factor, double pivotX, double pivotY) {
        double s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale.getX() * factor));
        double cx = (pivotX - translate.getX()) / scale.getX();
        double cy = (pivotY - translate.getY()) / scale.getY();
        scale.setX(s);
        scale.setY(s);
        translate.setX(pivotX - cx * s);
        translate.setY(pivotY - cy * s);
    }

    public void zoomBy(double factor) {
        zoomBy(factor, getWidth() / 2, getHeight() / 2);
    }

    /** Ctrl+0: the whole network in view (not larger than 100 %), however large: ResNet-50 and GoogLeNet included. */
    public void fitToWindow() {
        fit(MIN_FIT_SCALE);
    }

    /**
     * The whole network if it can be shown at a readable size; otherwise its full width at the smallest
     * readable zoom, from the top (a tall ResNet is then scrolled, not shrunk to dots).
     */
    public void showReadable() {
        fit(0.6, true);
        String selected = vm.selectedNodeIdProperty().get();
        if (selected != null) reveal(selected);
    }

    /** Scrolls (without zooming) so that a block is in view, centred, if it is not fully visible already. */
    public void reveal(String id) {
        Position p = drawnPositions.get(shownKey(id));
        double w = getWidth();
        double h = getHeight();
        if (p == null || w <= 0 || h <= 0) return;
        double s = scale.getX();
        double left = translate.getX() + p.x() * s;
        double top = translate.getY() + p.y() * s;
        double right = left + AutoLayout.BLOCK_WIDTH * s;
        double bottom = top + AutoLayout.BLOCK_HEIGHT * s;
        if (left < 0 || right > w) translate.setX(w / 2 - (p.x() + AutoLayout.BLOCK_WIDTH / 2) * s);
        if (top < 0 || bottom > h) translate.setY(h / 2 - (p.y() + AutoLayout.BLOCK_HEIGHT / 2) * s);
    }

    private void fit(double minScale) {
        fit(minScale, false);
    }

    private void fit(double minScale, boolean widthOnly) {
        Bounds b = layoutBounds();
        double w = getWidth() > 0 ? getWidth() : getPrefWidth();
        double h = getHeight() > 0 ? getHeight() : getPrefHeight();
        if (b == null || w <= 0 || h <= 0) return;
        double margin = 40;
        double s = Math.min(widthOnly ? READABLE_SCALE : 1, (w - margin) / b.getWidth());
        if (!widthOnly) s = Math.min(s, (h - margin) / b.getHeight());
        s = Math.max(minScale, Math.min(MAX_SCALE, s));
        scale.setX(s);
        scale.setY(s);
        double contentW = b.getWidth() * s;
        translate.setX(contentW < w ? (w - contentW) / 2 - b.getMinX() * s : margin / 2 - b.getMinX() * s);
        translate.setY(margin / 2 - b.getMinY() * s + 8);
    }

    /** Bounds of all blocks (ports included) in content coordinates, or null when empty. */
    private Bounds layoutBounds() {
        if (drawnPositions.isEmpty()) return null;
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Position p : drawnPositions.values()) {
            minX = Math.min(minX, p.x());
            minY = Math.min(minY, p.y());
            maxX = Math.max(maxX, p.x() + AutoLayout.BLOCK_WIDTH);
            maxY = Math.max(maxY, p.y() + AutoLayout.BLOCK_HEIGHT);
        }
        return new javafx.geometry.BoundingBox(minX - 30, minY - 10, maxX - minX + 60, maxY - minY + 20);
    }

    /** The part of the layout in view, in layout coordinates. */
    Bounds viewport() {
        double s = scale.getX();
        return new javafx.geometry.BoundingBox(-translate.getX() / s, -translate.getY() / s, getWidth() / s, getHeight() / s);
    }

    /** Centres the view on a layout point (the overview's click). */
    public void centreOn(double x, double y) {
        double s = scale.getX();
        translate.setX(getWidth() / 2 - x * s);
        translate.setY(getHeight() / 2 - y * s);
    }

    public Overview overview() { return overview; }

    private void overviewPressed(MouseEvent e) {
        Point2D c = overview.toLayout(e.getX(), e.getY());
        if (c != null) centreOn(c.getX(), c.getY());
        e.consume();
    }

    private void scrolled(ScrollEvent e) {
        if (e.isControlDown()) {
            zoomBy(e.getDeltaY() > 0 ? 1.1 : 1 / 1.1, e.getX(), e.getY());
        } else {
            translate.setX(translate.getX() + e.getDeltaX());
            translate.setY(translate.getY() + e.getDeltaY());
        }
        e.consume();
    }

    /** A point of the scene in canvas content (layout) coordinates. */
    public Point2D toContent(double sceneX, double sceneY) {
        return content.sceneToLocal(sceneX, sceneY);
    }

    // ---------------------------------------------------------------- background: pan, rubber band, click

    private void backgroundPressed(MouseEvent e) {
        requestFocus();
        pressScene = new Point2D(e.getSceneX(), e.getSceneY());
        pressTranslate = new Point2D(translate.getX(), translate.getY());
        dragged = false;
        if (e.isShiftDown() && e.getButton() == MouseButton.PRIMARY) {
            Point2D c = toContent(e.getSceneX(), e.getSceneY());
            band.setX(c.getX());
            band.setY(c.getY());
            band.setWidth(0);
            band.setHeight(0);
            band.setVisible(true);
        }
    }

    private void backgroundDragged(MouseEvent e) {
        if (pressScene == null) return;
        dragged = true;
        if (band.isVisible()) {
            Point2D a = toContent(pressScene.getX(), pressScene.getY());
            Point2D b = toContent(e.getSceneX(), e.getSceneY());
            band.setX(Math.min(a.getX(), b.getX()));
            band.setY(Math.min(a.getY(), b.getY()));
            band.setWidth(Math.abs(a.getX() - b.getX()));
            band.setHeight(Math.abs(a.getY() - b.getY()));
        } else {
            // In this canvas's own coordinates, so a zoomed window (View ▸ Presentation Zoom) pans with the mouse.
            Point2D a = sceneToLocal(pressScene), b = sceneToLocal(e.getSceneX(), e.getSceneY());
            translate.setX(pressTranslate.getX() + b.getX() - a.getX());
            translate.setY(pressTranslate.getY() + b.getY() - a.getY());
        }
    }

    private void backgroundReleased(MouseEvent e) {
        if (band.isVisible()) {
            band.setVisible(false);
            List<String> inside = new ArrayList<>();
            for (var entry : drawnPositions.entrySet()) {
                Position p = entry.getValue();
                if (p.x() < band.getX() + band.getWidth() && p.x() + AutoLayout.BLOCK_WIDTH > band.getX()
                        && p.y() < band.getY() + band.getHeight() && p.y() + AutoLayout.BLOCK_HEIGHT > band.getY()) {
                    inside.addAll(nodesOf(entry.getKey()));
                }
            }
            if (e.isControlDown()) vm.selection().addAll(inside);
            else vm.selectOnly(inside);
        } else if (!dragged) {
            vm.clearSelection();
            if (selectedWireTo != null) {
                selectedWireFrom = selectedWireTo = null;
                drawWires();
            }
        }
        pressScene = null;
    }

    // ---------------------------------------------------------------- blocks: select and move

    private void blockPressed(BlockView v, MouseEvent e) {
        requestFocus();
        String id = v.nodeId();
        if (e.isControlDown() || e.isShiftDown()) {
            vm.toggleSelected(id);
        } else if (!vm.selection().contains(id)) {
            vm.select(id);
        } else {
            vm.makePrimary(id); // keep the multi-selection: the drag moves all of it
        }
        if (e.getClickCount() == 2) vm.select(id);
        startDrag(e);
        e.consume();
    }

    /** A drag moves the whole selection: the layout positions for the command, the drawn ones for the view. */
    private void startDrag(MouseEvent e) {
        pressScene = new Point2D(e.getSceneX(), e.getSceneY());
        dragStart = vm.positionsOf(vm.selection());
        dragShown = new HashMap<>();
        for (String id : dragStart.keySet()) {
            String key = shownKey(id);
            Position p = drawnPositions.get(key);
            if (p != null) dragShown.put(key, p);
        }
        gesture = vm.newGesture();
        dragged = false;
    }

    private void blockDragged(MouseEvent e) {
        if (dragStart == null) return;
        dragged = true;
        Point2D from = toContent(pressScene.getX(), pressScene.getY()), to = toContent(e.getSceneX(), e.getSceneY());
        double dx = to.getX() - from.getX();
        double dy = to.getY() - from.getY();
        dragShown.forEach((key, p) -> {
            Position moved = new Position(p.x() + dx, p.y() + dy);
            drawnPositions.put(key, moved);
            BlockView v = views.containsKey(key) && !hiddenIn.containsKey(key) ? views.get(key) : moduleViews.get(key);
            if (v != null) v.relocate(moved.x(), moved.y());
        });
        drawWires();
        e.consume();
    }

    private void blockReleased(MouseEvent e) {
        if (dragStart != null && dragged) {
            // In the canvas's own coordinates, so the presentation zoom around the window does not scale the move.
            Point2D from = toContent(pressScene.getX(), pressScene.getY()), at = toContent(e.getSceneX(), e.getSceneY());
            double dx = at.getX() - from.getX();
            double dy = at.getY() - from.getY();
            Map<String, Position> to = new LinkedHashMap<>();
            dragStart.forEach((id, p) -> to.put(id, snap(new Position(p.x() + dx, p.y() + dy))));
            vm.moveNodes(to, gesture);
            refresh();
        }
        dragStart = null;
        pressScene = null;
        e.consume();
    }

    private static Position snap(Position p) {
        return new Position(Math.round(p.x() / 2) * 2.0, Math.round(p.y() / 2) * 2.0);
    }

    // ---------------------------------------------------------------- ports: connect

    private void wirePressed(String from, MouseEvent e) {
        wireFrom = from;
        pendingWire.setVisible(true);
        wireDragged(e);
        e.consume();
    }

    private void wireDragged(MouseEvent e) {
        if (wireFrom == null) return;
        Position p = drawnPositions.get(wireFrom);
        Point2D c = toContent(e.getSceneX(), e.getSceneY());
        double sx = p.x() + AutoLayout.BLOCK_WIDTH / 2;
        double sy = p.y() + AutoLayout.BLOCK_HEIGHT;
        pendingWire.getElements().setAll(new MoveTo(sx, sy),
                new CubicCurveTo(sx, sy + 40, c.getX(), c.getY() - 40, c.getX(), c.getY()));
        e.consume();
    }

    private void wireReleased(MouseEvent e) {
        pendingWire.setVisible(false);
        String from = wireFrom;
        wireFrom = null;
        String target = blockAt(toContent(e.getSceneX(), e.getSceneY()), 10);
        if (target != null && collapsed.contains(target) && hiddenIn.containsKey(target)) {
            vm.tell("Expand " + target + " first: a folded module takes no new connection");
            return;
        }
        if (from != null && target != null && !target.equals(from)) vm.connect(from, target);
        e.consume();
    }

    /** The block under a content point (with a margin, so a port just above a block counts), or null. */
    private String blockAt(Point2D c, double margin) {
        String found = null;
        for (var entry : drawnPositions.entrySet()) {
            Position p = entry.getValue();
            if (c.getX() >= p.x() - margin && c.getX() <= p.x() + AutoLayout.BLOCK_WIDTH + margin
                    && c.getY() >= p.y() - margin && c.getY() <= p.y() + AutoLayout.BLOCK_HEIGHT + margin) {
                found = entry.getKey(); // the last one drawn is on top
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- palette drops

    /** Where a palette drop at a scene point would go. */
    public record DropTarget(String upstream, String downstream, Position position) {
    }

    /**
     * What a drop at a scene point means: onto a wire inserts into that connection; onto a block or just
     * below it inserts after it; elsewhere adds an unconnected block there. Null outside the canvas.
     */
    public DropTarget dropTargetAt(double sceneX, double sceneY, LayerSpec layer) {
        Point2D local = sceneToLocal(sceneX, sceneY);
        if (local == null || !contains(local)) return null;
        Point2D c = toContent(sceneX, sceneY);
        Position free = snap(new Position(c.getX() - AutoLayout.BLOCK_WIDTH / 2, c.getY() - AutoLayout.BLOCK_HEIGHT / 2));
        if (layer instanceof LayerSpec.Input) return new DropTarget(null, null, free);
        for (javafx.scene.Node n : wires.getChildren()) {
            if (n instanceof Path hit && hit.getUserData() instanceof String[] ends && hit.contains(hit.sceneToLocal(sceneX, sceneY))) {
                return new DropTarget(ends[0], ends[1], null);
            }
        }
        String onBlock = blockAt(c, 0);
        if (onBlock != null) return new DropTarget(onBlock, null, null);
        for (var entry : drawnPositions.entrySet()) {
            Position p = entry.getValue();
            double bottom = p.y() + AutoLayout.BLOCK_HEIGHT;
            if (c.getX() >= p.x() && c.getX() <= p.x() + AutoLayout.BLOCK_WIDTH && c.getY() > bottom && c.getY() <= bottom + BELOW_BLOCK_DROP) {
                return new DropTarget(entry.getKey(), null, null);
            }
        }
        return new DropTarget(null, null, free);
    }

    /** Shows where a palette block being dragged would land. */
    public void previewDrop(double sceneX, double sceneY, LayerSpec layer) {
        DropTarget t = dropTargetAt(sceneX, sceneY, layer);
        if (t == null) {
            dropMarker.setVisible(false);
            return;
        }
        if (t.upstream() != null) {
            Position p = drawnPositions.get(t.upstream());
            dropMarker.setWidth(AutoLayout.BLOCK_WIDTH);
            dropMarker.setHeight(6);
            dropMarker.setX(p.x());
            dropMarker.setY(p.y() + AutoLayout.BLOCK_HEIGHT + (AutoLayout.ROW_SPACING - AutoLayout.BLOCK_HEIGHT) / 2 - 3);
        } else {
            dropMarker.setWidth(AutoLayout.BLOCK_WIDTH);
            dropMarker.setHeight(AutoLayout.BLOCK_HEIGHT);
            dropMarker.setX(t.position().x());
            dropMarker.setY(t.position().y());
        }
        dropMarker.setVisible(true);
    }

    /** Ends a palette drag: runs the command for the drop (one undo step), or nothing outside the canvas. */
    public boolean drop(double sceneX, double sceneY, LayerSpec layer) {
        dropMarker.setVisible(false);
        DropTarget t = dropTargetAt(sceneX, sceneY, layer);
        if (t == null) return false;
        requestFocus();
        if (t.upstream() != null) {
            return (t.downstream() == null ? vm.insertAfter(t.upstream(), layer)
                    : vm.insertOnConnection(t.upstream(), t.downstream(), layer)) != null;
        }
        return vm.addLayer(layer, t.position()) != null;
    }

    public void cancelDrop() {
        dropMarker.setVisible(false);
    }

    // ---------------------------------------------------------------- export

    /** The whole network drawn at 100 % on white, for PNG export. */
    public WritableImage snapshotNetwork() {
        return snapshotNetwork(1);
    }

    /** The whole network on white at {@code scale} times 100 % (2 and 3 for slides and high-density screens). */
    public WritableImage snapshotNetwork(double scale) {
        SnapshotParameters params = new SnapshotParameters();
        params.setFill(Color.WHITE);
        params.setTransform(new Scale(scale, scale));
        Bounds b = layoutBounds();
        // The viewport is in the coordinates after the transform: the layout bounds, scaled.
        if (b != null) params.setViewport(new javafx.geometry.Rectangle2D(b.getMinX() * scale, b.getMinY() * scale, b.getWidth() * scale, b.getHeight() * scale));
        // Without the view's zoom and pan, so the viewport above is in layout coordinates and the image at 100 %.
        var saved = new ArrayList<>(content.getTransforms());
        content.getTransforms().clear();
        dropMarker.setVisible(false);
        try {
            return content.snapshot(params, null);
        } finally {
            content.getTransforms().setAll(saved);
        }
    }

    @Override
    protected void layoutChildren() {
        // content is unmanaged and positioned by its transforms; the overview sits in the bottom-right corner
        overview.resizeRelocate(getWidth() - Overview.WIDTH - 12, getHeight() - Overview.HEIGHT - 12, Overview.WIDTH, Overview.HEIGHT);
    }

    /**
     * The overview (minimap): the whole network in miniature, blocks coloured by category (red where a block
     * has an error), and the part in view as a rectangle; a click or drag there moves the view.
     */
    public final class Overview extends javafx.scene.canvas.Canvas {
        static final double WIDTH = 170;
        static final double HEIGHT = 210;
        private double k;
        private double ox;
        private double oy;
        private Bounds shownBounds;

        Overview() {
            super(WIDTH, HEIGHT);
            setId("overview");
            getStyleClass().add("overview");
            setManaged(false);
        }

        /** A point of the overview in layout coordinates, or null when the network is empty. */
        Point2D toLayout(double x, double y) {
            if (shownBounds == null || k <= 0) return null;
            return new Point2D((x - ox) / k + shownBounds.getMinX(), (y - oy) / k + shownBounds.getMinY());
        }

        /** The view's rectangle, in overview pixels (for tests). */
        javafx.geometry.Rectangle2D viewRectangle() {
            Bounds v = viewport();
            if (shownBounds == null) return null;
            return new javafx.geometry.Rectangle2D(ox + (v.getMinX() - shownBounds.getMinX()) * k, oy + (v.getMinY() - shownBounds.getMinY()) * k,
                    v.getWidth() * k, v.getHeight() * k);
        }

        void draw() {
            var g = getGraphicsContext2D();
            g.clearRect(0, 0, WIDTH, HEIGHT);
            shownBounds = layoutBounds();
            // Only while part of the network is out of view: a network that fits needs no map, and the corner stays free.
            boolean needed = shownBounds != null && !viewport().contains(shownBounds);
            setMouseTransparent(!needed);
            if (!needed || !isVisible()) return;
            g.setFill(Color.rgb(255, 255, 255, 0.92));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setStroke(Color.rgb(120, 130, 140));
            g.setLineWidth(1);
            g.strokeRect(0.5, 0.5, WIDTH - 1, HEIGHT - 1);
            k = Math.min((WIDTH - 10) / shownBounds.getWidth(), (HEIGHT - 10) / shownBounds.getHeight());
            ox = (WIDTH - shownBounds.getWidth() * k) / 2;
            oy = (HEIGHT - shownBounds.getHeight() * k) / 2;
            NetworkSpec spec = vm.spec();
            for (var entry : drawnPositions.entrySet()) {
                String key = entry.getKey();
                Position p = entry.getValue();
                boolean error = vm.report().find(key).map(LayerReport::hasErrors).orElse(false);
                Color c = collapsed.contains(key) ? Color.web(Palette.Category.MERGE.colour)
                        : spec.find(key).map(n -> Color.web(Palette.categoryOf(n.layer()).colour)).orElse(Color.GRAY);
                g.setFill(error ? Color.web("#d32f2f") : c);
                g.fillRect(ox + (p.x() - shownBounds.getMinX()) * k, oy + (p.y() - shownBounds.getMinY()) * k,
                        Math.max(2, AutoLayout.BLOCK_WIDTH * k), Math.max(1.5, AutoLayout.BLOCK_HEIGHT * k));
            }
            javafx.geometry.Rectangle2D v = viewRectangle();
            g.setStroke(Color.web("#1e88e5"));
            g.setLineWidth(1.5);
            g.strokeRect(v.getMinX(), v.getMinY(), v.getWidth(), v.getHeight());
        }
    }

    /** Text for a test or a status bar: the shape shown on a block. */
    String shapeShown(String id) {
        BlockView v = views.get(id);
        return v == null ? null : v.shapeText();
    }
}
