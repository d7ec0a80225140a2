package org.convas.app.training;

import javafx.application.Application;

/** Starts {@link TrainingWorkspaceDemo} from a class that is not an {@code Application} (JavaFX on the class path). */
public final class RunTrainingWorkspaceDemo {

    private RunTrainingWorkspaceDemo() {
    }

    public static void main(String[] args) {
        Application.launch(TrainingWorkspaceDemo.class, args);
    }
}
