package io.pgsink.worker;

import io.pgsink.config.Route;
import io.pgsink.config.SinkConfig;
import io.pgsink.deadletter.DeadLetterException;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.KafkaDeadLetterSink;
import io.pgsink.model.ClientHook;
import io.pgsink.model.TableRef;
import io.pgsink.pg.AuditTrail;
import io.pgsink.pg.ConnectionPool;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.ProgressStore;
import java.sql.SQLException;
import java.util.List;

/**
 * The worker's external resources besides the consumer (which the poll loop owns): the connection pool, the
 * progress table and the dead-letter producer. Opened in that order, closed in reverse. Tables are opened by
 * {@link TableWriters}.
 */
final class Resources {

    private final ConnectionPool pool;
    private final ProgressStore progress;
    private final DeadLetterSink deadLetters;
    private final AuditTrail audit;

    private Resources(ConnectionPool pool, ProgressStore progress, DeadLetterSink deadLetters, AuditTrail audit) {
        this.pool = pool;
        this.audit = audit;
        this.progress = progress;
        this.deadLetters = deadLetters;
    }

    /** Opens everything, or closes what was opened and throws. */
    static Resources open(SinkConfig config, String workerId, ClientHook clients) {
        ConnectionPool pool = ConnectionPool.open(config, clients);
        try {
            ProgressStore progress = config.exactlyOnce() ? openProgress(pool, config) : null;
            AuditTrail audit = config.auditTable() == null ? null : openAudit(pool, config, workerId);
            return new Resources(pool, progress, deadLetters(config, workerId, clients), audit);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The dead-letter producer, once the dead-letter topic of every configured topic exists. Without
     * deadletter.topic.create a missing topic is not an error at start (it may be created before the first record
     * is rejected); the first dead letter to it stops the lane, and {@code pgsink validate} reports it.
     */
    private static KafkaDeadLetterSink deadLetters(SinkConfig config, String workerId, ClientHook clients) {
        KafkaDeadLetterSink sink = KafkaDeadLetterSink.create(config, workerId, clients);
        if (!config.deadLetterTopics().create()) {
            return sink;
        }
        try {
            for (Route route : config.routes()) {
                for (String topic : route.topics()) {
                    sink.ensureTopic(route.deadLetterTopicFor(topic));
                }
                // A pattern route's own dead-letter topic is known before its topics are: created now as well.
                if (route.topicPattern() != null && route.deadLetterTopic() != null) {
                    sink.ensureTopic(route.deadLetterTopic());
                }
            }
            return sink;
        } catch (DeadLetterException e) {
            sink.close();
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.close();
            throw new IllegalStateException("interrupted while checking the dead-letter topics", e);
        }
    }

    private static ProgressStore openProgress(ConnectionPool pool, SinkConfig config) {
        try {
            return ProgressStore.open(pool.dataSource(), TableRef.parse(config.progressTable()), config.groupId());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot open the progress table " + config.progressTable() + ": "
                            + FailureDescription.of(e).withAdvice(),
                    e);
        }
    }

    private static AuditTrail openAudit(ConnectionPool pool, SinkConfig config, String workerId) {
        try {
            return AuditTrail.open(pool.dataSource(), TableRef.parse(config.auditTable()), workerId);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot open the audit table " + config.auditTable() + ": "
                            + FailureDescription.of(e).withAdvice(),
                    e);
        }
    }

    /** The audit trail, or null when none is kept. */
    AuditTrail audit() {
        return audit;
    }

    ConnectionPool pool() {
        return pool;
    }

    /** The progress table, or null in at-least-once mode. */
    ProgressStore progress() {
        return progress;
    }

    DeadLetterSink deadLetters() {
        return deadLetters;
    }

    /** Closes the dead-letter producer, then the pool; failures are added to {@code failures}. */
    void closeAll(List<Exception> failures) {
        try {
            deadLetters.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        pool.close();
    }
}
