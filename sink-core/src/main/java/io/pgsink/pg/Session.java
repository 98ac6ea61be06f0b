package io.pgsink.pg;

import io.pgsink.config.WriteMethod;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.decode.Operation;
import io.pgsink.decode.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * One pooled connection that writes batches, one at a time, each in its own transaction. Owned by one thread.
 *
 * <p>A session holds at most one open {@link Transaction}. Starting a batch while the previous results are still
 * open throws {@link IllegalStateException}: a connection is never used again before every statement of the
 * previous batch is drained and closed. Closing the session returns the connection to the pool.
 */
public final class Session implements AutoCloseable {

    static final String BUSY = "connection busy: the previous batch's results are still open;"
            + " close them (try-with-resources) before starting another batch on this connection";

    private final Connection connection;
    private final WriteMethod method;
    private final SqlTemplates templates; // null for a session of several tables
    // One loader per table (and generation) written: a loader holds per-connection state (staging tables).
    private final Map<SqlTemplates, Loader> loaders = new HashMap<>();
    private Transaction open;

    Session(Connection connection, SqlTemplates templates, WriteMethod method) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        this.templates = templates;
        this.method = method;
        if (templates != null) {
            loader(templates);
        }
    }

    /**
     * A session whose transactions may write into several tables, each batch by the {@link TargetTable} that
     * decoded it ({@link #begin(Map)}, {@link Transaction#write(TargetTable, DecodedBatch)}).
     *
     * @param statementTimeout the connection's statement_timeout, or {@code null} to keep the server's
     */
    public static Session open(DataSource dataSource, WriteMethod method, Duration statementTimeout)
            throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            if (statementTimeout != null) {
                try (Statement statement = connection.createStatement()) {
                    // A number, not user text: safe to splice. Session-wide, so it outlives the transactions.
                    statement.execute("SET statement_timeout = " + statementTimeout.toMillis());
                }
            }
            return new Session(connection, null, method);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private Loader loader(SqlTemplates sql) throws SQLException {
        Loader loader = loaders.get(sql);
        if (loader == null) {
            loader = method == WriteMethod.COPY ? new CopyLoader(connection, sql) : new InsertLoader(connection, sql);
            loaders.put(sql, loader);
        }
        return loader;
    }

    /**
     * Runs the batch's statements in a new transaction and returns its open results; nothing is committed until
     * {@link Transaction#commit}. On a database error every statement is closed (an unfinished COPY cancelled),
     * the transaction rolled back and the error thrown with the server's SQLSTATE, leaving the session ready for the
     * next batch (unless the connection itself is broken).
     */
    public Transaction write(DecodedBatch batch) throws SQLException {
        Transaction transaction = begin(batch);
        try {
            transaction.write(batch);
            return transaction;
        } catch (SQLException | RuntimeException e) {
            transaction.closeQuietly(e);
            throw e;
        }
    }

    /**
     * Starts a transaction that will write rows of {@code batch} (all of them, or parts: the per-connection set-up
     * its column sets need runs first, outside the transaction). Write into it with {@link Transaction#write},
     * parts under {@link Transaction#savepoint()} if one may fail; close it, committed or not, before the next.
     */
    public Transaction begin(DecodedBatch batch) throws SQLException {
        if (open != null) {
            throw new IllegalStateException(BUSY);
        }
        try {
            loader(requireTemplates()).prepare(columnSets(batch), deletes(batch));
            open = new Transaction(this, beginTransaction());
            return open;
        } catch (SQLException e) {
            throw rollbackAndRethrow(e);
        } catch (RuntimeException e) {
            throw rollbackAndRethrow(e);
        }
    }

    /**
     * Starts a transaction that will write the batches of several tables, each with the {@link TargetTable} that
     * decoded it: the set-up their column sets need runs first, outside the transaction. Refused like {@link
     * #begin(DecodedBatch)} while the previous results are open.
     */
    public Transaction begin(Map<TargetTable, List<DecodedBatch>> batches) throws SQLException {
        if (open != null) {
            throw new IllegalStateException(BUSY);
        }
        try {
            for (Map.Entry<TargetTable, List<DecodedBatch>> table : batches.entrySet()) {
                for (DecodedBatch batch : table.getValue()) {
                    loader(table.getKey().templatesOf(batch)).prepare(columnSets(batch), deletes(batch));
                }
            }
            open = new Transaction(this, beginTransaction());
            return open;
        } catch (SQLException e) {
            throw rollbackAndRethrow(e);
        } catch (RuntimeException e) {
            throw rollbackAndRethrow(e);
        }
    }

    /** Whether a transaction's results are still open on this session's connection. */
    public boolean busy() {
        return open != null;
    }

    private SqlTemplates requireTemplates() {
        if (templates == null) {
            throw new IllegalStateException("a session of several tables writes each batch with its table");
        }
        return templates;
    }

    private static Set<BitSet> columnSets(DecodedBatch batch) {
        Set<BitSet> columnSets = new HashSet<>();
        for (List<Row> generation : batch.generations()) {
            for (Row row : generation) {
                columnSets.add(row.present());
            }
        }
        return columnSets;
    }

    private static boolean deletes(DecodedBatch batch) {
        return batch.steps().stream().anyMatch(step -> step.operation() == Operation.DELETE);
    }

    /** Writes the batch's rows in the open transaction, step by step; adds what must stay open to {@code resources}. */
    List<RecordOutcome> execute(DecodedBatch batch, List<PendingResult> resources) throws SQLException {
        return execute(batch, requireTemplates(), resources);
    }

    /** {@link #execute(DecodedBatch, List)} into the table whose statements {@code sql} holds. */
    List<RecordOutcome> execute(DecodedBatch batch, SqlTemplates sql, List<PendingResult> resources)
            throws SQLException {
        Loader writer = loader(sql);
        List<DecodedBatch.Step> steps = batch.steps();
        if (steps.size() == 1
                && steps.get(0).operation() == Operation.WRITE
                && steps.get(0).rows().size() == batch.size()) {
            return write(writer, steps.get(0).rows(), true, resources); // most batches: one step
        }
        Map<Integer, RecordOutcome> outcomes = new HashMap<>(batch.size() * 4 / 3 + 1);
        boolean firstWrite = true;
        for (DecodedBatch.Step step : steps) {
            List<RecordOutcome> done;
            switch (step.operation()) {
                case TRUNCATE:
                    truncate(sql, resources);
                    done = List.of(new RecordOutcome(step.rows().get(0).index(), 1));
                    break;
                case DELETE:
                    done = writer.delete(step.rows(), resources);
                    break;
                default:
                    done = write(writer, step.rows(), firstWrite, resources);
                    firstWrite = false;
            }
            done.forEach(outcome -> outcomes.put(outcome.index(), outcome));
        }
        List<RecordOutcome> all = new ArrayList<>(batch.size());
        for (int index : batch.rowIndexes()) {
            RecordOutcome outcome = outcomes.get(index);
            all.add(outcome != null ? outcome : leftOut(index, batch.replacedBy(), outcomes));
        }
        return all;
    }

    private static List<RecordOutcome> write(
            Loader writer, List<Row> rows, boolean firstWrite, List<PendingResult> resources) throws SQLException {
        Map<BitSet, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            groups.computeIfAbsent(row.present(), k -> new ArrayList<>()).add(row);
        }
        List<RecordOutcome> outcomes = new ArrayList<>(rows.size());
        for (Map.Entry<BitSet, List<Row>> group : groups.entrySet()) {
            outcomes.addAll(writer.write(group.getKey(), group.getValue(), firstWrite, resources));
        }
        return outcomes;
    }

    private void truncate(SqlTemplates sql, List<PendingResult> resources) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.truncate());
        resources.add(statement::close);
        statement.executeUpdate();
    }

    /**
     * A record left out because a later one of its key made it pointless: no row affected, and, in update mode,
     * its row missing exactly when the row of the write that stands for it was.
     */
    private static RecordOutcome leftOut(
            int index, Map<Integer, Integer> replacedBy, Map<Integer, RecordOutcome> outcomes) {
        Integer by = replacedBy.get(index);
        while (by != null && !outcomes.containsKey(by)) {
            by = replacedBy.get(by);
        }
        return new RecordOutcome(index, 0, by != null && outcomes.get(by).rowMissing());
    }

    /**
     * Starts the transaction and returns its id with the server's start time, so that an unanswered COMMIT can be
     * looked up afterwards: a transaction id means nothing after the server restarted (ids that never reached the
     * WAL are handed out again).
     */
    private TransactionRef beginTransaction() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT txid_current(), pg_postmaster_start_time()::text")) {
            rs.next();
            return new TransactionRef(rs.getLong(1), rs.getString(2));
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

    void release(Transaction results) {
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
