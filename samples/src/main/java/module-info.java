/** The presets (LeNet-5 … ResNet-50) and the bundled datasets. Reads the engine and nothing of a GUI toolkit. */
module org.convas.samples {
    requires transitive org.convas.engine;
    requires java.management; // thread CPU time in the calculator benchmark
    requires jdk.management;  // the training benchmark: the process CPU time (com.sun.management.OperatingSystemMXBean)

    exports org.convas.samples;
    exports org.convas.samples.bench;
    exports org.convas.samples.data;
    exports org.convas.samples.teach;
}
