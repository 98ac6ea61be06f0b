package io.pgsink.client;

/** What an operation of a batch asks of its table. */
public enum OperationKind {
    /** A new row; a row with the same unique key makes the operation fail (23505). */
    INSERT,
    /** A new row, or the values written over the row with the same key. */
    UPSERT,
    /** The values written over the row with the key; no row with the key affects nothing, which is no error. */
    UPDATE,
    /** The row with the key removed; no row with the key affects nothing. */
    DELETE,
    /** A parameterised SQL statement, run as it is (the escape hatch). */
    SQL
}
