package io.pgsink.write;

import java.sql.SQLException;

/**
 * COMMIT failed, so whether the transaction committed is unknown (typically the connection dropped while the
 * server was committing). The batch must be retried or the worker stopped; it must never be dead-lettered or
 * skipped, since its rows may be in the table.
 */
public final class CommitUnknownException extends SQLException {

    public CommitUnknownException(SQLException cause) {
        super("COMMIT failed; the batch may or may not be in the table: " + cause.getMessage(),
            cause.getSQLState(), cause.getErrorCode(), cause);
    }
}
