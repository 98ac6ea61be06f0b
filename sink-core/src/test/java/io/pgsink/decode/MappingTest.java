package io.pgsink.decode;

import static io.pgsink.decode.MappingFixture.byName;
import static io.pgsink.decode.MappingFixture.decoder;
import static io.pgsink.decode.MappingFixture.header;
import static io.pgsink.decode.MappingFixture.mapping;
import static io.pgsink.decode.MappingFixture.record;
import static io.pgsink.decode.MappingFixture.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.Route;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingTest {

    private static Row write(Mapping mapping, SinkRecord record) throws DecodeException {
        return decoder(route(mapping, KeySource.VALUE, WriteMode.INSERT, false)).decodeJson(0, record);
    }

    private static Row write(Mapping mapping, String value) throws DecodeException {
        return write(mapping, record(null, value));
    }

    @Test
    void includeKeepsOnlyTheListedFieldsAndDroppedFieldsAreNotReportedAsUnknown() throws DecodeException {
        List<String> unknown = new ArrayList<>();
        Route route = route(mapping().include("id", "name").build(), KeySource.VALUE, WriteMode.INSERT, false);

        Row row = decoder(route, unknown).decodeJson(0, record(null, "{\"id\": 1, \"name\": \"a\", \"city\": \"x\"}"));

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("name", "a"));
        assertThat(unknown).isEmpty();
    }

    @Test
    void excludeDropsTheListedFieldsAfterInclude() throws DecodeException {
        Row row = write(
                mapping().include("id", "name", "city").exclude("city").build(),
                "{\"id\": 1, \"name\": \"a\", \"city\": \"x\", \"amount\": 2}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("name", "a"));
    }

    @Test
    void renameSendsAFieldToAnotherColumnAndIsNotConvertedByTheNamingConvention() throws DecodeException {
        Row row = write(
                mapping()
                        .rename(Map.of("customerName", "name", "orderRef", "order_id"))
                        .snakeCase()
                        .build(),
                "{\"id\": 1, \"customerName\": \"a\", \"orderRef\": 7}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("order_id", "7"), entry("name", "a"));
    }

    @Test
    void snakeCaseFindsTheColumnsOfCamelAndPascalCaseFields() throws DecodeException {
        Row row = write(mapping().snakeCase().build(), "{\"Id\": 1, \"orderId\": 7, \"HTTPStatus\": 404}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("order_id", "7"), entry("http_status", "404"));
    }

    @Test
    void exactNamingDoesNotMatchADifferentlySpelledField() throws DecodeException {
        List<String> unknown = new ArrayList<>();
        Route route = route(identity(), KeySource.VALUE, WriteMode.INSERT, false);

        Row row = decoder(route, unknown).decodeJson(0, record(null, "{\"id\": 1, \"orderId\": 7}"));

        assertThat(byName(row)).containsExactly(entry("id", "1"));
        assertThat(unknown).containsExactly("orderId");
    }

    @Test
    void anUnknownFieldUnderSnakeCaseIsReportedByTheColumnItLookedFor() throws DecodeException {
        List<String> unknown = new ArrayList<>();
        Route route = route(mapping().snakeCase().build(), KeySource.VALUE, WriteMode.INSERT, false);

        decoder(route, unknown).decodeJson(0, record(null, "{\"id\": 1, \"shipTo\": \"x\"}"));

        assertThat(unknown).containsExactly("ship_to");
    }

    @Test
    void aNestedFieldIsTakenByItsDottedPathEvenWhenItsTopLevelFieldIsExcluded() throws DecodeException {
        Row row = write(
                mapping()
                        .exclude("customer")
                        .paths(Map.of("city", "customer.address.city", "name", "customer.names.1"))
                        .build(),
                "{\"id\": 1, \"customer\": {\"address\": {\"city\": \"Oslo\"}, \"names\": [\"x\", \"Ada\"]}}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("name", "Ada"), entry("city", "Oslo"));
    }

    @Test
    void aPathThatIsMissingLeavesItsColumnOutAndOneEndingInNullWritesNull() throws DecodeException {
        Mapping paths = mapping()
                .paths(Map.of("city", "customer.address.city", "name", "customer.name"))
                .build();

        Row row = write(paths, "{\"id\": 1, \"customer\": {\"name\": null, \"address\": 5}}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("name", null));
    }

    @Test
    void aPathValueThatDoesNotFitItsColumnIsPoisonNamingTheColumnNotTheValue() {
        Mapping paths = mapping().paths(Map.of("amount", "order.total")).build();

        assertThatThrownBy(() -> write(paths, "{\"id\": 1, \"order\": {\"total\": \"lots-of-money\"}}"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("column \"amount\"")
                .hasMessageNotContaining("lots-of-money");
    }

    @Test
    void theWholeValueGoesToTheValueColumnAsTheRecordSpellsIt() throws DecodeException {
        String value = "{\"id\": 1,  \"name\": \"\u00e9\", \"extra\": [1.50, {\"z\": null}]}";

        Row row = write(mapping().valueColumn("doc").build(), value);

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("name", "\u00e9"), entry("doc", value));
    }

    @Test
    void kafkaMetadataGoesToItsColumns() throws DecodeException {
        Mapping metadata = mapping()
                .metadata(Map.of(
                        "topic", "topic", "partition", "partition", "offset", "offset", "timestamp", "ts", "key", "k"))
                .build();

        Row row = write(metadata, record("order-7", "{\"id\": 1}"));

        assertThat(byName(row))
                .containsExactly(
                        entry("id", "1"),
                        entry("topic", "orders"),
                        entry("partition", "3"),
                        entry("offset", "42"),
                        entry("ts", "2024-05-01T12:30:00.123Z"),
                        entry("k", "order-7"));
    }

    @Test
    void aRecordWithoutTimestampOrKeyWritesNullToThoseColumns() throws DecodeException {
        Mapping metadata =
                mapping().metadata(Map.of("timestamp", "ts", "key", "k")).build();
        SinkRecord record = new SinkRecord("orders", 0, 0L, -1L, null, MappingFixture.utf8("{\"id\": 1}"), List.of());

        assertThat(byName(write(metadata, record)))
                .containsExactly(entry("id", "1"), entry("ts", null), entry("k", null));
    }

    @Test
    void theKeyGoesToAJsonbColumnAsJsonAndToAByteaColumnAsItsBytes() throws DecodeException {
        Mapping metadata = mapping().metadata(Map.of("key", "key_doc")).build();
        Mapping bytes = mapping().metadata(Map.of("key", "raw_key")).build();

        assertThat(byName(write(metadata, record("{\"id\": 1}", "{\"id\": 1}"))))
                .containsEntry("key_doc", "{\"id\": 1}");
        assertThat(byName(write(bytes, record("AB", "{\"id\": 1}")))).containsEntry("raw_key", "\\x4142");
    }

    @Test
    void aKeyThatIsNotJsonForAJsonbColumnIsPoisonWithoutTheKey() {
        Mapping metadata = mapping().metadata(Map.of("key", "key_doc")).build();

        assertThatThrownBy(() -> write(metadata, record("secret-key-text", "{\"id\": 1}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("column \"key_doc\"")
                .hasMessageNotContaining("secret-key-text");
    }

    @Test
    void headersGoToTheirColumnsTheLastOccurrenceWinningAndAMissingOneLeftOut() throws DecodeException {
        Mapping headers = mapping()
                .headers(Map.of("trace-id", "trace", "tenant", "tenant", "status", "http_status"))
                .build();

        Row row = write(
                headers,
                record(
                        null,
                        "{\"id\": 1}",
                        header("trace-id", "t-1"),
                        header("status", "201"),
                        header("trace-id", "t-2")));

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("trace", "t-2"), entry("http_status", "201"));
    }

    @Test
    void aHeaderWithoutValueIsNull() throws DecodeException {
        Mapping headers = mapping().headers(Map.of("trace-id", "trace")).build();

        assertThat(byName(write(headers, record(null, "{\"id\": 1}", new SinkRecord.Header("trace-id", null)))))
                .containsEntry("trace", null);
    }

    @Test
    void aHeaderThatIsNotUtf8IsPoisonNamingTheHeaderAndColumnNotTheValue() {
        Mapping headers = mapping().headers(Map.of("trace-id", "trace")).build();
        SinkRecord record = new SinkRecord(
                "orders",
                0,
                0L,
                0L,
                null,
                MappingFixture.utf8("{\"id\": 1}"),
                List.of(new SinkRecord.Header("trace-id", new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28})));

        assertThatThrownBy(() -> write(headers, record))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("header \"trace-id\"")
                .hasMessageContaining("column \"trace\"")
                .hasMessageContaining("not valid UTF-8")
                .hasMessageNotContaining("ok");
    }

    @Test
    void aHeaderValueThatDoesNotFitItsColumnIsPoisonNamingTheColumnNotTheValue() {
        Mapping headers = mapping().headers(Map.of("status", "http_status")).build();

        assertThatThrownBy(() -> write(headers, record(null, "{\"id\": 1}", header("status", "teapot"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("column \"http_status\"")
                .hasMessageNotContaining("teapot");
    }

    @Test
    void anExplicitMappingWinsOverASameNamedField() throws DecodeException {
        Mapping metadata = mapping()
                .metadata(Map.of("topic", "topic"))
                .paths(Map.of("city", "address.city"))
                .build();

        Row row = write(
                metadata,
                "{\"city\": \"field\", \"id\": 1, \"topic\": \"spoofed\", \"address\": {\"city\": \"path\"}}");

        assertThat(byName(row)).containsExactly(entry("id", "1"), entry("city", "path"), entry("topic", "orders"));
    }

    @Test
    void aRejectedUnknownFieldNamesTheColumnItLookedFor() {
        Route route = route(mapping().snakeCase().build(), KeySource.VALUE, WriteMode.INSERT, false);
        RowDecoder strict =
                new RowDecoder(MappingFixture.SCHEMA, route, List.of(MappingFixture.col("id")), true, name -> {});

        assertThatThrownBy(() -> strict.decodeJson(0, record(null, "{\"id\": 1, \"shipTo\": \"x\"}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("field \"shipTo\" has no column \"ship_to\"")
                .extracting(e -> ((DecodeException) e).column())
                .isEqualTo("ship_to");
    }

    @Test
    void badValuesAndInvalidJsonAreRejectedOnTheMappedPathAsOnThePlainOne() {
        Mapping snake = mapping().snakeCase().build();

        assertThatThrownBy(() -> write(snake, "{\"id\": 1, \"amount\": \"many\"}"))
                .hasMessageContaining("column \"amount\"")
                .hasMessageNotContaining("many");
        assertThatThrownBy(() -> write(snake, "{\"id\": 1,")).hasMessageContaining("record value is not valid JSON");
        assertThatThrownBy(() -> write(snake, "[1]")).hasMessageContaining("record value is not a JSON object");
        assertThatThrownBy(() -> write(snake, "{\"id\": 1} {}")).hasMessageContaining("trailing content");
    }

    @Test
    void aRepeatedFieldCountsByItsLastOccurrenceOnTheMappedPath() throws DecodeException {
        Mapping snake = mapping().snakeCase().build();

        assertThat(byName(write(snake, "{\"id\": 1, \"amount\": \"bad\", \"amount\": 2.50}")))
                .containsEntry("amount", "2.50");
    }

    private static Mapping identity() {
        return Mapping.identity();
    }
}
