package org.convas.app.designer;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.layout.Region;
import javafx.stage.Window;

/**
 * Dialogs that behave under any window manager: owned by the window they are about, centred on it once their
 * size is known (some window managers put an owned dialog in the screen's corner), and sized to their text.
 */
public final class Dialogs {

    private Dialogs() {
    }

    /** Owns the dialog by {@code owner} (when there is one) and centres it on the owner each time it shows. */
    public static <T extends Dialog<?>> T ownedBy(T dialog, Window owner) {
        if (owner != null) dialog.initOwner(owner);
        dialog.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        dialog.setOnShown(e -> centre(dialog, owner));
        return dialog;
    }

    /** Centres a showing dialog on its owner, kept on the owner's screen. */
    static void centre(Dialog<?> dialog, Window owner) {
        if (owner == null || !owner.isShowing()) return;
        Window w = dialog.getDialogPane().getScene().getWindow();
        double x = owner.getX() + (owner.getWidth() - w.getWidth()) / 2;
        double y = owner.getY() + (owner.getHeight() - w.getHeight()) / 2;
        w.setX(Math.max(owner.getX(), x));
        w.setY(Math.max(owner.getY(), y));
    }

    /** An error: a title naming what failed, a header saying what stays as it was, and the full message. */
    public static Alert error(Window owner, String title, String header, String message) {
        Alert a = ownedBy(new Alert(Alert.AlertType.ERROR, message, ButtonType.OK), owner);
        a.setTitle(title);
        a.setHeaderText(header);
        a.getDialogPane().setPrefWidth(560);
        return a;
    }
}
