package io.pgsink.decode;

import io.pgsink.schema.Column;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * A batch decoded for writing: the rows to write, in the records' order, and the records that could not be
 * decoded (poison, never sent to the database). Indexes are positions in the batch the rows were prepared from.
 *
 * <p>In upsert mode one statement must not meet a key twice ("ON CONFLICT DO UPDATE command cannot affect row a
 * second time"). Within a batch the last write of a key wins: an earlier version whose columns the next version
 * all sets again is not written. What remains is written in {@linkplain #generations generations}: the first
 * remaining record of each key, then the second, and so on; that happens only when a later version sets fewer
 * columns (a partial record), which must not erase the earlier version's other columns. The table ends up exactly
 * as if the records were applied one by one. Deduplication happens per write, so when a batch is bisected to
 * isolate a bad record, an earlier version separated from a bad later one is written. The price of last write
 * wins: a superseded record never reaches the database, so one that the database would have rejected (a value
 * too long, a failed CHECK) is not dead-lettered, and row triggers do not see it. Records that cannot be decoded
 * are dead-lettered either way. Keys are compared as PostgreSQL would for timestamps and numbers (see
 * {@link #key}); other types, e.g. citext, compare as text.
 */
public final class DecodedBatch {

    private final List<Row> rows;
    private final Map<Integer, DecodeException> failures;
    private final Set<Integer> skipped;
    private final List<Column> keyColumns;

    /**
     * @param keyColumns the conflict key in upsert mode; empty in insert mode, where a repeated key is the
     *     database's to reject
     */
    public DecodedBatch(List<Row> rows, Map<Integer, DecodeException> failures, List<Column> keyColumns) {
        this(rows, failures, Set.of(), keyColumns);
    }

    /**
     * @param skipped records that ask nothing of the table by the route's rules (a tombstone where deletes are off,
     *     a Debezium heartbeat): neither written nor failed, only counted
     */
    public DecodedBatch(
            List<Row> rows, Map<Integer, DecodeException> failures, Set<Integer> skipped, List<Column> keyColumns) {
        this.rows = List.copyOf(rows);
        this.failures = Map.copyOf(failures);
        this.skipped = Set.copyOf(skipped);
        this.keyColumns = List.copyOf(keyColumns);
    }

    /** Records that can never be written, by batch index, with the reason. */
    public Map<Integer, DecodeException> failures() {
        return failures;
    }

    /**
     * Batch indexes of the records skipped by the route's rules: handled (their offsets may be committed) without
     * a row or a dead letter. Not carried into {@link #slice} and {@link #select}, like {@link #failures}.
     */
    public Set<Integer> skipped() {
        return skipped;
    }

    /** Batch indexes of the rows that will be written, in write order. */
    public List<Integer> rowIndexes() {
        return rows.stream().map(Row::index).toList();
    }

    /** The same batch restricted to the rows at {@code from} (inclusive) to {@code to} (exclusive) of {@link #rowIndexes}. */
    public DecodedBatch slice(int from, int to) {
        return new DecodedBatch(rows.subList(from, to), Map.of(), keyColumns);
    }

    /** The same batch restricted to the rows whose batch index passes {@code keep}, in order. */
    public DecodedBatch select(IntPredicate keep) {
        return new DecodedBatch(
                rows.stream().filter(row -> keep.test(row.index())).toList(), Map.of(), keyColumns);
    }

    /** The rows split so that no key repeats within a part; parts in order, rows in order within each. */
    public List<List<Row>> generations() {
        if (keyColumns.isEmpty()) {
            return List.of(rows);
        }
        // Most batches repeat no key: one pass over a set tells, and then the rows go as they are.
        Set<Object> keys = new HashSet<>(rows.size() * 4 / 3 + 1);
        boolean repeats = false;
        for (Row row : rows) {
            if (!keys.add(key(row))) {
                repeats = true;
                break;
            }
        }
        if (!repeats) {
            return List.of(rows);
        }
        // Last write wins: a row whose next version sets every column it sets is dropped, as the database would
        // end up with the later values anyway. A later version that sets fewer columns (a partial record) must not
        // drop the earlier one: both are written, in order, in successive generations.
        Map<Object, Row> latest = new HashMap<>();
        Set<Row> superseded = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Row row : rows) {
            Row previous = latest.put(key(row), row);
            if (previous != null && covers(row.present(), previous.present())) {
                superseded.add(previous);
            }
        }
        List<List<Row>> generations = new ArrayList<>();
        Map<Object, Integer> seen = new HashMap<>();
        for (Row row : rows) {
            if (superseded.contains(row)) {
                continue;
            }
            int generation = seen.merge(key(row), 1, Integer::sum) - 1;
            if (generation == generations.size()) {
                generations.add(new ArrayList<>());
            }
            generations.get(generation).add(row);
        }
        return generations;
    }

    private static boolean covers(BitSet later, BitSet earlier) {
        if (later.equals(earlier)) {
            return true;
        }
        BitSet uncovered = (BitSet) earlier.clone();
        uncovered.andNot(later);
        return uncovered.isEmpty();
    }

    /**
     * The row's key, spelled so that values PostgreSQL holds equal are equal here too: timestamps as the instant
     * they name ({@code ...Z} and {@code ...+00:00} are one key), numbers without trailing zeros. For a one-column
     * key, the value itself (no key value is null in upsert mode).
     */
    private Object key(Row row) {
        if (keyColumns.size() == 1) {
            return canonical(keyColumns.get(0), row);
        }
        String[] key = new String[keyColumns.size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = canonical(keyColumns.get(i), row);
        }
        return Arrays.asList(key);
    }

    private static String canonical(Column column, Row row) {
        String value = row.values()[column.index()];
        try {
            switch (column.type()) {
                case TIMESTAMPTZ:
                    return OffsetDateTime.parse(value).toInstant().toString();
                case TIMESTAMP:
                    return LocalDateTime.parse(value).toString();
                case NUMERIC:
                case REAL:
                case DOUBLE:
                    return new BigDecimal(value).stripTrailingZeros().toString();
                default:
                    return value;
            }
        } catch (RuntimeException e) {
            return value; // e.g. NaN or infinity: compared as written
        }
    }

    public int size() {
        return rows.size();
    }
}
