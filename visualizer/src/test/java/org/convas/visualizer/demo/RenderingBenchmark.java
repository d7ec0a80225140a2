package org.convas.visualizer.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.convas.engine.spec.Shape;
import org.convas.visualizer.charts.BatchPoint;
import org.convas.visualizer.charts.TrainingCharts;
import org.jfree.chart.fx.ChartViewer;
import org.convas.visualizer.fx.PixelTile;
import org.convas.visualizer.inspect.ActivationView;
import org.convas.visualizer.inspect.FilterGrid;
import org.convas.visualizer.inspect.LayerActivation;

/**
 * Prints what the views cost on the FX thread: the time of one update call (pixel conversion, setPixels,
 * chart redraw), first call (builds tiles and images) and steady state (median of repeated calls, images reused).
 * Each view sits in a shown 1200×760 stage, so layout-dependent drawing (chart canvases) really happens.
 *
 * <p>Run headless (Monocle, from the test class path) with the flags of STACK.md, e.g.
 * {@code java -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -cp … RenderingBenchmark},
 * or under {@code xvfb-run -a} with {@code -Dprism.order=sw}.
 */
public final class RenderingBenchmark {

    private static final int REPEATS = 200;

    private RenderingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        Platform.startup(() -> started.complete(null));
        started.get();
        System.out.println("Convas views: FX-thread cost per update (median of " + REPEATS + " unless noted)");
        System.out.println("java " + System.getProperty("java.version") + ", glass "
                + System.getProperty("glass.platform", "default") + ", prism " + System.getProperty("prism.order"));

        Random random = new Random(1);
        filterCase("64 filters 3×3×64 (channel mean)", 64, 64, 3, random);
        filterCase("32 filters 5×5×3 (RGB)", 32, 3, 5, random);
        filterCase("96 filters 11×11×3 (AlexNet conv1, RGB)", 96, 3, 11, random);
        filterCase("256 filters 3×3×256 (channel mean)", 256, 256, 3, random);

        SyntheticData.TinyLeNet net = new SyntheticData.TinyLeNet(7);
        float[] image = SyntheticData.images(1, 3).pixels().get(0);
        float[] probabilities = new float[10];
        List<LayerActivation> leNet = net.forward(image, probabilities);
        activationCase("LeNet-5 (7 layers, 44 maps + 3 flat)", leNet, image, probabilities);
        List<LayerActivation> vggBlock = List.of(layer("conv1_1", 224, 224, 64, random),
                layer("conv1_2", 224, 224, 64, random), layer("pool1", 112, 112, 64, random),
                layer("conv2_1", 112, 112, 128, random));
        activationCase("VGG-16 first block (224×224×64 ×2, 112×112×64, 112×112×128 capped at 64)", vggBlock,
                image, probabilities);

