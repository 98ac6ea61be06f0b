package io.pgsink.write;

import io.pgsink.batch.Batch;
import io.pgsink.deadletter.DeadLetterException;
import io.pgsink.deadletter.DeadLetterSink;
import io.pgsink.deadletter.Rejection;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.error.FailureKind;
import io.pgsink.error.RetryPolicy;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.pg.CommitUnknownException;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.Session;
import io.pgsink.pg.TargetTable;
import io.pgsink.pg.Transaction;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one lane's batches on the lane's thread: each batch in one transaction on the lane's session, transient
 * failures retried with backoff until {@code write.retry.budget.ms} (the poll loop pauses fetching meanwhile, so
 * the worker stays in its group), bad records isolated by bisection and dead-lettered, fatal failures thrown.
 */
public final class BatchWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final TargetTable table;
    private final DeadLetterSink deadLetters;
    private final RetryPolicy retries;
    private final WriteListener listener;
    private final FailurePolicy policy;
    private DriftDetector drift; // made on first use, on the writer's thread
    private DriftTrial trial; // the drift rule while the batch is bisected
    private Session session;
    private int sessionGeneration;
    // The schema generation the batch being written was decoded by (see TargetTable.generation()).
    private int batchGeneration;
    private long retried;
    // When this batch first met a foreign key without its parent (policy.nowMillis()), or -1.
    private long parentWaitSince = -1;
    // The batch being written, for the ownership check: set for the duration of write() (one lane, one thread).
    private Supplier<Set<PartitionRef>> moved = Set::of;
    private List<SinkRecord> records;
    private BitSet settled;

    public BatchWriter(TargetTable table, DeadLetterSink deadLetters, RetryPolicy retries, WriteListener listener) {
        this(table, deadLetters, retries, listener, FailurePolicy.defaults());
    }

    public BatchWriter(
            TargetTable table,
            DeadLetterSink deadLetters,
            RetryPolicy retries,
            WriteListener listener,
            FailurePolicy policy) {
        this.table = table;
        this.deadLetters = deadLetters;
        this.retries = retries;
        this.listener = listener;
        this.policy = policy;
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
    public long write(Batch batch, DecodedBatch prepared) throws FatalWriteException, InterruptedException {
        return write(batch, prepared, Set::of);
    }

    /**
     * {@link #write(Batch, DecodedBatch)}, fenced: before each attempt and right before each COMMIT it asks
     * {@code moved} which of the batch's partitions this worker no longer owns. A transaction holding records of
     * such a partition is rolled back, and the batch goes on without them: their next owner reads and writes them
     * (and would otherwise have its newer values overwritten by this late commit). Nothing is dead-lettered for
     * them either. What remains unprotected is the moment between the check and the COMMIT reaching the server.
     */
    public long write(Batch batch, DecodedBatch prepared, Supplier<Set<PartitionRef>> moved)
            throws FatalWriteException, InterruptedException {
        long retriesBefore = retried;
        List<SinkRecord> records = batch.records();
        prepared = table.current(records, prepared); // [schema] read the catalog again if the batch suggests so
        batchGeneration = table.generationOf(prepared);
        List<Rejection> decodeRejections = decodeRejections(records, prepared, i -> true);
        List<Rejection> rejections = new ArrayList<>(decodeRejections);
        this.moved = moved;
        this.records = records;
        this.settled = new BitSet(records.size());
        this.parentWaitSince = -1;
        this.trial = new DriftTrial(drift().copy(), byIndex(records, prepared)); // [policy]
        Set<PartitionRef> lost = Set.of();
        try {
            DecodedBatch remaining = prepared;
            while (!remaining.rowIndexes().isEmpty()) {
                try {
                    isolate(remaining, records, rejections, 1);
                    break;
                } catch (PartitionsMovedException e) {
                    trial.abandon();
                    lost = union(lost, e.partitions());
                    Set<PartitionRef> gone = lost;
                    LOG.warn(
                            "partitions {} moved to another owner while a batch was being written; its transaction"
                                    + " was rolled back and their records are left to the new owner",
                            gone);
                    remaining = remaining.select(i ->
                            !settled.get(i) && !gone.contains(records.get(i).partitionRef()));
                } catch (SchemaChangedException e) {
                    // [schema] what is not written yet is decoded again, by the new columns
                    trial.abandon();
                    rejections.removeAll(decodeRejections);
                    prepared = table.current(records, prepared);
                    batchGeneration = table.generationOf(prepared);
                    decodeRejections = decodeRejections(records, prepared, i -> !settled.get(i));
                    rejections.addAll(decodeRejections);
                    Set<PartitionRef> gone = lost;
                    remaining = prepared.select(i ->
                            !settled.get(i) && !gone.contains(records.get(i).partitionRef()));
                }
            }
        } finally {
            this.moved = Set::of;
            this.records = null;
            this.settled = null;
            this.trial = null;
        }
        // Partitions may also have moved while the last parts, holding none of their records, were written: their
        // rejections are the next owner's too, or they would be dead-lettered twice.
        Set<PartitionRef> gone = union(lost, moved.get());
        int kept = records.size();
        if (!gone.isEmpty()) {
            rejections.removeIf(r -> gone.contains(r.record().partitionRef()));
            kept = (int) records.stream()
                    .filter(r -> !gone.contains(r.partitionRef()))
                    .count();
        }
        checkDrift(records, gone, rejections); // [policy] before anything of the batch is dead-lettered
        if (!rejections.isEmpty()) {
            deadLetter(rejections);
        }
        listener.handled(kept - rejections.size(), rejections.size());
        return retried - retriesBefore;
    }

    private static Set<PartitionRef> union(Set<PartitionRef> a, Set<PartitionRef> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() ? b : a; // the usual case, every batch: nothing moved
        }
        Set<PartitionRef> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Throws if a record of {@code batch} is in a partition that moved away since the batch was handed over. */
    private void checkOwned(DecodedBatch batch) throws PartitionsMovedException {
        Set<PartitionRef> gone = moved.get();
        if (gone.isEmpty()) {
            return;
        }
        for (int index : batch.rowIndexes()) {
            if (gone.contains(records.get(index).partitionRef())) {
                throw new PartitionsMovedException(gone);
            }
        }
    }

    /** Bisection: about k·log2(n) sub-batch writes to find k bad records among n. */
    private void isolate(DecodedBatch batch, List<SinkRecord> records, List<Rejection> rejections, int depth)
            throws FatalWriteException, InterruptedException, PartitionsMovedException {
        SQLException poison = writeRetryingTransient(batch);
        List<Integer> indexes = batch.rowIndexes();
        if (poison == null) {
            indexes.forEach(settled::set);
            stopIfDrift(trial.written(indexes)); // [policy]
            return;
        }
        if (indexes.size() == 1) {
            Rejection rejection = sqlRejection(records.get(indexes.get(0)), poison, depth);
            rejections.add(rejection);
            settled.set(indexes.get(0));
            stopIfDrift(trial.rejected(indexes.get(0), rejection)); // [policy]
            return;
        }
        int middle = indexes.size() / 2;
        listener.split();
        isolate(batch.slice(0, middle), records, rejections, depth + 1);
        isolate(batch.slice(middle, indexes.size()), records, rejections, depth + 1);
    }

    /** Writes and commits; returns the poison failure, or null once committed; throws when fatal. */
    private SQLException writeRetryingTransient(DecodedBatch batch)
            throws FatalWriteException, InterruptedException, PartitionsMovedException {
        long failingSince = 0;
        int timeouts = 0;
        for (int attempt = 1; ; attempt++) {
            checkOwned(batch);
            try {
                commit(batch);
                listener.succeeded();
                return null;
            } catch (CommitUnknownException e) {
                failingSince = attempt == 1 ? retries.nowMillis() : failingSince;
                if (committedAfterAll(e, attempt, failingSince)) {
                    listener.committed();
                    listener.succeeded();
                    return null;
                }
            } catch (SQLException e) {
                FailureKind kind = policy.kindOf(e); // [policy] operators' overrides
                if (kind == FailureKind.POISON && !(policy.waitsForParent(e) && awaitParent(attempt))) {
                    listener.succeeded(); // the database answered definitely: whatever was transient has cleared
                    return e;
                }
                if (kind == FailureKind.FATAL) {
                    refreshSchemaAfter(e); // [schema] a missing column or table may be the cached schema's fault
                    throw new FatalWriteException(FailureDescription.of(e).withAdvice(), e);
                }
                if (kind == FailureKind.TRANSIENT) {
                    // [policy] a part that keeps hitting statement_timeout is split like poison, not retried forever
                    if (FailurePolicy.isTimeout(e) && ++timeouts >= FailurePolicy.TIMEOUTS_BEFORE_SPLIT) {
                        return e;
                    }
                    failingSince = attempt == 1 ? retries.nowMillis() : failingSince;
                    retryLater(e, attempt, failingSince);
                }
            }
        }
    }

    /**
     * Waits before writing a part again whose foreign key had no parent row, as long as the batch's first such
     * failure is less than {@code error.foreign.key.retry.ms} ago; returns false, without waiting, once it is not.
     */
    private boolean awaitParent(int attempt) throws InterruptedException {
        long now = policy.nowMillis();
        parentWaitSince = parentWaitSince < 0 ? now : parentWaitSince;
        long left = policy.foreignKeyRetry().toMillis() - (now - parentWaitSince);
        if (left <= 0) {
            return false;
        }
        retried++;
        listener.retrying("a record's foreign key has no parent row yet (SQLSTATE 23503); waiting up to "
                + policy.foreignKeyRetry().toMillis() + " ms for it before dead-lettering the record");
        retries.pause(attempt, Duration.ofMillis(left));
        return true;
    }

    /**
     * The drift rule ({@link DriftDetector}), fed in the order the records were read: throws before anything of
     * the batch is dead-lettered when a rejection makes drift, so the dead-letter topic never takes that run's
     * last record.
     */
    private void checkDrift(List<SinkRecord> records, Set<PartitionRef> gone, List<Rejection> rejections)
            throws FatalWriteException {
        Map<SinkRecord, Rejection> byRecord = new IdentityHashMap<>();
        rejections.forEach(r -> byRecord.put(r.record(), r));
        for (SinkRecord record : records) {
            if (gone.contains(record.partitionRef())) {
                continue;
            }
            Rejection rejection = byRecord.get(record);
            if (rejection == null) {
                drift().written();
                continue;
            }
            stopIfDrift(drift().rejected(rejection));
        }
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

    private static Map<Integer, Rejection> byIndex(List<SinkRecord> records, DecodedBatch prepared) {
        Map<Integer, Rejection> rejections = new HashMap<>();
        prepared.failures().forEach((i, e) -> rejections.put(i, decodeRejection(records.get(i), e)));
        return rejections;
    }

    /**
     * After an unanswered COMMIT, asks the server what became of the transaction, retrying until it can tell:
     * a batch that did commit must not be written again (insert mode would duplicate or dead-letter it).
     */
    private boolean committedAfterAll(CommitUnknownException unknown, int attempt, long failingSince)
            throws FatalWriteException, InterruptedException {
        SQLException last = unknown;
        for (int a = attempt; ; a++) {
            retryLater(last, a, failingSince);
            try {
                Optional<Boolean> committed = table.committed(unknown.transactionId());
                if (committed.isPresent()) {
                    return committed.get();
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

    private void commit(DecodedBatch batch) throws SQLException, PartitionsMovedException {
        Session current = session();
        if (sessionGeneration != batchGeneration) {
            throw new SchemaChangedException(); // [schema] another lane read a new schema: decode the batch again
        }
        try (Transaction results = current.write(batch)) {
            results.forEachRemaining(outcome -> {});
            checkOwned(batch); // closing the results uncommitted rolls the transaction back
            results.commit();
        }
        listener.committed();
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
        if (!retries.awaitRetry(attempt, failingSince)) {
            throw new FatalWriteException(
                    "the database kept failing past write.retry.budget.ms (" + attempt
                            + " attempts, last: " + description.message()
                            + "); nothing was skipped: restart the worker once"
                            + " the database is healthy",
                    e);
        }
    }

    private void deadLetter(List<Rejection> rejections) throws FatalWriteException, InterruptedException {
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

    private static Rejection decodeRejection(SinkRecord record, DecodeException e) {
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

    /**
     * After a failure that may mean the cached schema is stale (a missing column or table, a type mismatch), reads
     * the catalog again; throws {@link SchemaChangedException} when the schema is not the one the batch was
     * decoded by, so the batch is decoded again instead of failing.
     */
    private void refreshSchemaAfter(SQLException e) {
        String state = FailureDescription.of(e).sqlState();
        if (!"42703".equals(state) && !"42P01".equals(state) && !"42804".equals(state)) {
            return;
        }
        try {
            table.refresh();
        } catch (SQLException unreadable) {
            e.addSuppressed(unreadable);
            return;
        }
        if (table.generation() != batchGeneration) {
            throw new SchemaChangedException();
        }
    }

    private static List<Rejection> decodeRejections(
            List<SinkRecord> records, DecodedBatch prepared, IntPredicate include) {
        List<Rejection> rejections = new ArrayList<>();
        for (Map.Entry<Integer, DecodeException> failure : prepared.failures().entrySet()) {
            if (include.test(failure.getKey())) {
                rejections.add(decodeRejection(records.get(failure.getKey()), failure.getValue()));
            }
        }
        return rejections;
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
