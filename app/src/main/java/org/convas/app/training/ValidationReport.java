package org.convas.app.training;

import org.convas.engine.data.PreparedDataset;
import org.convas.engine.model.Model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The validation set classified by a model: the confusion matrix and the misclassified images, most confident
 * mistakes first (those teach the most: a Shirt called T-shirt at 0.95).
 *
 * @param epoch          the epoch after which the weights were taken (0: before training)
 * @param counts         counts[true][predicted]
 * @param classNames     one per class
 * @param misclassified  at most {@link #MAX_MISTAKES}, most confident first
 */
public record ValidationReport(int epoch, int[][] counts, List<String> classNames, List<Mistake> misclassified) {

    /** How many misclassified images the gallery shows at most. */
    public static final int MAX_MISTAKES = 48;

    /** One misclassified validation image: its index in the validation set, labels and the wrong class's probability. */
    public record Mistake(int index, int trueClass, int predictedClass, float probability) {
    }

    public ValidationReport {
        classNames = List.copyOf(classNames);
        misclassified = List.copyOf(misclassified);
    }

    /** Images classified right, divided by all. */
    public double accuracy() {
        long right = 0, all = 0;
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts[i].length; j++) {
                all += counts[i][j];
                if (i == j) right += counts[i][j];
            }
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }

    /**
     * Classifies every validation image with {@code model} (its own inference executor, evaluation mode: give it a
     * copy when the original is training) in chunks of 256 images.
     */
    public static ValidationReport compute(Model model, PreparedDataset validation, int epoch) {
        int classes = validation.classCount();
        int[][] counts = new int[classes][classes];
        List<Mistake> mistakes = new ArrayList<>();
        int in = Math.toIntExact(validation.shape().size());
        int chunk = 256;
        float[] images = new float[chunk * in];
        int k = model.classes();
        for (int start = 0; start < validation.size(); start += chunk) {
            int n = Math.min(chunk, validation.size() - start);
            for (int i = 0; i < n; i++) System.arraycopy(validation.inputs(start + i), 0, images, i * in, in);
            float[] probs = model.predict(images, n);
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
                int truth = validation.label(start + i);
                // A network with more outputs than the data has classes can predict a class the data never uses:
                // such predictions count in no column, so the matrix stays square over the data's classes.
                if (best < classes) counts[truth][best]++;
                if (best != truth) mistakes.add(new Mistake(start + i, truth, best, probs[i * k + best]));
            }
        }
        mistakes.sort(Comparator.comparingDouble((Mistake m) -> -m.probability()).thenComparingInt(Mistake::index));
        return new ValidationReport(epoch, counts, validation.classNames(),
                mistakes.subList(0, Math.min(MAX_MISTAKES, mistakes.size())));
    }
}
