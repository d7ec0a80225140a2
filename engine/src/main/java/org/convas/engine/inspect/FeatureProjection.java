package org.convas.engine.inspect;

import org.convas.engine.model.ModelWorker;
import org.convas.engine.model.Model;
import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.Node;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The penultimate features of a classifier (what its last layer classifies: the input of the final FullyConnected
 * layer) for a set of images, projected onto their first principal components, to see whether the classes separate.
 */
public final class FeatureProjection {

    private static final int BATCH = 64;

    private FeatureProjection() {
    }

    /**
     * A projection of N points.
     *
     * @param nodeId    the layer whose outputs were projected
     * @param dimension D, the features per image
     * @param points    N × components coordinates, row-major
     * @param variances the variance along each component (the covariance's eigenvalues, largest first)
     * @param totalVariance the trace of the covariance: the share of component i is variances[i]/totalVariance
     * @param axes      components × D unit vectors
     */
    public record Projection(String nodeId, int dimension, int count, int components, float[] points, double[] variances,
                             double totalVariance, double[][] axes) {
        public float x(int i) {
            return points[i * components];
        }

        public float y(int i) {
            return points[i * components + 1];
        }

        /** Fraction of the variance the first {@code k} components explain. */
        public double explained(int k) {
            double s = 0;
            for (int i = 0; i < k; i++) s += variances[i];
            return totalVariance == 0 ? 0 : s / totalVariance;
        }
    }

    /**
     * The node whose output the classifier's last layer takes: the input of the FullyConnected layer that gives the
     * logits (before a final Softmax), or the logits' own input when the last layer is not FullyConnected. Example:
     * LeNet-5's fc3 takes relu4's 84 values.
     */
    public static String penultimateNode(Model model) {
        Node out = model.spec().node(model.outputId());
        Node logits = out.layer() instanceof LayerSpec.Softmax ? model.spec().node(out.inputs().get(0)) : out;
        if (logits.inputs().isEmpty()) throw new IllegalArgumentException("the network's output " + logits.id() + " has no input");
        return logits.inputs().get(0);
    }

    /** The outputs of {@code nodeId} for images 0 … count−1 (evaluation mode), count × D. */
    public static float[] features(Model model, IntFunction<float[]> images, int count, String nodeId, Progress progress) {
        int d = Math.toIntExact(model.report().layer(nodeId).output().size());
        int inSize = Math.toIntExact(model.inputShape().size());
        int chunk = Batches.fit(model, Math.min(BATCH, count));
        ModelWorker executor = model.newWorker(chunk, true);
        float[] batch = new float[chunk * inSize];
        float[] out = new float[count * d];
        for (int first = 0; first < count; first += chunk) {
            int n = Math.min(chunk, count - first);
            for (int i = 0; i < n; i++) System.arraycopy(images.apply(first + i), 0, batch, i * inSize, inSize);
            executor.forward(batch, 0, n, false, 0);
            System.arraycopy(executor.activation(nodeId), 0, out, first * d, n * d);
            if (!progress.proceed(first + n, count)) throw new Progress.CancelledException();
        }
        return out;
    }

