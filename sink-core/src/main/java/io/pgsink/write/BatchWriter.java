package io.pgsink.write;

import io.pgsink.batch.Batch;
import io.pgsink.batch.OffsetRanges;
import io.pgsink.deadletter.DeadLetterException;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.Rejection;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.error.FailureKind;
import io.pgsink.error.RetryPolicy;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TraceParent;
import io.pgsink.pg.AuditTrail;
import io.pgsink.pg.Bisection;
import io.pgsink.pg.CommitUnknownException;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.ProgressStore;
import io.pgsink.pg.RecordOutcome;
import io.pgsink.pg.Session;
import io.pgsink.pg.TargetTable;
import io.pgsink.pg.Transaction;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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
    private final TargetTable table;
    private final DeadLetterSink deadLetters;
    private final RetryPolicy retries;
    private final WriteListener listener;
    private final FailurePolicy policy;
    private final ProgressStore progress;
    private final UnknownCommit unknownCommit;
    private final WriteContext context;
    private MissingRows missingRows; // made on first use, like the drift detector
    private DriftDetector drift; // made on first use, on the writer's thread; moves on only when a batch commits
    private Session session;
    private int sessionGeneration;
    private long retried;
    // the batch being written, on the writer's thread: for the audit row and the events
    private long batchId;
    private TraceParent trace; // the current batch's own trace context
    private Instant batchStart;
    private long txid = -1;

    /** A writer with the default failure policy and no progress table (at-least-once). */
    public BatchWriter(TargetTable table, DeadLetterSink deadLetters, RetryPolicy retries, WriteListener listener) {
        this(table, deadLetters, retries, listener, FailurePolicy.defaults(), null);
    }

    /** A writer with the default failure policy. */
    public BatchWriter(
            TargetTable table,
            DeadLetterSink deadLetters,
            RetryPolicy retries,
            WriteListener listener,
            ProgressStore progress) {
        this(table, deadLetters, retries, listener, FailurePolicy.defaults(), progress);
    }

    /** A writer without a progress table (at-least-once). */
    public BatchWriter(
            TargetTable table,
            DeadLetterSink deadLetters,
            RetryPolicy retries,
            WriteListener listener,
            FailurePolicy policy) {
        this(table, deadLetters, retries, listener, policy, null);
    }

    /**
     * @param policy the operators' failure settings: SQLSTATE overrides, the foreign-key wait, the drift rule
     * @param progress the progress table (exactly-once), or null for at-least-once
     */
    public BatchWriter(
            TargetTable table,
            DeadLetterSink deadLetters,
            RetryPolicy retries,
            WriteListener listener,
            FailurePolicy policy,
            ProgressStore progress) {
        this(table, deadLetters, retries, listener, policy, progress, WriteContext.standalone());
    }

    /**
     * A writer of a worker's route.
     *
     * @param context the route, the worker's batch ids and its audit trail
     */
    public BatchWriter(
            TargetTable table,
            DeadLetterSink deadLetters,
            RetryPolicy retries,
            WriteListener listener,
            FailurePolicy policy,
            ProgressStore progress,
            WriteContext context) {
        this.context = context;
        this.table = table;
        this.deadLetters = deadLetters;
        this.retries = retries;
        this.listener = listener;
        this.policy = policy;
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
        batchId = context.batchIds().getAsLong();
        trace = TraceParent.newRoot(ThreadLocalRandom.current());
        // Once per batch: the log context and the batch-started report share them.
        List<OffsetRanges.Range> ranges = OffsetRanges.of(batch.records());
        try (BatchLogContext ignored = BatchLogContext.open(context.route(), table.name(), batchId, ranges, trace)) {
            return writeBatch(batch, ranges, decoded, fence);
        }
    }

    private Written writeBatch(Batch batch, List<OffsetRanges.Range> ranges, DecodedBatch decoded, Fence fence)
            throws FatalWriteException, InterruptedException {
        long retriesBefore = retried;
        batchStart = Instant.now();
        txid = -1;
        listener.started(batchId, batch, ranges, trace);
        // read the catalog again first if the batch suggests the table changed
        BatchAttempt attempt = new BatchAttempt(batch, table.current(batch.records(), decoded), fence);
        long failingSince = 0;
        boolean committed = false;
        for (int failures = 0; ; ) {
            attempt.dropMoved(fence.moved().get());
            if (attempt.isEmpty()) {
                break;
            }
            try {
                writeOnce(attempt);
                listener.succeeded();
                committed = true;
                break;
            } catch (PartitionsMovedException e) {
                attempt.dropMoved(e.partitions());
                logMoved(e.partitions());
            } catch (SchemaChangedException e) {
                // nothing of the batch committed: decode it again, by the new columns
                attempt.decodedAgain(table.current(attempt.records(), attempt.decoded()));
            } catch (CommitUnknownException e) {
                failingSince = failures++ == 0 ? retries.nowMillis() : failingSince;
                if (resolve(e, attempt, failures, failingSince)) {
                    listener.committed();
                    listener.succeeded();
                    committed = true;
                    break;
                }
            } catch (SQLException e) {
                FailureKind kind = policy.kindOf(e);
                if (kind == FailureKind.FATAL || kind == FailureKind.POISON) {
                    // Poison outside a savepoint: a deferred constraint failing at COMMIT, which no part isolates.
                    if (refreshedSchemaAfter(e)) {
                        attempt.decodedAgain(table.current(attempt.records(), attempt.decoded()));
                        continue;
                    }
                    throw new FatalWriteException(FailureDescription.of(e).withAdvice(), e);
                }
                if (FailurePolicy.isTimeout(e)) {
                    attempt.timedOut(); // a part that keeps timing out is split from then on
                }
                failingSince = failures++ == 0 ? retries.nowMillis() : failingSince;
                retryLater(e, failures, failingSince);
            }
        }
        // Skipped records (a tombstone where deletes are off) are handled, their offsets committed, but not written.
        listener.handled(attempt.written() - attempt.skipped(), attempt.deadLettered());
        if (committed) {
            int skipped = attempt.skipped();
            listener.batchCommitted(
                    batchId,
                    attempt.ownedRecords(),
                    attempt.written() - skipped,
                    attempt.deadLettered(),
                    skipped,
                    txid);
        }
        return new Written(retried - retriesBefore, attempt.moved());
    }

    /** One transaction: every row that can be written, dead letters acknowledged, progress moved, COMMIT. */
    private void writeOnce(BatchAttempt attempt)
            throws SQLException, PartitionsMovedException, FatalWriteException, InterruptedException {
        Session current = session();
        if (sessionGeneration != table.generationOf(attempt.decoded())) {
            throw new SchemaChangedException(); // another lane read a new schema: decode the batch again
        }
        try (Transaction transaction = current.begin(attempt.rows())) {
            List<Rejection> found = new ArrayList<>(attempt.decodeRejections());
            DriftTrial trial = new DriftTrial(drift().copy(), attempt.decodeRejectionsByIndex());
            List<Integer> missing = new ArrayList<>();
            isolate(new Part(transaction, attempt, trial, missing), attempt.rows(), found);
            attempt.checkOwned();
            List<SinkRecord> missingRecords = attempt.recordsAt(missing);
            found.addAll(missingRows().rejections(missingRecords));
            // the drift rule, on a copy the lane keeps only if this transaction commits; it throws before
            // anything of the batch is dead-lettered, so the topic never takes the run's last record
            DriftDetector afterBatch = checkDrift(attempt, found);
            deadLetter(attempt.notYetDeadLettered(found));
            attempt.deadLettered(found);
            if (progress != null) {
                Set<PartitionRef> moved = progress.advance(
                        transaction, attempt.nextOffsets(), attempt.fence().generations());
                if (!moved.isEmpty()) {
                    throw new PartitionsMovedException(moved); // closing rolls back
                }
            }
            attempt.checkOwned();
            long id = audit(transaction, attempt);
            transaction.commit();
            txid = id >= 0 ? id : transaction.ref().id(); // the same txid_current(), taken when the batch began
            drift = afterBatch;
            missingRows().committed(missingRecords, listener);
        }
        listener.committed();
    }

    /** The batch's audit row, in its transaction, when an audit trail is kept; returns the txid, or -1. */
    private long audit(Transaction transaction, BatchAttempt attempt) throws SQLException {
        AuditTrail audit = context.audit();
        if (audit == null) {
            return -1;
        }
        List<SinkRecord> records = attempt.ownedRecords();
        long bytes = 0;
        for (SinkRecord r : records) {
            bytes += r.sizeInBytes();
        }
        return audit.record(
                transaction,
                new AuditTrail.Entry(
                        batchId,
                        context.route(),
                        table.name(),
                        OffsetRanges.json(OffsetRanges.of(records)),
                        attempt.written() - attempt.skipped(),
                        attempt.deadLettered(),
                        bytes,
                        batchStart));
    }

    /**
     * What bisection works within: the transaction, the batch, the drift trial fed as parts settle, and the batch
     * indexes of records written but whose row did not exist (update mode).
     */
    private record Part(Transaction transaction, BatchAttempt attempt, DriftTrial trial, List<Integer> missing) {}

    private void logMoved(Set<PartitionRef> partitions) {
        LOG.warn(
                "partitions {} moved to another owner while a batch was being written; its transaction was rolled"
                        + " back and their records are left to the new owner",
                partitions);
    }

    /**
     * Bisection under savepoints ({@link Bisection}), all in the one transaction. Anything but poison is thrown, for
     * the whole transaction to be rolled back and retried, except a foreign key whose parent may still arrive (the
     * part waits and is written again, up to {@code error.foreign.key.retry.ms} per batch) and a statement timeout
     * that keeps recurring (split like poison).
     */
    private void isolate(Part p, DecodedBatch part, List<Rejection> rejections)
            throws SQLException, FatalWriteException, InterruptedException {
        Bisection.isolate(p.transaction(), part, new Bisection.Parts<FatalWriteException>() {
            @Override
            public List<RecordOutcome> write(DecodedBatch rows) throws SQLException {
                return p.transaction().write(rows);
            }

            @Override
            public boolean splits(SQLException e) {
                FailureKind kind = policy.kindOf(e);
                return kind == FailureKind.POISON
                        || (kind == FailureKind.TRANSIENT
                                && FailurePolicy.isTimeout(e)
                                && p.attempt().splitsTimeouts());
            }

            @Override
            public void written(DecodedBatch rows, List<RecordOutcome> outcomes) throws FatalWriteException {
                for (RecordOutcome outcome : outcomes) {
                    if (outcome.rowMissing()) {
                        p.missing().add(outcome.index());
                    }
                }
                stopIfDrift(p.trial().written(rows.rowIndexes()));
            }

            @Override
            public boolean again(SQLException failure, int attempt) throws InterruptedException {
                boolean waits =
                        policy.waitsForParent(failure) && p.attempt().awaitParent(policy, retries, attempt, listener);
                if (waits) {
                    retried++;
                }
                return waits;
            }

            @Override
            public void splitting() {
                listener.split();
            }

            @Override
            public void refused(int index, SQLException failure, int depth) throws FatalWriteException {
                Rejection rejection = sqlRejection(p.attempt().records().get(index), failure, depth + 1);
                rejections.add(rejection);
                stopIfDrift(p.trial().rejected(index, rejection));
            }
        });
    }

    /**
     * The drift rule ({@link DriftDetector}) over the whole batch, in the order the records were read, on a copy
     * of the lane's detector; throws when a rejection makes drift.
     */
    private DriftDetector checkDrift(BatchAttempt attempt, List<Rejection> rejections) throws FatalWriteException {
        DriftDetector copy = drift().copy();
        Map<SinkRecord, Rejection> byRecord = new IdentityHashMap<>();
        rejections.forEach(r -> byRecord.put(r.record(), r));
        for (SinkRecord record : attempt.ownedRecords()) {
            Rejection rejection = byRecord.get(record);
            // a record whose row was missing went through the table like a written one
            if (rejection == null || MissingRows.LABEL.equals(rejection.exceptionClass())) {
                copy.written();
            } else {
                stopIfDrift(copy.rejected(rejection));
            }
        }
        return copy;
    }

    private MissingRows missingRows() {
        if (missingRows == null) {
            missingRows = new MissingRows(table.missingRows(), table.name());
        }
        return missingRows;
    }

    private DriftDetector drift() {
        if (drift == null) {
            drift = policy.driftDetector(table.name());
        }
        return drift;
    }

    private static void stopIfDrift(Optional<String> drift) throws FatalWriteException {
        if (drift.isPresent()) {
            throw new FatalWriteException(drift.get(), null);
        }
    }

    /**
     * After a failure that may mean the cached schema is stale (a missing column or table, a type mismatch), reads
     * the catalog again; true when the schema is no longer the one the batch was decoded by, so the batch is
     * decoded again instead of failing.
     */
    private boolean refreshedSchemaAfter(SQLException e) {
        String state = FailureDescription.of(e).sqlState();
        if (!"42703".equals(state) && !"42P01".equals(state) && !"42804".equals(state)) {
            return false;
        }
        try {
            table.refresh();
        } catch (SQLException unreadable) {
            e.addSuppressed(unreadable);
            return false;
        }
        return table.generation() != sessionGeneration;
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
                if (policy.kindOf(e) != FailureKind.TRANSIENT) {
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
        Duration backoff = retries.withinBudget(failingSince) ? retries.delay(attempt) : Duration.ZERO;
        listener.retrying(
                attempt,
                backoff,
                state,
                "database write failing transiently (attempt " + attempt + "): " + description.message()
                        + (description.sqlState() == null ? "" : " (SQLSTATE " + description.sqlState() + ")"));
        // Retries come about twice a second during an outage: the first and every 20th are worth a WARN line.
        if (attempt == 1 || attempt % 20 == 0) {
            LOG.warn(
                    "transient database failure, retrying the batch (attempt {}, SQLSTATE {}): {}",
                    attempt,
                    description.sqlState(),
                    description.message());
        } else {
            LOG.debug(
                    "transient database failure, retrying the batch (attempt {}, SQLSTATE {}): {}",
                    attempt,
                    description.sqlState(),
                    description.message());
        }
        if (!retries.awaitRetry(failingSince, backoff)) {
            throw new FatalWriteException(
                    "the database kept failing past write.retry.budget.ms (" + attempt
                            + " attempts, last: " + description.message()
                            + "); nothing was skipped: restart the worker once"
                            + " the database is healthy",
                    e);
        }
    }

    private void deadLetter(List<Rejection> rejections) throws FatalWriteException, InterruptedException {
        if (rejections.isEmpty()) {
            return;
        }
        try {
            deadLetters.send(
                    rejections.stream().map(r -> r.withTraceId(trace.traceId())).toList());
        } catch (DeadLetterException e) {
            throw new FatalWriteException(e.getMessage(), e);
        }
        listener.deadLettered(rejections);
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

    /** The lane's session, opened again when the table's schema changed since it was opened. */
    private Session session() throws SQLException {
        while (session == null || sessionGeneration != table.generation()) {
            discardSession(false);
            int generation = table.generation();
            session = table.openSession();
            sessionGeneration = generation;
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
