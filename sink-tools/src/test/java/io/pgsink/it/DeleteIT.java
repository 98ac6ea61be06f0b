package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Deletes: tombstones (json format, found by the record key) and Debezium {@code op=d} events (found by the
 * before-image) remove exactly their rows, also when the insert, update and delete of one key share a batch (every
 * record is produced before the worker starts, so one poll takes them all), and the same stream replayed from offset
 * 0 by a new group into a fresh table gives the same table.
 */
class DeleteIT {

    private static final String DDL = "(id bigint PRIMARY KEY, name text NOT NULL, n int)";
    private static final String ROWS = "SELECT coalesce(string_agg(id || ':' || name || ':' || coalesce(n::text, '-'),"
            + " ' ' ORDER BY id), '') FROM ";

    private final TestServices services = TestServices.get();
    private final String s = "d" + System.nanoTime() % 1_000_000;

    @Test
    void tombstonesRemoveExactlyTheirRowsAndAReplayGivesTheSameTable() throws Exception {
        String topic = "del.json." + s;
        List<String[]> records = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            records.add(json(id, "a" + id, id));
        }
        records.add(json(2, "a2", 200));
        records.add(tombstone(3));
        records.add(tombstone(4));
        records.add(json(30, "x", 1)); // insert, update, delete of one key in one batch
        records.add(json(30, "x", 2));
        records.add(tombstone(30));
        records.add(json(31, "y", 1)); // insert, delete, insert again
        records.add(tombstone(31));
        records.add(json(31, "y", 312));
        records.add(tombstone(32)); // a key that never had a row
        String expected = expectedRows(List.of(3, 4), "2:a2:200", "31:y:312");

        Map<String, String> route = Map.of(
                "route.r.format",
                "json",
                "route.r.mode",
                "upsert",
                "route.r.key.source",
                "record-key",
                "route.r.deletes",
                "true");
        assertSameTableOnReplay(topic, records, route, expected);
    }

    @Test
    void debeziumDeleteEventsRemoveExactlyTheirRowsAndAReplayGivesTheSameTable() throws Exception {
        String topic = "del.dbz." + s;
        List<String[]> records = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            records.add(change("r", id, null, row(id, "a" + id, id)));
        }
        records.add(change("u", 2, row(2, "a2", 2), row(2, "a2", 200)));
        records.add(change("d", 3, row(3, "a3", 3), null));
        records.add(tombstone(3));
        records.add(change("d", 4, row(4, "a4", 4), null)); // no tombstone: the delete event alone removes it
        records.add(change("c", 30, null, row(30, "x", 1))); // insert, update, delete of one key in one batch
        records.add(change("u", 30, row(30, "x", 1), row(30, "x", 2)));
        records.add(change("d", 30, row(30, "x", 2), null));
        records.add(tombstone(30));
        records.add(change("c", 31, null, row(31, "y", 1))); // insert, delete, insert again
        records.add(change("d", 31, row(31, "y", 1), null));
        records.add(tombstone(31));
        records.add(change("c", 31, null, row(31, "y", 312)));
        records.add(change("d", 32, row(32, "z", 1), null)); // a key that never had a row
        String expected = expectedRows(List.of(3, 4), "2:a2:200", "31:y:312");

        assertSameTableOnReplay(
                topic, records, Map.of("route.r.format", "debezium", "route.r.mode", "upsert"), expected);
    }

    private void assertSameTableOnReplay(
            String topic, List<String[]> records, Map<String, String> route, String expected) throws Exception {
        services.createTopic(topic, 1);
        services.createTopic(topic + ".dlt", 1);
        produce(topic, records);
        String first = "del_first_" + s;
        String replay = "del_replay_" + s;
        execute("CREATE TABLE " + first + " " + DDL);
        execute("CREATE TABLE " + replay + " " + DDL);

        sync(topic, first, "g.del1." + s, route, records.size());
        assertThat(query(ROWS + first)).isEqualTo(expected);
        // A new group starts at offset 0: the same stream again, into a fresh table.
        sync(topic, replay, "g.del2." + s, route, records.size());
        assertThat(query("SELECT md5((" + ROWS + replay + "))")).isEqualTo(query("SELECT md5((" + ROWS + first + "))"));
        assertThat(CdcSyncIT.endOffset(topic + ".dlt"))
                .as("dead-lettered records")
                .isZero();
    }

    private void sync(String topic, String table, String group, Map<String, String> route, int records)
            throws Exception {
        Map<String, String> c = new HashMap<>(route);
        c.put("kafka.bootstrap.servers", services.kafkaBootstrap());
        c.put("kafka.group.id", group);
        c.put("postgres.url", services.jdbcUrl());
        c.put("postgres.user", services.dbUser());
        c.put("postgres.password", services.dbPassword());
        c.put("shutdown.timeout.ms", "10000");
        c.put("route.r.topics", topic);
        c.put("route.r.table", table);
        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(c))) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> CdcSyncIT.committed(group, topic) == records);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }
    }

    /** Rows 1 to 20 as first written, without {@code deleted}, with the updated ones, in id order. */
    private static String expectedRows(List<Integer> deleted, String updated2, String extra) {
        List<String> rows = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            if (!deleted.contains(id)) {
                rows.add(id == 2 ? updated2 : id + ":a" + id + ":" + id);
            }
        }
        rows.add(extra);
        return String.join(" ", rows);
    }

    private static String[] json(int id, String name, int n) {
        return new String[] {key(id), row(id, name, n)};
    }

    private static String row(int id, String name, int n) {
        return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"n\":" + n + "}";
    }

    /** A Debezium change event as JsonConverter writes it with {@code schemas.enable=false}. */
    private static String[] change(String op, int id, String before, String after) {
        return new String[] {
            key(id),
            "{\"before\":" + before + ",\"after\":" + after
                    + ",\"source\":{\"connector\":\"postgresql\",\"table\":\"t\"}," + "\"op\":\"" + op
                    + "\",\"ts_ms\":1700000000000}"
        };
    }

    private static String[] tombstone(int id) {
        return new String[] {key(id), null};
    }

    private static String key(int id) {
        return "{\"id\":" + id + "}";
    }

    private void produce(String topic, List<String[]> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap(),
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (String[] r : records) {
                producer.send(new ProducerRecord<>(topic, bytes(r[0]), bytes(r[1])));
            }
            producer.flush();
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
