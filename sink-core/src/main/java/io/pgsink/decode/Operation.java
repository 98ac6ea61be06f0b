package io.pgsink.decode;

/**
 * What a decoded record asks of its table. How a {@link #WRITE} reaches the table (insert, upsert, update,
 * insert-if-absent) is the route's write mode; the operation is what the record itself says.
 */
public enum Operation {
    /** Write the row's values: a plain JSON object, a Connect payload, a change event's after-image. */
    WRITE,
    /** Remove the row whose key columns the row's values hold (a tombstone, a change event with {@code op=d}). */
    DELETE,
    /** Remove every row of the table (a Debezium {@code op=t}, only where the route enables it). */
    TRUNCATE
}
