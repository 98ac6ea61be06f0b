package io.pgsink.worker;

import io.pgsink.config.SinkConfig;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.KafkaDeadLetterSink;
import io.pgsink.pg.ConnectionPool;
import io.pgsink.pg.TargetTable;
import java.util.List;

/**
 * The worker's external resources besides the consumer (which the poll loop owns): the connection pool, the
 * table writer and the dead-letter producer. Opened in that order, closed in reverse.
 */
final class Resources {

    private final ConnectionPool pool;
    private final TargetTable tableWriter;
    private final DeadLetterSink deadLetters;

    private Resources(ConnectionPool pool, TargetTable tableWriter, DeadLetterSink deadLetters) {
        this.pool = pool;
        this.tableWriter = tableWriter;
        this.deadLetters = deadLetters;
    }

    /** Opens everything, or closes what was opened and throws. */
    static Resources open(SinkConfig config, String workerId) {
        ConnectionPool pool = ConnectionPool.open(config);
        try {
            TargetTable tableWriter = TargetTable.forConfig(pool.dataSource(), config);
            return new Resources(pool, tableWriter, KafkaDeadLetterSink.create(config, workerId));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    TargetTable tableWriter() {
        return tableWriter;
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
