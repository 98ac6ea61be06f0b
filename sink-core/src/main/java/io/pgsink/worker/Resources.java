package io.pgsink.worker;

import io.pgsink.config.SinkConfig;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.KafkaDeadLetterSink;
import io.pgsink.model.TableRef;
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

    private Resources(ConnectionPool pool, ProgressStore progress, DeadLetterSink deadLetters) {
        this.pool = pool;
        this.progress = progress;
        this.deadLetters = deadLetters;
    }

    /** Opens everything, or closes what was opened and throws. */
    static Resources open(SinkConfig config, String workerId) {
        ConnectionPool pool = ConnectionPool.open(config);
        try {
            ProgressStore progress = config.exactlyOnce() ? openProgress(pool, config) : null;
            return new Resources(pool, progress, KafkaDeadLetterSink.create(config, workerId));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
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
