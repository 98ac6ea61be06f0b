package io.pgsink.deadletter;

/** The dead-letter topic could not take a record: the pipeline must stop rather than skip it. */
public final class DeadLetterException extends Exception {

    public DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
