package io.pgsink.worker;

import io.pgsink.config.SinkConfig;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.KafkaDeadLetterSink;
import io.pgsink.model.ClientHook;
import io.pgsink.model.TableRef;
import io.pgsink.pg.AuditTrail;
import io.pgsink.pg.ConnectionPool;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.ProgressStore;
import io.pgsink.pg.TargetTable;
import java.sql.SQLException;
import java.util.List;

/**
 * The worker's external resources besides the consumer (which the poll loop owns): the connection pool, the
 * table writer and the dead-letter producer. Opened in that order, closed in reverse.
 */
final class Resources {

    private final ConnectionPool pool;
    private final TargetTable table;
    private final ProgressStore progress;
    private final DeadLetterSink deadLetters;
    private final AuditTrail audit;

    private Resources(
            ConnectionPool pool,
            TargetTable table,
            ProgressStore progress,
            DeadLetterSink deadLetters,
            AuditTrail audit) {
        this.pool = pool;
        this.audit = audit;
        this.table = table;
        this.progress = progress;
        this.deadLetters = deadLetters;
    }

    /** Opens everything, or closes what was opened and throws. */
    static Resources open(SinkConfig config, String workerId, ClientHook clients) {
        ConnectionPool pool = ConnectionPool.open(config, clients);
        try {
            TargetTable table = TargetTable.forConfig(pool.dataSource(), config);
            ProgressStore progress = config.exactlyOnce() ? openProgress(pool, config) : null;
            AuditTrail audit = config.auditTable() == null ? null : openAudit(pool, config, workerId);
            return new Resources(pool, table, progress, KafkaDeadLetterSink.create(config, workerId, clients), audit);
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

    TargetTable table() {
        return table;
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
