package io.pgsink.decode;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Records from {@code src/test/resources/formats/}: each file holds {@code {"key": ..., "value": ...}}, the key and
 * value exactly as the producer's JsonConverter wrote them (null for none), and the table they describe.
 */
final class FormatFixtures {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /**
     * The source table of the Debezium fixtures: {@code id int primary key, big bigint, amount numeric(12,3),
     * ratio numeric, body text, label varchar(64), active boolean, day date, at_time time, created timestamp,
     * updated timestamptz, ref uuid, doc jsonb, blob bytea, nums int[], tags text[]}.
     */
    static final TableSchema ITEMS = new TableSchema(
            new TableRef("public", "items"),
            List.of(
                    column("id", 0, ColumnType.INTEGER, "integer"),
                    column("big", 1, ColumnType.BIGINT, "bigint"),
                    column("amount", 2, ColumnType.NUMERIC, "numeric(12,3)"),
                    column("ratio", 3, ColumnType.NUMERIC, "numeric"),
                    column("body", 4, ColumnType.TEXT, "text"),
                    column("label", 5, ColumnType.TEXT, "character varying(64)"),
                    column("active", 6, ColumnType.BOOLEAN, "boolean"),
                    column("day", 7, ColumnType.DATE, "date"),
                    column("at_time", 8, ColumnType.OTHER, "time without time zone"),
                    column("created", 9, ColumnType.TIMESTAMP, "timestamp without time zone"),
                    column("updated", 10, ColumnType.TIMESTAMPTZ, "timestamp with time zone"),
                    column("ref", 11, ColumnType.UUID, "uuid"),
                    column("doc", 12, ColumnType.JSONB, "jsonb"),
                    column("blob", 13, ColumnType.BYTEA, "bytea"),
                    new Column(
                            "nums",
                            14,
                            ColumnType.ARRAY,
                            column("nums", 14, ColumnType.INTEGER, "integer"),
                            "integer[]",
                            false),
                    new Column(
                            "tags",
                            15,
                            ColumnType.ARRAY,
                            column("tags", 15, ColumnType.TEXT, "text"),
                            "text[]",
                            false)),
            List.of("id"));

    private FormatFixtures() {}

    static SinkRecord record(String name) {
        JsonNode fixture = tree(name);
        return record(bytes(fixture.get("key")), bytes(fixture.get("value")));
    }

    static SinkRecord record(byte[] key, byte[] value) {
        return new SinkRecord("dbserver1.public.items", 0, 42, 0, key, value, List.of());
    }

    static SinkRecord record(String key, String value) {
        return record(utf8(key), utf8(value));
    }

    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode tree(String name) {
        try (InputStream in = FormatFixtures.class.getResourceAsStream("/formats/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The change's value decoded for the items table, as the writer would receive it. */
    static Row decode(Change change) throws DecodeException {
        return new RowDecoder(ITEMS, List.of(), true).decode(0, change.value());
    }

    /** The column's text in {@code row}, by name. */
    static String value(Row row, String column) {
        return row.values()[ITEMS.column(column).orElseThrow().index()];
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return node == null || node.isNull() ? null : JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Column column(String name, int index, ColumnType type, String sqlType) {
        return new Column(name, index, type, null, sqlType, false);
    }
}
