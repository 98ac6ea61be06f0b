package io.pgsink.client;

import io.pgsink.model.TableRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Operations of one batch, in any mix and over any number of tables, run in one transaction by {@link #execute}.
 * Values are Java objects keyed by column name ({@code Map.of("id", 7, "total", new BigDecimal("9.90"))}), converted
 * by the sink's decoder rules; rows are matched by key maps, never by SQL text. {@link #sql} is the one escape hatch:
 * a statement with {@code ?} parameters, bound, never spliced. Not thread safe; build on one thread.
 */
public final class BatchBuilder {

    private final Function<List<Op>, BatchResult> runner;
    private final Executor async;
    private final List<Op> ops = new ArrayList<>();
    private boolean executed;

    BatchBuilder(Function<List<Op>, BatchResult> runner, Executor async) {
        this.runner = runner;
        this.async = async;
    }

    /** A new row; {@code table} is {@code name} or {@code schema.name} (quote mixed case as in SQL). */
    public BatchBuilder insert(String table, Map<String, ?> values) {
        return add(OperationKind.INSERT, table, values, Map.of(), List.of());
    }

    /** A new row or, where a row with the same key exists, its columns overwritten by {@code values}. */
    public BatchBuilder upsert(String table, Map<String, ?> values, String... keyColumns) {
        return add(OperationKind.UPSERT, table, values, Map.of(), Arrays.asList(keyColumns));
    }

    /** Sets {@code values} on the row whose columns equal {@code key}; no such row affects nothing. */
    public BatchBuilder update(String table, Map<String, ?> values, Map<String, ?> key) {
        requireKey(key);
        return add(OperationKind.UPDATE, table, values, key, List.of());
    }

    /** Deletes the rows whose columns equal {@code key}; no such row affects nothing. */
    public BatchBuilder delete(String table, Map<String, ?> key) {
        requireKey(key);
        return add(OperationKind.DELETE, table, Map.of(), key, List.of());
    }

    /**
     * One SQL statement with {@code ?} placeholders, bound to {@code parameters} by the driver. It runs in the
     * batch's transaction after the operations added before it and before those added after it.
     */
    public BatchBuilder sql(String sql, Object... parameters) {
        Objects.requireNonNull(sql, "sql");
        ops.add(new Op(
                OperationKind.SQL,
                null,
                Map.of(),
                Map.of(),
                List.of(),
                sql,
                Collections.unmodifiableList(Arrays.asList(parameters.clone()))));
        return this;
    }

    public int size() {
        return ops.size();
    }

    /**
     * Validates every operation (before any SQL) and runs the batch in one transaction until it commits.
     *
     * @return the outcomes, one per operation: close them
     * @throws ValidationException when an operation cannot be written as given; nothing ran
     * @throws DatabaseUnavailableException when the database did not take it within the retry budget
     * @throws IllegalStateException when this builder ran already, or its session's previous results are open
     */
    public BatchResult execute() {
        if (executed) {
            throw new IllegalStateException("this batch was executed already; start a new one with batch()");
        }
        executed = true;
        return runner.apply(List.copyOf(ops));
    }

    /**
     * {@link #execute} on the client's executor; the stage completes with the summary once the batch committed
     * (the results are closed for you), or exceptionally as {@link #execute} throws.
     */
    public CompletionStage<BatchSummary> executeAsync() {
        if (async == null) {
            throw new IllegalStateException(
                    "executeAsync() runs on a client's executor; a session's batch runs with" + " execute()");
        }
        List<Op> taken = List.copyOf(ops);
        if (executed) {
            throw new IllegalStateException("this batch was executed already; start a new one with batch()");
        }
        executed = true;
        return CompletableFuture.supplyAsync(
                () -> {
                    try (BatchResult result = runner.apply(taken)) {
                        return result.summary();
                    }
                },
                async);
    }

    private BatchBuilder add(
            OperationKind kind, String table, Map<String, ?> values, Map<String, ?> key, List<String> keyColumns) {
        ops.add(op(ops.size(), kind, table, values, key, keyColumns));
        return this;
    }

    /** An operation checked for what needs no database: a table name that parses, values present. */
    static Op op(
            int index,
            OperationKind kind,
            String table,
            Map<String, ?> values,
            Map<String, ?> key,
            List<String> keyColumns) {
        try {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(values, "values");
            TableRef ref = TableRef.parse(table);
            if (kind != OperationKind.DELETE && values.isEmpty()) {
                throw new IllegalArgumentException("no column values");
            }
            return new Op(kind, ref, copy(values), copy(key), List.copyOf(keyColumns), null, List.of());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "operation " + index + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + "): "
                            + e.getMessage(),
                    e);
        }
    }

    static void requireKey(Map<String, ?> key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a key map with at least one column is needed");
        }
    }

    /** A copy that keeps nulls (SQL NULL) and the caller's column order. */
    private static Map<String, Object> copy(Map<String, ?> values) {
        Map<String, Object> copy = new LinkedHashMap<>(values.size() * 4 / 3 + 1);
        values.forEach((column, value) -> copy.put(Objects.requireNonNull(column, "column name"), value));
        return Collections.unmodifiableMap(copy);
    }
}
