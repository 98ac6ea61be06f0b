package io.pgsink;

/**
 * Told of each client a worker opens, for instrumentation that binds to the client itself: a pool's metrics
 * tracker, Kafka's client metrics. A {@link SinkListener} registered with a worker that also implements this
 * interface is told too.
 *
 * <p>Clients are passed as {@code Object} so that this API carries no Kafka or HikariCP types: the worker's
 * connection pool (a {@code javax.sql.DataSource}, HikariCP's {@code HikariDataSource}), its Kafka consumer (a
 * {@code org.apache.kafka.clients.consumer.Consumer}) and its dead-letter producer (a
 * {@code org.apache.kafka.clients.producer.Producer}). An observer may read a client's metrics and may set up the
 * pool's metrics tracker; it must not use a client otherwise (the consumer belongs to the poll thread). Whatever
 * it throws is logged and ignored.
 */
public interface ClientObserver {

    /** A client was opened; called before the worker consumes anything. */
    void opened(Object client);

    /** A client is about to close; nothing by default. */
    default void closing(Object client) {}
}
