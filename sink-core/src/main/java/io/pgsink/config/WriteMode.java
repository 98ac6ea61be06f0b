package io.pgsink.config;

/**
 * How rows reach the table, set by {@code write.mode}.
 *
 * <p>Configured as the lower-case name ({@code insert}, {@code upsert}, {@code update},
 * {@code insert-if-absent}); matching ignores case.
 */
public enum WriteMode {
    /** Plain inserts: a duplicate key is a constraint violation and the record is dead-lettered. */
    INSERT,
    /**
     * Insert or update on the key columns ({@code key.columns}, or the table's primary key when that list
     * is empty), so a redelivered record overwrites its earlier row instead of failing.
     */
    UPSERT,
    /**
     * Update existing rows only, matched on the key columns; a record whose row does not exist is handled by the
     * route's {@link MissingRowPolicy}.
     */
    UPDATE,
    /** Insert, leaving an existing row with the same key as it is ({@code ON CONFLICT DO NOTHING}). */
    INSERT_IF_ABSENT
}
