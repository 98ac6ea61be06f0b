package io.pgsink.write;

/** Writing cannot go on without an operator: schema drift, permissions, an unwritable dead-letter topic. */
public final class FatalWriteException extends Exception {

    public FatalWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
