package org.convas.engine.inspect;

import org.convas.engine.model.Initializer;
import org.convas.engine.model.Model;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** PCA by subspace iteration against a Jacobi eigen-decomposition of the covariance matrix formed in full. */
class FeatureProjectionTest {

    @Test
    void principalComponentsMatchTheCovariancesEigenvectors() {
        int n = 300, d = 7;
        SplittableRandom r = new SplittableRandom(12);
        double[] scales = {5, 3, 2, 1, 0.5, 0.3, 0.1};
        // Correlated data: independent components of distinct scales, mixed by a random rotation.
        double[][] mix = Jacobi.randomRotation(d, r);
        float[] data = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) z[j] = r.nextGaussian() * scales[j];
            for (int j = 0; j < d; j++) {
                double s = 1.0 + j;   // an offset, which PCA removes
                for (int k = 0; k < d; k++) s += mix[j][k] * z[k];
                data[i * d + j] = (float) s;
            }
        }
        FeatureProjection.Projection p = FeatureProjection.pca("x", data, n, d, 3, 1);
        double[][] cov = Jacobi.covariance(data, n, d);
        Jacobi.Eigen eigen = Jacobi.decompose(cov);
        double trace = 0;
        for (int j = 0; j < d; j++) trace += cov[j][j];
        assertEquals(trace, p.totalVariance(), 1e-9 * trace);
        for (int c = 0; c < 3; c++) {
            assertEquals(eigen.values()[c], p.variances()[c], 1e-8 * eigen.values()[0], "variance " + c);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += eigen.vectors()[c][j] * p.axes()[c][j];
            assertEquals(1, Math.abs(dot), 1e-6, "axis " + c);
        }
        // The points are the centred data on the axes: their variance along axis c is λ_c.
        for (int c = 0; c < 3; c++) {
            double s = 0, sq = 0;
            for (int i = 0; i < n; i++) s += p.points()[i * 3 + c];
            for (int i = 0; i < n; i++) sq += Math.pow(p.points()[i * 3 + c] - s / n, 2);
            assertEquals(0, s / n, 1e-4);
            assertEquals(p.variances()[c], sq / (n - 1), 1e-4 * p.variances()[c]);
        }
    }

    @Test
    void penultimateFeaturesAreWhatTheLastLayerTakes() {
        Model model = Model.create(ExplainerTest.network(), Initializer.HE, 1);
        assertEquals("flatten", FeatureProjection.penultimateNode(model));
        float[] images = new float[3 * 288];
        for (int i = 0; i < images.length; i++) images[i] = (i % 17) / 17f;
        float[] f = FeatureProjection.features(model, i -> java.util.Arrays.copyOfRange(images, i * 288, i * 288 + 288), 3,
                "flatten", Progress.NONE);
        assertEquals(3 * 216, f.length);
    }

    @Test
    void tooFewPointsOrComponents() {
        assertEquals("PCA needs at least 2 points, got 1",
                assertThrows(IllegalArgumentException.class, () -> FeatureProjection.pca("x", new float[4], 1, 4, 2, 0)).getMessage());
        assertEquals("PCA of 5 points in 4 dimensions: 1 to 4 components, not 5",
                assertThrows(IllegalArgumentException.class, () -> FeatureProjection.pca("x", new float[20], 5, 4, 5, 0)).getMessage());
    }

    @Test
    void allEqualPointsGiveZeroVarianceAndNoNaN() {
        FeatureProjection.Projection p = FeatureProjection.pca("x", new float[40], 10, 4, 2, 0);
        assertEquals(0, p.variances()[0], 0);
        for (float v : p.points()) assertEquals(0, v, 0);
    }
}
