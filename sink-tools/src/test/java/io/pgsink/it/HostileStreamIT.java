package io.pgsink.it;

import static io.pgsink.it.DeadLetters.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A stream with every kind of bad record mixed into good ones, at full speed (big batches) and at a trickle (one
 * record per batch): the worker never stops, every good record lands exactly, every bad one is dead-lettered once
 * with the right kind and SQLSTATE, and the committed offsets reach the end.
 */
class HostileStreamIT {

    private static final String DDL = "(id bigint PRIMARY KEY, body text, tag text, note text)";
    private static final int BLOCK = 100;
    private static final int TWO_MB = 2 * 1024 * 1024;
    /** What each bad record's dead letter must say: its SQLSTATE, or "-" for a record that never reached SQL. */
    private static final String DECODE = "-";

    private final Random random = new Random(42);
    private final Map<Long, String> expectedSqlState = new HashMap<>();
    private final Map<Long, Integer> omittedValueSize = new HashMap<>();
    private long expectedChecksum;
    private long expectedRows;

    @Test
    void atFullSpeedNoBadRecordStopsTheWorker() throws Exception {
        run("hostile", 2_000, "batch.linger.ms", "200");
    }

    @Test
    void atATrickleOfOneRecordPerBatchNoBadRecordStopsTheWorker() throws Exception {
        run("hostiletrickle", 300, "batch.max.records", "1");
    }

    private void run(String name, int records, String... config) throws Exception {
        SinkFixture f = new SinkFixture(name, 1, true, DDL);
        f.execute("CREATE INDEX ON " + f.table + " (tag)");
        f.execute("CREATE FUNCTION " + f.table + "_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.note = 'raise' THEN RAISE EXCEPTION 'note refused'; END IF; RETURN NEW; END $$");
        f.execute("CREATE TRIGGER guard BEFORE INSERT ON " + f.table + " FOR EACH ROW EXECUTE FUNCTION " + f.table
                + "_guard()");
        allowLargeRecords(f);
        produce(f, records);

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(config))) {
            await().atMost(Duration.ofSeconds(50))
                    .until(() ->
                            f.committedTotal() == records || worker.health().status() == Health.Status.FAILED);
            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(f.committedTotal()).isEqualTo(records);
            assertThat(worker.stats().recordsDeadLettered()).isEqualTo(expectedSqlState.size());
        }

        assertThat(f.rowCount()).isEqualTo(expectedRows);
        assertThat(f.queryLong("SELECT coalesce(sum(('x' || substr(md5(id || '|' || md5(body) || '|' || tag || '|'"
                        + " || note), 1, 12))::bit(48)::bigint), 0) FROM " + f.table))
                .isEqualTo(expectedChecksum);
        List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.readAll(f);
        Map<Long, String> found = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            long offset = Long.parseLong(header(r, "offset"));
            assertThat(found.put(offset, header(r, "sqlstate") == null ? DECODE : header(r, "sqlstate")))
                    .as("dead-lettered once: offset %d", offset)
                    .isNull();
            assertThat(header(r, "kind")).isEqualTo("POISON");
            assertThat(header(r, "id")).isEqualTo(f.group + "/" + f.topic + "/0/" + offset);
            if (omittedValueSize.containsKey(offset)) {
                assertThat(r.value()).isNull();
                assertThat(header(r, "value.omitted")).isEqualTo("true");
                assertThat(header(r, "value.size"))
                        .isEqualTo(omittedValueSize.get(offset).toString());
            } else {
                assertThat(header(r, "value.omitted")).isNull();
            }
        }
        assertThat(found).isEqualTo(expectedSqlState);
    }

    /** The source topic takes records of a few MB; the dead-letter topic keeps the broker's default (1 MB). */
    private static void allowLargeRecords(SinkFixture f) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, f.services.kafkaBootstrap()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, f.topic);
            AlterConfigOp op = new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024)),
                    AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get();
        }
    }

    private void produce(SinkFixture f, int records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        f.services.kafkaBootstrap(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        8 * 1024 * 1024,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                String value = value(i);
                producer.send(new ProducerRecord<>(
                        f.topic,
                        ("k" + i).getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** The record at offset {@code i}, noting what must become of it. */
    private String value(long i) throws Exception {
        int at = (int) (i % BLOCK);
        boolean first = i < BLOCK;
        if (at == 10) {
            return bad(i, DECODE, "{\"id\": " + i + ", \"body\": ");
        }
        if (at == 20) {
            return bad(i, DECODE, "{\"id\": " + i + ", \"body\": \"a\\u0000b\"}");
        }
        if (at >= 30 && at < 42) {
            // Twelve in a row that are not objects at all: no column, no SQLSTATE, never drift.
            return bad(i, DECODE, List.of("[1, 2]", "\"text\"", "7").get(at % 3), at % 2 == 0);
        }
        if (at == 50 || at == 51 || at == 90) {
            return bad(i, "P0001", good(i, "b" + i, "t" + i, "raise"));
        }
        if (at == 60 || at == 95) {
            return bad(i, "54000", good(i, "b" + i, randomText(10_000), "n" + i));
        }
        if (at == 70 && first) {
            String huge = "{\"id\": " + i + ", \"body\": \"" + "x".repeat(TWO_MB); // not JSON: never closed
            omittedValueSize.put(i, huge.getBytes(StandardCharsets.UTF_8).length);
            return bad(i, DECODE, huge);
        }
        if (at == 80 && first) {
            return written(i, "y".repeat(TWO_MB), "t" + i, "n" + i);
        }
        return written(i, "b" + i, "t" + (i % 50), "n" + i);
    }

    private String bad(long i, String sqlState, String value) {
        return bad(i, sqlState, value, false);
    }

    /**
     * A record that can never be written, dead-lettered with {@code sqlState}; or a tombstone, which the route
     * (deletes off, as the flat keys configure it) skips: neither written nor dead-lettered, its offset committed.
     */
    private String bad(long i, String sqlState, String value, boolean tombstone) {
        if (tombstone) {
            return null;
        }
        expectedSqlState.put(i, sqlState);
        return value;
    }

    private String written(long i, String body, String tag, String note) throws Exception {
        expectedRows++;
        String row = i + "|" + md5(body) + "|" + tag + "|" + note;
        expectedChecksum += Long.parseLong(md5(row).substring(0, 12), 16);
        return good(i, body, tag, note);
    }

    private static String good(long i, String body, String tag, String note) {
        return "{\"id\": " + i + ", \"body\": \"" + body + "\", \"tag\": \"" + tag + "\", \"note\": \"" + note + "\"}";
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static String md5(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }
}
