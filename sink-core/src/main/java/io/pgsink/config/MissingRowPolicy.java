package io.pgsink.config;

/** What update mode does with a record whose row does not exist ({@code update.missing}). */
public enum MissingRowPolicy {
    /** Count it and log it at WARN (coordinates only), then go on. */
    SKIP,
    /** Send it to the dead-letter topic as a record that can never be written. */
    DEAD_LETTER,
    /** Insert it instead (which makes update mode an upsert for that record). */
    INSERT
}
