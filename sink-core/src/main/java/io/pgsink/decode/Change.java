package io.pgsink.decode;

import java.util.List;

/**
 * What one record asks of its table, in a form common to every input format.
 *
 * @param operation write, delete or truncate
 * @param value a flat JSON object (UTF-8): the fields to write, or for a delete the row's last known image (may be
 *     {@code null}). Values are what the schemaless JSON rules accept for the column types (a Connect Decimal is
 *     a JSON number or string with its scale, a date an ISO-8601 string, bytes a base64 or
 *     {@code \x}-hex string, and so on), so every format shares one set of conversion rules
 * @param key a flat JSON object of the row's key fields, or {@code null} when the record has none
 * @param fields the fields' declared types when the record carries a schema (Connect, Debezium), in field
 *     order; empty for schemaless input. Used to create a missing table or add a missing column
 */
public record Change(Operation operation, byte[] value, byte[] key, List<Field> fields) {

    public Change {
        fields = List.copyOf(fields);
    }

    /**
     * A field's declared type.
     *
     * @param postgresType the PostgreSQL type that holds every value of the field exactly ({@code numeric(10,2)},
     *     {@code timestamptz}, {@code text[]}, ...)
     * @param optional whether the field may be null
     */
    public record Field(String name, String postgresType, boolean optional) {}
}
