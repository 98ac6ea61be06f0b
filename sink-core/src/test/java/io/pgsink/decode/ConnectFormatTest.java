package io.pgsink.decode;

import static io.pgsink.decode.FormatFixtures.record;
import static io.pgsink.decode.FormatFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.config.InputFormat;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kafka Connect JsonConverter output with schemas.enable=true, as a JDBC source connector or an application writes it. */
class ConnectFormatTest {

    private static final String SCHEMA = """
            {"type":"struct","optional":false,"name":"orders.Value","fields":[
              {"type":"int64","optional":false,"field":"id"},
              {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
               "parameters":{"scale":"2"},"field":"price"},
              {"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},
              {"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"at"},
              {"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,
               "field":"placed"},
              {"type":"bytes","optional":true,"field":"blob"},
              {"type":"double","optional":true,"field":"ratio"},
              {"type":"float","optional":true,"field":"score"},
              {"type":"int16","optional":true,"field":"small"},
              {"type":"int8","optional":true,"field":"tiny"},
              {"type":"boolean","optional":true,"field":"ok"},
              {"type":"string","optional":true,"field":"note"},
              {"type":"struct","optional":true,"name":"orders.Address","fields":[
                {"type":"string","optional":true,"field":"city"},
                {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
                 "parameters":{"scale":"1"},"field":"lat"}],"field":"address"},
              {"type":"array","optional":true,"items":{"type":"bytes","optional":true,
                "name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},
               "field":"amounts"},
              {"type":"map","optional":true,"keys":{"type":"string","optional":false},
               "values":{"type":"int32","optional":true},"field":"counts"},
              {"type":"map","optional":true,"keys":{"type":"int32","optional":false},
               "values":{"type":"string","optional":true},"field":"names"}]}""";

    private static final String PAYLOAD = """
            {"id":7,"price":"AN4=","day":19782,"at":49559123,"placed":1714566645654,"blob":"AAH/",
             "ratio":0.1,"score":"NaN","small":-32768,"tiny":-128,"ok":true,"note":"x\\"y",
             "address":{"city":"Z\\u00fcrich","lat":"AbM="},"amounts":["AQ==",null,"/w=="],
             "counts":{"a":1,"b":null},"names":[[1,"one"],[2,null]]}""";

    private final RecordFormat format = RecordFormat.of(InputFormat.CONNECT_JSON);

    @Test
    void logicalTypesBecomeTheTextTheirColumnsTakeExactly() throws DecodeException {
        Change change = format.read(record(null, envelope(SCHEMA, PAYLOAD)));
        JsonNode value = tree(change.value());

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(value.get("price").decimalValue().toPlainString()).isEqualTo("2.22");
        assertThat(value.get("day").textValue()).isEqualTo("2024-02-29");
        assertThat(value.get("at").textValue()).isEqualTo("13:45:59.123");
        assertThat(value.get("placed").textValue()).isEqualTo("2024-05-01T12:30:45.654Z");
        assertThat(value.get("blob").textValue()).isEqualTo("AAH/");
        assertThat(value.get("ratio").decimalValue().toPlainString()).isEqualTo("0.1");
        assertThat(value.get("score").textValue()).isEqualTo("NaN");
        assertThat(value.get("note").textValue()).isEqualTo("x\"y");
        assertThat(value.get("address").toString()).isEqualTo("{\"city\":\"Z\u00fcrich\",\"lat\":43.5}");
        assertThat(value.get("amounts").toString()).isEqualTo("[0.01,null,-0.01]");
        assertThat(value.get("counts").toString()).isEqualTo("{\"a\":1,\"b\":null}");
        assertThat(value.get("names").toString()).isEqualTo("[[1,\"one\"],[2,null]]");
    }

