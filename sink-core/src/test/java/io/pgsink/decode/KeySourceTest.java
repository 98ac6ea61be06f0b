package io.pgsink.decode;

import static io.pgsink.decode.MappingFixture.byName;
import static io.pgsink.decode.MappingFixture.decoder;
import static io.pgsink.decode.MappingFixture.mapping;
import static io.pgsink.decode.MappingFixture.record;
import static io.pgsink.decode.MappingFixture.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.WriteMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySourceTest {

    private static Row write(KeySource source, List<String> keys, String key, String value) throws DecodeException {
        return write(Mapping.identity(), source, keys, key, value);
    }

    private static Row write(Mapping mapping, KeySource source, List<String> keys, String key, String value)
            throws DecodeException {
        return decoder(route(mapping, source, WriteMode.UPSERT, false, keys)).decodeJson(0, record(key, value));
    }

    @Test
    void valueKeysComeFromTheValueAndAreRequiredInUpsertMode() throws DecodeException {
        assertThat(byName(write(KeySource.VALUE, List.of(), "ignored", "{\"id\": 5, \"name\": \"a\"}")))
                .containsExactly(entry("id", "5"), entry("name", "a"));
        assertThatThrownBy(() -> write(KeySource.VALUE, List.of(), null, "{\"name\": \"a\"}"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("key column \"id\" is missing or null");
    }

    @Test
    void valueKeysAreNotRequiredInInsertMode() throws DecodeException {
        Row row = decoder(route(Mapping.identity(), KeySource.VALUE, WriteMode.INSERT, false))
                .decodeJson(0, record(null, "{\"name\": \"a\"}"));

        assertThat(byName(row)).containsExactly(entry("name", "a"));
    }

    @Test
    void anObjectRecordKeyFillsTheKeyColumnsAndOverridesTheValue() throws DecodeException {
        Row row = write(
                KeySource.RECORD_KEY,
                List.of("id", "order_id"),
                "{\"order_id\": 9, \"id\": 1, \"other\": \"ignored\", \"name\": \"from key\"}",
                "{\"id\": 99, \"name\": \"a\"}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("order_id", "9"), entry("name", "a"));
    }

    @Test
    void recordKeyFieldsFollowTheRenamesAndTheNamingConvention() throws DecodeException {
        Mapping mapping = mapping().snakeCase().rename(Map.of("pk", "id")).build();

        Row row = write(mapping, KeySource.RECORD_KEY, List.of("id", "order_id"), "{\"pk\": 1, \"orderId\": 9}", "{}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("order_id", "9"));
    }

    @Test
    void recordKeyFieldsAreNotFilteredByIncludeAndExclude() throws DecodeException {
        Mapping mapping = mapping().include("name").exclude("id").build();

        Row row = write(mapping, KeySource.RECORD_KEY, List.of(), "{\"id\": 1}", "{\"id\": 2, \"name\": \"a\"}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("name", "a"));
    }

    @Test
    void aPrimitiveRecordKeyFillsTheOneKeyColumn() throws DecodeException {
        assertThat(byName(write(KeySource.RECORD_KEY, List.of(), "17", "{\"name\": \"a\"}")))
                .containsEntry("id", "17");
        assertThat(byName(write(KeySource.RECORD_KEY, List.of(), "\"17\"", "{\"name\": \"a\"}")))
                .containsEntry("id", "17");
        assertThat(byName(write(KeySource.RECORD_KEY, List.of("k"), "\"a\\\"b\"", "{}")))
                .containsEntry("k", "a\"b");
    }

    @Test
    void aPlainStringKeyIsTakenAsItsTextAndANumberKeyKeepsItsSpellingInATextColumn() throws DecodeException {
        assertThat(byName(write(KeySource.RECORD_KEY, List.of("k"), "order-7", "{}")))
                .containsEntry("k", "order-7");
        assertThat(byName(write(KeySource.RECORD_KEY, List.of("k"), "007", "{}")))
                .containsEntry("k", "007");
        assertThat(byName(write(KeySource.RECORD_KEY, List.of("k"), "1e3", "{}")))
                .containsEntry("k", "1e3");
        assertThat(byName(write(KeySource.RECORD_KEY, List.of("k"), "1.50", "{}")))
                .containsEntry("k", "1.50");
    }

    @Test
    void aRecordKeyThatCannotFillTheKeyIsPoisonNamingTheColumnNotTheKey() {
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of(), null, "{\"id\": 1}"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("record has no key");
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of(), "[1, 2]", "{}"))
                .hasMessageContaining("record key is a JSON array");
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of("id", "order_id"), "17", "{}"))
                .hasMessageContaining("single value, but the route has 2 key columns");
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of("id", "order_id"), "{\"id\": 1}", "{}"))
                .hasMessageContaining("key column \"order_id\" is missing or null in the record key");
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of(), "null", "{}"))
                .hasMessageContaining("key column \"id\" is missing or null in the record key");
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of(), "customer-secret", "{}"))
                .hasMessageContaining("column \"id\"")
                .hasMessageNotContaining("customer-secret");
        assertThatThrownBy(() -> write(KeySource.RECORD_KEY, List.of(), "{\"id\": \"customer-secret\"}", "{}"))
                .hasMessageContaining("column \"id\"")
                .hasMessageNotContaining("customer-secret");
    }

    @Test
    void coordinatesFillTheTopicPartitionAndOffsetColumnsOverTheValuesFields() throws DecodeException {
        Row row = write(KeySource.COORDINATES, List.of(), null, "{\"id\": 5, \"offset\": 1, \"topic\": \"spoofed\"}");

        assertThat(byName(row))
                .containsExactly(
                        entry("id", "5"), entry("topic", "orders"), entry("partition", "3"), entry("offset", "42"));
    }

    @Test
    void coordinatesGoToTheMappingsMetadataColumnsWhenItNamesThem() throws DecodeException {
        Mapping mapping = mapping()
                .metadata(Map.of("topic", "tenant", "offset", "order_id"))
                .build();

        Row row = write(mapping, KeySource.COORDINATES, List.of(), null, "{\"name\": \"a\"}");

        assertThat(byName(row))
                .containsExactly(
                        entry("order_id", "42"),
                        entry("name", "a"),
                        entry("partition", "3"),
                        entry("tenant", "orders"));
    }

    @Test
    void coordinateKeyColumnsAreResolvedFromTheMapping() {
        Mapping mapping = mapping().metadata(Map.of("offset", "order_id")).build();

        assertThat(KeyColumns.names(
                        route(mapping, KeySource.COORDINATES, WriteMode.INSERT, false), MappingFixture.SCHEMA))
                .containsExactly("topic", "partition", "order_id");
        assertThat(KeyColumns.names(route(mapping, KeySource.VALUE, WriteMode.INSERT, false), MappingFixture.SCHEMA))
                .containsExactly("id");
    }
}
