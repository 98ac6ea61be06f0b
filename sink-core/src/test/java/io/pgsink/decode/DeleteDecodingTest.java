package io.pgsink.decode;

import static io.pgsink.decode.MappingFixture.byName;
import static io.pgsink.decode.MappingFixture.decoder;
import static io.pgsink.decode.MappingFixture.mapping;
import static io.pgsink.decode.MappingFixture.record;
import static io.pgsink.decode.MappingFixture.route;
import static io.pgsink.decode.MappingFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.Route;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeleteDecodingTest {

    private static RowDecoder deleting(KeySource source) {
        return decoder(route(Mapping.identity(), source, WriteMode.UPSERT, true));
    }

    private static Change delete(String image, String key) {
        return new Change(Operation.DELETE, utf8(image), utf8(key), List.of());
    }

    @Test
    void aTombstoneDeletesByItsRecordKeyWithOnlyTheKeyColumnsPresent() throws DecodeException {
        Row row = deleting(KeySource.VALUE).decodeJson(0, record("{\"id\": 7, \"name\": \"x\"}", null));

        assertThat(row.operation()).isEqualTo(Operation.DELETE);
        assertThat(byName(row)).containsExactly(entry("id", "7"));
    }

    @Test
    void aTombstoneWithAPrimitiveKeyDeletesByTheOneKeyColumn() throws DecodeException {
        Row row = deleting(KeySource.RECORD_KEY).decodeJson(0, record("7", null));

        assertThat(row.operation()).isEqualTo(Operation.DELETE);
        assertThat(byName(row)).containsExactly(entry("id", "7"));
    }

    @Test
    void aTombstoneIsSkippedWhenDeletesAreOffNeitherWrittenNorFailed() throws DecodeException {
        RowDecoder decoder = decoder(route(Mapping.identity(), KeySource.VALUE, WriteMode.UPSERT, false));
        List<SinkRecord> records =
                List.of(record(null, "{\"id\": 1}"), record("{\"id\": 1}", null), record(null, "{\"id\": 2}"));

        DecodedBatch batch = decoder.decode(records);

        assertThat(decoder.decodeJson(1, records.get(1))).isNull();
        assertThat(batch.rowIndexes()).containsExactly(0, 2);
        assertThat(batch.skipped()).containsExactly(1);
        assertThat(batch.failures()).isEmpty();
    }

    @Test
    void aDecoderWithoutARouteStillRefusesTombstonesAsBefore() {
        RowDecoder legacy = new RowDecoder(MappingFixture.SCHEMA, List.of(MappingFixture.col("id")), false);

        DecodedBatch batch = legacy.decode(List.of(record("{\"id\": 1}", null)));

        assertThat(batch.failures()).containsOnlyKeys(0);
        assertThat(batch.failures().get(0)).hasMessageContaining("tombstone");
        assertThat(batch.skipped()).isEmpty();
    }

    @Test
    void aTombstoneInABatchIsADeleteRowInItsPlaceWhenDeletesAreOn() {
        DecodedBatch batch = deleting(KeySource.VALUE)
                .decode(List.of(record(null, "{\"id\": 1}"), record("{\"id\": 1}", null), record(null, "{\"id\": 1}")));

        assertThat(batch.rowIndexes()).containsExactly(0, 1, 2);
        assertThat(batch.skipped()).isEmpty();
    }

    @Test
    void aDeleteEventTakesItsKeyFromTheBeforeImageAndIgnoresTheOtherColumns() throws DecodeException {
        Change change = delete("{\"id\": 3, \"amount\": \"not a number\", \"unknown_field\": 1}", "{\"id\": 99}");

        Row row = deleting(KeySource.VALUE).decode(0, record(null, null), change);

        assertThat(row.operation()).isEqualTo(Operation.DELETE);
        assertThat(byName(row)).containsExactly(entry("id", "3"));
    }

    @Test
    void aDeleteEventWithoutBeforeImageTakesItsKeyFromTheChangeKey() throws DecodeException {
        Row row = deleting(KeySource.VALUE).decode(0, record(null, null), delete(null, "{\"id\": 4}"));

        assertThat(byName(row)).containsExactly(entry("id", "4"));
    }

    @Test
    void aDeleteEventUnderRecordKeyTakesTheChangeKeyNotTheImage() throws DecodeException {
        Row row = deleting(KeySource.RECORD_KEY).decode(0, record(null, null), delete("{\"id\": 3}", "{\"id\": 4}"));

        assertThat(byName(row)).containsExactly(entry("id", "4"));
    }

    @Test
    void aDeleteFindsItsKeyThroughTheMappingsRenamesAndPaths() throws DecodeException {
        Mapping mapping =
                mapping().snakeCase().paths(Map.of("order_id", "ref.order")).build();
        Route route = route(mapping, KeySource.VALUE, WriteMode.UPSERT, true, List.of("id", "order_id"));

        Row row = decoder(route).decode(0, record(null, null), delete("{\"Id\": 3, \"ref\": {\"order\": 8}}", null));

        assertThat(byName(row)).containsExactly(entry("id", "3"), entry("order_id", "8"));
    }

    @Test
    void aDeleteWithoutItsKeyIsPoisonNamingTheColumn() {
        RowDecoder decoder = deleting(KeySource.VALUE);

        assertThatThrownBy(() -> decoder.decode(0, record(null, null), delete("{\"name\": \"x\"}", null)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("key column \"id\" of a delete is missing or null");
        assertThatThrownBy(() -> decoder.decodeJson(0, record(null, null))).hasMessageContaining("record has no key");
        assertThatThrownBy(() -> decoder.decodeJson(0, record("{\"id\": \"secret-id\"}", null)))
                .hasMessageContaining("column \"id\"")
                .hasMessageNotContaining("secret-id");
    }

    @Test
    void aDeleteUnderCoordinatesIsPoisonAsItCanFindNoRow() {
        RowDecoder decoder = deleting(KeySource.COORDINATES);

        assertThatThrownBy(() -> decoder.decodeJson(0, record("{\"id\": 1}", null)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Kafka coordinates");
    }

    @Test
    void deleteEventsAreSkippedWhenDeletesAreOff() throws DecodeException {
        RowDecoder decoder = decoder(route(Mapping.identity(), KeySource.VALUE, WriteMode.UPSERT, false));

        assertThat(decoder.decode(0, record(null, null), delete("{\"id\": 3}", null)))
                .isNull();
    }

    @Test
    void aChangeWriteIsDecodedLikeTheJsonValueAndNoChangeIsSkipped() throws DecodeException {
        RowDecoder decoder = deleting(KeySource.VALUE);
        Change write = new Change(Operation.WRITE, utf8("{\"id\": 3, \"name\": \"a\"}"), null, List.of());

        Row row = decoder.decode(0, record(null, null), write);

        assertThat(row.operation()).isEqualTo(Operation.WRITE);
        assertThat(byName(row)).containsExactly(entry("id", "3"), entry("name", "a"));
        assertThat(decoder.decode(1, record(null, null), null)).isNull();
    }

    @Test
    void aTruncateIsARowOfItsOwnOnlyWhereTheRouteEnablesTruncates() throws DecodeException {
        Route base = route(Mapping.identity(), KeySource.VALUE, WriteMode.UPSERT, true);
        Route truncating = new Route(
                base.name(),
                base.topics(),
                null,
                base.table(),
                base.mode(),
                base.keySource(),
                base.keyColumns(),
                base.format(),
                base.mapping(),
                null,
                true,
                true,
                base.missingRows(),
                false,
                false,
                List.of());
        Change truncate = new Change(Operation.TRUNCATE, null, null, List.of());

        assertThat(decoder(base).decode(0, record(null, null), truncate)).isNull();
        Row row = decoder(truncating).decode(0, record(null, null), truncate);
        assertThat(row.operation()).isEqualTo(Operation.TRUNCATE);
        assertThat(row.present().isEmpty()).isTrue();
    }
}
