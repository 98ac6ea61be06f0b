package io.pgsink.client;

/** An {@link OutcomeProcessor} threw: the cause is its exception; the results were drained and stay closable. */
public final class ProcessingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ProcessingException(int index, Exception cause) {
        super("the outcome processor threw at operation " + index + "; the remaining outcomes were skipped", cause);
    }
}
