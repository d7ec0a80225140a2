package org.convas.engine.exchange;

/**
 * A network or weights file that cannot be exported or imported, with a message that names the file, the node or
 * tensor, and the rule: "model.onnx, node "/features/Resize": operator Resize is not a layer type Convas has".
 */
public final class ExchangeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ExchangeException(String message) {
        super(message);
    }

    public ExchangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
