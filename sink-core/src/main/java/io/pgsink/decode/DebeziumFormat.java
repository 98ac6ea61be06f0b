package io.pgsink.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.model.SinkRecord;
import java.util.List;

/**
 * Debezium change events, with the schema envelope ({@code JsonConverter} with {@code schemas.enable=true}) or
 * without it (the payload alone), and the rows {@code ExtractNewRecordState} flattens them to.
 *
 * <ul>
 *   <li>A change event ({@code {before, after, source, op, ts_ms}}): {@code op} c, r and u write the after-image;
 *       d deletes by the record key (or, without one, by the before-image); t truncates; m (a logical decoding
 *       message) asks nothing of a table.
 *   <li>A flattened row: written, or deleted when {@code __deleted} is {@code "true"} (or {@code __op} is d);
 *       fields whose names start with {@code __} are Debezium's metadata and are left out.
 *   <li>A tombstone (no value) is a delete by its key. Debezium follows each delete event with one, so the row is
 *       deleted twice, which changes nothing; but {@code ExtractNewRecordState} by default keeps only the
 *       tombstone, and skipping tombstones would lose those deletes. A tombstone without a key is skipped.
 *   <li>Heartbeats and transaction metadata ask nothing of a table: {@code null}.
 * </ul>
 *
 * <p>With the schema, Debezium's semantic types convert exactly ({@link LogicalValues}) and {@link Change#fields()}
 * holds each field's PostgreSQL type. Without it, the payload alone cannot say what a value means: a MicroTimestamp
 * is a long, indistinguishable from a bigint, a Decimal is base64 text, a JSON column is a string; such values are
 * passed on as they are, and the table's column types decide (a long into a timestamp column is refused; text into
 * jsonb is stored as a JSON string). Only VariableScaleDecimal's {@code {scale, value}} struct is recognised by its
 * shape. Producers without schemas should set {@code decimal.handling.mode=string} and
 * {@code time.precision.mode=isostring}. Values Debezium did not read (unchanged TOASTed columns) are left out
 * ({@link UnavailableValue}). Thread safe.
 */
final class DebeziumFormat implements RecordFormat {

    private static final String HEARTBEAT = "io.debezium.connector.common.Heartbeat";
    private static final String TRANSACTION = "io.debezium.connector.common.TransactionMetadataValue";
    private static final String METADATA_PREFIX = "__";

    private final UnavailableValue unavailable;

    DebeziumFormat() {
        this(UnavailableValue.DEFAULT_PLACEHOLDER);
    }

    /** @param placeholder the connector's {@code unavailable.value.placeholder} */
    DebeziumFormat(String placeholder) {
        this.unavailable = new UnavailableValue(placeholder);
    }

    @Override
    public Change read(SinkRecord record) throws DecodeException {
        try {
            return readChecked(record);
        } catch (RuntimeException e) {
            throw FormatJson.unexpected(e);
        }
    }

    private Change readChecked(SinkRecord record) throws DecodeException {
        if (record.value() == null) {
            return tombstone(record);
        }
        JsonNode root = FormatJson.read(record.value(), "record value");
        if (!root.isObject()) {
            throw new DecodeException(null, "record value is not a JSON object");
        }
        ConnectFormat.Envelope envelope = ConnectFormat.Envelope.of(root);
        JsonNode payload = envelope == null ? root : envelope.payload();
        ConnectSchema schema =
                envelope == null || envelope.schema().isNull() ? null : ConnectSchema.parse(envelope.schema(), "value");
        if (payload.isNull()) {
            return tombstone(record);
        }
        if (!payload.isObject() || (schema != null && !schema.isStruct())) {
            throw new DecodeException(null, "record payload is not a struct: not a Debezium change event or row");
        }
        if (isControl(schema, payload, record.key())) {
            return null;
        }
        return isChangeEvent(schema, payload)
                ? changeEvent(record, schema, payload)
                : flattened(record, schema, payload);
    }

    private static Change tombstone(SinkRecord record) throws DecodeException {
        byte[] key = ConnectFormat.key(record.key(), true);
        return key == null ? null : new Change(Operation.DELETE, null, key, List.of());
    }

