package org.convas.engine.data;

import org.convas.engine.spec.Shape;

/**
 * Pixel statistics of a (training) set that has been brought to the network input shape, with values
 * scaled to [0, 1]: the mean image and the standard-deviation image (the lecture shows both: the mean
 * face and where faces vary), and per-channel mean and standard deviation.
 *
 * <p>Standard deviations are population ones (divide by N). A channel with zero spread (all images
 * equal there) gets std 1, so normalising does not divide by zero.
 */
public final class DatasetStatistics {

    private final int count;
    private final FloatImage mean;
    private final FloatImage std;
    private final float[] channelMean;
    private final float[] channelStd;
    private final float[] meanValues; // mean.values() once, not a copy per image

    private DatasetStatistics(int count, FloatImage mean, FloatImage std, float[] channelMean, float[] channelStd) {
        this.count = count;
        this.mean = mean;
        this.std = std;
        this.channelMean = channelMean;
        this.channelStd = channelStd;
        this.meanValues = mean.values();
    }

    /** Statistics of n images stored one after another as C×H×W bytes. */
    static DatasetStatistics of(byte[] pixels, int n, Shape shape) {
        int size = (int) shape.size(), plane = shape.width() * shape.height(), channels = shape.depth();
        double[] sum = new double[size], sumSq = new double[size];
        for (int i = 0; i < n; i++) {
            int base = i * size;
            for (int k = 0; k < size; k++) {
                int v = pixels[base + k] & 0xFF;
                sum[k] += v;
                sumSq[k] += v * v;
            }
        }
        float[] mean = new float[size], std = new float[size];
        float[] cMean = new float[channels], cStd = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0, sq = 0;
            for (int k = c * plane; k < (c + 1) * plane; k++) {
                double m = sum[k] / n;
                mean[k] = (float) (m / 255);
                std[k] = (float) (Math.sqrt(Math.max(0, sumSq[k] / n - m * m)) / 255);
                s += sum[k];
                sq += sumSq[k];
            }
            double total = (double) n * plane;
            double m = s / total;
            double sd = Math.sqrt(Math.max(0, sq / total - m * m)) / 255;
            cMean[c] = (float) (m / 255);
            cStd[c] = sd < 1e-6 ? 1f : (float) sd;
        }
        return new DatasetStatistics(n, new FloatImage(shape, mean), new FloatImage(shape, std), cMean, cStd);
    }

    /** How many images the statistics were computed from. */
    public int count() { return count; }

    /** The mean image: each pixel averaged over all training images, in [0, 1]. */
    public FloatImage meanImage() { return mean; }

    /** The standard deviation of each pixel over all training images (0 where they all agree). */
    public FloatImage stdImage() { return std; }

    /** Mean of each channel over all pixels of all training images, in [0, 1]. */
    public float[] channelMean() { return channelMean.clone(); }

    /** Standard deviation of each channel (1 for a constant channel). */
    public float[] channelStd() { return channelStd.clone(); }

    /** Normalises one C×H×W [0, 1] volume at dst[offset…] in place. */
    void normalise(Normalisation mode, float[] x, int offset) {
        switch (mode) {
            case NONE -> { }
            case PER_CHANNEL -> {
                int plane = mean.shape().width() * mean.shape().height();
                for (int c = 0; c < channelMean.length; c++) {
                    float m = channelMean[c], inv = 1f / channelStd[c];
                    int from = offset + c * plane;
                    for (int k = from; k < from + plane; k++) x[k] = (x[k] - m) * inv;
                }
            }
            case MEAN_IMAGE -> {
                float[] m = meanValues;
                for (int k = 0; k < m.length; k++) x[offset + k] -= m[k];
            }
        }
    }
}
