package io.pgsink.write;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch decoded for writing: the rows to write, in the records' order, and the records that could not be
 * decoded (poison, never sent to the database). Indexes are positions in the batch the rows were prepared from.
 *
 * <p>In upsert mode one statement must not meet a key twice ("ON CONFLICT DO UPDATE command cannot affect row a
 * second time"), so rows are written in {@linkplain #generations generations}: the first record of each key, then
 * the second, and so on. Every record is written, in order per key, exactly as if the records were applied one by
 * one; nothing is merged or skipped.
 */
public final class PreparedBatch {

    private final List<Row> rows;
    private final Map<Integer, DecodeException> failures;
    private final int[] keyColumns;

    /**
     * @param keyColumns schema indexes of the conflict key in upsert mode; empty in insert mode, where a repeated
     *     key is the database's to reject
     */
    PreparedBatch(List<Row> rows, Map<Integer, DecodeException> failures, int[] keyColumns) {
        this.rows = List.copyOf(rows);
        this.failures = Map.copyOf(failures);
        this.keyColumns = keyColumns.clone();
    }

    /** Records that can never be written, by batch index, with the reason. */
    public Map<Integer, DecodeException> failures() {
        return failures;
    }

    /** Batch indexes of the rows that will be written, in write order. */
    public List<Integer> rowIndexes() {
        return rows.stream().map(Row::index).toList();
    }

    /** The same batch restricted to the rows at {@code from} (inclusive) to {@code to} (exclusive) of {@link #rowIndexes}. */
    public PreparedBatch slice(int from, int to) {
        return new PreparedBatch(rows.subList(from, to), Map.of(), keyColumns);
    }

    /** The rows split so that no key repeats within a part; parts in order, rows in order within each. */
    List<List<Row>> generations() {
        if (keyColumns.length == 0) {
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
        List<List<Row>> generations = new ArrayList<>();
        Map<Object, Integer> seen = new HashMap<>();
        for (Row row : rows) {
            int generation = seen.merge(key(row), 1, Integer::sum) - 1;
            if (generation == generations.size()) {
                generations.add(new ArrayList<>());
            }
            generations.get(generation).add(row);
        }
        return generations;
    }

    /** The row's key: the value itself for a one-column key (no column value is null in upsert mode). */
    private Object key(Row row) {
        if (keyColumns.length == 1) {
            return row.values()[keyColumns[0]];
        }
        String[] key = new String[keyColumns.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = row.values()[keyColumns[i]];
        }
        return Arrays.asList(key);
    }

    int size() {
        return rows.size();
    }
}
