package org.convas.engine.model;

/** A network that cannot become a trainable model (calculator errors, no single input or output, ...). */
public class ModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }
}
