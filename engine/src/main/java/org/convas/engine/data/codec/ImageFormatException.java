package org.convas.engine.data.codec;

/**
 * Bytes that cannot be decoded as an image: an unknown format, a damaged file, or a variant we do not
 * support (the message then says which, e.g. "progressive JPEG is not supported"). The message names
 * the problem only; whoever knows the file name puts it in front.
 */
public final class ImageFormatException extends Exception {

    public ImageFormatException(String problem) {
        super(problem);
    }
}
