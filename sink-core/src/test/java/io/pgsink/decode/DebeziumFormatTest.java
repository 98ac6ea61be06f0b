package io.pgsink.decode;

import static io.pgsink.decode.FormatFixtures.decode;
import static io.pgsink.decode.FormatFixtures.record;
import static io.pgsink.decode.FormatFixtures.tree;
import static io.pgsink.decode.FormatFixtures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsink.config.InputFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debezium PostgreSQL change events as the connector (3.x, default settings: decimal.handling.mode=precise,
 * time.precision.mode=adaptive, binary.handling.mode=bytes) writes them through JsonConverter, read and then
 * decoded for the source table's own column types: every value must come out as the source row holds it.
 */
class DebeziumFormatTest {

    private final RecordFormat format = RecordFormat.of(InputFormat.DEBEZIUM);

    @Test
    void snapshotReadWritesTheAfterImageWithEveryColumnExact() throws DecodeException {
        Change change = format.read(record("debezium-schema-read.json"));

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(tree(change.key())).isEqualTo(tree("{\"id\":1}".getBytes(StandardCharsets.UTF_8)));
        Row row = decode(change);
        assertThat(row.values())
                .containsExactly(
                        "1",
                        "9007199254740993",
                        "123456789.123",
                        "3.14159265358979323846",
                        fixtureBody(),
                        "varchar \u2713",
                        "t",
                        "2024-02-29",
                        "13:45:59.123456",
                        "2024-05-01T12:30:45.654321",
                        "2024-05-01T10:30:45.123456Z",
                        "6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
                        "{\"a\": [1, 2.50, {\"b\": null}], \"s\": \"x\\\"y\"}",
                        "\\x000102feff636166c3a9",
                        "{\"1\",NULL,\"-3\"}",
                        "{\"a\",\"b,c\",\"q\\\"\",NULL}");
        assertThat(fixtureBody().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(5000);
    }

    @Test
    void createKeepsNegativeValuesEmptyValuesAndNullsExact() throws DecodeException {
        Row row = decode(format.read(record("debezium-schema-create.json")));

        assertThat(row.values())
                .containsExactly(
                        "2",
                        "-9223372036854775808",
                        "-0.500",
                        "-12345678901234567890123",
                        "",
                        null,
                        "f",
                        "1969-12-31",
                        "00:00:00.000001",
                        "1969-12-31T23:59:59.999999",
                        "1999-12-31T23:59:59.000001Z",
                        null,
                        "[]",
                        "\\x",
                        "{}",
                        null);
        assertThat(row.present().cardinality()).isEqualTo(16);
    }

    @Test
    void updateLeavesOutTheUnchangedToastedColumnSoTheTableKeepsIt() throws DecodeException {
        Change change = format.read(record("debezium-schema-update.json"));
        Row row = decode(change);

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(tree(change.value()).has("body")).isFalse();
        assertThat(row.present()
                        .get(FormatFixtures.ITEMS.column("body").orElseThrow().index()))
                .isFalse();
        assertThat(value(row, "label")).isEqualTo("changed");
        assertThat(value(row, "amount")).isEqualTo("1.000");
        assertThat(value(row, "ratio")).isEqualTo("0.100");
        assertThat(value(row, "updated")).isEqualTo("2024-05-02T00:00:00.000000Z");
    }

    @Test
    void deleteRemovesByTheRecordKeyAndCarriesTheBeforeImage() throws DecodeException {
        Change change = format.read(record("debezium-schema-delete.json"));

        assertThat(change.operation()).isEqualTo(Operation.DELETE);
        assertThat(tree(change.key()).toString()).isEqualTo("{\"id\":2}");
        assertThat(tree(change.value()).get("id").intValue()).isEqualTo(2);
        assertThat(tree(change.value()).get("body").isNull()).isTrue();
    }

    @Test
    void deleteWithoutARecordKeyRemovesByTheBeforeImage() throws DecodeException {
        JsonNode fixture = tree("debezium-schema-delete.json");
        Change change = format.read(record(
                null, FormatFixtures.JSON.valueToTree(fixture.get("value")).toString()));

        assertThat(change.operation()).isEqualTo(Operation.DELETE);
        assertThat(tree(change.key()).get("id").intValue()).isEqualTo(2);
    }

    @Test
    void deleteWithNeitherKeyNorBeforeImageIsPoison() {
        String event = "{\"before\":null,\"after\":null,\"source\":{\"table\":\"items\"},\"op\":\"d\"}";

        assertThatThrownBy(() -> format.read(record(null, event)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("REPLICA IDENTITY FULL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"debezium-schema-truncate.json", "debezium-noschema-truncate.json"})
    void truncateEventTruncates(String fixture) throws DecodeException {
        Change change = format.read(record(fixture));

        assertThat(change.operation()).isEqualTo(Operation.TRUNCATE);
        assertThat(change.value()).isNull();
        assertThat(change.key()).isNull();
    }

    @Test
    void tombstoneDeletesByItsKeyAndWithoutAKeyIsSkipped() throws DecodeException {
        Change change = format.read(record("debezium-tombstone.json"));

        assertThat(change.operation()).isEqualTo(Operation.DELETE);
        assertThat(tree(change.key()).toString()).isEqualTo("{\"id\":2}");
        assertThat(format.read(record((byte[]) null, null))).isNull();
    }

    @Test
    void schemaGivesEachFieldItsExactPostgresType() throws DecodeException {
        Change change = format.read(record("debezium-schema-read.json"));

        assertThat(change.fields())
                .extracting(f -> f.name() + " " + f.postgresType() + (f.optional() ? "" : " not null"))
                .containsExactly(
                        "id integer not null",
                        "big bigint",
                        "amount numeric(12,3)",
                        "ratio numeric",
                        "body text",
                        "label text",
                        "active boolean",
                        "day date",
                        "at_time time",
                        "created timestamp",
                        "updated timestamptz",
                        "ref uuid",
                        "doc jsonb",
                        "blob bytea",
                        "nums integer[]",
                        "tags text[]");
    }

    @Test
    void withoutTheSchemaValuesPassAsTheyAreAndOnlyVariableScaleDecimalIsRecognised() throws DecodeException {
        Change change = format.read(record("debezium-noschema-read.json"));
        JsonNode value = tree(change.value());

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(change.fields()).isEmpty();
        assertThat(tree(change.key()).toString()).isEqualTo("{\"id\":1}");
        assertThat(value.get("ratio").decimalValue().toPlainString()).isEqualTo("3.14159265358979323846");
        assertThat(value.get("body").textValue()).isEqualTo(fixtureBody());
        // What the payload alone cannot say: base64 decimal, days, microseconds, JSON as a string.
        assertThat(value.get("amount").textValue()).isEqualTo("HL6ZGoM=");
        assertThat(value.get("day").intValue()).isEqualTo(19782);
        assertThat(value.get("created").longValue()).isEqualTo(1714566645654321L);
        assertThat(value.get("doc").isTextual()).isTrue();
        // ... and the table's types then refuse them loudly rather than store something else.
        assertThatThrownBy(() -> decode(change))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("column \"amount\"");
    }

    @Test
    void withoutTheSchemaTheToastPlaceholderIsStillLeftOut() throws DecodeException {
        Change change = format.read(record("debezium-noschema-update.json"));

        assertThat(tree(change.value()).has("body")).isFalse();
        assertThat(tree(change.value()).get("label").textValue()).isEqualTo("changed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flattened-schema-create.json", "flattened-noschema-create.json"})
    void flattenedRowIsWrittenWithoutDebeziumsMetadataFields(String fixture) throws DecodeException {
        Change change = format.read(record(fixture));
        JsonNode value = tree(change.value());

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(value.has("__deleted")).isFalse();
        assertThat(value.has("__op")).isFalse();
        assertThat(value.get("id").intValue()).isEqualTo(2);
        assertThat(change.fields()).extracting(Change.Field::name).doesNotContain("__op", "__deleted");
    }

    @Test
    void flattenedRowWithItsSchemaConvertsEveryColumnExact() throws DecodeException {
        Row row = decode(format.read(record("flattened-schema-create.json")));

        assertThat(value(row, "amount")).isEqualTo("-0.500");
        assertThat(value(row, "created")).isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(value(row, "at_time")).isEqualTo("00:00:00.000001");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flattened-schema-delete.json", "flattened-noschema-delete.json"})
    void flattenedRowMarkedDeletedIsADeleteByKey(String fixture) throws DecodeException {
        Change change = format.read(record(fixture));

        assertThat(change.operation()).isEqualTo(Operation.DELETE);
        assertThat(tree(change.key()).toString()).isEqualTo("{\"id\":2}");
        assertThat(tree(change.value()).has("__deleted")).isFalse();
    }

    @Test
    void flattenedUpdateLeavesOutTheToastPlaceholder() throws DecodeException {
        Change change = format.read(record("flattened-schema-update.json"));

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(tree(change.value()).has("body")).isFalse();
    }

    @Test
    void heartbeatsTransactionMarkersAndMessagesAskNothing() throws DecodeException {
        String heartbeatSchema = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,"
                + "\"field\":\"ts_ms\"}],\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\","
                + "\"version\":1},\"payload\":{\"ts_ms\":1714559445123}}";
        String serverKey = "{\"serverName\":\"dbserver1\"}";
        String transaction = "{\"status\":\"END\",\"id\":\"771:24023128\",\"event_count\":3,"
                + "\"data_collections\":[{\"data_collection\":\"public.items\",\"event_count\":3}],\"ts_ms\":1}";
        String message = "{\"op\":\"m\",\"ts_ms\":1,\"source\":{\"table\":\"\"},\"message\":{\"prefix\":\"p\","
                + "\"content\":\"AA==\"}}";

        assertThat(format.read(record(serverKey, heartbeatSchema))).isNull();
        assertThat(format.read(record(serverKey, "{\"ts_ms\":1714559445123}"))).isNull();
        assertThat(format.read(record(null, transaction))).isNull();
        assertThat(format.read(record(null, message))).isNull();
    }

    @Test
    void unknownOpIsPoisonWithoutQuotingIt() {
        String event = "{\"before\":null,\"after\":{\"id\":1},\"source\":{},\"op\":\"secret-value\"}";

        assertThatThrownBy(() -> format.read(record(null, event)))
                .isInstanceOf(DecodeException.class)
                .hasMessageNotContaining("secret-value");
    }

    @Test
    void writeWithoutAnAfterImageIsPoison() {
        String event = "{\"before\":null,\"after\":null,\"source\":{},\"op\":\"c\"}";

        assertThatThrownBy(() -> format.read(record(null, event)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("after-image");
    }

    @Test
    void valueThatIsNotJsonIsPoison() {
        assertThatThrownBy(() -> format.read(record(null, "{\"op\":")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> format.read(record(null, "[1]")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("not a JSON object");
    }

    private static String fixtureBody() {
        return tree("debezium-noschema-read.json")
                .get("value")
                .get("after")
                .get("body")
                .textValue();
    }
}
