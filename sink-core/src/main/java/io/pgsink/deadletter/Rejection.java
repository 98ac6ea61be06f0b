package io.pgsink.deadletter;

import io.pgsink.error.FailureKind;
import io.pgsink.model.SinkRecord;
import java.util.Objects;

/**
 * A record that can never be written, with why.
 *
 * @param sqlState the PostgreSQL SQLSTATE, or {@code null} when the record failed before reaching the database
 * @param reason a message with no row values in it
 * @param attempts how many writes included this record
 * @param traceId the trace id of the batch that rejected the record (its log lines carry it too), or {@code null}
 */
public record Rejection(
        SinkRecord record,
        FailureKind kind,
        String sqlState,
        String reason,
        String exceptionClass,
        String table,
        String column,
        String constraint,
        int attempts,
        String traceId) {

    /** A rejection not yet tied to a batch's trace. */
    public Rejection(
            SinkRecord record,
            FailureKind kind,
            String sqlState,
            String reason,
            String exceptionClass,
            String table,
            String column,
            String constraint,
            int attempts) {
        this(record, kind, sqlState, reason, exceptionClass, table, column, constraint, attempts, null);
    }

    /** The same rejection, carrying the trace id of the batch that rejected it. */
    public Rejection withTraceId(String id) {
        return new Rejection(record, kind, sqlState, reason, exceptionClass, table, column, constraint, attempts, id);
    }

    public Rejection {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