    @Test
    void decodedForATableEveryValueIsExact() throws DecodeException {
        TableSchema table = new TableSchema(
                new TableRef("public", "orders"),
                List.of(
                        new Column("id", 0, ColumnType.BIGINT, null, "bigint", true),
                        new Column("price", 1, ColumnType.NUMERIC, null, "numeric(10,2)", false),
                        new Column("day", 2, ColumnType.DATE, null, "date", false),
                        new Column("placed", 3, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", false),
                        new Column("blob", 4, ColumnType.BYTEA, null, "bytea", false),
                        new Column("address", 5, ColumnType.JSONB, null, "jsonb", false),
                        new Column(
                                "amounts",
                                6,
                                ColumnType.ARRAY,
                                new Column("amounts", 6, ColumnType.NUMERIC, null, "numeric", false),
                                "numeric[]",
                                false),
                        new Column("at", 7, ColumnType.OTHER, null, "time without time zone", false)),
                List.of("id"));

        Row row = new RowDecoder(table, List.of(), false)
                .decode(0, format.read(record(null, envelope(SCHEMA, PAYLOAD))).value());

        assertThat(row.values())
                .containsExactly(
                        "7",
                        "2.22",
                        "2024-02-29",
                        "2024-05-01T12:30:45.654Z",
                        "\\x0001ff",
                        "{\"city\":\"Z\u00fcrich\",\"lat\":43.5}",
                        "{\"0.01\",NULL,\"-0.01\"}",
                        "13:45:59.123");
    }

    @Test
    void fieldsCarryThePostgresTypeAndOptionality() throws DecodeException {
        Change change = format.read(record(null, envelope(SCHEMA, PAYLOAD)));

        assertThat(change.fields())
                .extracting(f -> f.name() + " " + f.postgresType() + (f.optional() ? "" : " not null"))
                .containsExactly(
                        "id bigint not null",
                        "price numeric",
                        "day date",
                        "at time",
                        "placed timestamp",
                        "blob bytea",
                        "ratio double precision",
                        "score real",
                        "small smallint",
                        "tiny smallint",
                        "ok boolean",
                        "note text",
                        "address jsonb",
                        "amounts numeric[]",
                        "counts jsonb",
                        "names jsonb");
    }

    @Test
    void decimalWrittenAsANumberKeepsItsScale() throws DecodeException {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"bytes\",\"optional\":true,"
                + "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"3\","
                + "\"connect.decimal.precision\":\"12\"},\"field\":\"amount\"}]}";

        Change change = format.read(record(null, envelope(schema, "{\"amount\":12.5}")));

        assertThat(new String(change.value(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"amount\":12.500}");
        assertThat(change.fields().get(0).postgresType()).isEqualTo("numeric(12,3)");
    }

    @Test
    void theConnectJsonExampleOfMappingMdGivesTheRowItShows() throws DecodeException {
        // The value shown under "connect-json" in docs/mapping.md, character for character.
        String value = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"amount\",\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                + "\"parameters\":{\"scale\":\"2\"}},{\"field\":\"day\",\"type\":\"int32\","
                + "\"name\":\"org.apache.kafka.connect.data.Date\"}]},\"payload\":{\"id\":1,\"amount\":\"AOY=\","
                + "\"day\":19844}}";

        Change change = format.read(record("{\"id\":1}", value));

        assertThat(new String(change.value(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":1,\"amount\":2.30,\"day\":\"2024-05-01\"}");
        assertThat(tree(change.key()).toString()).isEqualTo("{\"id\":1}");
    }

    @Test
    void keyEnvelopeIsConvertedByItsSchemaAndAPlainObjectKeyPassesAsItIs() throws DecodeException {
        String keySchema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"bytes\",\"optional\":false,"
                + "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},"
                + "\"field\":\"code\"}]}";

        Change converted = format.read(record(envelope(keySchema, "{\"code\":\"AN4=\"}"), envelope(SCHEMA, PAYLOAD)));
        Change plain = format.read(record("{\"id\":7}", envelope(SCHEMA, PAYLOAD)));

        assertThat(tree(converted.key()).toString()).isEqualTo("{\"code\":2.22}");
        assertThat(tree(plain.key()).toString()).isEqualTo("{\"id\":7}");
    }

    @Test
    void primitiveOrNonJsonKeyIsLeftToTheKeyMapping() throws DecodeException {
        assertThat(format.read(record("{\"schema\":{\"type\":\"int64\"},\"payload\":7}", envelope(SCHEMA, PAYLOAD)))
                        .key())
                .isNull();
        assertThat(format.read(record("not json", envelope(SCHEMA, PAYLOAD))).key())
                .isNull();
    }

    @Test
    void tombstoneAndNullPayloadDeleteByTheKey() throws DecodeException {
        Change tombstone = format.read(record("{\"id\":7}", null));
        Change nullPayload = format.read(record("{\"id\":7}", envelope(SCHEMA, "null")));

        assertThat(tombstone.operation()).isEqualTo(Operation.DELETE);
        assertThat(tree(tombstone.key()).toString()).isEqualTo("{\"id\":7}");
        assertThat(nullPayload.operation()).isEqualTo(Operation.DELETE);
    }

    @Test
    void payloadWithoutSchemaIsWrittenAsItIs() throws DecodeException {
        Change change = format.read(record(null, "{\"schema\":null,\"payload\":{\"id\":1,\"n\":1.50}}"));

        assertThat(tree(change.value()).toString()).isEqualTo("{\"id\":1,\"n\":1.50}");
        assertThat(change.fields()).isEmpty();
    }

    @Test
    void recordsThatAreNotConnectRowsArePoison() {
        assertThatThrownBy(() -> format.read(record(null, "{\"id\":1}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("schemas.enable=true");
        assertThatThrownBy(() -> format.read(record(null, envelope("{\"type\":\"string\"}", "\"x\""))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("not a struct");
        assertThatThrownBy(() -> format.read(record(null, envelope("{\"fields\":[]}", "{}"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("has no \"type\"");
    }

    @Test
    void valueThatContradictsItsSchemaNamesTheFieldNotTheValue() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"n\"}]}";

        assertThatThrownBy(() -> format.read(record(null, envelope(schema, "{\"n\":\"secret\"}"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("field \"n\" (int32)")
                .hasMessageNotContaining("secret")
                .extracting(e -> ((DecodeException) e).column())
                .isEqualTo("n");
    }

    static String envelope(String schema, String payload) {
        return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
    }
}
