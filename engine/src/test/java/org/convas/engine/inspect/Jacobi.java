package org.convas.engine.inspect;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The test oracle for PCA: the covariance matrix in full and the cyclic Jacobi eigenvalue method on it. */
final class Jacobi {

    private Jacobi() {
    }

    record Eigen(double[] values, double[][] vectors) {
    }

    static double[][] covariance(float[] data, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data[i * d + j] / (double) n;
        double[][] c = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) c[a][b] += (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]) / (n - 1);
            }
        }
        return c;
    }

    /** Eigenvalues largest first, eigenvectors as rows. */
    static Eigen decompose(double[][] m) {
        int d = m.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) a[i] = m[i].clone();
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < d; p++) for (int q = p + 1; q < d; q++) off += a[p][q] * a[p][q];
            if (off < 1e-30) break;
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[d];
        double[][] vectors = new double[d][d];
        for (int i = 0; i < d; i++) {
            values[i] = a[order[i]][order[i]];
            for (int k = 0; k < d; k++) vectors[i][k] = v[k][order[i]];
        }
        return new Eigen(values, vectors);
    }

    /** A random orthogonal matrix: Gram–Schmidt on Gaussian rows. */
    static double[][] randomRotation(int d, SplittableRandom r) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) q[i][k] = r.nextGaussian();
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) dot += q[i][k] * q[j][k];
                for (int k = 0; k < d; k++) q[i][k] -= dot * q[j][k];
            }
            double norm = 0;
            for (int k = 0; k < d; k++) norm += q[i][k] * q[i][k];
            norm = Math.sqrt(norm);
            for (int k = 0; k < d; k++) q[i][k] /= norm;
        }
        return q;
    }
}