    private Change changeEvent(SinkRecord record, ConnectSchema envelope, JsonNode payload) throws DecodeException {
        String op = payload.path("op").asText();
        ConnectSchema row = envelope == null ? null : rowSchema(envelope);
        List<Change.Field> fields = row == null ? List.of() : PostgresTypes.fields(row, name -> true);
        switch (op) {
            case "c", "r", "u" -> {
                JsonNode after = payload.get("after");
                if (after == null || !after.isObject()) {
                    throw new DecodeException(null, "change event with op=" + op + " has no after-image");
                }
                return new Change(Operation.WRITE, row(after, row, this::isUnavailable), key(record), fields);
            }
            case "d" -> {
                JsonNode before = payload.get("before");
                byte[] image = before != null && before.isObject() ? row(before, row, this::isUnavailable) : null;
                byte[] key = key(record);
                if (key == null && image == null) {
                    throw new DecodeException(
                            null,
                            "delete event (op=d) has neither a record key nor a before-image: give the source table"
                                    + " a primary key or REPLICA IDENTITY FULL");
                }
                return new Change(Operation.DELETE, image, key != null ? key : image, fields);
            }
            case "t" -> {
                return new Change(Operation.TRUNCATE, null, null, List.of());
            }
            case "m" -> {
                return null;
            }
            default -> throw new DecodeException(null, "change event has an op that is not c, r, u, d, t or m");
        }
    }

    private Change flattened(SinkRecord record, ConnectSchema schema, JsonNode payload) throws DecodeException {
        boolean deleted = isTrue(payload.get("__deleted"))
                || "d".equals(payload.path("__op").textValue());
        byte[] value =
                row(payload, schema, (name, node) -> name.startsWith(METADATA_PREFIX) || isUnavailable(name, node));
        List<Change.Field> fields =
                schema == null ? List.of() : PostgresTypes.fields(schema, name -> !name.startsWith(METADATA_PREFIX));
        byte[] key = key(record);
        if (!deleted) {
            return new Change(Operation.WRITE, value, key, fields);
        }
        return new Change(Operation.DELETE, value, key != null ? key : value, fields);
    }

    private static byte[] row(JsonNode image, ConnectSchema schema, ConnectValues.Skip skip) throws DecodeException {
        return schema == null
                ? ConnectValues.rowWithoutSchema(image, skip, true)
                : ConnectValues.row(image, schema, skip);
    }

    private boolean isUnavailable(String name, JsonNode value) {
        return unavailable.matches(value);
    }

    private static byte[] key(SinkRecord record) throws DecodeException {
        return ConnectFormat.key(record.key(), true);
    }

    /** The schema of the row images: the envelope's {@code after} (or {@code before}) field. */
    private static ConnectSchema rowSchema(ConnectSchema envelope) throws DecodeException {
        ConnectSchema row = envelope.field("after");
        row = row != null ? row : envelope.field("before");
        if (row != null && !row.isStruct()) {
            throw new DecodeException(null, "change event's row schema is " + row.describe() + ", not a struct");
        }
        return row;
    }

    private static boolean isChangeEvent(ConnectSchema schema, JsonNode payload) {
        if (schema != null) {
            return (schema.name() != null && schema.name().endsWith(".Envelope"))
                    || (schema.field("op") != null && schema.field("source") != null);
        }
        return payload.path("op").isTextual() && payload.path("source").isObject();
    }

    /** A heartbeat or a transaction boundary: Debezium's own records, which hold no row. */
    private static boolean isControl(ConnectSchema schema, JsonNode payload, byte[] key) {
        if (schema != null) {
            return HEARTBEAT.equals(schema.name()) || TRANSACTION.equals(schema.name());
        }
        if (payload.size() == 1 && payload.has("ts_ms")) {
            JsonNode keyNode = FormatJson.readOrNull(key);
            return keyNode != null && keyNode.isObject() && keyNode.size() == 1 && keyNode.has("serverName");
        }
        String status = payload.path("status").textValue();
        return ("BEGIN".equals(status) || "END".equals(status)) && payload.has("id") && payload.has("data_collections");
    }

    private static boolean isTrue(JsonNode value) {
        return value != null && (value.isBoolean() ? value.booleanValue() : "true".equals(value.textValue()));
    }
}
