package io.pgsink.pg;

import io.pgsink.decode.DecodedBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The open results of one batch on one connection: the per-record outcomes, the statements (or COPY operations)
 * that produced them and the transaction they are in. Use it in try-with-resources:
 *
 * <pre>{@code
 * try (Transaction results = session.write(batch)) {
 *     results.forEachRemaining(outcome -> ...);
 *     results.commit();
 * }
 * }</pre>
 *
 * <p>{@link #commit} drains any outcomes not yet read, closes every statement and commits. {@link #close} without
 * a commit drains, closes and rolls back. Either way the connection is free for the next batch only after this
 * object is closed: the session refuses a new batch while it is open. Not thread safe.
 */
public final class Transaction implements AutoCloseable {

    private final Session session;
    private final List<PendingResult> resources = new ArrayList<>();
    private final List<RecordOutcome> outcomes = new ArrayList<>();
    private int next;
    private final TransactionRef ref;
    private boolean committed;
    private boolean closed;

    Transaction(Session session, TransactionRef ref) {
        this.ref = ref;
        this.session = session;
    }

    /**
     * Writes rows in this transaction; their outcomes follow the earlier ones. On a database error the rows'
     * statements are closed (an unfinished COPY cancelled) and the error thrown: the transaction is then aborted
     * until it is rolled back, wholly or to a {@link #savepoint()} taken before this call.
     *
     * @return these rows' outcomes (which {@link #forEachRemaining} hands out as well)
     */
    public List<RecordOutcome> write(DecodedBatch rows) throws SQLException {
        requireOpen();
        List<PendingResult> opened = new ArrayList<>();
        try {
            List<RecordOutcome> written = session.execute(rows, opened);
            outcomes.addAll(written);
            resources.addAll(opened);
            return written;
        } catch (SQLException | RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * {@link #write(DecodedBatch)} into {@code table}, in a transaction of a session of several tables ({@link
     * Session#begin(java.util.Map)}): the batch must have been decoded by {@code table}'s current schema.
     */
    public List<RecordOutcome> write(TargetTable table, DecodedBatch rows) throws SQLException {
        requireOpen();
        List<PendingResult> opened = new ArrayList<>();
        try {
            List<RecordOutcome> written = session.execute(rows, table.templatesOf(rows), opened);
            outcomes.addAll(written);
            resources.addAll(opened);
            return written;
        } catch (SQLException | RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * Runs one parameterised statement in this transaction (the library's escape hatch) and returns its update
     * count; its results are drained and the statement closed before this returns. Parameters are bound with
     * {@code setObject}, never spliced into the text.
     */
    public int execute(String sql, List<Object> parameters) throws SQLException {
        requireOpen();
        try (PreparedStatement statement = session.connection().prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            boolean rows = statement.execute();
            int count = 0;
            while (true) {
                if (rows) {
                    try (ResultSet drained = statement.getResultSet()) {
                        while (drained.next()) {
                            count++;
                        }
                    }
                } else if (statement.getUpdateCount() >= 0) {
                    count += statement.getUpdateCount();
                } else {
                    return count;
                }
                rows = statement.getMoreResults();
            }
        }
    }

    /** A point to roll back to (a savepoint), so that a part that fails can be undone without the rest. */
    public static final class Mark {
        private final Savepoint savepoint;
        private final int outcomes;

        private Mark(Savepoint savepoint, int outcomes) {
            this.savepoint = savepoint;
            this.outcomes = outcomes;
        }
    }

    /** Marks the present point; roll back to it with {@link #rollbackTo} or keep what follows with {@link #release}. */
    public Mark mark() throws SQLException {
        requireOpen();
        return new Mark(session.connection().setSavepoint(), outcomes.size());
    }

    /** Undoes everything since {@code mark}, the outcomes recorded since included; the transaction is usable again. */
    public void rollbackTo(Mark mark) throws SQLException {
        requireOpen();
        session.connection().rollback(mark.savepoint);
        session.connection().releaseSavepoint(mark.savepoint);
        outcomes.subList(mark.outcomes, outcomes.size()).clear();
        next = Math.min(next, mark.outcomes);
    }

    /** Keeps what was written since {@code mark} and forgets the mark. */
    public void release(Mark mark) throws SQLException {
        requireOpen();
        session.connection().releaseSavepoint(mark.savepoint);
    }

    Connection connection() {
        requireOpen();
        return session.connection();
    }

    /** Hands each outcome not yet read to {@code processor}; a processor that throws leaves the rest unread. */
    public void forEachRemaining(Consumer<RecordOutcome> processor) {
        requireOpen();
        while (next < outcomes.size()) {
            processor.accept(outcomes.get(next++));
        }
    }

    /** Total rows inserted or updated by this batch. */
    public long rowsAffected() {
        return outcomes.stream().mapToLong(RecordOutcome::rowsAffected).sum();
    }

    /**
     * Drains, closes the statements and COPY operations, and commits. A failure here may mean the outcome is
     * unknown (the connection dropped during COMMIT): it is reported as {@link CommitUnknownException}.
     */
    public void commit() throws SQLException {
        requireOpen();
        drainAndCloseResources();
        try {
            session.connection().commit();
        } catch (SQLException e) {
            // A definite server answer (say a deferred constraint) means rolled back. No answer, or the server
            // going down under the COMMIT (57P01-57P03), means it may have committed.
            String state = e.getSQLState();
            boolean unknown = state == null || state.startsWith("08") || state.startsWith("57P0");
            throw unknown ? new CommitUnknownException(e, ref) : e;
        }
        committed = true;
    }

    /** This transaction's id ({@code txid_current()}) and its server's start time. */
    public TransactionRef ref() {
        return ref;
    }

    /** Closes, adding a failure to close to {@code failure} instead of throwing it. */
    void closeQuietly(Exception failure) {
        try {
            close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void closeAll(List<PendingResult> opened, Exception error) {
        for (PendingResult resource : opened) {
            try {
                resource.close();
            } catch (SQLException e) {
                error.addSuppressed(e);
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Drains, closes every statement, rolls back if not committed, and frees the connection. */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        try {
            drainAndCloseResources();
        } catch (SQLException e) {
            failure = e;
        }
        if (!committed) {
            failure = session.rollbackQuietly(failure);
        }
        session.release(this);
        if (failure != null) {
            throw failure;
        }
    }

    /** Number of outcomes handed out or drained so far; all of them once committed or closed. */
    int drained() {
        return next;
    }

    /** Statements and COPY operations not yet closed; none once committed or closed. */
    int openResources() {
        return resources.size();
    }

    private void drainAndCloseResources() throws SQLException {
        next = outcomes.size();
        SQLException failure = null;
        for (PendingResult resource : resources) {
            try {
                resource.close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("batch results are closed");
        }
    }
}
