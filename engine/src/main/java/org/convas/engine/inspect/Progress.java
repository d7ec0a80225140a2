package org.convas.engine.inspect;

/** Reports how far a long computation is, and stops it: {@link #proceed} returning false cancels. */
@FunctionalInterface
public interface Progress {

    /** Never cancels, reports nothing. */
    Progress NONE = (done, total) -> true;

    /**
     * @param done  units of work finished (images, patch positions)
     * @param total units in all
     * @return false to stop the computation (it then throws {@link CancelledException})
     */
    boolean proceed(int done, int total);

    /** Thrown by a computation whose {@link Progress} asked it to stop. */
    final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
