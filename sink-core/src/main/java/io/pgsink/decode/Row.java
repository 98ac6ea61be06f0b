package io.pgsink.decode;

import java.util.BitSet;

/**
 * One decoded record: the text value for each table column it sets, aligned with the schema's column order.
 *
 * @param index the record's position in its batch
 * @param present which columns the record sets (a missing field leaves the column to its default); for a
 *     {@link Operation#DELETE}, the key columns
 * @param values text per column; {@code null} for SQL NULL or an absent column
 * @param operation what the record asks of the table
 */
public record Row(int index, BitSet present, String[] values, Operation operation) {

    /** A row to {@linkplain Operation#WRITE write}. */
    public Row(int index, BitSet present, String[] values) {
        this(index, present, values, Operation.WRITE);
    }
}
