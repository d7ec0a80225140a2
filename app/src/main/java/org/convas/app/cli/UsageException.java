package org.convas.app.cli;

/** Arguments the command cannot use; the message says what was wrong and what is expected. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
