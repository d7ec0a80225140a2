package org.convas.engine.data;

import java.nio.file.Path;

/** Run in a child JVM with a small heap by {@link ImageFolderTest}: loads a folder and prints what happened. */
public final class ImageFolderHeapProbe {
    private ImageFolderHeapProbe() { }

    public static void main(String[] args) {
        try {
            ImageFolder.Result r = ImageFolder.load(Path.of(args[0]));
            System.out.println("LOADED " + r.dataset().size() + " " + r.skippedSummary());
        } catch (DatasetException e) {
            System.out.println("REFUSED " + e.getMessage());
        } catch (Throwable t) {
            System.out.println("THREW " + t);
        }
    }
}
