package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.model.TableRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowDecoderTest {

    private static final List<Column> COLUMNS = List.of(
        new Column("id", 0, ColumnType.BIGINT, null, "bigint", true),
        new Column("name", 1, ColumnType.TEXT, null, "text", false),
        new Column("amount", 2, ColumnType.NUMERIC, null, "numeric(12,2)", false),
        new Column("at", 3, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", false),
        new Column("ref", 4, ColumnType.UUID, null, "uuid", false),
        new Column("payload", 5, ColumnType.JSONB, null, "jsonb", false),
        new Column("tags", 6, ColumnType.ARRAY, new Column("tags", 6, ColumnType.TEXT, null, "text", false),
            "text[]", false),
        new Column("ok", 7, ColumnType.BOOLEAN, null, "boolean", false),
        new Column("small", 8, ColumnType.SMALLINT, null, "smallint", false),
        new Column("day", 9, ColumnType.DATE, null, "date", false));
    private static final TableSchema SCHEMA = new TableSchema(new TableRef("public", "t"), COLUMNS, List.of("id"));

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

        assertThat(row.values()).containsExactly("7", "a\"b", "12345678901234567890.10",
            "2024-05-01T12:30:00+02:00", "6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "{\"k\":[1,2,{\"x\":null}]}",
            "{\"x\",NULL,\"q\\\"\"}", "t", "-32768", "2024-02-29");
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
            .isInstanceOf(DecodeException.class).hasMessageContaining("field \"extra\" has no column");
    }

    @Test
    void rejectsBadValuesNamingTheColumnButNotTheValue() {
        assertThatThrownBy(() -> decode("{\"id\": 1, \"at\": \"yesterday-ish\"}"))
            .hasMessageContaining("column \"at\"").hasMessageContaining("ISO-8601")
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
}
