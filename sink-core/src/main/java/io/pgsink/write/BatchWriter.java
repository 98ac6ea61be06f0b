package io.pgsink.write;

import io.pgsink.batch.Batch;
import io.pgsink.deadletter.DeadLetterException;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.Rejection;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.error.FailureClassifier;
import io.pgsink.error.FailureKind;
import io.pgsink.error.RetryPolicy;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.pg.CommitUnknownException;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.ProgressStore;
import io.pgsink.pg.Session;
import io.pgsink.pg.TargetTable;
import io.pgsink.pg.Transaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one lane's batches on the lane's thread, each in one transaction on the lane's session: transient
 * failures are retried with backoff until {@code write.retry.budget.ms} (the poll loop pauses fetching meanwhile, so
 * the worker stays in its group); bad records are isolated by bisection under savepoints inside that same
 * transaction and dead-lettered before it commits; fatal failures are thrown.
 *
 * <p>With a {@link ProgressStore} (exactly-once), the transaction also moves each of its partitions' stored offsets
 * past the batch, conditioned on the generation the batch was handed over under, after the batch's dead letters
 * were acknowledged: the rows, the progress and the fence commit or roll back together. A crash between a dead
 * letter and the commit can only send that dead letter again (it carries a stable id), never lose it.
 */
public final class BatchWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    /** A batch at least this large whose every record is poison points at the schema, not at the data. */
    static final int ALL_POISON_MIN_RECORDS = 10;

    private final TargetTable table;
    private final DeadLetterSink deadLetters;
    private final RetryPolicy retries;
    private final WriteListener listener;
    private final ProgressStore progress;
    private final UnknownCommit unknownCommit;
    private Session session;
    private long retried;

    /** A writer without a progress table: at-least-once. */
    public BatchWriter(TargetTable table, DeadLetterSink deadLetters, RetryPolicy retries, WriteListener listener) {
        this(table, deadLetters, retries, listener, null);
    }

    /** @param progress the progress table (exactly-once), or null for at-least-once */
    public BatchWriter(
            TargetTable table,
            DeadLetterSink deadLetters,
            RetryPolicy retries,
            WriteListener listener,
            ProgressStore progress) {
        this.table = table;
        this.deadLetters = deadLetters;
        this.retries = retries;
        this.listener = listener;
        this.progress = progress;
        this.unknownCommit = new UnknownCommit(table, progress);
    }

    /**
     * Returns once every record of the batch is in a committed transaction or acknowledged as dead-lettered;
     * returns how many transient failures were retried on the way.
     */
    public long write(Batch batch) throws FatalWriteException, InterruptedException {
        return write(batch, decode(batch));
    }

    /**
     * Decodes a batch for {@link #write(Batch, DecodedBatch)}: CPU only, no connection, safe to run on another
     * thread while this writer writes an earlier batch.
     */
    public DecodedBatch decode(Batch batch) {
        return table.decode(batch.records());
    }

    /** {@link #write(Batch)} for a batch already {@linkplain #decode decoded}. */
    public long write(Batch batch, DecodedBatch decoded) throws FatalWriteException, InterruptedException {
        return write(batch, decoded, Fence.NONE).retries();
    }

    /** {@link #write(Batch, DecodedBatch, Fence)} with no progress table generations; returns the retries. */
    public long write(Batch batch, DecodedBatch decoded, Supplier<Set<PartitionRef>> moved)
            throws FatalWriteException, InterruptedException {
        return write(batch, decoded, new Fence(moved, Map.of())).retries();
    }

    /**
     * What writing a batch came to.
     *
     * @param retries transient failures retried on the way
     * @param moved partitions whose records were left to another owner: found moved by the fence or, in the
     *     progress table, claimed by another worker; their offsets must not be committed
     */
    public record Written(long retries, Set<PartitionRef> moved) {}

    /**
     * {@link #write(Batch, DecodedBatch)}, fenced: before each attempt and right before each COMMIT it asks the
     * fence which of the batch's partitions this worker no longer owns, and with a progress table the transaction
     * itself checks the generations. A transaction holding records of a moved partition is rolled back, and the
     * batch goes on without them: their next owner reads and writes them (and would otherwise have its newer
     * values overwritten by this late commit). Nothing is dead-lettered for them either.
     */
    public Written write(Batch batch, DecodedBatch decoded, Fence fence)
            throws FatalWriteException, InterruptedException {
        long retriesBefore = retried;
        BatchAttempt attempt = new BatchAttempt(batch, decoded, fence);
        long failingSince = 0;
        for (int failures = 0; ; ) {
            attempt.dropMoved(fence.moved().get());
            if (attempt.isEmpty()) {
                break;
            }
            try {
                writeOnce(attempt);
                listener.succeeded();
                break;
            } catch (PartitionsMovedException e) {
                attempt.dropMoved(e.partitions());
                logMoved(e.partitions());
            } catch (CommitUnknownException e) {
                failingSince = failures++ == 0 ? retries.nowMillis() : failingSince;
                if (resolve(e, attempt, failures, failingSince)) {
                    listener.committed();
                    listener.succeeded();
                    break;
                }
            } catch (SQLException e) {
                FailureKind kind = FailureClassifier.classify(e);
                if (kind == FailureKind.FATAL || kind == FailureKind.POISON) {
                    // Poison outside a savepoint: a deferred constraint failing at COMMIT, which no part isolates.
                    throw new FatalWriteException(FailureDescription.of(e).withAdvice(), e);
                }
                failingSince = failures++ == 0 ? retries.nowMillis() : failingSince;
                retryLater(e, failures, failingSince);
            }
        }
        listener.handled(attempt.written(), attempt.deadLettered());
        return new Written(retried - retriesBefore, attempt.moved());
    }

    /** One transaction: every row that can be written, dead letters acknowledged, progress moved, COMMIT. */
    private void writeOnce(BatchAttempt attempt)
            throws SQLException, PartitionsMovedException, FatalWriteException, InterruptedException {
        try (Transaction transaction = session().begin(attempt.rows())) {
            List<Rejection> found = new ArrayList<>(attempt.decodeRejections());
            isolate(transaction, attempt.rows(), attempt.records(), found, 1);
            attempt.checkOwned();
            deadLetter(attempt.size(), attempt.notYetDeadLettered(found));
            attempt.deadLettered(found);
            if (progress != null) {
                Set<PartitionRef> moved = progress.advance(
                        transaction, attempt.nextOffsets(), attempt.fence().generations());
                if (!moved.isEmpty()) {
                    throw new PartitionsMovedException(moved); // closing rolls back
                }
            }
            attempt.checkOwnedBeforeCommit(retries.sleeper());
            transaction.commit();
        }
        listener.committed();
    }

    private void logMoved(Set<PartitionRef> partitions) {
        LOG.warn(
                "partitions {} moved to another owner while a batch was being written; its transaction was rolled"
                        + " back and their records are left to the new owner",
                partitions);
    }

    /**
     * Bisection under savepoints: about k·log2(n) part writes to find k bad records among n, all in the one
     * transaction. Anything but poison is thrown, for the whole transaction to be rolled back and retried.
     */
    private void isolate(
            Transaction transaction, DecodedBatch part, List<SinkRecord> records, List<Rejection> rejections, int depth)
            throws SQLException {
        List<Integer> indexes = part.rowIndexes();
        if (indexes.isEmpty()) {
            return;
        }
        Transaction.Mark mark = transaction.mark();
        try {
            transaction.write(part);
            transaction.release(mark);
            return;
        } catch (SQLException e) {
            if (FailureClassifier.classify(e) != FailureKind.POISON) {
                throw e;
            }
            transaction.rollbackTo(mark);
            if (indexes.size() == 1) {
                rejections.add(sqlRejection(records.get(indexes.get(0)), e, depth));
                return;
            }
        }
        int middle = indexes.size() / 2;
        listener.split();
        isolate(transaction, part.slice(0, middle), records, rejections, depth + 1);
        isolate(transaction, part.slice(middle, indexes.size()), records, rejections, depth + 1);
    }

    /**
     * After an unanswered COMMIT, asks the database what became of the transaction, retrying until it can tell:
     * a batch that did commit must not be written again. Returns true if it committed; otherwise the attempt is
     * written again (minus partitions found moved).
     */
    private boolean resolve(CommitUnknownException unknown, BatchAttempt attempt, int failures, long failingSince)
            throws FatalWriteException, InterruptedException {
        SQLException last = unknown;
        for (int a = failures; ; a++) {
            retryLater(last, a, failingSince);
            try {
                Optional<UnknownCommit.Outcome> outcome = unknownCommit.resolve(
                        unknown, attempt.nextOffsets(), attempt.fence().generations());
                if (outcome.isPresent()) {
                    attempt.dropMoved(outcome.get().moved());
                    return outcome.get().committed();
                }
                last = unknown;
            } catch (SQLException e) {
                if (FailureClassifier.classify(e) != FailureKind.TRANSIENT) {
                    throw new FatalWriteException(
                            "cannot tell whether a batch committed: "
                                    + FailureDescription.of(e).withAdvice(),
                            e);
                }
                last = e;
            }
        }
    }

    private void retryLater(SQLException e, int attempt, long failingSince)
            throws FatalWriteException, InterruptedException {
        FailureDescription description = FailureDescription.of(e);
        // 25006: the server is read-only (a failed-over primary); 08: the connection is gone, possibly without the
        // pool noticing (COPY runs on the unwrapped connection). Neither connection may be used again.
        String state = description.sqlState();
        discardSession(state != null && (state.equals("25006") || state.startsWith("08")));
        retried++;
        listener.retrying("database write failing transiently (attempt " + attempt + "): " + description.message()
                + (description.sqlState() == null ? "" : " (SQLSTATE " + description.sqlState() + ")"));
        LOG.warn(
                "transient database failure, retrying the batch (attempt {}, SQLSTATE {}): {}",
                attempt,
                description.sqlState(),
                description.message());
        if (!retries.awaitRetry(attempt, failingSince)) {
            throw new FatalWriteException(
                    "the database kept failing past write.retry.budget.ms (" + attempt
                            + " attempts, last: " + description.message()
                            + "); nothing was skipped: restart the worker once"
                            + " the database is healthy",
                    e);
        }
    }

    private void deadLetter(int batchSize, List<Rejection> rejections)
            throws FatalWriteException, InterruptedException {
        if (rejections.isEmpty()) {
            return;
        }
        // Duplicate keys do not count: in insert mode, records replayed after a crash all fail with 23505.
        List<Rejection> notDuplicates =
                rejections.stream().filter(r -> !"23505".equals(r.sqlState())).toList();
        if (notDuplicates.size() == batchSize && batchSize >= ALL_POISON_MIN_RECORDS) {
            Rejection first = notDuplicates.get(0);
            throw new FatalWriteException(
                    "every record of a batch of " + batchSize + " was rejected (first: "
                            + first.reason()
                            + "): this looks like a schema or mapping problem, not bad data; nothing was"
                            + " dead-lettered. Fix the table or the producer and restart the worker",
                    null);
        }
        try {
            deadLetters.send(rejections);
        } catch (DeadLetterException e) {
            throw new FatalWriteException(e.getMessage(), e);
        }
        for (Rejection r : rejections) {
            LOG.warn(
                    "dead-lettered {}: {} failure{}: {}",
                    r.record().coordinates(),
                    r.kind(),
                    r.sqlState() == null ? "" : " (SQLSTATE " + r.sqlState() + ")",
                    r.reason());
        }
    }

    static Rejection decodeRejection(SinkRecord record, DecodeException e) {
        return new Rejection(
                record, FailureKind.POISON, null, e.getMessage(), e.getClass().getName(), null, e.column(), null, 0);
    }

    private static Rejection sqlRejection(SinkRecord record, SQLException e, int attempts) {
        FailureDescription d = FailureDescription.of(e);
        return new Rejection(
                record,
                FailureKind.POISON,
                d.sqlState(),
                d.message(),
                e.getClass().getName(),
                d.table(),
                d.column(),
                d.constraint(),
                attempts);
    }

    private Session session() throws SQLException {
        if (session == null) {
            session = table.openSession();
        }
        return session;
    }

    private void discardSession(boolean evict) {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.debug("closing a failed session", e);
            }
            if (evict) {
                // After close: evicting a connection still in use makes HikariCP close it under our feet.
                table.evict(session);
            }
            session = null;
        }
    }

    @Override
    public void close() {
        discardSession(false);
    }
}
