package io.pgsink.client;

import io.pgsink.SinkListener;
import io.pgsink.config.MissingRowPolicy;
import io.pgsink.config.UnknownFieldPolicy;
import io.pgsink.config.WriteMode;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.decode.Operation;
import io.pgsink.decode.Row;
import io.pgsink.error.FailureClassifier;
import io.pgsink.error.FailureKind;
import io.pgsink.error.RetryPolicy;
import io.pgsink.error.Sleeper;
import io.pgsink.model.TableRef;
import io.pgsink.pg.Bisection;
import io.pgsink.pg.CommitUnknownException;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.RecordOutcome;
import io.pgsink.pg.Session;
import io.pgsink.pg.TargetTable;
import io.pgsink.pg.Transaction;
import io.pgsink.schema.Column;
import io.pgsink.schema.SchemaException;
import io.pgsink.schema.TableSchema;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The library's side of the write engine: validates and decodes operations with the sink's decoder, cuts them into
 * generations ({@link Plan}) and writes them through the sink's {@link TargetTable}s, sessions and transactions,
 * in one transaction per batch: COPY or JDBC batches per table and kind, poison isolated by bisection under
 * savepoints, transient failures retried (the whole transaction) with the sink's backoff, an unanswered COMMIT
 * looked up before anything is written again. Thread safe; each batch runs on its caller's thread.
 */
final class BatchEngine {

    private final DataSource dataSource;
    private final Settings settings;
    private final RetryPolicy retries;
    private final CircuitBreaker breaker;
    private static final String CONNECTION_FAILURE = "08006";
    private final FailureClassifier classifier = FailureClassifier.defaults();
    private final Map<TableKey, TargetTable> tables = new ConcurrentHashMap<>();
    private final ClientEvents events;

    /** A table writer per table, SQL mode and key: each holds the statements of its mode. */
    private record TableKey(TableRef table, WriteMode mode, List<String> keys) {}

    /** What {@link #run} hands back: every operation's outcome and the transactions it took. */
    record Run(List<Outcome> outcomes, int attempts) {}

    BatchEngine(DataSource dataSource, Settings settings, Sleeper sleeper, Clock clock, SinkListener listener) {
        this.events = new ClientEvents(listener);
        this.dataSource = dataSource;
        this.settings = settings;
        this.retries =
                new RetryPolicy(settings.retryInitial(), settings.retryMax(), settings.retryBudget(), sleeper, clock);
        this.breaker = new CircuitBreaker(settings.breakerThreshold(), settings.breakerOpenFor(), clock);
    }

    DataSource dataSource() {
        return dataSource;
    }

    Settings settings() {
        return settings;
    }

    boolean breakerOpen() {
        return breaker.open();
    }

    /**
     * Waits out what is left of the breaker's open time (a writer that must not drop its batch waits instead of
     * failing fast), and at least the first retry delay, so a closed breaker is not polled in a tight loop.
     */
    void awaitBreaker() throws InterruptedException {
        Duration left = breaker.untilProbe();
        Duration least = retries.delay(1);
        retries.pause(left.compareTo(least) > 0 ? left : least);
    }

    /** A session on a pooled connection, with the client's statement timeout. */
    Session openSession() throws SQLException {
        return Session.open(dataSource, settings.method(), settings.statementTimeout());
    }

    /**
     * Runs the batch on {@code sessions}' session (replaced after a transient failure, which may have broken its
     * connection) until it commits, retrying transient failures within the budget.
     *
     * @throws ValidationException before any SQL, when an operation cannot be written as given
     * @throws DatabaseUnavailableException when the budget ran out or the breaker is open
     */
    Run run(List<Op> ops, SessionLease sessions) throws InterruptedException {
        return run(ops, sessions, true);
    }

