package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.model.SinkRecord;
import java.util.List;

/**
 * Kafka Connect {@code JsonConverter} output with {@code schemas.enable=true}: each
 * value is {@code {"schema": ..., "payload": ...}}, and the schema gives the logical types their exact meaning
 * (Decimal's scale, Date, Time, Timestamp; see {@link LogicalValues}). The value schema must be a struct; its
 * fields are the row's fields, with their PostgreSQL types in {@link Change#fields()}. The key may be a Connect
 * envelope too (a struct key is converted the same way) or a plain JSON object. A tombstone, or an envelope whose
 * payload is null, is a delete by the key. Thread safe.
 */
final class ConnectFormat implements RecordFormat {

    @Override
    public Change read(SinkRecord record) throws DecodeException {
        try {
            return readChecked(record);
        } catch (RuntimeException e) {
            throw FormatJson.unexpected(e);
        }
    }

    private static Change readChecked(SinkRecord record) throws DecodeException {
        byte[] key = key(record.key(), false);
        if (record.value() == null) {
            return new Change(Operation.DELETE, null, key, List.of());
        }
        Envelope envelope = Envelope.of(FormatJson.read(record.value(), "record value"));
        if (envelope == null) {
            throw new DecodeException(
                    null,
                    "record value is not a Kafka Connect JSON envelope {\"schema\": ..., \"payload\": ...}: is the"
                            + " producer's value converter JsonConverter with schemas.enable=true?");
        }
        if (envelope.payload().isNull()) {
            return new Change(Operation.DELETE, null, key, List.of());
        }
        if (envelope.schema().isNull()) {
            if (!envelope.payload().isObject()) {
                throw new DecodeException(null, "record payload has no schema and is not a JSON object");
            }
            return new Change(Operation.WRITE, FormatJson.write(envelope.payload()), key, List.of());
        }
        ConnectSchema schema = ConnectSchema.parse(envelope.schema(), "value");
        if (!schema.isStruct()) {
            throw new DecodeException(
                    null, "record value's Connect schema is " + schema.describe() + ", not a struct: no row fields");
        }
        byte[] value = ConnectValues.row(envelope.payload(), schema, ConnectValues.Skip.NONE);
        return new Change(Operation.WRITE, value, key, PostgresTypes.fields(schema, name -> true));
    }

    /**
     * The key's fields as a flat JSON object: a Connect envelope with a struct schema, converted by that schema; a
     * plain JSON object (as Debezium's key without the schema envelope). Anything else (a primitive key, no key,
     * bytes that are not JSON) is {@code null}: the route's key mapping may still read the record's key itself.
     *
     * @param debezium whether Debezium's decimals without a schema are recognised by their shape
     */
    static byte[] key(byte[] bytes, boolean debezium) throws DecodeException {
        JsonNode root = FormatJson.readOrNull(bytes);
        if (root == null || !root.isObject()) {
            return null;
        }
        Envelope envelope = Envelope.of(root);
        if (envelope == null) {
            return debezium ? ConnectValues.rowWithoutSchema(root, ConnectValues.Skip.NONE, true) : bytes;
        }
        if (!envelope.payload().isObject()) {
            return null;
        }
        if (envelope.schema().isNull()) {
            return ConnectValues.rowWithoutSchema(envelope.payload(), ConnectValues.Skip.NONE, debezium);
        }
        ConnectSchema schema = ConnectSchema.parse(envelope.schema(), "key");
        return schema.isStruct() ? ConnectValues.row(envelope.payload(), schema, ConnectValues.Skip.NONE) : null;
    }

    /** JsonConverter's {@code {"schema": ..., "payload": ...}}, exactly those two fields. */
    record Envelope(JsonNode schema, JsonNode payload) {

        static Envelope of(JsonNode root) {
            if (root == null || !root.isObject() || root.size() != 2) {
                return null;
            }
            JsonNode schema = root.get("schema");
            JsonNode payload = root.get("payload");
            return schema == null || payload == null ? null : new Envelope(schema, payload);
        }
    }
}