    /**
     * Principal component analysis of N points of D values (row-major): the data is centred, and the top
     * {@code components} eigenvectors of its covariance C = XᵀX/(N − 1) are found by orthogonal (subspace) iteration,
     * V ← orth(C·V), which never forms the D×D matrix (C·V = Xᵀ(X·V)/(N − 1)), until the Rayleigh quotients change by
     * less than 1e−10 relatively (at most 1,000 rounds). Each axis's sign is fixed so that its largest entry is
     * positive.
     */
    public static Projection pca(String nodeId, float[] data, int n, int d, int components, long seed) {
        if (n < 2) throw new IllegalArgumentException("PCA needs at least 2 points, got " + n);
        if (components < 1 || components > Math.min(d, n)) {
            throw new IllegalArgumentException("PCA of " + n + " points in " + d + " dimensions: 1 to " + Math.min(d, n)
                    + " components, not " + components);
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[] x = new double[n * d];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = data[i * d + j] - mean[j];
                x[i * d + j] = v;
                total += v * v;
            }
        }
        total /= n - 1;
        int k = components;
        SplittableRandom random = new SplittableRandom(seed);
        double[][] v = new double[k][d];
        for (double[] axis : v) for (int j = 0; j < d; j++) axis[j] = random.nextGaussian();
        orthonormalise(v);
        double[] lambda = new double[k], previous = new double[k];
        Arrays.fill(previous, Double.NaN);
        double[] xv = new double[n];
        for (int round = 0; round < 1000; round++) {
            double[][] next = new double[k][d];
            for (int c = 0; c < k; c++) {
                // xv = X·v_c, then next_c = Xᵀ·xv/(N − 1); λ_c = v_c·C·v_c.
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += x[i * d + j] * v[c][j];
                    xv[i] = s;
                }
                for (int i = 0; i < n; i++) {
                    double s = xv[i] / (n - 1);
                    for (int j = 0; j < d; j++) next[c][j] += x[i * d + j] * s;
                }
                double q = 0;
                for (int j = 0; j < d; j++) q += v[c][j] * next[c][j];
                lambda[c] = q;
            }
            orthonormalise(next);
            v = next;
            boolean done = true;
            for (int c = 0; c < k; c++) {
                if (!(Math.abs(lambda[c] - previous[c]) <= 1e-10 * Math.max(1e-300, Math.abs(lambda[0])))) done = false;
            }
            System.arraycopy(lambda, 0, previous, 0, k);
            if (done) break;
        }
        // Order by variance (iteration converges to the order, but equal-looking early rounds may swap) and fix signs.
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) order[c] = c;
        final double[] lam = lambda;
        Arrays.sort(order, (a, b) -> Double.compare(lam[b], lam[a]));
        double[][] axes = new double[k][];
        double[] variances = new double[k];
        for (int c = 0; c < k; c++) {
            double[] axis = v[order[c]];
            int big = 0;
            for (int j = 1; j < d; j++) if (Math.abs(axis[j]) > Math.abs(axis[big])) big = j;
            if (axis[big] < 0) for (int j = 0; j < d; j++) axis[j] = -axis[j];
            axes[c] = axis;
            variances[c] = lambda[order[c]];
        }
        float[] points = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += x[i * d + j] * axes[c][j];
                points[i * k + c] = (float) s;
            }
        }
        return new Projection(nodeId, d, n, k, points, variances, total, axes);
    }

    /** Modified Gram–Schmidt; a vector that (nearly) vanishes is replaced by the first unit vector outside the span so far. */
    private static void orthonormalise(double[][] v) {
        int d = v[0].length;
        for (int c = 0; c < v.length; c++) {
            if (!reduce(v, c)) {
                for (int e = 0; e < d; e++) {
                    Arrays.fill(v[c], 0);
                    v[c][e] = 1;
                    if (reduce(v, c)) break;
                }
            }
        }
    }

    /** Makes v[c] orthogonal to v[0 … c−1] and of unit length; false when too little of it is left. */
    private static boolean reduce(double[][] v, int c) {
        int d = v[c].length;
        double before = 0;
        for (int j = 0; j < d; j++) before += v[c][j] * v[c][j];
        for (int b = 0; b < c; b++) {
            double dot = 0;
            for (int j = 0; j < d; j++) dot += v[c][j] * v[b][j];
            for (int j = 0; j < d; j++) v[c][j] -= dot * v[b][j];
        }
        double norm = 0;
        for (int j = 0; j < d; j++) norm += v[c][j] * v[c][j];
        if (!(norm > 1e-24 * before) || norm == 0) return false;
        norm = Math.sqrt(norm);
        for (int j = 0; j < d; j++) v[c][j] /= norm;
        return true;
    }
}
