package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.testing.ChildJvm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Insert mode keyed by the Kafka coordinates: a table with topic, partition and offset columns (the default names
 * given in {@code mapping.metadata}) and a unique index on them, written with {@code delivery.guarantee=at-least-once}
 * so that the worker keeps no progress in the database and a SIGKILL mid-stream makes the restarted worker write
 * again records it had already written. The coordinates key alone must make that idempotent: exactly N rows, no
 * (topic, partition, offset) twice, the payloads exactly those produced, and nothing dead-lettered: a replayed
 * record is skipped by ON CONFLICT on its coordinates, not rejected as a duplicate key (23505). The group is then
 * rewound to the start, so that every record is written a second time whatever the kill's timing was.
 */
class CoordinatesKeyIT {

    private static final int RECORDS = 60_000;
    private static final String DDL = "(topic text NOT NULL, partition int NOT NULL, \"offset\" bigint NOT NULL,"
            + " id bigint NOT NULL, payload text NOT NULL, UNIQUE (topic, partition, \"offset\"))";

    @Test
    void workerKilledMidStreamInInsertModeWritesEveryRecordOnceByItsCoordinates() throws Exception {
        SinkFixture f = new SinkFixture("coords", 2, true, DDL);
        f.produceValues(0, RECORDS, id -> "{\"id\":" + id + ",\"payload\":\"" + payload(id) + "\"}");

        ChildJvm worker = start(f);
        try {
            ChildJvm first = worker;
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> f.rowCount() >= RECORDS / 3 || !first.process().isAlive());
            assertThat(first.process().isAlive()).as(first.output()).isTrue();
            worker.kill();
            long writtenBeforeKill = f.rowCount();
            long committedBeforeKill = f.committedTotal();
            assertThat(writtenBeforeKill).as("killed mid-stream").isLessThan(RECORDS);
            // Rows beyond the committed offsets are written again after the restart; how many depends on timing.
            System.out.printf(
                    "coordinates key: killed with %d rows written and %d offsets committed: %d records redelivered%n",
                    writtenBeforeKill, committedBeforeKill, writtenBeforeKill - committedBeforeKill);
            worker = start(f);
            ChildJvm restarted = worker;
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(
                            () -> f.committedTotal() == RECORDS,
                            done -> done || !restarted.process().isAlive());
            assertThat(f.committedTotal()).as(worker.output()).isEqualTo(RECORDS);
            worker.terminate();
            assertThat(worker.waitFor(Duration.ofSeconds(60)))
                    .as(worker.output())
                    .isEqualTo(143);

            // How much the kill made the worker write again depends on timing (it may be nothing): rewind the
            // group to the start, so that every record is written again for certain, each onto its own row.
            Map<TopicPartition, OffsetAndMetadata> start = Map.of(
                    new TopicPartition(f.topic, 0), new OffsetAndMetadata(0),
                    new TopicPartition(f.topic, 1), new OffsetAndMetadata(0));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> f.setKafkaOffsets(start));
            worker = start(f);
            ChildJvm replaying = worker;
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(
                            () -> f.committedTotal() == RECORDS,
                            done -> done || !replaying.process().isAlive());
            assertThat(f.committedTotal()).as(worker.output()).isEqualTo(RECORDS);
        } finally {
            worker.close();
        }

        assertThat(f.rowCount()).isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT count(DISTINCT (topic, partition, \"offset\")) FROM " + f.table))
                .isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT count(DISTINCT id) FROM " + f.table)).isEqualTo(RECORDS);
        // With no offset twice, each partition's offsets are 0 to its count - 1: none missing.
        assertThat(f.queryLong("SELECT count(*) FROM (SELECT partition FROM " + f.table + " WHERE topic = '" + f.topic
                        + "' GROUP BY partition HAVING min(\"offset\") = 0 AND max(\"offset\") = count(*) - 1) p"))
                .isEqualTo(2);
        assertThat(f.queryLong(
                        "SELECT count(*) FROM " + f.table + " WHERE payload <> 'p-' || id || '-' || md5(id::text)"))
                .isZero();
        String digest = "SELECT ('x' || left(md5(string_agg(payload, ',' ORDER BY id)), 15))::bit(60)::bigint FROM ";
        assertThat(f.queryLong(digest + f.table)).isEqualTo(expectedDigest());
        assertThat(f.deadLetterCount()).isZero();
    }

    private static ChildJvm start(SinkFixture f) throws Exception {
        Map<String, String> config = f.config(
                "delivery.guarantee", "at-least-once",
                "kafka.consumer.session.timeout.ms", "6000",
                "kafka.consumer.heartbeat.interval.ms", "1000",
                "route.r.topics", f.topic,
                "route.r.table", f.table,
                "route.r.mode", "insert",
                "route.r.key.source", "coordinates",
                // The route refuses coordinates without all three named, although KeyColumns has defaults.
                "route.r.mapping.metadata", "topic:topic,partition:partition,offset:offset",
                "route.r.deadletter.topic", f.topic + ".dlt");
        config.remove("kafka.topics");
        config.remove("table");
        return ChildJvm.start(
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of("run", "--config", ChildJvm.propertiesFile(config).toString()),
                Map.of());
    }

    private static String payload(long id) {
        return "p-" + id + "-" + md5(Long.toString(id));
    }

    /** The first 60 bits of the MD5 of every payload in id order, joined by commas: as the query computes it. */
    private static long expectedDigest() {
        StringBuilder all = new StringBuilder();
        for (long id = 0; id < RECORDS; id++) {
            all.append(id == 0 ? "" : ",").append(payload(id));
        }
        return Long.parseLong(md5(all.toString()).substring(0, 15), 16);
    }

    private static String md5(String text) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, d));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
