package io.pgsink;

/** Writing cannot go on without an operator: schema drift, permissions, an unwritable dead-letter topic. */
final class FatalWriteException extends Exception {

    FatalWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