    /**
     * {@link #run(List, SessionLease)}; with {@code refuseInvalid} false, an operation that fails validation gets
     * its own failed outcome and the others run (a queueing writer's batch mixes callers).
     */
    Run run(List<Op> ops, SessionLease sessions, boolean refuseInvalid) throws InterruptedException {
        long failingSince = -1;
        long batchId = events.started(ops);
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            if (!breaker.allow()) {
                throw new DatabaseUnavailableException(
                        "the database failed the last batches and the circuit breaker is open: failing fast for up"
                                + " to " + settings.breakerOpenFor().toMillis() + " ms before it is probed again",
                        null,
                        false);
            }
            try {
                Map<Integer, Outcome> invalid = new HashMap<>();
                Plan plan = plan(ops, refuseInvalid ? null : invalid);
                List<Outcome> outcomes = write(plan, ops, invalid, sessions);
                breaker.succeeded();
                events.ended(batchId, outcomes, Duration.ofNanos(System.nanoTime() - started), true);
                return new Run(outcomes, attempt);
            } catch (SQLException e) {
                // Still unknown after the lookup spent the retry budget: writing the batch again could apply it twice.
                boolean unknown = e instanceof CommitUnknownException;
                if (!unknown && Thread.interrupted()) {
                    throw interrupted(e);
                }
                if (classifier.kindOf(e) != FailureKind.TRANSIENT && !unknown) {
                    breaker.succeeded(); // the database answered: it is up, the batch is wrong
                    List<Outcome> failed = allFailed(ops, e);
                    events.ended(batchId, failed, Duration.ofNanos(System.nanoTime() - started), false);
                    return new Run(failed, attempt);
                }
                sessions.discard();
                if (unknown) {
                    breaker.failed();
                    throw new DatabaseUnavailableException(
                            "the batch's COMMIT went unanswered and whether it committed could not be learned within"
                                    + " the retry budget; it is not written again, as that could apply it twice",
                            e,
                            true);
                }
                events.retrying(
                        ops,
                        attempt,
                        retries.delay(attempt),
                        FailureClassifier.sqlState(e),
                        FailureDescription.of(e).message());
                failingSince = failingSince < 0 ? retries.nowMillis() : failingSince;
                if (!retries.awaitRetry(attempt, failingSince)) {
                    breaker.failed();
                    throw new DatabaseUnavailableException(
                            "the database did not take the batch within the retry budget of "
                                    + settings.retryBudget().toMillis() + " ms (" + attempt + " attempts; last: "
                                    + FailureDescription.of(e).withAdvice() + ")",
                            e,
                            false);
                }
            }
        }
    }

    /**
     * The pool (or driver) gave up because the thread was interrupted (a closing writer): no verdict on the batch,
     * which must not be failed as if the database had refused it.
     */
    private static InterruptedException interrupted(SQLException e) {
        InterruptedException interrupted = new InterruptedException("interrupted while writing a batch");
        interrupted.initCause(e);
        return interrupted;
    }

    /** Validates and decodes every operation before any SQL runs; all problems are reported together. */
    Plan plan(List<Op> ops, Map<Integer, Outcome> invalid) throws SQLException {
        List<Plan.Item> items = new ArrayList<>(ops.size());
        List<String> problems = new ArrayList<>();
        // A table's sorted key columns once per schema seen in this plan, not a stream and a sort per row; keyed by
        // the schema, so a schema read again by another batch meanwhile is looked up afresh, as before.
        Map<TableSchema, List<Column>> keyColumns = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            try {
                items.add(item(i, op, keyColumns));
            } catch (SchemaException | DecodeException | IllegalArgumentException e) {
                String problem = op.describe(i) + ": " + e.getMessage();
                if (invalid == null) {
                    problems.add(problem);
                } else {
                    invalid.put(
                            i,
                            new Outcome(
                                    i, op.kind(), op.tableName(), 0, new Failure(null, FailureKind.POISON, problem)));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new Plan(items);
    }

    private Plan.Item item(int index, Op op, Map<TableSchema, List<Column>> keyColumns)
            throws SQLException, SchemaException, DecodeException {
        if (op.kind() == OperationKind.SQL) {
            return new Plan.Item(index, op, null, null, null);
        }
        TargetTable target = table(op);
        Map<String, Object> columns = new LinkedHashMap<>(op.values());
        for (Map.Entry<String, Object> key : op.key().entrySet()) {
            if (columns.containsKey(key.getKey())) {
                throw new IllegalArgumentException("column \"" + key.getKey() + "\" is in both the values and the"
                        + " key; an update cannot change the key it matches on");
            }
            columns.put(key.getKey(), key.getValue());
        }
        for (String name : columns.keySet()) {
            if (target.schema().column(name).isEmpty()) {
                throw new IllegalArgumentException("column \"" + name + "\" does not exist in table "
                        + target.schema().table());
            }
        }
        Operation operation = op.kind() == OperationKind.DELETE ? Operation.DELETE : Operation.WRITE;
        Row row = target.row(index, JsonValues.object(columns), operation);
        List<Column> keys = keyColumns.computeIfAbsent(target.schema(), schema -> sortedKeyColumns(target, schema));
        return new Plan.Item(index, op, target, row, conflictKey(op.table(), keys, row));
    }

    /** The table's key columns in name order. */
    private static List<Column> sortedKeyColumns(TargetTable target, TableSchema schema) {
        return target.keyColumnNames().stream()
                .sorted()
                .map(name -> schema.column(name).orElseThrow())
                .toList();
    }

    /** The table and the row's key values, or null when the row has no complete key (a serial id left out). */
    private static String conflictKey(TableRef table, List<Column> keys, Row row) {
        if (keys.isEmpty()) {
            return null;
        }
        StringBuilder key = new StringBuilder(table.toString());
        for (Column column : keys) {
            String value = row.values()[column.index()];
            if (value == null) {
                return null;
            }
            key.append('\u0000').append(value);
        }
        return key.toString();
    }

    private TargetTable table(Op op) throws SQLException, SchemaException {
        WriteMode mode;
        List<String> keys;
        switch (op.kind()) {
            case INSERT:
                mode = WriteMode.INSERT;
                keys = List.of();
                break;
            case UPSERT:
                mode = WriteMode.UPSERT;
                keys = op.keyColumns().stream().sorted().toList();
                break;
            case UPDATE:
                mode = WriteMode.UPDATE;
                keys = op.key().keySet().stream().sorted().toList();
                break;
            default: // DELETE: any mode with a key deletes by it; upsert's checks make sure there is one
                mode = WriteMode.UPSERT;
                keys = op.key().keySet().stream().sorted().toList();
        }
        TableKey key = new TableKey(op.table(), mode, keys);
        TargetTable target = tables.get(key);
        if (target == null) {
            target = TargetTable.open(
                    dataSource,
                    op.table(),
                    mode,
                    keys,
                    UnknownFieldPolicy.REJECT,
                    settings.method(),
                    MissingRowPolicy.SKIP);
            tables.putIfAbsent(key, target);
        }
        return target;
    }

    /** One transaction: every generation in order, then COMMIT (an unanswered one looked up). */
    private List<Outcome> write(Plan plan, List<Op> ops, Map<Integer, Outcome> invalid, SessionLease sessions)
            throws SQLException {
        Map<Integer, Outcome> outcomes = new HashMap<>(invalid);
        Map<TargetTable, List<DecodedBatch>> batches = new LinkedHashMap<>();
        List<Map<TargetTable, DecodedBatch>> steps = new ArrayList<>();
        for (Plan.Generation generation : plan.generations()) {
            Map<TargetTable, DecodedBatch> step = new LinkedHashMap<>();
            generation.rows().forEach((target, rows) -> {
                DecodedBatch batch = target.batchOf(rows, Map.of());
                batch.failures().forEach((index, e) -> outcomes.put(index, refused(ops, index, e)));
                batches.computeIfAbsent(target, t -> new ArrayList<>()).add(batch);
                step.put(target, batch);
            });
            steps.add(step);
        }
        Transaction transaction = sessions.session().begin(batches);
        try {
            for (int g = 0; g < steps.size(); g++) {
                for (Map.Entry<TargetTable, DecodedBatch> part : steps.get(g).entrySet()) {
                    isolate(transaction, part.getKey(), part.getValue(), ops, outcomes);
                }
                Plan.Item sql = plan.generations().get(g).sql();
                if (sql != null) {
                    runSql(transaction, sql, outcomes);
                }
            }
            transaction.commit();
        } catch (CommitUnknownException e) {
            // The connection went with the COMMIT's answer: closing the transaction (a ROLLBACK) fails on it, and
            // must not stand for the batch's outcome, which only the lookup knows.
            closeQuietly(transaction, e);
            sessions.discard();
            resolve(e);
            return ordered(ops, outcomes);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(transaction, e);
            throw e;
        }
        transaction.close();
        return ordered(ops, outcomes);
    }

    private static void closeQuietly(Transaction transaction, Exception failure) {
        try {
            transaction.close();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static List<Outcome> ordered(List<Op> ops, Map<Integer, Outcome> outcomes) {
        List<Outcome> all = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Outcome outcome = outcomes.get(i);
            if (outcome == null) {
                throw new IllegalStateException(ops.get(i).describe(i) + " has no outcome");
            }
            all.add(outcome);
        }
        return all;
    }

    private static Outcome refused(List<Op> ops, int index, DecodeException e) {
        Op op = ops.get(index);
        return new Outcome(index, op.kind(), op.tableName(), 0, new Failure(null, FailureKind.POISON, e.getMessage()));
    }

    /** Bisection under savepoints, the sink writer's own ({@link Bisection}): refused rows fail alone. */
    private void isolate(
            Transaction transaction,
            TargetTable target,
            DecodedBatch part,
            List<Op> ops,
            Map<Integer, Outcome> outcomes)
            throws SQLException {
        try {
            Bisection.isolate(transaction, part, new Bisection.Parts<RuntimeException>() {
                @Override
                public List<RecordOutcome> write(DecodedBatch rows) throws SQLException {
                    return transaction.write(target, rows);
                }

                @Override
                public boolean splits(SQLException failure) {
                    return classifier.kindOf(failure) == FailureKind.POISON;
                }

                @Override
                public void written(DecodedBatch rows, List<RecordOutcome> written) {
                    for (RecordOutcome outcome : written) {
                        Op op = ops.get(outcome.index());
                        int count = outcome.rowMissing() ? 0 : outcome.rowsAffected();
                        outcomes.put(
                                outcome.index(), new Outcome(outcome.index(), op.kind(), op.tableName(), count, null));
                    }
                }

                @Override
                public boolean again(SQLException failure, int attempt) {
                    return false;
                }

                @Override
                public void splitting() {}

                @Override
                public void refused(int index, SQLException failure, int depth) {
                    outcomes.put(index, failed(index, ops.get(index), failure, FailureKind.POISON));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while isolating bad rows", e);
        }
    }

    private void runSql(Transaction transaction, Plan.Item item, Map<Integer, Outcome> outcomes) throws SQLException {
        Transaction.Mark mark = transaction.mark();
        try {
            int count = transaction.execute(item.op().sql(), item.op().parameters());
            transaction.release(mark);
            outcomes.put(item.index(), new Outcome(item.index(), OperationKind.SQL, null, count, null));
        } catch (SQLException e) {
            if (classifier.kindOf(e) != FailureKind.POISON) {
                throw e;
            }
            transaction.rollbackTo(mark);
            outcomes.put(item.index(), failed(item.index(), item.op(), e, FailureKind.POISON));
        }
    }

    /**
     * Looks up a COMMIT that went unanswered by transaction id: committed returns, rolled back is thrown as a
     * connection failure (the batch is written again), not known yet is asked again within the retry budget.
     */
    private void resolve(CommitUnknownException e) throws SQLException {
        long since = retries.nowMillis();
        for (int attempt = 1; ; attempt++) {
            Optional<Boolean> committed;
            try {
                committed = TargetTable.committed(dataSource, e.transaction());
            } catch (SQLException unreachable) {
                committed = Optional.empty();
            }
            if (committed.isPresent()) {
                if (committed.get()) {
                    return;
                }
                // Known now: rolled back. A connection failure, so the batch is written again, and a budget that
                // runs out says "not written", not "unknown".
                throw new SQLException(
                        "COMMIT went unanswered and the transaction did not commit", CONNECTION_FAILURE, e);
            }
            try {
                if (!retries.awaitRetry(attempt, since)) {
                    throw e;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }
    }

    private static List<Outcome> allFailed(List<Op> ops, SQLException e) {
        List<Outcome> all = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            all.add(failed(i, ops.get(i), e, FailureKind.FATAL));
        }
        return all;
    }

    private static Outcome failed(int index, Op op, SQLException e, FailureKind kind) {
        FailureDescription description = FailureDescription.of(e);
        return new Outcome(
                index,
                op.kind(),
                op.tableName(),
                0,
                new Failure(FailureClassifier.sqlState(e), kind, description.withAdvice()));
    }
}
