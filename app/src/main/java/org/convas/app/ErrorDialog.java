package org.convas.app;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Region;
import javafx.stage.Window;

/**
 * The dialog every error path of the window ends in: the same message the status line or the command line gives
 * (the place and the rule, never a stack trace), in a window that waits to be read. Non-blocking: the FX thread goes
 * on (a run's charts keep drawing behind it).
 */
public final class ErrorDialog {

    /** The dialog pane's id, for tests. */
    public static final String ID = "error-dialog";

    private ErrorDialog() {
    }

    /**
     * Shows {@code message} under {@code header}. A long message (a list of a network's errors) goes into a
     * read-only text area that can be selected and copied.
     */
    public static Alert show(Window owner, String title, String header, String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR, "", ButtonType.OK);
        alert.setTitle(title);
        alert.setHeaderText(header);
        if (message.length() > 300 || message.contains("\n")) {
            TextArea text = new TextArea(message);
            text.setEditable(false);
            text.setWrapText(true);
            text.setPrefRowCount(Math.min(12, 2 + message.length() / 70));
            text.setId("error-dialog-text");
            alert.getDialogPane().setContent(text);
        } else {
            alert.setContentText(message);
        }
        alert.getDialogPane().setId(ID);
        alert.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        alert.getDialogPane().setPrefWidth(600);
        if (owner != null) alert.initOwner(owner);
        alert.show();
        return alert;
    }

    /** The message a dialog shows, whichever way it was laid out. */
    public static String messageOf(Alert alert) {
        return alert.getDialogPane().getContent() instanceof TextArea t ? t.getText() : alert.getContentText();
    }
}
