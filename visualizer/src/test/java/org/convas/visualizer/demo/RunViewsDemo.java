package org.convas.visualizer.demo;

import javafx.application.Application;

/**
 * Starts {@link ViewsDemo} from the class path. The launcher is a separate class because the java launcher
 * refuses a main class that extends {@code Application} when JavaFX is not on the module path.
 */
public final class RunViewsDemo {

    private RunViewsDemo() {
    }

    public static void main(String[] args) {
        Application.launch(ViewsDemo.class, args);
    }
}
