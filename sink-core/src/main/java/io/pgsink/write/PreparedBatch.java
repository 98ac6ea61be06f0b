package io.pgsink.write;

import java.util.List;
import java.util.Map;

/**
 * A batch decoded for writing: the rows to write, the records that could not be decoded (poison, never sent to
 * the database) and, in upsert mode, the records superseded by a later record with the same key in the batch.
 * Indexes are positions in the batch the rows were prepared from.
 */
public final class PreparedBatch {

    private final List<Row> rows;
    private final Map<Integer, DecodeException> failures;
    private final List<Integer> superseded;

    PreparedBatch(List<Row> rows, Map<Integer, DecodeException> failures, List<Integer> superseded) {
        this.rows = List.copyOf(rows);
        this.failures = Map.copyOf(failures);
        this.superseded = List.copyOf(superseded);
    }

    /** Records that can never be written, by batch index, with the reason. */
    public Map<Integer, DecodeException> failures() {
        return failures;
    }

    /** Number of records this batch will report outcomes for: rows written plus superseded records. */
    public int size() {
        return rows.size() + superseded.size();
    }

    /** Batch indexes of the rows that will be written, in write order. */
    public List<Integer> rowIndexes() {
        return rows.stream().map(Row::index).toList();
    }

    /** The same batch restricted to the rows at {@code from} (inclusive) to {@code to} (exclusive) of {@link #rowIndexes}. */
    public PreparedBatch slice(int from, int to) {
        return new PreparedBatch(rows.subList(from, to), Map.of(), List.of());
    }

    List<Row> rows() {
        return rows;
    }

    List<Integer> superseded() {
        return superseded;
    }
}
