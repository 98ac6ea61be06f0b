package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** Bad records go to the dead-letter topic with their coordinates and original bytes; nothing else does. */
class DeadLetterIT {

    private static final String DDL = "(id bigint PRIMARY KEY, name varchar(10) NOT NULL,"
            + " qty int CHECK (qty >= 0), at timestamptz, note text)";
    /** Index in the stream (= offset, one partition) of each bad record, and what is wrong with it. */
    private static final Map<Integer, String> BAD = Map.of(
            500, "{\"id\": 500, \"name\": ", // invalid JSON
            1500, "{\"id\": 1500, \"name\": null, \"qty\": 1}", // NOT NULL
            2500, "{\"id\": 2500, \"name\": \"n\", \"qty\": -1}", // CHECK
            3500, "{\"id\": 3500, \"name\": \"far-too-long-for-ten\", \"qty\": 1}", // varchar(10)
            4500, "{\"id\": 4500, \"name\": \"n\", \"at\": \"next thursday\"}", // timestamp
            5500, "{\"id\": 5500, \"name\": \"n\", \"note\": \"a\\u0000b\"}", // NUL in text
            6500, "{\"id\": 10, \"name\": \"dup\", \"qty\": 1}"); // duplicate key

    private static String good(long i) {
        return "{\"id\": " + i + ", \"name\": \"n" + (i % 1000) + "\", \"qty\": " + (i % 50)
                + ", \"at\": \"2026-01-01T00:00:00Z\", \"note\": \"tab\\there\"}";
    }

    @Test
    void sevenBadRecordsAmongTenThousandAreDeadLetteredAndTheRestWritten() throws Exception {
        SinkFixture f = new SinkFixture("dlt", 1, true, DDL);
        f.produceValues(0, 10_000, i -> BAD.getOrDefault((int) i, good(i)));

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 10_000);
            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isEqualTo(7);
            // Bisection: about k·log2(n) sub-batch writes for k bad records among n, not one per record.
            assertThat(worker.stats().isolationWrites()).isPositive().isLessThanOrEqualTo(2L * 7 * 14);
        }

        assertThat(f.rowCount()).isEqualTo(9_993);
        assertThat(f.queryLong("SELECT sum(id) FROM " + f.table))
                .isEqualTo(49_995_000L - (500 + 1500 + 2500 + 3500 + 4500 + 5500 + 6500));
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE note = E'tab\\there'"))
                .isEqualTo(9_993);

        List<ConsumerRecord<byte[], byte[]>> dead = readAll(f, f.topic + ".dlt", 7);
        assertThat(dead).hasSize(7);
        Map<Integer, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
        dead.forEach(r -> byOffset.put(Integer.parseInt(header(r, "offset")), r));
        assertThat(byOffset.keySet()).isEqualTo(BAD.keySet());
        byOffset.forEach((offset, r) -> {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(BAD.get(offset));
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k" + offset);
            assertThat(header(r, "topic")).isEqualTo(f.topic);
            assertThat(header(r, "partition")).isEqualTo("0");
            assertThat(header(r, "group")).isEqualTo(f.group);
            assertThat(header(r, "kind")).isEqualTo("POISON");
            assertThat(header(r, "timestamp")).isNotNull();
            assertThat(header(r, "worker")).startsWith("pgsink-");
            assertThat(header(r, "id")).isEqualTo(f.group + "/" + f.topic + "/0/" + offset);
            assertThat(header(r, "value.omitted")).isNull();
            assertThat(header(r, "message")).doesNotContain("far-too-long-for-ten");
        });
        assertThat(header(byOffset.get(500), "sqlstate")).isNull();
        assertThat(header(byOffset.get(1500), "sqlstate")).isEqualTo("23502");
        assertThat(header(byOffset.get(1500), "column")).isEqualTo("name");
        assertThat(header(byOffset.get(2500), "sqlstate")).isEqualTo("23514");
        assertThat(header(byOffset.get(2500), "constraint")).isEqualTo(f.table + "_qty_check");
        assertThat(header(byOffset.get(3500), "sqlstate")).isEqualTo("22001");
        assertThat(header(byOffset.get(4500), "column")).isEqualTo("at");
        assertThat(header(byOffset.get(5500), "message")).contains("NUL");
        assertThat(header(byOffset.get(6500), "sqlstate")).isEqualTo("23505");
        assertThat(header(byOffset.get(6500), "constraint")).isEqualTo(f.table + "_pkey");
    }

    @Test
    void inUpsertModeABadLaterRecordOfAKeyIsDeadLetteredAndTheEarlierOnesStillApply() throws Exception {
        SinkFixture f = new SinkFixture("upsertpoison", 1, true, DDL);
        // Records 0-99 are ids 0-99; 100-199 repeat ids 0-99 with a second version (name and note only; the name
        // must be there, since PostgreSQL checks NOT NULL on an upsert's proposed row), and 150 breaks the CHECK.
        f.produceValues(
                0,
                200,
                i -> i < 100
                        ? good(i)
                        : i == 150
                                ? "{\"id\": 50, \"name\": \"n\", \"qty\": -1}"
                                : "{\"id\": " + (i - 100) + ", \"name\": \"v2\", \"note\": \"second\"}");

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig("write.mode", "upsert", "batch.linger.ms", "500"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 200);
            assertThat(worker.stats().recordsDeadLettered()).isEqualTo(1);
        }

        assertThat(f.rowCount()).isEqualTo(100);
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE note = 'second'"))
                .isEqualTo(99);
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE id = 50 AND qty = 0 AND name = 'n50'"
                        + " AND note = E'tab\\there'"))
                .as("id 50 keeps its first version")
                .isEqualTo(1);
        assertThat(readAll(f, f.topic + ".dlt", 1))
                .singleElement()
                .satisfies(r -> assertThat(header(r, "offset")).isEqualTo("150"));
    }

    @Test
    void aMissingDeadLetterTopicStopsThePartitionWithoutCommittingPastTheBadRecord() throws Exception {
        SinkFixture f = new SinkFixture("nodlt", 1, false, DDL);
        f.produceValues(0, 200, i -> i == 50 ? BAD.get(2500) : good(i));

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(
                "write.mode", "upsert", "deadletter.timeout.ms", "2000", "deadletter.topic.create", "false"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> worker.health().status() == Health.Status.FAILED);
            assertThat(worker.health().detail()).contains("dead-letter");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> f.committedTotal() <= 50);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader("pgsink.error." + name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(SinkFixture f, String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, f.services.kafkaBootstrap()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
                return found.size() >= atLeast;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(found::add); // anything beyond what was expected
        }
        return found;
    }
}
