package io.pgsink.pg;

import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The opt-in audit trail ({@code audit.table}): one row per committed batch, inserted in the batch's own
 * transaction just before its COMMIT, so a row exists exactly when its batch committed (a rolled-back or retried
 * transaction leaves none). The insert also returns the transaction's id, which events then carry. Thread safe.
 */
public final class AuditTrail {

    private static final String DDL = "CREATE TABLE IF NOT EXISTS %s ("
            + " worker_id text NOT NULL, batch_id bigint NOT NULL, route text NOT NULL, target_table text NOT NULL,"
            + " partitions jsonb NOT NULL, rows integer NOT NULL, dead_lettered integer NOT NULL,"
            + " bytes bigint NOT NULL, started_at timestamptz NOT NULL, committed_at timestamptz NOT NULL,"
            + " txid bigint NOT NULL, PRIMARY KEY (worker_id, batch_id))";
    // clock_timestamp(): the time of the insert, just before COMMIT (now() would be the transaction's start).
    private static final String INSERT = "INSERT INTO %s (worker_id, batch_id, route, target_table, partitions,"
            + " rows, dead_lettered, bytes, started_at, committed_at, txid)"
            + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, clock_timestamp(), txid_current()) RETURNING txid";

    /** One batch's row. {@code partitionsJson} is a JSON array of its partitions' offset ranges. */
    public record Entry(
            long batchId,
            String route,
            String table,
            String partitionsJson,
            int rows,
            int deadLettered,
            long bytes,
            Instant startedAt) {}

    private final TableRef table;
    private final String workerId;

    private AuditTrail(TableRef table, String workerId) {
        this.table = table;
        this.workerId = workerId;
    }

    /**
     * Opens the trail, creating the table when it is missing.
     *
     * @throws SchemaException when the table is missing and cannot be created (no CREATE privilege, say)
     */
    public static AuditTrail open(DataSource dataSource, TableRef table, String workerId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute(ddl(table));
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SchemaException("cannot create the audit table " + table + " (permission denied): "
                        + "create it as docs/operations.md shows and grant INSERT on it, or leave audit.table empty");
            }
            throw e;
        }
        return new AuditTrail(table, workerId);
    }

    /** The DDL of the table, for operators who create it themselves. */
    public static String ddl(TableRef table) {
        return String.format(DDL, table.quoted());
    }

    /** Inserts the batch's row inside {@code transaction}; returns the transaction's id. */
    public long record(Transaction transaction, Entry entry) throws SQLException {
        Connection connection = transaction.connection();
        try (PreparedStatement ps = connection.prepareStatement(String.format(INSERT, table.quoted()))) {
            ps.setString(1, workerId);
            ps.setLong(2, entry.batchId());
            ps.setString(3, entry.route());
            ps.setString(4, entry.table());
            ps.setString(5, entry.partitionsJson());
            ps.setInt(6, entry.rows());
            ps.setInt(7, entry.deadLettered());
            ps.setLong(8, entry.bytes());
            ps.setTimestamp(9, Timestamp.from(entry.startedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