        chartCase();
        pixelWriterPeer();
        Platform.exit();
    }

    private static void filterCase(String name, int k, int c, int f, Random random) throws Exception {
        FilterGrid grid = onFx(() -> {
            FilterGrid g = new FilterGrid();
            show(g);
            return g;
        });
        float[] weights = SyntheticData.gaborFilters(k, c, f, 0.7, random);
        double first = timeOnFx(() -> grid.setFilters(weights, k, c, f, f));
        double[] times = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            weights[i % weights.length] += 0.01f;
            times[i] = timeOnFx(() -> grid.setFilters(weights, k, c, f, f));
        }
        report("FilterGrid.setFilters " + name, first, times);
    }

    private static void activationCase(String name, List<LayerActivation> layers, float[] image,
                                       float[] probabilities) throws Exception {
        ActivationView view = onFx(() -> {
            ActivationView v = new ActivationView();
            show(v);
            return v;
        });
        Runnable update = () -> {
            view.setInput(image, 1, 28, 28);
            view.setLayers(layers);
            view.setProbabilities(probabilities, SyntheticData.FASHION_CLASSES);
        };
        double first = timeOnFx(update);
        int repeats = layers.get(0).shape().width() > 100 ? 20 : REPEATS;
        double[] times = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            times[i] = timeOnFx(update);
        }
        report("ActivationView update " + name, first, times);
    }

    private static void chartCase() throws Exception {
        TrainingCharts charts = onFx(() -> {
            TrainingCharts c = new TrainingCharts();
            show(c);
            return c;
        });
        List<ChartViewer> viewers = onFx(() -> viewersIn(charts));
        Random random = new Random(3);
        long[] step = {0};
        for (int target : new int[] {1_000, 5_000, 10_000, 16_000}) {
            onFx(() -> {
                List<BatchPoint> fill = new ArrayList<>();
                while (step[0] < target) {
                    step[0]++;
                    fill.add(new BatchPoint(step[0], SyntheticData.loss(step[0], random), 0.5, 0.01));
                }
                charts.addBatches(fill);
                charts.flushRedraws();
                return null;
            });
            // Data only: one frame's 33 points while a redraw is already pending (the common case at 60
            // frames a second and 10 redraws a second), timed inside one FX turn so the pending redraw waits.
            double[] add = onFx(() -> {
                double[] t = new double[50];
                charts.flushRedraws();
                for (int i = 0; i < t.length; i++) {
                    List<BatchPoint> frame = new ArrayList<>();
                    for (int j = 0; j < 33; j++) {
                        step[0]++;
                        frame.add(new BatchPoint(step[0], SyntheticData.loss(step[0], random), 0.5, 0.01));
                    }
                    long t0 = System.nanoTime();
                    charts.addBatches(frame);
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
                charts.flushRedraws();
                return t;
            });
            int points = onFx(() -> charts.pointCount(TrainingCharts.Series.BATCH_LOSS));
            report(String.format(Locale.ROOT, "TrainingCharts.addBatches 33 points, data only, at %,d points", points),
                    Double.NaN, add);
            // One redraw of the batch-loss chart (raw + smoothed) and of all four charts.
            double[] lossDraw = new double[20];
            double[] allDraw = new double[20];
            for (int i = 0; i < lossDraw.length; i++) {
                lossDraw[i] = timeOnFx(() -> viewers.get(0).getCanvas().draw());
                allDraw[i] = timeOnFx(() -> viewers.forEach(v -> v.getCanvas().draw()));
            }
            report(String.format(Locale.ROOT, "  redraw batch-loss chart (%,d raw + %,d smoothed points)", points, points),
                    Double.NaN, lossDraw);
            report("  redraw all four charts", Double.NaN, allDraw);
        }
        double thin = timeOnFx(() -> {
            List<BatchPoint> frame = new ArrayList<>();
            while (charts.pointCount(TrainingCharts.Series.BATCH_LOSS) + frame.size() <= TrainingCharts.DEFAULT_MAX_POINTS) {
                step[0]++;
                frame.add(new BatchPoint(step[0], SyntheticData.loss(step[0], random), 0.5, 0.01));
            }
            step[0]++;
            frame.add(new BatchPoint(step[0], 1.0, 0.5, 0.01));
            charts.addBatches(frame);
        });
        System.out.printf(Locale.ROOT, "  %-78s %8.2f ms (to %,d points)%n", "TrainingCharts.addBatches of the rest up to the cap + 1 (thins the series)",
                thin, charts.pointCount(TrainingCharts.Series.BATCH_LOSS));
    }

    private static List<ChartViewer> viewersIn(javafx.scene.Parent parent) {
        List<ChartViewer> found = new ArrayList<>();
        for (javafx.scene.Node child : parent.getChildrenUnmodifiable()) {
            if (child instanceof ChartViewer viewer) {
                found.add(viewer);
            } else if (child instanceof javafx.scene.Parent p) {
                found.addAll(viewersIn(p));
            }
        }
        return found;
    }

    /** The peer: the same 56×56 tile written pixel by pixel with setArgb instead of one setPixels. */
    private static void pixelWriterPeer() throws Exception {
        int w = 56;
        int[] argb = new int[w * w];
        Arrays.setAll(argb, i -> 0xFF000000 | (i * 2654435761L > 0 ? i : -i) & 0xFFFFFF);
        WritableImage image = onFx(() -> new WritableImage(w, w));
        double[] bulk = new double[REPEATS];
        double[] single = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            bulk[r] = timeOnFx(() -> image.getPixelWriter().setPixels(0, 0, w, w,
                    PixelFormat.getIntArgbPreInstance(), argb, 0, w));
            single[r] = timeOnFx(() -> {
                var writer = image.getPixelWriter();
                for (int y = 0; y < w; y++) for (int x = 0; x < w; x++) writer.setArgb(x, y, argb[y * w + x]);
            });
        }
        report("peer: 56×56 tile, one setPixels", Double.NaN, bulk);
        report("peer: 56×56 tile, 3,136 setArgb calls", Double.NaN, single);
        int[] scaled = new int[w * w];
        double[] up = new double[REPEATS];
        int[] src = Arrays.copyOf(argb, 28 * 28);
        for (int r = 0; r < REPEATS; r++) {
            long t0 = System.nanoTime();
            PixelTile.upscaleNearest(src, 28, 28, 2, scaled);
            up[r] = (System.nanoTime() - t0) / 1e6;
        }
        report("nearest-neighbour ×2 of a 28×28 map (plain Java)", Double.NaN, up);
    }

    private static LayerActivation layer(String name, int w, int h, int d, Random random) {
        float[] values = new float[w * h * d];
        for (int i = 0; i < values.length; i++) values[i] = Math.max(0, (float) random.nextGaussian());
        return new LayerActivation(name, Shape.of(w, h, d), values);
    }

    /** The stage of the case being measured; closed before the next case so only one view renders. */
    private static Stage current;

    private static void show(javafx.scene.Parent view) {
        if (current != null) current.close();
        current = new Stage();
        // Fits Monocle's default 1280×800 headless screen (a larger stage overflows its framebuffer).
        current.setScene(new Scene(new StackPane(view), 1200, 760));
        current.show();
    }

    private static void report(String name, double firstMs, double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double p90 = sorted[(int) (sorted.length * 0.9)];
        String first = Double.isNaN(firstMs) ? "" : String.format(Locale.ROOT, "   first %8.2f ms", firstMs);
        System.out.printf(Locale.ROOT, "  %-78s %8.3f ms  (p90 %.3f)%s%n", name, median, p90, first);
    }

    private static double timeOnFx(Runnable work) throws Exception {
        return onFx(() -> {
            long t0 = System.nanoTime();
            work.run();
            return (System.nanoTime() - t0) / 1e6;
        });
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get();
    }
}
