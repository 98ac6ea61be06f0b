package io.pgsink.pg;

import java.sql.SQLException;

/**
 * COMMIT failed, so whether the transaction committed is unknown (typically the connection dropped while the
 * server was committing). The batch must be retried or the worker stopped; it must never be dead-lettered or
 * skipped, since its rows may be in the table.
 */
public final class CommitUnknownException extends SQLException {

    private final TransactionRef transaction;

    public CommitUnknownException(SQLException cause, TransactionRef transaction) {
        super(
                "COMMIT failed; the batch may or may not be in the table: " + cause.getMessage(),
                cause.getSQLState(),
                cause.getErrorCode(),
                cause);
        this.transaction = transaction;
    }

    /** The transaction, to ask the server later what became of it. */
    public TransactionRef transaction() {
        return transaction;
    }
}
