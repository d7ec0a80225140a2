package org.convas.engine.train;

/** A run that cannot start or continue: not enough memory, data that does not fit the network, ... */
public class TrainingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }
}
