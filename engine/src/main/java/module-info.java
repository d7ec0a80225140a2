/**
 * The engine: spec, calculator, kernels, layers, training, data. Pure Java, and the compiler holds it to
 * that: it reads no module but these, so an import of java.awt, javax.swing, javax.imageio or JavaFX does not
 * compile (STYLE.md: the engine never imports a GUI toolkit).
 */
module org.convas.engine {
    requires com.google.gson;
    requires java.management;               // thread CPU time in the benchmarks
    requires static jdk.incubator.vector;   // optional at run time: the kernels fall back to scalar code without it

    exports org.convas.engine.bench;
    exports org.convas.engine.calc;
    exports org.convas.engine.data;
    exports org.convas.engine.data.codec;
    exports org.convas.engine.inspect;
    exports org.convas.engine.kernel;
    exports org.convas.engine.model;
    exports org.convas.engine.spec;
    exports org.convas.engine.teach;
    exports org.convas.engine.train;

    opens org.convas.engine.train to com.google.gson; // a checkpoint's progress record is read and written by Gson
}
