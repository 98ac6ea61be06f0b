package io.pgsink.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowDecoderTest {

    private static final List<Column> COLUMNS = List.of(
            new Column("id", 0, ColumnType.BIGINT, null, "bigint", true),
            new Column("name", 1, ColumnType.TEXT, null, "text", false),
            new Column("amount", 2, ColumnType.NUMERIC, null, "numeric(12,2)", false),
            new Column("at", 3, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", false),
            new Column("ref", 4, ColumnType.UUID, null, "uuid", false),
            new Column("payload", 5, ColumnType.JSONB, null, "jsonb", false),
            new Column(
                    "tags",
                    6,
                    ColumnType.ARRAY,
                    new Column("tags", 6, ColumnType.TEXT, null, "text", false),
                    "text[]",
                    false),
            new Column("ok", 7, ColumnType.BOOLEAN, null, "boolean", false),
            new Column("small", 8, ColumnType.SMALLINT, null, "smallint", false),
            new Column("day", 9, ColumnType.DATE, null, "date", false),
            new Column("ratio", 10, ColumnType.DOUBLE, null, "double precision", false),
            new Column("score", 11, ColumnType.REAL, null, "real", false),
            new Column("blob", 12, ColumnType.BYTEA, null, "bytea", false),
            new Column(
                    "amounts",
                    13,
                    ColumnType.ARRAY,
                    new Column("amounts", 13, ColumnType.NUMERIC, null, "numeric", false),
                    "numeric[]",
                    false),
            new Column("doc", 14, ColumnType.JSON, null, "json", false));
    private static final TableSchema SCHEMA = new TableSchema(new TableRef("public", "t"), COLUMNS, List.of("id"));

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private final RowDecoder decoder = new RowDecoder(SCHEMA, List.of(COLUMNS.get(0)), false);

    private Row decode(String json) throws DecodeException {
        return decoder.decode(0, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void convertsEachJsonValueToItsColumnsTextForm() throws DecodeException {
        Row row = decode("{\"id\": 7, \"name\": \"a\\\"b\", \"amount\": 12345678901234567890.10,"
                + " \"at\": \"2024-05-01T12:30:00+02:00\", \"ref\": \"6F1C1D5E-1A2B-4C3D-8E9F-0A1B2C3D4E5F\","
                + " \"payload\": {\"k\": [1, 2, {\"x\": null}]}, \"tags\": [\"x\", null, \"q\\\"\"], \"ok\": true,"
                + " \"small\": -32768, \"day\": \"2024-02-29\"}");

        assertThat(row.values())
                .containsExactly(
                        "7",
                        "a\"b",
                        "12345678901234567890.10",
                        "2024-05-01T12:30:00+02:00",
                        "6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
                        "{\"k\": [1, 2, {\"x\": null}]}",
                        "{\"x\",NULL,\"q\\\"\"}",
                        "t",
                        "-32768",
                        "2024-02-29",
                        null,
                        null,
                        null,
                        null,
                        null);
    }

    @Test
    void absentFieldsAreNotPresentAndNullsAreSqlNull() throws DecodeException {
        Row row = decode("{\"id\": 1, \"name\": null}");

        assertThat(row.present().stream()).containsExactly(0, 1);
        assertThat(row.values()[1]).isNull();
    }

    @Test
    void epochMillisAreAcceptedForTimestamptz() throws DecodeException {
        assertThat(decode("{\"id\": 1, \"at\": 0}").values()[3]).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void unknownFieldsAreIgnoredByDefaultAndRejectedWhenConfigured() throws DecodeException {
        assertThat(decode("{\"id\": 1, \"extra\": 5}").present().cardinality()).isEqualTo(1);

        RowDecoder strict = new RowDecoder(SCHEMA, List.of(COLUMNS.get(0)), true);
        assertThatThrownBy(() -> strict.decode(0, "{\"id\": 1, \"extra\": 5}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("field \"extra\" has no column");
    }

    @Test
    void rejectsBadValuesNamingTheColumnButNotTheValue() {
        assertThatThrownBy(() -> decode("{\"id\": 1, \"at\": \"yesterday-ish\"}"))
                .hasMessageContaining("column \"at\"")
                .hasMessageContaining("ISO-8601")
                .hasMessageNotContaining("yesterday-ish");
        assertThatThrownBy(() -> decode("{\"id\": 1, \"ref\": \"1-1-1-1-1\"}")).hasMessageContaining("UUID");
        assertThatThrownBy(() -> decode("{\"id\": 1, \"small\": 40000}")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> decode("{\"id\": 1.5}")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> decode("{\"id\": 1, \"name\": \"a\\u0000b\"}")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> decode("{\"id\": 1, \"tags\": \"x\"}")).hasMessageContaining("JSON array");
    }

    @Test
    void rejectsRecordsThatAreNotJsonObjectsOrLackTheKey() {
        assertThatThrownBy(() -> decode("{\"id\": 1,")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> decode("[1, 2]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> decoder.decode(0, null)).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> decode("{\"name\": \"x\"}")).hasMessageContaining("key column \"id\"");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "name     | \"plain\"",
                "name | 17",
                "name | true",
                "name | {\"a\": 1}",
                "id       | 9223372036854775807",
                "id | -9223372036854775808",
                "id | 9223372036854775808",
                "id | 12.0",
                "id       | \"42\"",
                "small | 32767",
                "small | -32769",
                "amount   | 10.25",
                "amount | -0.5",
                "amount | 1.5e3",
                "amount | 12",
                "amount | \"7.10\"",
                "amount | true",
                "at       | \"2024-02-29T23:59:59.999999Z\"",
                "at | \"2023-02-29T00:00:00Z\"",
                "at | \"2024-05-01T12:30:00\"",
                "at       | \"2024-05-01t12:30:00z\"",
                "at | \"2024-05-01T12:30:00+14:00\"",
                "at | \"2024-05-01T24:00:00Z\"",
                "at       | \" 2024-05-01T12:30:00Z \"",
                "at | 1714566600000",
                "at | \"0000-01-01T00:00:00Z\"",
                "ok       | false",
                "ok | \"TRUE\"",
                "ok | 1",
                "payload  | \"text\"",
                "payload | 12.50",
                "payload | [1, \"\u00e9\", {\"b\": [true, null]}]",
                "payload  | {\"k\": {\"nested\": \"\u20ac \\u00e9\"}}",
                "tags     | [\"a\", \"b\"]",
                "tags | \"x\"",
                "ref | \"6F1C1D5E-1A2B-4C3D-8E9F-0A1B2C3D4E5F\"",
                "day      | \"2024-02-29\"",
                "day | 20240229",
                "amount   | 1e2147483647",
                "amount | 1e1000000000",
                "amount | -1e-2147483647",
                "amount | 1e131071",
                "amount | 1e131072",
                "amount | 1e-16383",
                "amount | 1e-16384",
                "amount   | 0e1000000000",
                "amount | 0e-1000000000",
                "amount | \"1e2147483647\"",
                "id       | 1e100000000",
                "id | 1e18",
                "id | 1e19",
                "id | 1.5e-100000000",
                "id | 0e-2000000000",
                "small    | 3.2767e4",
                "ratio    | 1e308",
                "ratio | 1e309",
                "ratio | 1e-400",
                "ratio | 4.9e-324",
                "ratio | -1e2147483647",
                "ratio | \"NaN\"",
                "ratio | 0.1",
                "score    | 3.4e38",
                "score | 3.5e38",
                "score | 1e-50",
                "name     | 1e2147483647",
                "name | \"\\ud800\"",
                "name | \"a\\udc00b\"",
                "name | \"\\ud83d\\ude00\"",
                "tags     | [\"\\ud800\"]",
                "payload  | {\"a\": \"\\ud800\"}",
                "payload | [\"x\\udc00\"]",
                "payload | {\"a\": \"\\ud83d\\ude00\", \"b\": \"\\\\ud800\"}",
                "payload | 1e2147483647",
                "doc      | {\"a\": \"\\ud83d\"}",
                "doc | {\"a\": \"\\ud83d\\u0041\"}",
                "amounts  | [1e2147483647]",
                "amounts | [1.5, 1e3, null]",
                "blob     | \"3q2+7w==\"",
                "blob | \"3q2+7w\"",
                "blob | \"\\\\xDEADbeef\"",
                "blob | \"\"",
                "blob     | \"3q2-7w\"",
                "blob | \"a\"",
                "blob | \"\\\\xabc\"",
                "blob | \"\\\\xzz\"",
                "blob | \"3q2+ 7w==\"",
                "blob | 12",
                "blob | [\"AA==\"]",
                "id | {\"a\": 1}",
                "ratio | [1.5]",
                "at | {\"t\": \"2024-05-01T12:30:00Z\"}",
                "ok | [true]",
                "ref | {}",
                "day | []"
            })
    void streamingConversionAgreesWithTheTreeConversion(String field, String json) throws Exception {
        Column column = SCHEMA.column(field.trim()).orElseThrow();
        String tree;
        try {
            tree = ValueFormatter.format(JSON.readTree(json), column);
        } catch (DecodeException e) {
            tree = "rejected: " + e.getMessage();
        }
        String streamed;
        try {
            streamed = decode("{\"id\": 1, \"" + column.name() + "\": " + json + "}")
                    .values()[column.index()];
        } catch (DecodeException e) {
            streamed = "rejected: " + e.getMessage();
        }

        if ((column.type() == ColumnType.JSONB || column.type() == ColumnType.JSON) && !tree.startsWith("rejected")) {
            // json values keep the record's own spelling; they must mean the same JSON.
            assertThat(JSON.readTree(streamed)).isEqualTo(JSON.readTree(tree));
        } else {
            assertThat(streamed).isEqualTo(tree);
        }
    }

    @Test
    void jsonValuesAreTheRecordsOwnTextAlsoWhenTheRecordIsNotUtf8() throws DecodeException {
        String json = "{\"id\": 1, \"payload\": {\"k\": \"\u00e9\u20ac\uD83D\uDE00\"}, \"name\": \"\u00fc\"}";

        Row utf8 = decoder.decode(0, json.getBytes(StandardCharsets.UTF_8));
        Row utf16 = decoder.decode(0, json.getBytes(StandardCharsets.UTF_16BE));

        assertThat(utf8.values()[5]).isEqualTo("{\"k\": \"\u00e9\u20ac\uD83D\uDE00\"}");
        assertThat(utf16.values()[5]).isEqualTo("{\"k\":\"\u00e9\u20ac\uD83D\uDE00\"}");
        assertThat(utf16.values()[1]).isEqualTo(utf8.values()[1]).isEqualTo("\u00fc");
    }

    @Test
    void skipsUnknownNestedFieldsAndRejectsTrailingContent() throws DecodeException {
        Row row = decode("{\"extra\": {\"name\": \"inner\", \"x\": [1, {\"id\": 5}]}, \"id\": 2, \"name\": \"outer\"}");

        assertThat(row.values()[0]).isEqualTo("2");
        assertThat(row.values()[1]).isEqualTo("outer");
        assertThatThrownBy(() -> decode("{\"id\": 1} {\"id\": 2}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> decode("{\"id\": 1, \"payload\": {\"a\": }}")).hasMessageContaining("not valid JSON");
    }

    @Test
    void aRepeatedFieldCountsOnceTheLastOccurrence() throws DecodeException {
        assertThat(decode("{\"id\": 1, \"small\": 40000, \"small\": 5}").values()[8])
                .isEqualTo("5");
        assertThatThrownBy(() -> decode("{\"id\": 1, \"small\": 5, \"small\": 40000}"))
                .hasMessageContaining("out of range");
    }

    @Test
    void malformedUtf8InsideAJsonValueIsRejectedNotReplaced() {
        byte[] head = "{\"id\": 1, \"payload\": {\"a\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(
                new byte[] {(byte) 0xC0, (byte) 0x80},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
            byte[] value = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, value, 0, head.length);
            System.arraycopy(bad, 0, value, head.length, bad.length);
            System.arraycopy(tail, 0, value, head.length + bad.length, tail.length);

            assertThatThrownBy(() -> decoder.decode(0, value)).isInstanceOf(DecodeException.class);
        }
    }
}
