package io.pgsink.decode;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.model.SinkRecord;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The columns a route's mapping fills from the record rather than from its value's fields: Kafka metadata
 * (topic, partition, offset, timestamp, key), headers, and the whole value. Columns the table lacks are left out
 * here; {@link MappingCheck} reports them at start. Thread safe.
 *
 * <p>Conversions: the topic is text; partition and offset are whole numbers; the timestamp (the record's, in
 * epoch milliseconds) is an instant for timestamptz and timestamp columns, milliseconds for numeric ones, ISO-8601
 * text otherwise, and SQL NULL when the record has none; the key is its UTF-8 text, the JSON it holds for a
 * json/jsonb column, or its bytes for bytea. A header's value is its UTF-8 text, converted like a JSON string (a
 * json/jsonb column takes the JSON it holds); a header sent twice counts by its last occurrence; a missing header
 * leaves its column out, and a header without a value is SQL NULL.
 */
final class MetadataColumns {

    private static final ObjectReader STRICT_JSON =
            RowDecoder.MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private record HeaderTarget(String header, Column column) {}

    private final Column topic;
    private final Column partition;
    private final Column offset;
    private final Column timestamp;
    private final Column key;
    private final Column value;
    private final List<HeaderTarget> headers = new ArrayList<>();
    private final BitSet targets = new BitSet();

    MetadataColumns(TableSchema schema, Mapping mapping, KeySource keySource) {
        Map<String, String> metadata = mapping.metadataColumns();
        boolean coordinates = keySource == KeySource.COORDINATES;
        topic = column(schema, coordinates ? KeyColumns.coordinates(mapping).get(0) : metadata.get("topic"));
        partition = column(schema, coordinates ? KeyColumns.coordinates(mapping).get(1) : metadata.get("partition"));
        offset = column(schema, coordinates ? KeyColumns.coordinates(mapping).get(2) : metadata.get("offset"));
        timestamp = column(schema, metadata.get("timestamp"));
        key = column(schema, metadata.get("key"));
        value = column(schema, mapping.valueColumn());
        mapping.headerColumns().forEach((header, name) -> {
            Column column = column(schema, name);
            if (column != null) {
                headers.add(new HeaderTarget(header, column));
                targets.set(column.index());
            }
        });
    }

    private Column column(TableSchema schema, String name) {
        Column column = name == null ? null : schema.column(name).orElse(null);
        if (column != null) {
            targets.set(column.index());
        }
        return column;
    }

    /** The columns filled here, which no value field may fill as well. */
    BitSet targets() {
        return (BitSet) targets.clone();
    }

    /** Fills the columns from the record and, for the whole-value column, {@code json} (the value as mapped). */
    void fill(SinkRecord record, byte[] json, MappedRow row) throws DecodeException {
        if (topic != null) {
            row.set(topic, ValueFormatter.format(TextNode.valueOf(record.topic()), topic));
        }
        if (partition != null) {
            row.set(partition, number(record.partition(), partition));
        }
        if (offset != null) {
            row.set(offset, number(record.offset(), offset));
        }
        if (timestamp != null) {
            row.set(timestamp, record.timestamp() < 0 ? null : timestamp(record.timestamp(), timestamp));
        }
        if (key != null) {
            row.set(key, key(record.key(), key));
        }
        if (value != null) {
            row.set(value, whole(json, value));
        }
        for (HeaderTarget target : headers) {
            header(record, target, row);
        }
    }

    private static String number(long number, Column column) throws DecodeException {
        return switch (column.type()) {
            case SMALLINT, INTEGER, BIGINT -> ValueFormatter.integer(number, column);
            case NUMERIC, TEXT, OTHER -> Long.toString(number);
            default -> ValueFormatter.format(LongNode.valueOf(number), column);
        };
    }

    private static String timestamp(long millis, Column column) throws DecodeException {
        return switch (column.type()) {
            case SMALLINT, INTEGER, BIGINT, NUMERIC, REAL, DOUBLE, TIMESTAMPTZ ->
                ValueFormatter.format(LongNode.valueOf(millis), column);
            default ->
                ValueFormatter.format(
                        TextNode.valueOf(Instant.ofEpochMilli(millis).toString()), column);
        };
    }

    private static String key(byte[] key, Column column) throws DecodeException {
        if (key == null) {
            return null;
        }
        if (column.type() == ColumnType.BYTEA) {
            return Bytea.hex(key);
        }
        return fromText(strictUtf8(key, column, "record key"), column, "record key");
    }

    private static void header(SinkRecord record, HeaderTarget target, MappedRow row) throws DecodeException {
        List<SinkRecord.Header> all = record.headers();
        for (int i = all.size() - 1; i >= 0; i--) {
            SinkRecord.Header header = all.get(i);
            if (header.key().equals(target.header())) {
                String what = "header \"" + target.header() + "\"";
                row.set(
                        target.column(),
                        header.value() == null
                                ? null
                                : fromText(strictUtf8(header.value(), target.column(), what), target.column(), what));
                return;
            }
        }
    }

    /** The whole value for a json/jsonb column: as the record spells it when it is UTF-8, else re-serialised. */
    private static String whole(byte[] json, Column column) throws DecodeException {
        if (RowDecoder.isUtf8(json)) {
            return TextValues.checkedJson(
                    RowDecoder.utf8(json, 0, json.length, column).strip(), column);
        }
        try {
            return TextValues.checked(RowDecoder.MAPPER.readTree(json).toString(), column);
        } catch (IOException e) {
            throw RowDecoder.unreadable(e, "record value");
        }
    }

    /** Text from the record (a key, a header) for a column: as a JSON string would be, or as JSON for json/jsonb. */
    static String fromText(String text, Column column, String what) throws DecodeException {
        switch (column.type()) {
            case TEXT, OTHER:
                return TextValues.checked(text, column);
            case JSON, JSONB:
                return TextValues.checkedJson(json(text, column, what), column);
            default:
                return ValueFormatter.format(TextNode.valueOf(text), column);
        }
    }

    private static String json(String text, Column column, String what) throws DecodeException {
        try {
            JsonNode parsed = STRICT_JSON.readValue(text);
            if (parsed != null && !parsed.isMissingNode()) {
                return text;
            }
        } catch (IOException e) {
            // reported below, without the text
        }
        throw new DecodeException(
                column.name(), what + " for column \"" + column.name() + "\" (" + column.sqlType() + ") is not JSON");
    }

    static String strictUtf8(byte[] bytes, Column column, String what) throws DecodeException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException(
                    column.name(), what + " for column \"" + column.name() + "\" is not valid UTF-8 text");
        }
    }
}
