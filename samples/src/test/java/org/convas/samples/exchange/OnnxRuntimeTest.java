package org.convas.samples.exchange;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.convas.engine.exchange.OnnxExport;
import org.convas.engine.model.Model;
import org.convas.engine.spec.NetworkSpec;
import org.convas.samples.Preset;
import org.convas.samples.Presets;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exported ONNX files compute what Convas computes, in another engine: ONNX Runtime (the Java package from Maven
 * Central, test scope; Debian does not package onnxruntime) runs each preset up to 30 M parameters and the exchange
 * test networks on the same weights and inputs as Convas's evaluation forward pass. This checks the ONNX semantics
 * of the export (auto_pad SAME_UPPER, pads, count_include_pad, LRN's bias and α/n, BatchNorm, Gemm's transB, the
 * helper Flatten nodes), which the export → import round trip alone cannot.
 *
 * <p>Tolerance: |Δ output| ≤ 1e-5 (the outputs are probabilities where the network ends in Softmax, else scores
 * of size about 1), a few float32 ulps of summation order.
 */
class OnnxRuntimeTest {

    @Test
    void onnxRuntimeComputesConvasOutputsFromTheExportedFiles() throws Exception {
        List<NetworkSpec> nets = new ArrayList<>();
        for (Preset p : Presets.all()) nets.add(p.spec());
        nets.addAll(OnnxExchangeTest.onnxNets());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        StringBuilder report = new StringBuilder();
        for (NetworkSpec spec : nets) {
            Model model = ExchangeNets.model(spec);
            if (model.parameterCount() > 30_000_000) continue;
            byte[] onnx = OnnxExport.build(model).toByteArray();
            int count = 2;
            float[] x = ExchangeNets.input(model, count, 21);
            float[][] convas = ExchangeNets.forward(model, x, count);
            boolean softmax = spec.node(model.outputId()).layer() instanceof org.convas.engine.spec.LayerSpec.Softmax;
            float[] expected = softmax ? convas[1] : convas[0];
            var in = model.inputShape();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(2);
                try (OrtSession session = env.createSession(onnx, options);
                     OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {count, in.depth(), in.height(), in.width()});
                     OrtSession.Result result = session.run(java.util.Map.of(session.getInputNames().iterator().next(), tensor))) {
                    float[][] out = (float[][]) result.get(0).getValue();
                    assertEquals(count, out.length);
                    double worst = 0;
                    for (int n = 0; n < count; n++) {
                        assertEquals(model.classes(), out[n].length, spec.name());
                        for (int k = 0; k < out[n].length; k++) worst = Math.max(worst, Math.abs(out[n][k] - expected[n * model.classes() + k]));
                    }
                    report.append(String.format(Locale.ROOT, "%s: max |Δ| %.2e%n", spec.name(), worst));
                    if (worst > 1e-5) fail("ONNX Runtime computes something else for " + spec.name() + ":\n" + report);
                }
            }
        }
        System.out.print(report);
    }
}
