package org.convas.app.designer;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Padding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerFieldsTest {

    @Test
    void convShowsKernelAsOneFieldAndPaddingAsText() {
        var conv = new LayerSpec.Conv2D(64, 1, 7, 2, Padding.of(0, 3), 1, 1, true);
        List<LayerFields.Field> fs = LayerFields.fieldsOf(conv);
        assertEquals(List.of("filters", "kernel", "stride", "padding", "dilation", "groups", "bias"),
                fs.stream().map(LayerFields.Field::name).toList());
        assertEquals("1×7", fs.get(1).text());
        assertEquals("0×3", fs.get(3).text());
        assertEquals(LayerFields.Kind.BOOLEAN, fs.get(6).kind());
    }

    @Test
    void settingFieldsFromTextBuildsTheNewLayer() {
        var conv = LayerSpec.Conv2D.of(16, 3, 1, 1);
        assertEquals(conv.withStride(3), LayerFields.with(conv, "stride", " 3 "));
        // Per-axis strides: down × across, shown as they are typed.
        assertEquals(conv.withStride(2, 1), LayerFields.with(conv, "stride", "2×1"));
        assertEquals("2×1", LayerFields.fieldsOf(conv.withStride(2, 1)).get(2).text());
        assertEquals(new LayerSpec.MaxPool(3, 1, 2, Padding.NONE), LayerFields.with(LayerSpec.MaxPool.of(3, 2), "stride", "1x2"));
        assertEquals("1×2", LayerFields.fieldsOf(new LayerSpec.AvgPool(3, 1, 2, Padding.NONE)).get(1).text());
        assertEquals(conv.withKernel(1, 7), LayerFields.with(conv, "kernel", "1x7"));
        assertEquals(conv.withKernel(5, 5), LayerFields.with(conv, "kernel", "5"));
        assertEquals(conv.withPadding(Padding.SAME), LayerFields.with(conv, "padding", "Same"));
        assertEquals(conv.withPadding(Padding.of(0, 3)), LayerFields.with(conv, "padding", "0×3"));
        assertEquals(conv.withBias(false), LayerFields.with(conv, "bias", "false"));
        assertEquals(new LayerSpec.Dropout(0.25), LayerFields.with(new LayerSpec.Dropout(0.5), "p", "0.25"));
        assertEquals(new LayerSpec.Input(7, 32, 3), LayerFields.with(new LayerSpec.Input(32, 32, 3), "width", "7"));
    }

    @Test
    void badTextIsRefusedWithTheFieldAndTheRule() {
        var conv = LayerSpec.Conv2D.of(16, 3, 1, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> LayerFields.with(conv, "stride", "3a"));
        assertEquals("stride must be a whole number (\"3a\" is not)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerFields.with(conv, "padding", "wide"));
        assertTrue(e.getMessage().startsWith("padding must be \"same\", \"valid\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerFields.with(conv, "kernel", "1×2×3"));
        assertTrue(e.getMessage().startsWith("kernel must be one whole number or height×width"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerFields.with(new LayerSpec.Dropout(0.5), "p", ""));
        assertEquals("p must be a number such as 0.5 (\"\" is not)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerFields.with(conv, "units", "3"));
    }

    @Test
    void everyPaletteLayerHasEditableFields() {
        for (Palette.Entry e : Palette.ENTRIES) {
            for (LayerFields.Field f : LayerFields.fieldsOf(e.layer())) {
                assertEquals(e.layer(), LayerFields.with(e.layer(), f.name(), f.text()), e.title() + "." + f.name());
            }
        }
    }
}
