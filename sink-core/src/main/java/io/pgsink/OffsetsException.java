package io.pgsink;

/**
 * An offsets command could not be carried out: Kafka or PostgreSQL could not be reached or refused, a topic or
 * partition is not there, or the consumer group has active members. The message is one line an operator can act
 * on, and says whether anything was changed.
 */
public final class OffsetsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OffsetsException(String message) {
        super(message);
    }

    public OffsetsException(String message, Throwable cause) {
        super(message, cause);
    }
}
