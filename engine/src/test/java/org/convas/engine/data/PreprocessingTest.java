package org.convas.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.convas.engine.spec.Shape;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    static final float EPS = 1e-5f;

    static Image grey(int w, int h, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
        return Image.planar(w, h, 1, b);
    }

    static Dataset set(String source, Image... images) {
        return new Dataset(source, List.of("a", "b"), List.of(images), new int[images.length]);
    }

    @Test
    void centreCropCutsTheLongerSideEquallyOnBothEnds() {
        assertArrayEquals(new int[] {25, 0, 200, 200}, ImageOps.centreCrop(250, 200, 100, 100));
        assertArrayEquals(new int[] {0, 25, 200, 200}, ImageOps.centreCrop(200, 250, 32, 32));
        assertArrayEquals(new int[] {0, 0, 64, 48}, ImageOps.centreCrop(64, 48, 4, 3));
        assertArrayEquals(new int[] {0, 3, 40, 20}, ImageOps.centreCrop(40, 27, 2, 1));
    }

    @Test
    void bilinearEnlargingUsesPixelCentres() {
        float[] out = ImageOps.resize(new float[] {0, 100}, 1, 2, 1, 4, 1);
        assertArrayEquals(new float[] {0, 25, 75, 100}, out, EPS);
        // 2-D: the separable result is the product of the two 1-D interpolations.
        float[] sq = ImageOps.resize(new float[] {0, 100, 100, 200}, 1, 2, 2, 4, 4);
        assertArrayEquals(new float[] {0, 25, 75, 100}, java.util.Arrays.copyOfRange(sq, 0, 4), EPS);
        assertEquals(0.75f * 25 + 0.25f * 125, sq[4 + 1], EPS); // row 1 (y=0.25), column 1 (x=0.25)
        assertArrayEquals(new float[] {100, 125, 175, 200}, java.util.Arrays.copyOfRange(sq, 12, 16), EPS);
    }

    @Test
    void areaAveragingWhenShrinking() {
        assertArrayEquals(new float[] {50, 120}, ImageOps.resize(new float[] {0, 100, 200, 40}, 1, 4, 1, 2, 1), EPS);
        // 3 → 2: each output covers 1.5 source pixels, the middle one is split half and half.
        assertArrayEquals(new float[] {30, 150}, ImageOps.resize(new float[] {0, 90, 180}, 1, 3, 1, 2, 1), EPS);
        // 2×2 → 1×1 is the mean of all four.
        assertArrayEquals(new float[] {25}, ImageOps.resize(new float[] {0, 20, 30, 50}, 1, 2, 2, 1, 1), EPS);
    }

    @Test
    void rgbToGreyUsesLumaWeights() {
        Image rgb = Image.planar(3, 1, 3, new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255});
        Image g = ImageOps.conform(rgb, Shape.of(3, 1, 1));
        assertEquals(76, g.get(0, 0, 0)); // 0.299 · 255 = 76.2
        assertEquals(150, g.get(0, 0, 1)); // 0.587 · 255 = 149.7
        assertEquals(29, g.get(0, 0, 2)); // 0.114 · 255 = 29.1
    }

    @Test
    void greyToRgbRepeatsThePlane() {
        Image g = ImageOps.conform(grey(2, 1, 10, 200), Shape.of(2, 1, 3));
        assertArrayEquals(new byte[] {10, (byte) 200, 10, (byte) 200, 10, (byte) 200}, g.toPlanar());
    }

    @Test
    void conformCropsToTheAspectRatioThenResizes() {
        // 4×2 → 1×1: crop the centre 2×2 (columns 1 and 2), then average it.
        Image wide = grey(4, 2, 0, 10, 30, 255, 0, 50, 70, 255);
        assertEquals(40, ImageOps.conform(wide, Shape.of(1, 1, 1)).get(0, 0, 0));
        // Same shape: returned as is.
        assertSame(wide, ImageOps.conform(wide, Shape.of(4, 2, 1)));
    }

    @Test
    void flipMirrorsEachRow() {
        float[] f = ImageOps.flipHorizontal(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(3, 2, 1));
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, f, 0);
    }

    @Test
    void perChannelStatisticsComeFromTrainingOnlyAndApplyToValidation() throws Exception {
        Dataset train = set("train", grey(1, 1, 0), grey(1, 1, 255));
        Dataset validation = set("validation", grey(1, 1, 255), grey(1, 1, 255), grey(1, 1, 255));
        FittedPreprocessing fitted = Preprocessing.builder(Shape.of(1, 1, 1))
                .normalisation(Normalisation.PER_CHANNEL).build().fit(train);
        assertArrayEquals(new float[] {0.5f}, fitted.statistics().channelMean(), EPS);
        assertArrayEquals(new float[] {0.5f}, fitted.statistics().channelStd(), EPS);
        assertArrayEquals(new float[] {-1f}, fitted.train().inputs(0), EPS);
        assertArrayEquals(new float[] {1f}, fitted.train().inputs(1), EPS);
        PreparedDataset val = fitted.apply(validation);
        // Validation alone has mean 1 and std 0; normalised with the training figures it is (1 − 0.5)/0.5.
        assertArrayEquals(new float[] {1f}, val.inputs(2), EPS);
        assertSame(fitted.statistics(), val.statistics());
    }

    @Test
    void meanImageAndStdImageArePerPixel() throws Exception {
        Dataset train = set("train", grey(2, 1, 0, 255), grey(2, 1, 255, 255));
        FittedPreprocessing fitted = Preprocessing.builder(Shape.of(2, 1, 1))
                .normalisation(Normalisation.MEAN_IMAGE).build().fit(train);
        DatasetStatistics s = fitted.statistics();
        assertArrayEquals(new float[] {0.5f, 1f}, s.meanImage().values(), EPS);
        assertArrayEquals(new float[] {0.5f, 0f}, s.stdImage().values(), EPS);
        assertEquals(Shape.of(2, 1, 1), s.meanImage().shape());
        assertArrayEquals(new float[] {-0.5f, 0f}, fitted.train().inputs(0), EPS);
        assertArrayEquals(new float[] {0.5f, 0f}, fitted.train().inputs(1), EPS);
        assertEquals(2, s.count());
    }

    @Test
    void constantChannelGetsStdOneInsteadOfDividingByZero() throws Exception {
        FittedPreprocessing fitted = Preprocessing.builder(Shape.of(1, 1, 1)).build()
                .fit(set("train", grey(1, 1, 51), grey(1, 1, 51)));
        assertArrayEquals(new float[] {1f}, fitted.statistics().channelStd(), 0);
        assertArrayEquals(new float[] {0f}, fitted.train().inputs(0), EPS);
    }

    @Test
    void noNormalisationKeepsValuesInZeroToOne() throws Exception {
        FittedPreprocessing fitted = Preprocessing.builder(Shape.of(2, 1, 1)).normalisation(Normalisation.NONE)
                .build().fit(set("train", grey(2, 1, 0, 51)));
        assertArrayEquals(new float[] {0f, 0.2f}, fitted.train().inputs(0), EPS);
    }

    @Test
    void imagesSmallerThanTheInputAreRefusedWhenEnlargingIsOff() {
        Dataset train = new Dataset("train", List.of("a"), List.of(grey(2, 2, 0, 0, 0, 0)), new int[1], List.of("cat/tiny.png"));
        Preprocessing pre = Preprocessing.builder(Shape.of(4, 4, 1)).allowEnlarging(false).build();
        DatasetException e = assertThrows(DatasetException.class, () -> pre.fit(train));
        assertEquals("cat/tiny.png: is 2×2 pixels, smaller than the network input 4×4; allow enlarging, "
                + "choose a smaller input, or remove the image", e.getMessage());
    }

    @Test
    void emptyTrainingSetAndMismatchedClassesAreReported() throws Exception {
        Preprocessing pre = Preprocessing.builder(Shape.of(1, 1, 1)).build();
        DatasetException e = assertThrows(DatasetException.class, () -> pre.fit(set("train")));
        assertEquals("train: the training set is empty, so there is nothing to compute the mean and standard "
                + "deviation from", e.getMessage());
        FittedPreprocessing fitted = pre.fit(set("train", grey(1, 1, 3)));
        Dataset other = new Dataset("test", List.of("x", "y"), List.of(grey(1, 1, 3)), new int[1]);
        assertEquals("test: its classes [x, y] differ from the training set's [a, b]",
                assertThrows(DatasetException.class, () -> fitted.apply(other)).getMessage());
    }

    @Test
    void builderExplainsABadInputDepth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preprocessing.builder(Shape.of(32, 32, 4)).build());
        assertEquals("the network input depth must be 1 (grey) or 3 (RGB) to feed it images, got 4 in 32×32×4",
                e.getMessage());
    }
}
