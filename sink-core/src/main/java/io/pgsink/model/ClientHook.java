package io.pgsink.model;

/**
 * Where a stage reports the clients it opens (the pool, the consumer, the dead-letter producer), so that
 * instrumentation can bind to them without the stage knowing of it. Clients travel as {@code Object}: this type
 * names no client library.
 */
public interface ClientHook {

    /** Reports nothing. */
    ClientHook NONE = new ClientHook() {
        @Override
        public void opened(Object client) {}
    };

    void opened(Object client);

    default void closing(Object client) {}
}
