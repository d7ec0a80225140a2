package org.convas.app.teach;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.convas.engine.data.Image;
import org.convas.engine.data.ImageOps;
import org.convas.engine.data.codec.DecodedImage;
import org.convas.engine.data.codec.ImageDecoders;
import org.convas.engine.data.codec.ImageFormatException;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Padding;
import org.convas.engine.spec.Shape;
import org.convas.engine.teach.SlidingWindow;
import org.convas.engine.teach.Volume;
import org.convas.samples.teach.LectureExamples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * The state of the step-by-step explorer, without a window: the layer (a Conv2D, MaxPool or AvgPool spec), the
 * input volume with its numbers, the filters, and which step of the {@link SlidingWindow} walk is on show. Every
 * setter rebuilds the walk at once, so stride and padding change live while the animation runs; the step index
 * stays where it was when it still exists.
 *
 * <p>Where the numbers come from, in this order: a lecture example (its own input, filters and biases), a loaded
 * image (resampled to W×H, grey or RGB, values 0–1), or a fixed pattern of small whole numbers so the products
 * can be checked by hand. Filters that the example does not provide are small whole numbers −1…1 from a fixed
 * seed; {@link #sourceText()} says which is which.
 */
public final class ExplorerModel {

    /** Largest input side and depth the explorer accepts: beyond that nobody can read the numbers anyway. */
    public static final int MAX_SIDE = 256;
    public static final int MAX_DEPTH = 512;
    public static final int MAX_FILTERS = 4096;
    /** Most input values (W·H·D) and most filter weights (K·D·F·F) the explorer holds: 4M each, 32 MB as doubles. */
    public static final long MAX_VALUES = 1L << 22;

    private final ObjectProperty<LayerSpec> layer = new SimpleObjectProperty<>(this, "layer");
    private final IntegerProperty inputWidth = new SimpleIntegerProperty(this, "inputWidth", 7);
    private final IntegerProperty inputHeight = new SimpleIntegerProperty(this, "inputHeight", 7);
    private final IntegerProperty inputDepth = new SimpleIntegerProperty(this, "inputDepth", 1);
    private final ReadOnlyObjectWrapper<SlidingWindow> walk = new ReadOnlyObjectWrapper<>(this, "walk");
    private final ReadOnlyIntegerWrapper stepIndex = new ReadOnlyIntegerWrapper(this, "stepIndex", 0);
    private final ReadOnlyObjectWrapper<SlidingWindow.Step> step = new ReadOnlyObjectWrapper<>(this, "step");
    private final BooleanProperty playing = new SimpleBooleanProperty(this, "playing", false);
    /** Steps per second while playing. */
    private final DoubleProperty speed = new SimpleDoubleProperty(this, "speed", 1.5);
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
    private final ReadOnlyStringWrapper description = new ReadOnlyStringWrapper(this, "description", "");
    private final ReadOnlyStringWrapper sourceText = new ReadOnlyStringWrapper(this, "sourceText", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

    private LectureExamples.Example example;
    private NetworkValues blockValues;
    private Image image;
    private String imageName;
    private boolean rebuilding;

    public ExplorerModel() {
        showExample(LectureExamples.find(LectureExamples.STRIDE_THREE).orElseThrow());
    }

    // ---------------------------------------------------------------- properties

    public ReadOnlyObjectProperty<LayerSpec> layerProperty() { return layer; }

    public LayerSpec layer() { return layer.get(); }

    public ReadOnlyObjectProperty<SlidingWindow> walkProperty() { return walk.getReadOnlyProperty(); }

    public SlidingWindow walk() { return walk.get(); }

    public ReadOnlyIntegerProperty stepIndexProperty() { return stepIndex.getReadOnlyProperty(); }

    public int stepIndex() { return stepIndex.get(); }

    /** The step on show, or null when no window fits at all. */
    public ReadOnlyObjectProperty<SlidingWindow.Step> stepProperty() { return step.getReadOnlyProperty(); }

    public SlidingWindow.Step step() { return step.get(); }

    public BooleanProperty playingProperty() { return playing; }

    public DoubleProperty speedProperty() { return speed; }

    public ReadOnlyStringProperty titleProperty() { return title.getReadOnlyProperty(); }

    public ReadOnlyStringProperty descriptionProperty() { return description.getReadOnlyProperty(); }

    /** Where the numbers come from, e.g. "Input: the lecture's 7×7 example. Filter: vertical edge 1 0 −1, bias 1." */
    public ReadOnlyStringProperty sourceTextProperty() { return sourceText.getReadOnlyProperty(); }

    /** The last problem with the user's input (a file that is not an image, a value out of range); "" when none. */
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }

    public int inputWidth() { return inputWidth.get(); }

    public int inputHeight() { return inputHeight.get(); }

    public int inputDepth() { return inputDepth.get(); }

    /** Filter side F (the kernel's height; width when they differ is kept from the block). */
    public int kernel() {
        LayerSpec l = layer.get();
        if (l instanceof LayerSpec.Conv2D c) return c.kernelHeight();
        if (l instanceof LayerSpec.MaxPool p) return p.size();
        if (l instanceof LayerSpec.AvgPool p) return p.size();
        return 1;
    }

    /** S down the rows (the explorer's one stride, as {@link #kernel()} is Fh; the walk itself uses both strides). */
    public int stride() {
        LayerSpec l = layer.get();
        if (l instanceof LayerSpec.Conv2D c) return c.strideHeight();
        if (l instanceof LayerSpec.MaxPool p) return p.strideHeight();
        if (l instanceof LayerSpec.AvgPool p) return p.strideHeight();
        return 1;
    }

    /** Padding P on every side (the top padding for "same" or asymmetric padding). */
    public int padding() {
        Padding p = paddingOf(layer.get());
        return p.mode() == Padding.Mode.EXPLICIT ? p.height() : walk.get() == null ? 0 : walk.get().window().map(w -> w.padTop()).orElse(0);
    }

    public int filters() {
        return layer.get() instanceof LayerSpec.Conv2D c ? c.filters() : 0;
    }

    public SlidingWindow.Operation operation() {
        return walk.get().operation();
    }

    // ---------------------------------------------------------------- commands: what to show

    /** Shows a lecture example: its input, layer, filters and biases, from the first step. */
    public void showExample(LectureExamples.Example e) {
        stop();
        example = e;
        blockValues = null;
        image = null;
        imageName = null;
        title.set(e.title());
        description.set(e.description());
        rebuilding = true;
        inputWidth.set(e.input().width());
        inputHeight.set(e.input().height());
        inputDepth.set(e.input().depth());
        layer.set(e.layer());
        rebuilding = false;
        rebuild(true);
    }

    /**
     * Shows a block of a network: its layer and its input shape, with the numbers of the loaded image when there is
     * one of a matching depth, else the pattern.
     *
     * @param name  the node's id, for the title
     * @param input the shape that arrives at the block
     */
    public void showBlock(String name, LayerSpec block, Shape input) {
        showBlock(name, block, input, null);
    }

    /**
     * Shows a block with the numbers the network computes there (from the Train tab's snapshot): its real input
     * volume, and for a convolution its filters and biases; {@code values} null falls back to the image or pattern.
     */
    public void showBlock(String name, LayerSpec block, Shape input, NetworkValues values) {
        if (!(block instanceof LayerSpec.Conv2D || block instanceof LayerSpec.MaxPool || block instanceof LayerSpec.AvgPool)) {
            throw new IllegalArgumentException("the explorer steps through convolution and pooling layers, not " + block.label());
        }
        stop();
        example = null;
        blockValues = values;
        title.set(name + ": " + block.label() + " on " + input);
        description.set((values != null ? "The selected block, on the numbers the network computes there. "
                : "The selected block, on its own input size (for the network's own numbers, show an image in the Train tab first). ")
                + "Change F, S and P here to try other settings: the network is not changed.");
        rebuilding = true;
        inputWidth.set(clamp(input.width(), 1, MAX_SIDE));
        inputHeight.set(clamp(input.height(), 1, MAX_SIDE));
        inputDepth.set(clamp(input.depth(), 1, MAX_DEPTH));
        // A volume too large to hold keeps its width and height and loses channels.
        long plane = (long) inputWidth.get() * inputHeight.get();
        if (plane * inputDepth.get() > MAX_VALUES) inputDepth.set((int) Math.max(1, MAX_VALUES / plane));
        layer.set(block);
        rebuilding = false;
        rebuild(true);
        if (input.width() > MAX_SIDE || input.height() > MAX_SIDE || input.depth() > inputDepth.get()) {
            message.set("The block's input " + input + " is larger than the explorer shows (" + MAX_SIDE + "×" + MAX_SIDE
                    + "×" + MAX_DEPTH + " at most): it steps through a " + walk.get().input().shape() + " input instead.");
        }
    }

    /**
     * Uses a picture's pixels as the input: decoded (PNG, JPEG, BMP, GIF), centre-cropped and resampled to the
     * current W×H, grey for depth 1 and RGB for depth 3, values 0–1. Depth other than 1 or 3 is set to 3.
     *
     * @return false (with {@link #messageProperty()} saying why) when the file cannot be read or decoded
     */
    public boolean loadImage(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            message.set("Cannot read " + file + ": " + e.getMessage());
            return false;
        }
        DecodedImage decoded;
        try {
            decoded = ImageDecoders.decode(bytes);
        } catch (ImageFormatException e) {
            message.set(file.getFileName() + " is not an image Convas can read: " + e.getMessage());
            return false;
        }
        Image img = Image.interleaved(decoded.width(), decoded.height(), decoded.channels(), decoded.pixels());
        stop();
        image = img;
        imageName = String.valueOf(file.getFileName());
        example = null;
        blockValues = null;
        title.set("Image " + imageName);
        description.set("The picture's pixels (0–1), resampled to the input size; change W to see more or less of it.");
        rebuilding = true;
        if (inputDepth.get() != 1 && inputDepth.get() != 3) inputDepth.set(img.channels() == 1 ? 1 : 3);
        if (inputWidth.get() < 12) {
            inputWidth.set(16);
            inputHeight.set(16);
        }
        rebuilding = false;
        rebuild(true);
        return true;
    }

    /** Sets the input's width and height (1…{@value #MAX_SIDE}). */
    public void setInputSize(int side) {
        if (!inRange("W", side, 1, MAX_SIDE) || !fits(side, side, inputDepth.get(), filters(), kernel())) return;
        inputWidth.set(side);
        inputHeight.set(side);
        rebuild(false);
    }

    /** Sets the input's depth (1…{@value #MAX_DEPTH}); a loaded image accepts 1 (grey) or 3 (RGB). */
    public void setInputDepth(int depth) {
        if (!inRange("depth", depth, 1, MAX_DEPTH) || !fits(inputWidth.get(), inputHeight.get(), depth, filters(), kernel())) return;
        inputDepth.set(depth);
        rebuild(false);
    }

    /** Sets F (both sides of the window). */
    public void setKernel(int f) {
        if (!inRange("F", f, 1, MAX_SIDE) || !fits(inputWidth.get(), inputHeight.get(), inputDepth.get(), filters(), f)) return;
        LayerSpec l = layer.get();
        if (l instanceof LayerSpec.Conv2D c) layer.set(c.withKernel(f, f));
        else if (l instanceof LayerSpec.MaxPool p) layer.set(new LayerSpec.MaxPool(f, p.strideHeight(), p.strideWidth(), p.padding()));
        else if (l instanceof LayerSpec.AvgPool p) layer.set(new LayerSpec.AvgPool(f, p.strideHeight(), p.strideWidth(), p.padding()));
        rebuild(false);
    }

    public void setStride(int s) {
        if (!inRange("S", s, 1, MAX_SIDE)) return;
        LayerSpec l = layer.get();
        if (l instanceof LayerSpec.Conv2D c) layer.set(c.withStride(s));
        else if (l instanceof LayerSpec.MaxPool p) layer.set(new LayerSpec.MaxPool(p.size(), s, p.padding()));
        else if (l instanceof LayerSpec.AvgPool p) layer.set(new LayerSpec.AvgPool(p.size(), s, p.padding()));
        rebuild(false);
    }

    public void setPadding(int pad) {
        if (!inRange("P", pad, 0, MAX_SIDE)) return;
        Padding p = Padding.of(pad);
        LayerSpec l = layer.get();
        if (l instanceof LayerSpec.Conv2D c) layer.set(c.withPadding(p));
        else if (l instanceof LayerSpec.MaxPool m) layer.set(new LayerSpec.MaxPool(m.size(), m.strideHeight(), m.strideWidth(), p));
        else if (l instanceof LayerSpec.AvgPool a) layer.set(new LayerSpec.AvgPool(a.size(), a.strideHeight(), a.strideWidth(), p));
        rebuild(false);
    }

    /** Sets K, the number of filters of a convolution (1…{@value #MAX_FILTERS}). */
    public void setFilters(int k) {
        if (!inRange("filters", k, 1, MAX_FILTERS) || !fits(inputWidth.get(), inputHeight.get(), inputDepth.get(), k, kernel())) return;
        if (layer.get() instanceof LayerSpec.Conv2D c) {
            int g = c.groups() > 1 && k % c.groups() != 0 ? 1 : c.groups();
            layer.set(c.withFilters(k).withGroups(g));
            rebuild(false);
        }
    }

    /** Switches between convolution, max pooling and average pooling, keeping F, S and P. */
    public void setOperation(SlidingWindow.Operation op) {
        int f = kernel(), s = stride();
        Padding p = paddingOf(layer.get());
        LayerSpec now = layer.get();
        LayerSpec next = switch (op) {
            case CONVOLUTION -> now instanceof LayerSpec.Conv2D c ? c : LayerSpec.Conv2D.of(1, f, s, p);
            case MAX_POOL -> new LayerSpec.MaxPool(f, s, p);
            case AVG_POOL -> new LayerSpec.AvgPool(f, s, p);
        };
        if (next.equals(now)) return;
        layer.set(next);
        rebuild(true);
    }

    // ---------------------------------------------------------------- commands: the animation

    /** One step forward; at the last step playing stops. Returns false when there was nothing left. */
    public boolean stepForward() {
        SlidingWindow w = walk.get();
        if (w == null || stepIndex.get() >= w.steps() - 1) {
            playing.set(false);
            return false;
        }
        goTo(stepIndex.get() + 1);
        if (stepIndex.get() >= w.steps() - 1) playing.set(false);
        return true;
    }

    public boolean stepBack() {
        if (stepIndex.get() <= 0) return false;
        goTo(stepIndex.get() - 1);
        return true;
    }

    /** Back to the first step (and stops). */
    public void reset() {
        stop();
        goTo(0);
    }

    /** Plays from the current step, or from the start when the walk is at its end. */
    public void play() {
        SlidingWindow w = walk.get();
        if (w == null || w.steps() == 0) return;
        if (stepIndex.get() >= w.steps() - 1) goTo(0);
        playing.set(true);
    }

    public void stop() {
        playing.set(false);
    }

    public void togglePlaying() {
        if (playing.get()) stop();
        else play();
    }

    /** Shows step {@code index} (clamped to the walk). */
    public void goTo(int index) {
        SlidingWindow w = walk.get();
        if (w == null || w.steps() == 0) {
            stepIndex.set(0);
            step.set(null);
            return;
        }
        int i = clamp(index, 0, w.steps() - 1);
        stepIndex.set(i);
        step.set(w.step(i));
    }

    /** Shows the step that computes output (map, row, column); ignored when that output does not exist. */
    public void goToOutput(int map, int row, int col) {
        SlidingWindow w = walk.get();
        if (w == null || w.output().isEmpty()) return;
        Shape o = w.output().get();
        if (map < 0 || map >= w.maps() || row < 0 || row >= o.height() || col < 0 || col >= o.width()) return;
        stop();
        goTo(w.stepOf(map, row, col));
    }

    // ---------------------------------------------------------------- building the walk

    /** Whether an input of w·h·d values and k filters of f·f·d weights stay within {@link #MAX_VALUES}; else says so. */
    private boolean fits(int w, int h, int d, int k, int f) {
        long values = (long) w * h * d, weights = (long) Math.max(k, 0) * d * f * f;
        if (values > MAX_VALUES) {
            message.set("W·H·D = " + w + "·" + h + "·" + d + " = " + org.convas.engine.calc.Numbers.grouped(values)
                    + " values is more than the explorer holds (" + org.convas.engine.calc.Numbers.grouped(MAX_VALUES) + ")");
            return false;
        }
        if (weights > MAX_VALUES) {
            message.set(k + " filters of " + f + "×" + f + "×" + d + " = " + org.convas.engine.calc.Numbers.grouped(weights)
                    + " weights is more than the explorer holds (" + org.convas.engine.calc.Numbers.grouped(MAX_VALUES) + ")");
            return false;
        }
        return true;
    }

    private boolean inRange(String what, int v, int min, int max) {
        if (v < min || v > max) {
            message.set(what + " must be between " + min + " and " + max + " (it is " + v + ")");
            return false;
        }
        return true;
    }

    private void rebuild(boolean fromStart) {
        if (rebuilding) return;
        message.set("");
        int w = inputWidth.get(), h = inputHeight.get(), d = inputDepth.get();
        StringBuilder source = new StringBuilder();
        Volume input;
        if (example != null && example.input().width() == w && example.input().height() == h && example.input().depth() == d) {
            input = example.input();
            source.append("Input: the lecture example's numbers.");
        } else if (blockValues != null && blockValues.input().width() == w && blockValues.input().height() == h
                && blockValues.input().depth() == d) {
            input = blockValues.input();
            source.append(blockValues.inputText());
        } else if (image != null && (d == 1 || d == 3)) {
            Image fitted = ImageOps.conform(image, new Shape(w, h, d));
            byte[] px = fitted.toPlanar();
            double[] v = new double[px.length];
            for (int i = 0; i < v.length; i++) v[i] = Math.round((px[i] & 0xFF) / 255.0 * 100) / 100.0;
            input = Volume.of(d, h, w, v);
            source.append("Input: ").append(imageName).append(", resampled to ").append(w).append("×").append(h)
                    .append(d == 1 ? " grey" : " RGB").append(", values 0–1.");
        } else {
            input = pattern(d, h, w);
            source.append("Input: small whole numbers 0–3 (a fixed pattern), so the products can be checked by hand.");
            if (image != null) source.append(" (The image needs depth 1 or 3.)");
        }
        LayerSpec l = layer.get();
        SlidingWindow built;
        if (l instanceof LayerSpec.Conv2D c) {
            if (d % c.groups() != 0 || c.filters() % c.groups() != 0) c = c.withGroups(1);
            int perGroup = d / c.groups();
            int n = c.filters() * perGroup * c.kernelHeight() * c.kernelWidth();
            double[] weights;
            double[] biases;
            if (example != null && example.layer() instanceof LayerSpec.Conv2D && example.weights().length == n
                    && example.biases().length == c.filters()) {
                weights = example.weights();
                biases = example.biases();
                source.append(" Filters and biases: the example's.");
            } else if (blockValues != null && input == blockValues.input() && blockValues.weights().length == n
                    && blockValues.biases().length == c.filters()) {
                weights = blockValues.weights();
                biases = blockValues.biases();
                source.append(' ').append(blockValues.filterText());
            } else if (c.filters() == 1 && perGroup == 1 && c.kernelHeight() == 3 && c.kernelWidth() == 3) {
                weights = LectureExamples.VERTICAL_EDGE.clone();
                biases = new double[] {1};
                source.append(" Filter: a vertical edge detector (1 0 −1 in every row), bias 1.");
            } else {
                Random r = new Random(17L * n + c.filters());
                weights = new double[n];
                for (int i = 0; i < n; i++) weights[i] = r.nextInt(3) - 1;
                biases = new double[c.filters()];
                for (int k = 0; k < biases.length; k++) biases[k] = (k + 1) % 2;
                source.append(" Filters: whole numbers −1…1 drawn for the demonstration; biases 1, 0, 1, …");
            }
            built = SlidingWindow.convolution(input, c, weights, biases);
        } else {
            built = SlidingWindow.pooling(input, l);
        }
        sourceText.set(source.toString());
        boolean asExample = example != null && example.layer().equals(l) && input == example.input();
        if (example != null && !asExample) {
            title.set(built.operation().title() + " " + kernel() + "×" + kernel() + ", stride " + stride() + ", padding "
                    + padding() + " on " + input.shape() + " (edited from the example)");
            description.set("Change W, depth, F, S, P and the number of filters: the walk, the output size and the "
                    + "calculator's formula follow at once. Pick the example again to get it back.");
        } else if (asExample) {
            title.set(example.title());
            description.set(example.description());
        }
        int keep = stepIndex.get();
        walk.set(built);
        goTo(fromStart ? 0 : keep);
        if (built.steps() == 0) playing.set(false);
    }

    /** 0–3 in a pattern that is not symmetric, so every window shows different numbers. */
    static Volume pattern(int depth, int height, int width) {
        double[] v = new double[depth * height * width];
        for (int d = 0; d < depth; d++) {
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) v[(d * height + r) * width + c] = (r * 3 + c * 2 + d + (r * c) % 3) % 4;
            }
        }
        return Volume.of(depth, height, width, v);
    }

    private static Padding paddingOf(LayerSpec l) {
        if (l instanceof LayerSpec.Conv2D c) return c.padding();
        if (l instanceof LayerSpec.MaxPool p) return p.padding();
        if (l instanceof LayerSpec.AvgPool p) return p.padding();
        return Padding.NONE;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The example on show, if any. */
    public Optional<LectureExamples.Example> example() {
        return Optional.ofNullable(example);
    }
}
