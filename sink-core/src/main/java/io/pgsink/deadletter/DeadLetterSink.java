package io.pgsink.deadletter;

import java.util.List;

/** Where records that can never be written go. */
public interface DeadLetterSink extends AutoCloseable {

    /**
     * Sends the rejections and returns only once every one is acknowledged (acks=all); throws if any cannot be,
     * in which case the caller must not commit past them.
     */
    void send(List<Rejection> rejections) throws DeadLetterException, InterruptedException;

    /** Releases the sink's resources; nothing to release by default. */
    @Override
    default void close() {}
}
