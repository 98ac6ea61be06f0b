package io.pgsink.decode;

import io.pgsink.config.WriteMode;
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
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * A batch decoded for writing: the rows to write, in the records' order, and the records that could not be
 * decoded (poison, never sent to the database). Indexes are positions in the batch the rows were prepared from.
 *
 * <p>The rows go to the table in {@linkplain #steps() steps}, each one statement's worth (per column set), applied
 * in order, so that the table ends exactly as if the records were applied one by one in offset order:
 *
 * <ul>
 *   <li>A {@link Operation#TRUNCATE} is a step of its own: the rows before it are applied first, those after it
 *       next.
 *   <li>One statement must not meet a key twice ("ON CONFLICT DO UPDATE command cannot affect row a second time";
 *       an {@code UPDATE ... FROM} would pick one of two staged rows at random). Between truncates the rows are
 *       split into generations in which no key repeats; each generation is applied as its deletes, then its
 *       writes. A key's delete that follows its write, or a write that follows another write of it, goes to a later
 *       generation.
 *   <li>Writes a later record makes pointless are not sent: in upsert and update modes
 *       a write whose next write of the same key sets every column it sets (last write wins); in upsert mode a write
 *       followed by a delete of its key; in insert-if-absent mode any write of a key after its first (first write
 *       wins); in every mode a delete right after a delete of the same key. Only a later version that sets fewer
 *       columns (a partial record) leaves an earlier one to be written, in an earlier generation, so it does not
 *       erase the earlier one's other columns. Insert mode drops nothing: a repeated key is the database's to
 *       reject.
 * </ul>
 *
 * <p>This happens per write, so when a batch is bisected to isolate a bad record, an earlier version separated
 * from a bad later one is written. The price of last write wins: a superseded record never reaches the database,
 * so one that the database would have rejected (a value too long, a failed CHECK) is not dead-lettered, and row
 * triggers do not see it. Records that cannot be decoded are dead-lettered either way, and so is a delete without
 * a key to delete by. Keys are compared as PostgreSQL would for timestamps and numbers (see {@link #key}); other
 * types, e.g. citext, compare as text. Order is exact per key; across keys, only steps are ordered.
 */
public final class DecodedBatch {

    private final List<Row> rows;
    private final Map<Integer, DecodeException> failures;
    private final Set<Integer> skipped;
    private final List<Column> keyColumns;
    private final WriteMode mode;
    private Plan plan; // computed on first use, on the writer's thread

    /** One statement's worth of rows (per column set): rows of one operation, no key twice, in offset order. */
    public record Step(Operation operation, List<Row> rows) {}

    /** The steps, and which records were left out because a later one made them pointless. */
    private record Plan(List<Step> steps, Map<Integer, Integer> replacedBy) {}

    /**
     * A batch in upsert mode when {@code keyColumns} is set, otherwise in insert mode.
     *
     * @param keyColumns the conflict key in upsert mode; empty in insert mode, where a repeated key is the
     *     database's to reject
     */
    public DecodedBatch(List<Row> rows, Map<Integer, DecodeException> failures, List<Column> keyColumns) {
        this(rows, failures, Set.of(), keyColumns, keyColumns.isEmpty() ? WriteMode.INSERT : WriteMode.UPSERT);
    }

    /**
     * @param skipped records that ask nothing of the table by the route's rules (a tombstone where deletes are off,
     *     a Debezium heartbeat): neither written nor failed, only counted
     */
    public DecodedBatch(
            List<Row> rows, Map<Integer, DecodeException> failures, Set<Integer> skipped, List<Column> keyColumns) {
        this(rows, failures, skipped, keyColumns, keyColumns.isEmpty() ? WriteMode.INSERT : WriteMode.UPSERT);
    }

    /**
     * @param keyColumns the columns that identify a row (what deletes match, what repeats are detected by); empty
     *     when the table has no key, where deletes cannot be written and are failures
     * @param mode how writes reach the table, which decides which writes a later record makes pointless
     */
    public DecodedBatch(
            List<Row> rows, Map<Integer, DecodeException> failures, List<Column> keyColumns, WriteMode mode) {
        this(rows, failures, Set.of(), keyColumns, mode);
    }

    /** The general form of the constructors above. */
    public DecodedBatch(
            List<Row> rows,
            Map<Integer, DecodeException> failures,
            Set<Integer> skipped,
            List<Column> keyColumns,
            WriteMode mode) {
        this.skipped = Set.copyOf(skipped);
        this.keyColumns = List.copyOf(keyColumns);
        this.mode = mode;
        Map<Integer, DecodeException> failed = null;
        List<Row> kept = rows;
        for (Row row : rows) {
            if (row.operation() == Operation.DELETE && deleteProblem(row) != null) {
                failed = failed == null ? new HashMap<>(failures) : failed;
                failed.put(row.index(), deleteProblem(row));
            }
        }
        if (failed != null) {
            Map<Integer, DecodeException> refused = failed;
            kept = rows.stream()
                    .filter(row -> !refused.containsKey(row.index()))
                    .toList();
        }
        this.rows = List.copyOf(kept);
        this.failures = Map.copyOf(failed == null ? failures : failed);
    }

    private DecodeException deleteProblem(Row row) {
        if (keyColumns.isEmpty()) {
            return new DecodeException(
                    null,
                    "record is a delete, but the table has no primary key and no key columns are configured:"
                            + " there is nothing to delete by");
        }
        for (Column key : keyColumns) {
            if (row.values()[key.index()] == null) {
                return new DecodeException(key.name(), "delete has no value for key column \"" + key.name() + "\"");
            }
        }
        return null;
    }

    /** The same rows and failures, ordered by {@code keyColumns} for {@code mode} (see the class comment). */
    public DecodedBatch withKey(List<Column> keyColumns, WriteMode mode) {
        return new DecodedBatch(rows, failures, skipped, keyColumns, mode);
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

    /** The key columns deletes match on; empty when the table has none. */
    public List<Column> keyColumns() {
        return keyColumns;
    }

    /** The same batch restricted to the rows at {@code from} (inclusive) to {@code to} (exclusive) of {@link #rowIndexes}. */
    public DecodedBatch slice(int from, int to) {
        return new DecodedBatch(rows.subList(from, to), Map.of(), keyColumns, mode);
    }

    /** The same batch restricted to the rows whose batch index passes {@code keep}, in order. */
    public DecodedBatch select(IntPredicate keep) {
        return new DecodedBatch(
                rows.stream().filter(row -> keep.test(row.index())).toList(), Map.of(), keyColumns, mode);
    }

    /** The rows to apply, step by step, in order (see the class comment). */
    public List<Step> steps() {
        return plan().steps();
    }

    /** The written rows of each {@link #steps() step} that writes, in order: no key repeats within one. */
    public List<List<Row>> generations() {
        return steps().stream()
                .filter(s -> s.operation() == Operation.WRITE)
                .map(Step::rows)
                .toList();
    }

    /**
     * For a write left out because a later write of its key sets every column it sets (upsert and update modes),
     * the batch index of the write that stands for it: that write's fate (say, no row to update) is its fate.
     */
    public Map<Integer, Integer> replacedBy() {
        return plan().replacedBy();
    }

    private Plan plan() {
        if (plan == null) {
            plan = simple()
                    ? new Plan(rows.isEmpty() ? List.of() : List.of(new Step(Operation.WRITE, rows)), Map.of())
                    : new Planner(mode).plan(rows, this::key);
        }
        return plan;
    }

    /**
     * Most batches are writes only, and repeat no key: one pass tells, and then the rows go as they are. Insert mode
     * does not even look at keys.
     */
    private boolean simple() {
        for (Row row : rows) {
            if (row.operation() != Operation.WRITE) {
                return false;
            }
        }
        if (mode == WriteMode.INSERT || keyColumns.isEmpty()) {
            return true;
        }
        Set<Object> keys = new HashSet<>(rows.size() * 4 / 3 + 1);
        for (Row row : rows) {
            Object key = key(row);
            if (key != null && !keys.add(key)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The row's key, spelled so that values PostgreSQL holds equal are equal here too: timestamps as the instant
     * they name ({@code ...Z} and {@code ...+00:00} are one key), numbers without trailing zeros. For a one-column
     * key, the value itself. Null when the table has no key or a key value is null (SQL NULL equals nothing).
     */
    private Object key(Row row) {
        if (keyColumns.isEmpty()) {
            return null;
        }
        if (keyColumns.size() == 1) {
            return canonical(keyColumns.get(0), row);
        }
        String[] key = new String[keyColumns.size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = canonical(keyColumns.get(i), row);
            if (key[i] == null) {
                return null;
            }
        }
        return Arrays.asList(key);
    }

    private static String canonical(Column column, Row row) {
        String value = row.values()[column.index()];
        if (value == null) {
            return null;
        }
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

    /** Rows grouped into steps; kept apart for its size. */
    private static final class Planner {
        private final WriteMode mode;
        private final List<Step> steps = new ArrayList<>();
        private final Map<Integer, Integer> replacedBy = new HashMap<>();

        Planner(WriteMode mode) {
            this.mode = mode;
        }

        Plan plan(List<Row> rows, Function<Row, Object> keyOf) {
            List<Row> segment = new ArrayList<>();
            for (Row row : rows) {
                if (row.operation() == Operation.TRUNCATE) {
                    segment(segment, keyOf);
                    segment.clear();
                    steps.add(new Step(Operation.TRUNCATE, List.of(row)));
                } else {
                    segment.add(row);
                }
            }
            segment(segment, keyOf);
            return new Plan(List.copyOf(steps), Map.copyOf(replacedBy));
        }

        /** Rows with no truncate among them: pointless ones dropped, the rest in generations of deletes, writes. */
        private void segment(List<Row> rows, Function<Row, Object> keyOf) {
            Map<Object, List<Row>> byKey = new HashMap<>();
            Set<Row> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Row row : rows) {
                Object key = keyOf.apply(row);
                if (key == null) {
                    kept.add(row); // no key, or a null in it: equal to no other row
                    continue;
                }
                List<Row> history = byKey.computeIfAbsent(key, k -> new ArrayList<>(2));
                if (keep(row, history)) {
                    history.add(row);
                }
            }
            byKey.values().forEach(kept::addAll);
            List<List<Row>> deletes = new ArrayList<>();
            List<List<Row>> writes = new ArrayList<>();
            Map<Object, int[]> slot = new HashMap<>(); // per key: generation, whether it holds a delete, a write
            for (Row row : rows) {
                if (!kept.contains(row)) {
                    continue;
                }
                Object key = keyOf.apply(row);
                int generation = key == null ? 0 : generation(row, slot.computeIfAbsent(key, k -> new int[] {0, 0, 0}));
                List<List<Row>> into = row.operation() == Operation.DELETE ? deletes : writes;
                while (deletes.size() <= generation) {
                    deletes.add(new ArrayList<>());
                    writes.add(new ArrayList<>());
                }
                into.get(generation).add(row);
            }
            for (int g = 0; g < writes.size(); g++) {
                if (!deletes.get(g).isEmpty()) {
                    steps.add(new Step(Operation.DELETE, deletes.get(g)));
                }
                if (!writes.get(g).isEmpty()) {
                    steps.add(new Step(Operation.WRITE, writes.get(g)));
                }
            }
        }

        /** A key's generation for its next row: a generation holds at most one delete, then at most one write. */
        private static int generation(Row row, int[] slot) {
            if (row.operation() == Operation.DELETE) {
                if (slot[1] == 1 || slot[2] == 1) {
                    slot[0]++;
                    slot[2] = 0;
                }
                slot[1] = 1;
            } else {
                if (slot[2] == 1) {
                    slot[0]++;
                    slot[1] = 0;
                }
                slot[2] = 1;
            }
            return slot[0];
        }

        /**
         * Whether {@code row} is still to be applied after the key's {@code history} (the rows of its key kept so
         * far, which this may shorten: rows that {@code row} makes pointless).
         */
        private boolean keep(Row row, List<Row> history) {
            Row last = history.isEmpty() ? null : history.get(history.size() - 1);
            if (row.operation() == Operation.DELETE) {
                while (mode == WriteMode.UPSERT && last != null && last.operation() == Operation.WRITE) {
                    history.remove(history.size() - 1); // deleted right after: the write changes nothing
                    last = history.isEmpty() ? null : history.get(history.size() - 1);
                }
                return last == null || last.operation() != Operation.DELETE; // a second delete finds nothing
            }
            if (mode == WriteMode.INSERT_IF_ABSENT) {
                return last == null || last.operation() != Operation.WRITE; // the first write wins
            }
            if (mode == WriteMode.UPSERT || mode == WriteMode.UPDATE) {
                while (last != null && last.operation() == Operation.WRITE && covers(row, last)) {
                    history.remove(history.size() - 1);
                    replacedBy.put(last.index(), row.index());
                    last = history.isEmpty() ? null : history.get(history.size() - 1);
                }
            }
            return true;
        }

        private static boolean covers(Row later, Row earlier) {
            if (later.present().equals(earlier.present())) {
                return true;
            }
            BitSet uncovered = (BitSet) earlier.present().clone();
            uncovered.andNot(later.present());
            return uncovered.isEmpty();
        }
    }
}
