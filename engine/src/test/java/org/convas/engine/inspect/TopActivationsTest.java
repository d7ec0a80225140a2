package org.convas.engine.inspect;

import org.convas.engine.calc.ReceptiveField;
import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The top images of each filter against a one-image-at-a-time search, and each crop against what the unit really sees. */
class TopActivationsTest {

    private static float[][] images(int count, int seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] images = new float[count][288];
        for (float[] image : images) for (int i = 0; i < image.length; i++) image[i] = (float) r.nextGaussian();
        return images;
    }

    @Test
    void everyFiltersTopNineAgreeWithASearchImageByImage() {
        Model model = Model.create(ExplainerTest.network(), Initializer.HE, 21);
        float[][] images = images(150, 4);
        TopActivations.Result result = TopActivations.find(model, i -> images[i], images.length, "relu2", 9, Progress.NONE);
        assertEquals(6, result.perFilter().size());
        ModelWorker one = model.newWorker(1, true);
        for (int f = 0; f < 6; f++) {
            List<float[]> best = new ArrayList<>();   // {value, image, position}
            for (int i = 0; i < images.length; i++) {
                one.forward(images[i], 0, 1, false, 0);
                float[] a = one.activation("relu2");
                int arg = 0;
                for (int p = 0; p < 36; p++) if (a[f * 36 + p] > a[f * 36 + arg]) arg = p;
                best.add(new float[] {a[f * 36 + arg], i, arg});
            }
            best.sort(Comparator.comparingDouble((float[] b) -> -b[0]).thenComparingDouble(b -> b[1]));
            List<TopActivations.Hit> hits = result.top(f);
            assertEquals(9, hits.size());
            for (int j = 0; j < 9; j++) {
                assertEquals((int) best.get(j)[1], hits.get(j).image(), "filter " + f + ", rank " + j);
                assertEquals(best.get(j)[0], hits.get(j).value(), 0f);
                assertEquals((int) best.get(j)[2], hits.get(j).row() * 6 + hits.get(j).column());
            }
        }
    }

    @Test
    void theCropHoldsEveryPixelTheActivationDependsOn() {
        Model model = Model.create(ExplainerTest.network(), Initializer.HE, 21);
        float[][] images = images(40, 9);
        TopActivations.Result result = TopActivations.find(model, i -> images[i], images.length, "conv2", 3, Progress.NONE);
        ModelWorker one = model.newWorker(1, true);
        for (int f = 0; f < 6; f++) {
            TopActivations.Hit hit = result.top(f).get(0);
            float[] image = images[hit.image()].clone();
            // Change every pixel outside the crop: the activation stays exactly the same.
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 12; y++) {
                    for (int x = 0; x < 12; x++) {
                        boolean inside = x >= hit.x() && x < hit.x() + hit.width() && y >= hit.y() && y < hit.y() + hit.height();
                        if (!inside) image[c * 144 + y * 12 + x] = 7f;
                    }
                }
            }
            one.forward(image, 0, 1, false, 0);
            int unit = f * 36 + hit.row() * 6 + hit.column();
            assertEquals(hit.value(), one.activation("conv2")[unit], 0f, "filter " + f);
        }
    }

    @Test
    void theCropOfAConvolutionOnTheImageIsItsWindowExactly() {
        Model model = Model.create(ExplainerTest.network(), Initializer.HE, 21);
        float[][] images = images(20, 10);
        TopActivations.Result result = TopActivations.find(model, i -> images[i], images.length, "conv1", 1, Progress.NONE);
        ModelWorker one = model.newWorker(1, true);
        for (int f = 0; f < 4; f++) {
            TopActivations.Hit hit = result.top(f).get(0);
            // conv1 is 3×3 with padding 1: the crop is the window, clipped at the border.
            int expectedW = Math.min(12, hit.column() + 2) - Math.max(0, hit.column() - 1);
            assertEquals(expectedW, hit.width());
            assertEquals(Math.max(0, hit.column() - 1), hit.x());
            // Every pixel of it counts: changing the corner changes the activation by 5·w (weights are never 0 here).
            float[] image = images[hit.image()].clone();
            image[hit.y() * 12 + hit.x()] += 5f;
            one.forward(image, 0, 1, false, 0);
            assertNotEquals(hit.value(), one.activation("conv1")[f * 144 + hit.row() * 12 + hit.column()], "filter " + f);
        }
    }

    @Test
    void largeNetworksSearchInSmallerBatches() {
        Model tiny = Model.create(ExplainerTest.network(), Initializer.HE, 1);
        assertEquals(64, Batches.fit(tiny, 64));
        // ResNet-50-like budget: an image whose buffers take 100 MiB leaves room for 2 within 256 MiB.
        Model wide = Model.create(org.convas.engine.spec.NetworkSpec.builder("wide").input(1024, 1024, 3)
                .add("conv", org.convas.engine.spec.LayerSpec.Conv2D.of(8, 3, 1, 1))
                .add("pool", new org.convas.engine.spec.LayerSpec.GlobalAvgPool())
                .add("fc", org.convas.engine.spec.LayerSpec.FullyConnected.of(2)).build(), Initializer.HE, 1);
        // (3 + 8)·1024·1024 values + 8 + 2, two floats each: 88 MiB an image.
        assertEquals(2L * 4 * (11L * 1024 * 1024 + 10), Batches.bytesPerImage(wide));
        assertEquals(2, Batches.fit(wide, 64));
    }

    @Test
    void regionOfLeNetsConv2() {
        // LeNet-5's conv2 on 32×32: receptive field 14×14, jump 2, first centre at 7.
        ReceptiveField f = new ReceptiveField(14, 14, 2, 2, 7, 7);
        assertArrayEquals(new int[] {0, 0, 14, 14}, TopActivations.region(f, 0, 0, 32, 32));
        assertArrayEquals(new int[] {18, 4, 14, 14}, TopActivations.region(f, 2, 9, 32, 32));
        assertArrayEquals(new int[] {0, 0, 32, 32}, TopActivations.region(null, 3, 3, 32, 32));
    }

    @Test
    void refusesTheInputAndEmptySearches() {
        Model model = Model.create(ExplainerTest.network(), Initializer.HE, 1);
        assertEquals("top activations: pick a layer, not the input", assertThrows(IllegalArgumentException.class,
                () -> TopActivations.find(model, i -> new float[288], 3, "input", 9, Progress.NONE)).getMessage());
        assertEquals("image 0 has 5 values; the network takes 12×12×2 = 288", assertThrows(IllegalArgumentException.class,
                () -> TopActivations.find(model, i -> new float[5], 3, "conv1", 9, Progress.NONE)).getMessage());
    }
}
