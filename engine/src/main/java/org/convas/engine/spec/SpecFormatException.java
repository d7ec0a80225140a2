package org.convas.engine.spec;

/**
 * A network file that cannot be loaded: malformed JSON, a missing or mistyped field, an unknown type, a
 * wrong format version, or a broken graph. The message names the place (source, node id, field).
 */
public final class SpecFormatException extends Exception {

    private final String source;
    private final String place;

    public SpecFormatException(String source, String place, String problem) {
        super(source + (place.isEmpty() ? "" : ", " + place) + ": " + problem);
        this.source = source;
        this.place = place;
    }

    public SpecFormatException(String source, String place, String problem, Throwable cause) {
        this(source, place, problem);
        initCause(cause);
    }

    /** The file (or "text") the network came from. */
    public String source() { return source; }

    /** Where in it, e.g. "node \"conv1\", field \"stride\"" (empty for the whole file). */
    public String place() { return place; }
}
