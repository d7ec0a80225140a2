package org.convas.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.convas.engine.data.codec.DecodedImage;
import org.convas.engine.data.codec.ImageDecoders;
import org.convas.engine.data.codec.ImageFormatException;
import org.convas.engine.spec.ReadFiles;

/**
 * A folder with one sub-folder per class, the layout torchvision's ImageFolder reads:
 * <pre>
 *   pets/cat/001.png   pets/cat/002.jpg   pets/dog/a.bmp   pets/dog/more/b.gif
 * </pre>
 * Class names are the sub-folder names in alphabetical order (label 0 = first). Images may be PNG,
 * JPEG, BMP or GIF, recognised by content, in any size and colour mode; sub-sub-folders are searched.
 *
 * <p>A file that cannot be decoded is skipped and reported, not fatal: one broken download should not
 * stop a class. A class left with no images, a missing folder or a folder without class folders is an
 * error, because training could not mean what the student expects.
 */
public final class ImageFolder {

    /** A file that was not loaded, and why. */
    public record SkippedFile(String file, String reason) {
        @Override
        public String toString() { return file + " (" + reason + ")"; }
    }

    /** The loaded images, and the files that were skipped. */
    public record Result(Dataset dataset, List<SkippedFile> skipped) {

        public Result {
            skipped = List.copyOf(skipped);
        }

        /** "3 files skipped: a.png (not an image), …", or "" when nothing was skipped. */
        public String skippedSummary() {
            return summary(skipped);
        }
    }

    private static final int LISTED = 10;
    /** The largest image file read (a 100-megapixel PNG compresses to less). */
    static final long FILE_LIMIT = 256L << 20;

    private ImageFolder() {
    }

    public static Result load(Path root) throws DatasetException {
        String rootName = root.toString();
        if (!Files.exists(root)) throw new DatasetException(rootName, "folder not found");
        if (!Files.isDirectory(root)) {
            throw new DatasetException(rootName, "is a file; expected a folder with one sub-folder per class");
        }
        List<Path> classDirs = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.sorted().toList()) {
                if (hidden(p)) continue;
                if (Files.isDirectory(p)) classDirs.add(p);
                else skipped.add(new SkippedFile(p.getFileName().toString(), "outside the class folders"));
            }
        } catch (IOException e) {
            throw new DatasetException(rootName, "cannot be listed: " + e.getMessage(), e);
        }
        if (classDirs.isEmpty()) {
            throw new DatasetException(rootName, "has no class sub-folders; put the images of each class in a "
                    + "sub-folder named after the class (e.g. cats/ and dogs/)");
        }
        List<String> classNames = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path dir : classDirs) {
            String className = dir.getFileName().toString();
            int label = classNames.size();
            classNames.add(className);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).filter(p -> !hidden(p)).sorted().toList();
            } catch (IOException e) {
                throw new DatasetException(dir.toString(), "cannot be listed: " + e.getMessage(), e);
            }
            int before = images.size();
            List<SkippedFile> skippedHere = new ArrayList<>();
            for (Path file : files) {
                String name = root.relativize(file).toString().replace('\\', '/');
                try {
                    byte[] bytes = ReadFiles.bytes(file, FILE_LIMIT, "an image file");
                    DecodedImage d = ImageDecoders.decode(bytes);
                    images.add(Image.interleaved(d.width(), d.height(), d.channels(), d.pixels()));
                    labels.add(label);
                    names.add(name);
                } catch (ImageFormatException e) {
                    skippedHere.add(new SkippedFile(name, e.getMessage()));
                } catch (ImageDecoders.NotEnoughMemoryException e) {
                    throw new DatasetException(name, e.getMessage() + " (" + images.size() + " images were loaded before it)");
                } catch (OutOfMemoryError e) {
                    int loaded = images.size();
                    images.clear(); // let the message be built
                    throw new DatasetException(rootName, "the Java heap is full after " + loaded + " images, at " + name
                            + "; give Java more memory (-Xmx), or use fewer or smaller images");
                } catch (ReadFiles.TooLargeException e) {
                    skippedHere.add(new SkippedFile(name, "larger than the " + (FILE_LIMIT >> 20) + " MiB an image file may have"));
                } catch (IOException e) {
                    skippedHere.add(new SkippedFile(name, "cannot be read: " + ReadFiles.reason(e.getCause() != null ? e.getCause() : e)));
                } catch (RuntimeException e) {
                    // A decoder bug on one odd file should cost that file, not the whole folder.
                    skippedHere.add(new SkippedFile(name, "could not be decoded (" + ReadFiles.message(e) + ")"));
                }
            }
            skipped.addAll(skippedHere);
            if (images.size() == before) {
                throw new DatasetException(dir.toString(), files.isEmpty()
                        ? "class \"" + className + "\" has no images; every class folder needs at least one"
                        : "class \"" + className + "\" has no readable images: " + summary(skippedHere));
            }
        }
        Dataset dataset = new Dataset(root.getFileName() == null ? rootName : root.getFileName().toString(),
                classNames, images, labels.stream().mapToInt(Integer::intValue).toArray(), names);
        return new Result(dataset, skipped);
    }

    private static boolean hidden(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".") || n.equalsIgnoreCase("Thumbs.db") || n.equalsIgnoreCase("desktop.ini");
    }

    static String summary(List<SkippedFile> skipped) {
        if (skipped.isEmpty()) return "";
        StringBuilder s = new StringBuilder();
        s.append(skipped.size()).append(skipped.size() == 1 ? " file skipped: " : " files skipped: ");
        for (int i = 0; i < Math.min(LISTED, skipped.size()); i++) {
            if (i > 0) s.append(", ");
            s.append(skipped.get(i));
        }
        if (skipped.size() > LISTED) s.append(", and ").append(skipped.size() - LISTED).append(" more");
        return s.toString();
    }
}
