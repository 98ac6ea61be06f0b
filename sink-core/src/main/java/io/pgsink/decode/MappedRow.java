package io.pgsink.decode;

import io.pgsink.schema.Column;
import java.util.BitSet;
import java.util.List;

/**
 * The columns of one record as a mapping fills them, from several sources (fields, paths, metadata, headers, the
 * record key). A value that fails its column is kept as that column's failure until the column is set again (a
 * field may repeat; the last occurrence counts), and reported only when the row is complete. Confined to one
 * decoding call.
 */
final class MappedRow {

    final String[] values;
    final BitSet present;
    private DecodeException[] failed;

    MappedRow(int columns) {
        values = new String[columns];
        present = new BitSet(columns);
    }

    void set(Column column, String value) {
        values[column.index()] = value;
        present.set(column.index());
        if (failed != null) {
            failed[column.index()] = null;
        }
    }

    void fail(Column column, DecodeException e) {
        failed = failed == null ? new DecodeException[values.length] : failed;
        failed[column.index()] = e;
        values[column.index()] = null;
        present.set(column.index());
    }

    /** Throws the first column's failure, if any column failed. */
    void throwFailure() throws DecodeException {
        if (failed != null) {
            for (DecodeException e : failed) {
                if (e != null) {
                    throw e;
                }
            }
        }
    }

    /** The first of {@code columns} that is absent or null, or {@code null}. */
    Column firstMissing(List<Column> columns) {
        for (Column column : columns) {
            if (values[column.index()] == null) {
                return column;
            }
        }
        return null;
    }
}
