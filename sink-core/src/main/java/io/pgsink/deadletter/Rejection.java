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
        int attempts) {

    public Rejection {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
