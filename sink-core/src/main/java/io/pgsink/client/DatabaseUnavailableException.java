package io.pgsink.client;

/**
 * The database could not take the batch: transient failures outlasted the retry budget, or the circuit breaker is
 * open and failing fast. Nothing of the batch was committed, except where {@link #commitUnknown()} says otherwise.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final boolean commitUnknown;

    DatabaseUnavailableException(String message, Throwable cause, boolean commitUnknown) {
        super(message, cause);
        this.commitUnknown = commitUnknown;
    }

    /**
     * Whether the last attempt's COMMIT went unanswered and whether it committed could not be learned before the
     * budget ran out: the batch may or may not be in the table.
     */
    public boolean commitUnknown() {
        return commitUnknown;
    }
}
