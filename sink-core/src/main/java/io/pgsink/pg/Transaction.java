package io.pgsink.pg;

import java.sql.SQLException;
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
    private final List<PendingResult> resources;
    private final List<RecordOutcome> outcomes;
    private int next;
    private final long transactionId;
    private boolean committed;
    private boolean closed;

    Transaction(Session session, long transactionId, List<PendingResult> resources, List<RecordOutcome> outcomes) {
        this.transactionId = transactionId;
        this.session = session;
        this.resources = new ArrayList<>(resources);
        this.outcomes = List.copyOf(outcomes);
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
            throw unknown ? new CommitUnknownException(e, transactionId) : e;
        }
        committed = true;
    }

    /** The id of this batch's transaction ({@code txid_current()}). */
    public long transactionId() {
        return transactionId;
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
