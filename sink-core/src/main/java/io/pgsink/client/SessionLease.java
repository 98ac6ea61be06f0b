package io.pgsink.client;

import io.pgsink.pg.Session;
import java.sql.SQLException;

/** The session a batch runs on: opened on first use, dropped (its connection closed) after a failure that may have broken it. */
final class SessionLease implements AutoCloseable {

    private final BatchEngine engine;
    private Session session;

    SessionLease(BatchEngine engine) {
        this.engine = engine;
    }

    Session session() throws SQLException {
        if (session == null) {
            session = engine.openSession();
        }
        return session;
    }

    /** Whether a batch's results are still open on this connection. */
    boolean busy() {
        return session != null && session.busy();
    }

    void discard() {
        Session dropped = session;
        session = null;
        if (dropped != null) {
            try {
                dropped.close();
            } catch (SQLException | RuntimeException e) {
                // The connection is already broken; the pool replaces it.
            }
        }
    }

    @Override
    public void close() {
        discard();
    }
}
