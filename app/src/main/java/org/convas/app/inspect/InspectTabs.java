package org.convas.app.inspect;

import javafx.application.Platform;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import org.convas.app.training.TrainingViewModel;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The inspection views of the Train tab: Explain (saliency, Grad-CAM, occlusion), Top images (per filter), Distributions
 * (weights and outputs over training) and Features (PCA of the penultimate features). {@link #install} adds them to the
 * workspace's view tabs and takes the view-model's snapshot models; each view computes only while its tab is on show
 * (Distributions records during a run even when hidden), on one background thread.
 */
public final class InspectTabs {

    public static final String EXPLAIN = "Explain";
    public static final String TOP_IMAGES = "Top images";
    public static final String DISTRIBUTIONS = "Histograms";
    public static final String FEATURES = "PCA";

    private final ExplainPane explain;
    private final TopImagesPane topImages;
    private final DistributionsPane distributions;
    private final FeaturesPane features;

    private InspectTabs(TrainingViewModel vm, Executor worker, Executor fx, LongSupplier clock, Consumer<String> showTab) {
        InspectFeed feed = new InspectFeed(worker, clock);
        explain = new ExplainPane(vm, feed, fx, clock);
        topImages = new TopImagesPane(vm, feed, fx, clock);
        distributions = new DistributionsPane(vm, feed, fx, clock);
        features = new FeaturesPane(vm, feed, fx, clock, i -> {
            vm.showValidationImage(i);
            showTab.accept("Activations");
        });
        vm.setSnapshotModelListener(feed::offer);
    }

    /**
     * Adds the four tabs after the existing ones.
     *
     * @param showTab brings a tab of the pane to the front by title (a click in Features shows the image's activations)
     */
    public static InspectTabs install(TrainingViewModel vm, TabPane views, Consumer<String> showTab) {
        ThreadPoolExecutor worker = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "convas-inspect");
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        });
        InspectTabs tabs = new InspectTabs(vm, worker, Platform::runLater, System::nanoTime, showTab);
        tabs.addTo(vm, views);
        return tabs;
    }

    private void addTo(TrainingViewModel vm, TabPane views) {
        List<Tab> added = List.of(tab(EXPLAIN, explain, explain.job()), tab(TOP_IMAGES, topImages, topImages.job()),
                tab(DISTRIBUTIONS, distributions, distributions.job()), tab(FEATURES, features, features.job()));
        views.getTabs().addAll(added);
        for (Tab t : added) {
            t.setClosable(false);
            InspectJob<?> job = (InspectJob<?>) t.getUserData();
            t.selectedProperty().addListener((obs, was, is) -> {
                job.setVisible(is);
                if (is) vm.requestSnapshot();
            });
            job.setVisible(t.isSelected());
        }
    }

    private static Tab tab(String title, javafx.scene.Node content, InspectJob<?> job) {
        Tab t = new Tab(title, content);
        t.setUserData(job);
        return t;
    }

    ExplainPane explain() {
        return explain;
    }

    TopImagesPane topImages() {
        return topImages;
    }

    DistributionsPane distributions() {
        return distributions;
    }

    FeaturesPane features() {
        return features;
    }
}
