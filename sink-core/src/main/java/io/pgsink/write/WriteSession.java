package io.pgsink.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pooled connection that writes batches, one at a time, each in its own transaction. Owned by one thread.
 *
 * <p>A session holds at most one open {@link BatchResults}. Starting a batch while the previous results are still
 * open throws {@link IllegalStateException}: a connection is never used again before every statement of the
 * previous batch is drained and closed. Closing the session returns the connection to the pool.
 */
public final class WriteSession implements AutoCloseable {

    private final Connection connection;
    private final SqlTemplates templates;
    private BatchResults open;

    WriteSession(Connection connection, SqlTemplates templates) throws SQLException {
        this.connection = connection;
        this.templates = templates;
        connection.setAutoCommit(false);
    }

    /**
     * Runs the batch's statements in a new transaction and returns its open results; nothing is committed until
     * {@link BatchResults#commit}. On a database error every statement is closed, the transaction rolled back and
     * the error thrown, leaving the session ready for the next batch (unless the connection itself is broken).
     */
    public BatchResults write(PreparedBatch batch) throws SQLException {
        if (open != null) {
            throw new IllegalStateException("connection busy: the previous batch's results are still open;"
                + " close them (try-with-resources) before starting another batch on this connection");
        }
        List<Statement> statements = new ArrayList<>();
        try {
            List<RecordOutcome> outcomes = execute(batch, statements);
            open = new BatchResults(this, statements, outcomes);
            return open;
        } catch (SQLException e) {
            closeAll(statements, e);
            throw rollbackAndRethrow(e);
        } catch (RuntimeException e) {
            closeAll(statements, e);
            throw rollbackAndRethrow(e);
        }
    }

    private List<RecordOutcome> execute(PreparedBatch batch, List<Statement> statements) throws SQLException {
        Map<BitSet, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : batch.rows()) {
            groups.computeIfAbsent(row.present(), k -> new ArrayList<>()).add(row);
        }
        List<RecordOutcome> outcomes = new ArrayList<>(batch.size());
        for (Map.Entry<BitSet, List<Row>> group : groups.entrySet()) {
            PreparedStatement ps = connection.prepareStatement(templates.insert(group.getKey()));
            statements.add(ps);
            for (Row row : group.getValue()) {
                bind(ps, group.getKey(), row);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                outcomes.add(new RecordOutcome(group.getValue().get(i).index(), Math.max(counts[i], 0)));
            }
        }
        batch.superseded().forEach(index -> outcomes.add(new RecordOutcome(index, 0)));
        return outcomes;
    }

    private static void bind(PreparedStatement ps, BitSet columns, Row row) throws SQLException {
        int parameter = 1;
        for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
            // Types.OTHER sends the text untyped, so PostgreSQL parses it as the column's own type.
            ps.setObject(parameter++, row.values()[i], Types.OTHER);
        }
    }

    Connection connection() {
        return connection;
    }

    /** Rolls back, adding any rollback failure to {@code failure}; returns the failure to throw, if any. */
    SQLException rollbackQuietly(SQLException failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    void release(BatchResults results) {
        if (open == results) {
            open = null;
        }
    }

    private <E extends Exception> E rollbackAndRethrow(E error) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            error.addSuppressed(e);
        }
        return error;
    }

    private static void closeAll(List<Statement> statements, Exception error) {
        for (Statement statement : statements) {
            try {
                statement.close();
            } catch (SQLException e) {
                error.addSuppressed(e);
            }
        }
    }

    /** Returns the connection to the pool, rolling back anything left open. */
    @Override
    public void close() throws SQLException {
        try {
            if (open != null) {
                open.close();
            }
        } finally {
            connection.close();
        }
    }
}
