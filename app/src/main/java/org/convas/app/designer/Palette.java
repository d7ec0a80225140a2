package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;

import java.util.List;

/**
 * The block types the palette offers, each with a default setting and a category (which gives its colour).
 * Pure data, so the view-model and tests use it without a window.
 */
public final class Palette {

    /** Categories of blocks; the CSS class of a block is "block-" + the lower-case name. */
    public enum Category {
        IO("#546e7a"), CONV("#1e88e5"), POOL("#00897b"), FC("#8e24aa"), ACTIVATION("#f9a825"),
        NORM("#6d4c41"), MERGE("#e65100");

        /** The category colour as CSS hex. */
        public final String colour;

        Category(String colour) {
            this.colour = colour;
        }

        public String styleClass() {
            return "block-" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One palette entry: what it is called and the layer a drop creates. */
    public record Entry(String title, Category category, LayerSpec layer) {
    }

    public static final List<Entry> ENTRIES = List.of(
            new Entry("Input", Category.IO, new LayerSpec.Input(32, 32, 3)),
            new Entry("Conv", Category.CONV, LayerSpec.Conv2D.of(16, 3, 1, 1)),
            new Entry("MaxPool", Category.POOL, LayerSpec.MaxPool.of(2, 2)),
            new Entry("AvgPool", Category.POOL, LayerSpec.AvgPool.of(2, 2)),
            new Entry("GlobalAvgPool", Category.POOL, new LayerSpec.GlobalAvgPool()),
            new Entry("FC", Category.FC, LayerSpec.FullyConnected.of(10)),
            new Entry("Flatten", Category.FC, new LayerSpec.Flatten()),
            new Entry("ReLU", Category.ACTIVATION, new LayerSpec.ReLU()),
            new Entry("LeakyReLU", Category.ACTIVATION, new LayerSpec.LeakyReLU(0.01)),
            new Entry("Sigmoid", Category.ACTIVATION, new LayerSpec.Sigmoid()),
            new Entry("Tanh", Category.ACTIVATION, new LayerSpec.Tanh()),
            new Entry("Softmax", Category.ACTIVATION, new LayerSpec.Softmax()),
            new Entry("BatchNorm", Category.NORM, LayerSpec.BatchNorm.standard()),
            new Entry("LRN", Category.NORM, LayerSpec.LocalResponseNorm.alexNet()),
            new Entry("Dropout", Category.NORM, new LayerSpec.Dropout(0.5)),
            new Entry("Add", Category.MERGE, new LayerSpec.Add()),
            new Entry("Concat", Category.MERGE, new LayerSpec.Concat()),
            new Entry("Scale", Category.MERGE, new LayerSpec.ChannelScale()));

    private Palette() {
    }

    public static Entry entry(String title) {
        return ENTRIES.stream().filter(e -> e.title().equalsIgnoreCase(title)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no palette entry \"" + title + "\""));
    }

    /** The palette entry for a layer's type. */
    public static Entry entryOf(LayerSpec layer) {
        for (Entry e : ENTRIES) if (e.layer().getClass() == layer.getClass()) return e;
        throw new IllegalArgumentException("no palette entry for " + layer.type());
    }

    public static String titleOf(LayerSpec layer) {
        return entryOf(layer).title();
    }

    public static Category categoryOf(LayerSpec layer) {
        return entryOf(layer).category();
    }
}
