package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Debezium harness itself: the real PostgreSQL source connector in an embedded Connect worker turns the
 * {@link CdcTable} script into the change events a CDC sink must apply, with and without JsonConverter's schema
 * envelope. Its events are checked in under {@code src/test/resources/debezium/} for the format decoder's unit tests
 * and as a fallback; this test fails when the connector's output no longer matches them, and
 * {@code -Dpgsink.recordDebezium=true} records them again.
 */
class DebeziumSourceIT {

    private static final Path RECORDINGS = Path.of("src", "test", "resources", "debezium");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int SNAPSHOT_EVENTS = 3;

    @Test
    void connectorTurnsInsertsUpdatesDeletesAndAKeyChangeIntoChangeEventsWithTombstones() throws Exception {
        CdcTable table = new CdcTable("cdc_types");
        try (DebeziumSource source = DebeziumSource.start()) {
            LogicalPostgres db = source.database();
            assertThat(db.rows("(SELECT current_setting('wal_level') AS level)", "1"))
                    .containsExactly("{\"level\":\"logical\"}");
            db.execute(table.create());
            db.execute(table.initialRows());
            String enveloped = source.startConnector("dbz_schema", table.name, true);
            String bare = source.startConnector("dbz_plain", table.name, false);
            source.awaitEvents(enveloped, SNAPSHOT_EVENTS, WAIT);
            source.awaitEvents(bare, SNAPSHOT_EVENTS, WAIT);
            for (int step = 1; step <= CdcTable.STEPS; step++) {
                db.execute(table.step(step));
            }
            int expected = CdcTable.EXPECTED_EVENTS.size();
            List<ChangeEvent> withSchema = source.awaitEvents(enveloped, expected, WAIT);
            List<ChangeEvent> noSchema = source.awaitEvents(bare, expected, WAIT);

            assertThat(withSchema)
                    .extracting(ChangeEvent::opAndKey)
                    .containsExactlyElementsOf(CdcTable.EXPECTED_EVENTS);
            assertThat(noSchema).extracting(ChangeEvent::opAndKey).containsExactlyElementsOf(CdcTable.EXPECTED_EVENTS);
            assertThat(keysStillPresent(noSchema)).containsExactlyInAnyOrderElementsOf(CdcTable.FINAL_KEYS);
            assertThat(keysStillPresent(withSchema)).containsExactlyInAnyOrderElementsOf(CdcTable.FINAL_KEYS);
            assertOldRowsAndLargeValuesAreWhole(noSchema);
            assertDebeziumSemanticTypes(withSchema.get(0));
            recordOrCompare(table, db, withSchema, noSchema);
        }
    }

    @Test
    void differencesFindAChangedValueInAnyColumnAndIgnoreOnlyNumericTrailingZeros() throws Exception {
        LogicalPostgres db = LogicalPostgres.get();
        CdcTable a = new CdcTable("cmp_source");
        db.execute(a.create());
        db.execute(a.initialRows());
        db.execute(List.of("CREATE TABLE cmp_target AS SELECT * FROM cmp_source"));
        assertThat(db.differences("cmp_source", "cmp_target")).isEmpty();

        db.execute(List.of("UPDATE cmp_target SET c_numeric_free = c_numeric_free * 1.000 WHERE id = 2"));
        assertThat(db.differences("cmp_source", "cmp_target")).isEmpty();

        for (String change : List.of(
                "c_timestamptz = c_timestamptz + interval '1 microsecond'",
                "c_json = '{ \"keep\" : \"whitespace\", \"id\" : 20 }'",
                "c_text = c_text || ' '",
                "c_int_array = ARRAY[20, -20, 2147483647]",
                "c_real = NULL")) {
            db.execute(List.of("UPDATE cmp_target SET " + change + " WHERE id = 2"));
            assertThat(db.differences("cmp_source", "cmp_target"))
                    .as(change)
                    .hasSize(2)
                    .anySatisfy(line -> assertThat(line).startsWith("only in cmp_source: (2,"))
                    .anySatisfy(line -> assertThat(line).startsWith("only in cmp_target: (2,"));
            db.execute(List.of("UPDATE cmp_target t SET " + change.substring(0, change.indexOf(" =")) + " = s."
                    + change.substring(0, change.indexOf(" =")) + " FROM cmp_source s WHERE s.id = t.id"));
        }
        db.execute(List.of("DELETE FROM cmp_target WHERE id = 3"));
        assertThat(db.differences("cmp_source", "cmp_target"))
                .singleElement()
                .asString()
                .startsWith("only in cmp_source: (3,");
    }

