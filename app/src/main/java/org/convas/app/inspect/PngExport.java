package org.convas.app.inspect;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import javafx.stage.FileChooser;

import javax.imageio.ImageIO;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Saves a picture of a view as PNG, asking where. */
final class PngExport {

    private PngExport() {
    }

    /** Writes the image to {@code file} as PNG. */
    static void write(WritableImage image, Path file) throws IOException {
        if (!ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /** Asks for a file (suggesting {@code name}) and writes the image there; {@code status} gets what happened. */
    static void choose(Node owner, WritableImage image, String name, Consumer<String> status) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export as PNG");
        chooser.setInitialFileName(name);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File f = chooser.showSaveDialog(owner.getScene() == null ? null : owner.getScene().getWindow());
        if (f == null) return;
        Path path = f.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? f.toPath() : f.toPath().resolveSibling(f.getName() + ".png");
        try {
            write(image, path);
            status.accept("Saved " + path.getFileName() + " (" + (int) image.getWidth() + "×" + (int) image.getHeight() + ").");
        } catch (IOException | RuntimeException e) {
            status.accept("Cannot save " + path + ": " + e.getMessage());
        }
    }
}
