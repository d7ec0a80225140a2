package org.convas.engine.data;

/**
 * A dataset that cannot be loaded or prepared. The message always names the file (or folder, or
 * image) and the problem, e.g. {@code "train-labels-idx1-ubyte.gz: wrong magic number 0x00000803,
 * expected 0x00000801 (IDX labels)"}, so that it can be shown to a student as it is.
 */
public final class DatasetException extends Exception {

    private final String file;
    private final String problem;

    public DatasetException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public DatasetException(String file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    /** The file, folder or image the problem is in. */
    public String file() { return file; }

    /** What is wrong with it, without the file name. */
    public String problem() { return problem; }
}
