package io.pgsink.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of a transaction whose COMMIT went unanswered, asked of the server by transaction id ({@code
 * txid_status}), also after the server restarted in between.
 *
 * <p>A restart is the hard case: ids that never reached the WAL are handed out again after a crash, so the id may
 * now name another transaction. But a COMMIT that reached the WAL carries its id, and crash recovery advances the
 * next id past every id it replays. The checkpoint the server writes when it starts (at the end of crash recovery,
 * or the shutdown checkpoint of a clean stop) holds that next id: an id at or above it never reached the WAL (so
 * that transaction did not commit), and an id below it was never handed out again (so {@code txid_status} answers
 * for it). Online checkpoints, which come later, carry the oldest transaction still running; the start-up one does
 * not (with {@code wal_level} replica or logical), which is how it is told apart. When the latest checkpoint is a
 * later one (or a restartpoint, after a failover), or the server does not say, the outcome is taken as rolled back:
 * the caller writes the batch again, at least once.
 */
final class CommitLookup {

    private static final Logger LOG = LoggerFactory.getLogger(CommitLookup.class);
    private static final String CHECKPOINT_SQL =
            "SELECT next_xid, oldest_active_xid::text," + " current_setting('wal_level') FROM pg_control_checkpoint()";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private CommitLookup() {}

    /** True if committed, false if rolled back, empty while the server cannot tell yet. */
    static Optional<Boolean> committed(DataSource dataSource, TransactionRef transaction) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (serverStartedAt(connection).equals(transaction.serverStartedAt())) {
                return status(connection, transaction.id());
            }
            return afterRestart(connection, transaction.id());
        }
    }

    private static Optional<Boolean> afterRestart(Connection connection, long id) throws SQLException {
        Checkpoint checkpoint;
        try {
            checkpoint = checkpoint(connection);
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            checkpoint = null;
        }
        // Only the start-up checkpoint says which ids may have been handed out again: a later one, or after a
        // failover a restartpoint older than the transaction, does not.
        if (checkpoint != null && checkpoint.writtenAtStart()) {
            if (id >= checkpoint.nextId()) {
                return Optional.of(false); // never reached the WAL, so neither did its COMMIT
            }
            Optional<Boolean> status = status(connection, id);
            if (status.isPresent()) {
                return status;
            }
        }
        LOG.warn("PostgreSQL restarted while a batch's COMMIT went unanswered and cannot tell any more whether it"
                + " committed, so the batch is written again (at-least-once: records may repeat)");
        return Optional.of(false);
    }

    private static Optional<Boolean> status(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT txid_status(?)")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                String status = rs.next() ? rs.getString(1) : null;
                if ("committed".equals(status)) {
                    return Optional.of(true);
                }
                return "aborted".equals(status) ? Optional.of(false) : Optional.empty();
            }
        }
    }

    /** The latest checkpoint's next transaction id, and whether the server wrote it when it started. */
    record Checkpoint(long nextId, boolean writtenAtStart) {}

    private static Checkpoint checkpoint(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(CHECKPOINT_SQL);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return checkpoint(rs.getString(1), rs.getString(2), rs.getString(3));
        }
    }

    /**
     * @param nextXid {@code pg_control_checkpoint()}'s {@code next_xid}, "epoch:xid"
     * @param oldestActiveXid its {@code oldest_active_xid}: 0 in a checkpoint written at start (or stop)
     */
    static Checkpoint checkpoint(String nextXid, String oldestActiveXid, String walLevel) {
        int colon = nextXid.indexOf(':');
        long epoch = colon < 0 ? 0 : Long.parseLong(nextXid.substring(0, colon));
        long xid = Long.parseLong(nextXid.substring(colon + 1));
        // Online checkpoints record the oldest running transaction only where standbys need it (not "minimal").
        boolean atStart = "0".equals(oldestActiveXid) && !"minimal".equals(walLevel);
        return new Checkpoint((epoch << 32) | xid, atStart);
    }

    private static String serverStartedAt(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_postmaster_start_time()::text");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
