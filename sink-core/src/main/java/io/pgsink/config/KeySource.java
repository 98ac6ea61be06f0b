package io.pgsink.config;

/** Where a row's identity (its key columns' values) comes from, per route ({@code key.source}). */
public enum KeySource {
    /** Fields of the record value (or of a change event's after- or before-image). */
    VALUE,
    /** The Kafka record key: a JSON object whose fields are key columns, or a primitive for one key column. */
    RECORD_KEY,
    /**
     * The record's Kafka coordinates, written to the topic, partition and offset columns: a redelivered record
     * has the same key, so insert mode becomes idempotent for append-only streams.
     */
    COORDINATES
}
