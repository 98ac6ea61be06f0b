package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.TestServices;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Change data capture end to end: the real Debezium PostgreSQL connector (JsonConverter with
 * {@code schemas.enable=true}) streams {@link CdcTable}'s inserts, updates, deletes with tombstones and an update of
 * a primary key, and a pgsink route (format debezium, upsert by the record key, deletes on) replays them into a
 * second table in the same database, which must then equal the source row for row and value for value.
 *
 * <p>Not covered: {@code schemas.enable=false}. Without the schema envelope the events carry no logical types, so
 * the sink sees numerics as base64 bytes or doubles, dates as day counts, times and timestamps as epoch micros and
 * bytea as base64 text with nothing saying so; only the target table's column types can interpret them.
 */
class CdcSyncIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void targetEqualsSourceValueForValueAfterInsertsUpdatesDeletesAndAKeyChange() throws Exception {
        String suffix = "s" + System.nanoTime() % 1_000_000;
        CdcTable source = new CdcTable("cdc_src_" + suffix);
        String target = "cdc_dst_" + suffix;
        String group = "g.cdc." + suffix;
        try (DebeziumSource debezium = DebeziumSource.start()) {
            LogicalPostgres db = debezium.database();
            db.execute(source.create());
            db.execute(new CdcTable(target).create());
            db.execute(source.initialRows());
            String topic = debezium.startConnector("cdc_" + suffix, source.name, true);
            debezium.awaitEvents(topic, 3, WAIT); // the snapshot
            TestServices.get().createTopic(topic + ".dlt", 1);

            try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(config(db, topic, target, group)))) {
                // The worker applies the snapshot while the script runs, so the changes span several batches.
                for (int step = 1; step <= CdcTable.STEPS; step++) {
                    db.execute(source.step(step));
                }
                debezium.awaitEvents(topic, CdcTable.EXPECTED_EVENTS.size(), WAIT);
                long end = endOffset(topic);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> committed(group, topic) == end);
                assertThat(worker.stats().recordsDeadLettered()).isZero();
            }
            assertThat(db.differences(source.name, target)).isEmpty();
            assertThat(db.rows(target, "id")).hasSize(CdcTable.FINAL_KEYS.size());
            assertThat(endOffset(topic + ".dlt")).as("dead-lettered records").isZero();
        }
    }

    private static Map<String, String> config(LogicalPostgres db, String topic, String target, String group) {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", TestServices.get().kafkaBootstrap());
        c.put("kafka.group.id", group);
        c.put("postgres.url", db.jdbcUrl());
        c.put("postgres.user", db.user());
        c.put("postgres.password", db.password());
        c.put("shutdown.timeout.ms", "10000");
        c.put("route.cdc.topics", topic);
        c.put("route.cdc.table", target);
        c.put("route.cdc.format", "debezium");
        c.put("route.cdc.mode", "upsert");
        c.put("route.cdc.key.source", "record-key");
        c.put("route.cdc.deletes", "true");
        return c;
    }

    static long endOffset(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = admin()) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
        }
    }

    /** The group's committed offsets on the topic, summed over its partitions; 0 before its first commit. */
    static long committed(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.get().kafkaBootstrap()));
    }
}
