package org.convas.app.designer;

import javafx.application.Application;

/**
 * Starts {@link DesignerApp} from a plain class, as a classpath or shaded-jar launch needs (a main class that
 * extends Application fails with "JavaFX runtime components are missing").
 */
public final class DesignerLauncher {

    private DesignerLauncher() {
    }

    public static void main(String[] args) {
        Application.launch(DesignerApp.class, args);
    }
}
