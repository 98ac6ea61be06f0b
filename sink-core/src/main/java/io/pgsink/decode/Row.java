package io.pgsink.decode;

import java.util.BitSet;

/**
 * One decoded record: the text value for each table column it sets, aligned with the schema's column order.
 *
 * @param index the record's position in its batch
 * @param present which columns the record sets (a missing field leaves the column to its default)
 * @param values text per column; {@code null} for SQL NULL or an absent column
 */
public record Row(int index, BitSet present, String[] values) {}
