package io.pgsink.config;

/**
 * How rows reach the table, set by {@code write.mode}.
 *
 * <p>Configured as the lower-case name ({@code insert}, {@code upsert}); matching ignores case.
 */
public enum WriteMode {
    /** Plain inserts: a duplicate key is a constraint violation and the record is dead-lettered. */
    INSERT,
    /**
     * Insert or update on the key columns ({@code key.columns}, or the table's primary key when that list
     * is empty), so a redelivered record overwrites its earlier row instead of failing.
     */
    UPSERT
}
