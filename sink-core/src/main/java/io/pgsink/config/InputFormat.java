package io.pgsink.config;

/** How a route reads record values ({@code format}). */
public enum InputFormat {
    /** Schemaless JSON objects; the table's column types drive conversion. */
    JSON,
    /** Kafka Connect {@code JsonConverter} output with {@code schemas.enable=true}: {@code {schema, payload}}. */
    CONNECT_JSON,
    /**
     * Debezium change events, with or without the schema envelope, and the {@code ExtractNewRecordState}
     * flattened form (with {@code __deleted}).
     */
    DEBEZIUM
}
