package io.pgsink.pg;

import io.pgsink.config.SinkConfig;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The progress table as an operator's tool sees it: its own small pool, the group's rows, and a reset. Failures
 * come back as {@link IllegalStateException}s with one line an operator can act on (no row values: the table
 * holds none).
 */
public final class ProgressEditor implements AutoCloseable {

    private final ConnectionPool pool;
    private final ProgressStore store;

    private ProgressEditor(ConnectionPool pool, ProgressStore store) {
        this.pool = pool;
        this.store = store;
    }

    /** Opens a pool and the group's progress table ({@code delivery.progress.table}, created when missing). */
    public static ProgressEditor open(SinkConfig config) {
        ConnectionPool pool;
        try {
            pool = ConnectionPool.open(config);
        } catch (RuntimeException e) {
            // HikariCP fails fast when the first connection cannot be made; its cause says why.
            FailureDescription d = FailureDescription.of(e.getCause() == null ? e : e.getCause());
            throw new IllegalStateException(
                    "cannot connect to PostgreSQL at " + config.redactedPostgresUrl() + ": " + d.message()
                            + (d.sqlState() == null ? "" : " (SQLSTATE " + d.sqlState() + ")"),
                    e);
        }
        try {
            return new ProgressEditor(
                    pool,
                    ProgressStore.open(pool.dataSource(), TableRef.parse(config.progressTable()), config.groupId()));
        } catch (SQLException e) {
            pool.close();
            throw failure("cannot open the progress table " + config.progressTable(), e);
        } catch (SchemaException e) {
            pool.close();
            throw new IllegalStateException(e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The group's rows, by partition. */
    public Map<PartitionRef, ProgressStore.Row> rows() {
        try {
            Map<PartitionRef, ProgressStore.Row> rows = new LinkedHashMap<>();
            store.list().forEach(row -> rows.put(row.partition(), row));
            return rows;
        } catch (SQLException e) {
            throw failure("cannot read the progress table " + store.table(), e);
        }
    }

    /** Sets the partitions' next offsets in one transaction, moving their generations on (see {@link ProgressStore#set}). */
    public void set(Map<PartitionRef, Long> nextOffsets, String owner) {
        try {
            store.set(nextOffsets, owner);
        } catch (SQLException e) {
            throw failure("cannot write the progress table " + store.table(), e);
        }
    }

    public String table() {
        return store.table().toString();
    }

    @Override
    public void close() {
        pool.close();
    }

    private static IllegalStateException failure(String what, SQLException e) {
        FailureDescription d = FailureDescription.of(e);
        return new IllegalStateException(
                what + ": " + d.message() + (d.sqlState() == null ? "" : " (SQLSTATE " + d.sqlState() + ")"), e);
    }
}