    /** The keys whose last event leaves a row: what the source table holds at the end. */
    private static List<Integer> keysStillPresent(List<ChangeEvent> events) {
        Map<Integer, Boolean> present = new HashMap<>();
        for (ChangeEvent e : events) {
            String[] opAndKey = e.opAndKey().split(":");
            present.put(Integer.parseInt(opAndKey[1]), !opAndKey[0].equals("d") && !opAndKey[0].equals("tombstone"));
        }
        return present.entrySet().stream()
                .filter(Map.Entry::getValue)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * REPLICA IDENTITY FULL: updates and deletes carry the whole old row, and an update that leaves the large,
     * out-of-line text and bytea alone still carries them in full (without it Debezium sends a placeholder).
     */
    private static void assertOldRowsAndLargeValuesAreWhole(List<ChangeEvent> events) {
        JsonNode smallUpdate = payloadOf(events, "u:2");
        assertThat(smallUpdate.get("after").get("c_smallint").asInt())
                .isEqualTo(smallUpdate.get("before").get("c_smallint").asInt() + 1);
        assertThat(smallUpdate.get("after").get("c_text").asText())
                .hasSizeGreaterThan(6_000)
                .isEqualTo(smallUpdate.get("before").get("c_text").asText());
        assertThat(smallUpdate.get("after").get("c_bytea").asText())
                .hasSizeGreaterThan(4_000)
                .isEqualTo(smallUpdate.get("before").get("c_bytea").asText());

        JsonNode keyDelete = payloadOf(events, "d:3");
        assertThat(keyDelete.get("before").get("id").asInt()).isEqualTo(3);
        assertThat(keyDelete.get("after").isNull()).isTrue();
        JsonNode keyCreate = payloadOf(events, "c:30");
        assertThat(keyCreate.get("after").get("c_text"))
                .isEqualTo(keyDelete.get("before").get("c_text"));
    }

    private static JsonNode payloadOf(List<ChangeEvent> events, String opAndKey) {
        return events.stream()
                .filter(e -> e.opAndKey().equals(opAndKey))
                .findFirst()
                .orElseThrow()
                .payload();
    }

    /** The logical types a decoder meets in the schema envelope, with the connector's default settings. */
    private static void assertDebeziumSemanticTypes(ChangeEvent snapshotEvent) {
        JsonNode after = StreamSupport.stream(
                        snapshotEvent.valueJson().get("schema").get("fields").spliterator(), false)
                .filter(f -> f.get("field").asText().equals("after"))
                .findFirst()
                .orElseThrow();
        Map<String, String> names = new HashMap<>();
        after.get("fields")
                .forEach(f -> names.put(f.get("field").asText(), f.path("name").asText()));
        assertThat(names)
                .containsEntry("c_numeric", "org.apache.kafka.connect.data.Decimal")
                .containsEntry("c_numeric_free", "io.debezium.data.VariableScaleDecimal")
                .containsEntry("c_date", "io.debezium.time.Date")
                .containsEntry("c_time", "io.debezium.time.MicroTime")
                .containsEntry("c_timestamp", "io.debezium.time.MicroTimestamp")
                .containsEntry("c_timestamptz", "io.debezium.time.ZonedTimestamp")
                .containsEntry("c_uuid", "io.debezium.data.Uuid")
                .containsEntry("c_jsonb", "io.debezium.data.Json")
                .containsEntry("c_json", "io.debezium.data.Json");
    }

    private static void recordOrCompare(
            CdcTable table, LogicalPostgres db, List<ChangeEvent> withSchema, List<ChangeEvent> noSchema)
            throws Exception {
        Map<String, List<String>> files = Map.of(
                "events-with-schema.jsonl",
                        withSchema.stream().map(ChangeEvent::toJsonLine).toList(),
                "events-no-schema.jsonl",
                        noSchema.stream().map(ChangeEvent::toJsonLine).toList(),
                "source.sql", sourceScript(table),
                "final-rows.jsonl", db.rows(table.name, "id"));
        if (Boolean.getBoolean("pgsink.recordDebezium")) {
            for (Map.Entry<String, List<String>> f : files.entrySet()) {
                Files.write(RECORDINGS.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
            return;
        }
        String hint = ": the connector's output changed; record it again with -Dpgsink.recordDebezium=true";
        assertThat(lines("source.sql")).as("source.sql" + hint).isEqualTo(files.get("source.sql"));
        assertThat(lines("final-rows.jsonl")).as("final-rows.jsonl" + hint).isEqualTo(files.get("final-rows.jsonl"));
        for (String name : List.of("events-with-schema.jsonl", "events-no-schema.jsonl")) {
            List<ChangeEvent> live = name.contains("with") ? withSchema : noSchema;
            assertThat(live.stream().map(DebeziumSourceIT::stable).toList())
                    .as(name + hint)
                    .isEqualTo(ChangeEvent.recorded(name).stream()
                            .map(DebeziumSourceIT::stable)
                            .toList());
        }
    }

    private static List<String> lines(String file) throws IOException {
        return Files.readAllLines(RECORDINGS.resolve(file), StandardCharsets.UTF_8);
    }

    /** An event without what differs from run to run: the source block (LSN, transaction id, times) and ts_*. */
    private static String stable(ChangeEvent e) {
        if (e.value() == null) {
            return e.topic() + " " + e.key() + " null";
        }
        JsonNode value = e.valueJson();
        ObjectNode payload = (ObjectNode) (value.has("schema") ? value.get("payload") : value);
        payload.remove(List.of("source", "ts_ms", "ts_us", "ts_ns"));
        return e.topic() + " " + e.key() + " " + value;
    }

    /** The script that produced the recorded events, as SQL a person can run. */
    private static List<String> sourceScript(CdcTable table) {
        List<String> sql = new ArrayList<>();
        sql.add("-- The source table and the changes that produced events-*.jsonl (see README.md), in order.");
        table.create().forEach(s -> sql.add(s + ";"));
        sql.add("-- Before the connector starts: its snapshot (op r).");
        table.initialRows().forEach(s -> sql.add(s + ";"));
        for (int step = 1; step <= CdcTable.STEPS; step++) {
            sql.add("-- Step " + step + ", one transaction.");
            sql.add("BEGIN;");
            table.step(step).forEach(s -> sql.add(s + ";"));
            sql.add("COMMIT;");
        }
        return sql;
    }
}
