/**
 * The engine: spec, calculator, kernels, layers, training, data. Pure Java, and the compiler holds it to
 * that: it reads no module but these, so an import of java.awt, javax.swing, javax.imageio or JavaFX does not
 * compile (STYLE.md: the engine never imports a GUI toolkit).
 *
 * <p>protobuf-java has no module-info (its jar names the automatic module {@code com.google.protobuf}); the ONNX
 * classes generated from onnx.proto are protobuf messages, and {@code OnnxImport.read(ModelProto, ...)} takes one, so
 * a reader of the engine reads protobuf too ({@code requires transitive}). The compiler's notes on requiring an
 * automatic module are expected here, hence the suppression.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module org.convas.engine {
    requires com.google.gson;
    requires transitive com.google.protobuf; // ONNX files are protobuf messages (classes generated from onnx.proto)
    requires java.management;               // thread CPU time in the benchmarks
    requires static jdk.incubator.vector;   // optional at run time: the kernels fall back to scalar code without it

    exports org.convas.engine.bench;
    exports org.convas.engine.calc;
    exports org.convas.engine.data;
    exports org.convas.engine.data.codec;
    exports org.convas.engine.exchange;
    exports org.convas.engine.inspect;
    exports org.convas.engine.kernel;
    exports org.convas.engine.model;
    exports org.convas.engine.spec;
    exports org.convas.engine.teach;
    exports org.convas.engine.train;
    exports onnx;                           // the message classes generated from onnx.proto (ONNX's own package name)

    opens org.convas.engine.train to com.google.gson; // a checkpoint's progress record is read and written by Gson
}
