package org.convas.engine.train;

import org.convas.engine.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients; sees only (value, gradient) pairs, so it works for every layer.
 * The learning rate and momentum may change between steps ({@link #setLearningRate}, {@link #setMomentum}).
 * State (velocities, moments) is kept per parameter, by position in the list given to {@link #step}. Parameters of
 * frozen nodes ({@link Parameter#trainable()} false) are skipped and keep no state.
 */
public final class Optimizer {

    private final OptimizerSettings settings;
    private double learningRate;
    private double momentum;
    private long steps;
    private float[][] first;
    private float[][] second;

    public Optimizer(OptimizerSettings settings) {
        this.settings = settings;
        this.learningRate = settings.learningRate();
        this.momentum = settings.momentum();
    }

    public OptimizerSettings settings() { return settings; }

    public double learningRate() { return learningRate; }

    public double momentum() { return momentum; }

    public long steps() { return steps; }

    public void setLearningRate(double lr) {
        OptimizerSettings.requireLearningRate(lr);
        learningRate = lr;
    }

    public void setMomentum(double m) {
        OptimizerSettings.requireMomentum(m);
        momentum = m;
    }

    /**
     * Allocates the state the first step would (velocities, moments), so that a run finds out at its start whether
     * they fit. Plain SGD (no momentum) keeps none.
     */
    void allocateState(List<Parameter> parameters) {
        if (first == null) {
            first = new float[parameters.size()][];
            second = new float[parameters.size()][];
        }
        boolean one = switch (settings.kind()) {
            case SGD -> momentum > 0;
            case NESTEROV, ADAM, RMSPROP, ADAGRAD -> true;
        };
        boolean two = settings.kind() == OptimizerSettings.Kind.ADAM || settings.kind() == OptimizerSettings.Kind.RMSPROP && momentum > 0;
        for (int i = 0; i < parameters.size(); i++) {
            int n = parameters.get(i).size();
            if (one) state(first, i, n);
            if (two) state(second, i, n);
        }
    }

    /** One update of every parameter from its gradient. */
    public void step(List<Parameter> parameters) {
        if (first == null) {
            first = new float[parameters.size()][];
            second = new float[parameters.size()][];
        }
        steps++;
        float lr = (float) learningRate;
        float mu = (float) momentum;
        float wd = (float) settings.weightDecay();
        float eps = (float) settings.epsilon();
        float b1 = (float) settings.beta1(), b2 = (float) settings.beta2();
        double bc1 = 1 - Math.pow(settings.beta1(), steps), bc2 = 1 - Math.pow(settings.beta2(), steps);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!p.trainable()) continue; // a frozen node's parameters stay as they are
            float[] w = p.value();
            float[] g = p.grad();
            float decay = p.decays() ? wd : 0f;
            int n = w.length;
            switch (settings.kind()) {
                case SGD, NESTEROV -> {
                    boolean nesterov = settings.kind() == OptimizerSettings.Kind.NESTEROV;
                    if (mu == 0f && first[i] == null) {
                        for (int j = 0; j < n; j++) w[j] -= lr * (g[j] + decay * w[j]);
                    } else {
                        float[] v = state(first, i, n);
                        for (int j = 0; j < n; j++) {
                            float gj = g[j] + decay * w[j];
                            v[j] = mu * v[j] + gj;
                            w[j] -= lr * (nesterov ? gj + mu * v[j] : v[j]);
                        }
                    }
                }
                case ADAM -> {
                    float[] m = state(first, i, n);
                    float[] v = state(second, i, n);
                    float stepSize = (float) (learningRate / bc1);
                    float sqrtBc2 = (float) Math.sqrt(bc2);
                    for (int j = 0; j < n; j++) {
                        float gj = g[j] + decay * w[j];
                        m[j] = b1 * m[j] + (1 - b1) * gj;
                        v[j] = b2 * v[j] + (1 - b2) * gj * gj;
                        w[j] -= stepSize * m[j] / ((float) Math.sqrt(v[j]) / sqrtBc2 + eps);
                    }
                }
                case RMSPROP -> {
                    float[] v = state(first, i, n);
                    float[] buf = mu > 0f ? state(second, i, n) : null;
                    for (int j = 0; j < n; j++) {
                        float gj = g[j] + decay * w[j];
                        v[j] = b2 * v[j] + (1 - b2) * gj * gj;
                        float step = gj / ((float) Math.sqrt(v[j]) + eps);
                        if (buf != null) {
                            buf[j] = mu * buf[j] + step;
                            step = buf[j];
                        }
                        w[j] -= lr * step;
                    }
                }
                case ADAGRAD -> {
                    float[] s = state(first, i, n);
                    for (int j = 0; j < n; j++) {
                        float gj = g[j] + decay * w[j];
                        s[j] += gj * gj;
                        w[j] -= lr * gj / ((float) Math.sqrt(s[j]) + eps);
                    }
                }
            }
        }
    }

    private static float[] state(float[][] slots, int i, int n) {
        if (slots[i] == null) slots[i] = new float[n];
        return slots[i];
    }

    /** The state tensors by name ("conv1.weight#1" first slot, "#2" second), for checkpoints. */
    public Map<String, float[]> state(List<Parameter> parameters) {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (first == null) return out;
        for (int i = 0; i < parameters.size(); i++) {
            if (first[i] != null) out.put(parameters.get(i).name() + "#1", first[i].clone());
            if (second[i] != null) out.put(parameters.get(i).name() + "#2", second[i].clone());
        }
        return out;
    }

    /** The state tensors by name as {@link #state} gives them, but the live arrays (no copy): to save them at once. */
    Map<String, float[]> liveState(List<Parameter> parameters) {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (first == null) return out;
        for (int i = 0; i < parameters.size(); i++) {
            if (first[i] != null) out.put(parameters.get(i).name() + "#1", first[i]);
            if (second[i] != null) out.put(parameters.get(i).name() + "#2", second[i]);
        }
        return out;
    }

    /** Restores state saved by {@link #state}, with the step count and current learning rate and momentum. */
    public void restore(List<Parameter> parameters, Map<String, float[]> state, long stepCount, double lr, double mu) {
        first = new float[parameters.size()][];
        second = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            first[i] = checked(state.get(p.name() + "#1"), p);
            second[i] = checked(state.get(p.name() + "#2"), p);
        }
        steps = stepCount;
        setLearningRate(lr);
        setMomentum(mu);
    }

    private static float[] checked(float[] s, Parameter p) {
        if (s == null) return null;
        if (s.length != p.size()) {
            throw new IllegalArgumentException("optimizer state for " + p.name() + " has " + s.length + " values, the parameter " + p.size());
        }
        return s.clone();
    }
}
