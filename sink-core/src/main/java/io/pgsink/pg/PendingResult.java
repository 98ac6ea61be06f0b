package io.pgsink.pg;

import java.sql.SQLException;

/**
 * Something a batch keeps open until its {@link Transaction} are closed: a statement, or a COPY that must be
 * cancelled if it never finished. Closing must be safe to call on a resource that is already finished.
 */
@FunctionalInterface
interface PendingResult extends AutoCloseable {

    @Override
    void close() throws SQLException;
}
