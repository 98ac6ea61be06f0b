package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsink.SinkWorker;
import io.pgsink.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The operator's fix-then-replay loop. A producer starts sending a field the table has no column for yet
 * ({@code input.unknown.fields=reject}), so one record in five is dead-lettered into a dead-letter topic the worker
 * creates itself; {@code dlq inspect} lists them; the column is added; {@code dlq replay} sends them back to their
 * topic and the worker writes each exactly once; a second replay sends nothing.
 */
class DlqReplayIT {

    /** No key: a record written twice would be a second row, so duplicates can be counted. */
    private static final String DDL = "(id bigint, account text NOT NULL, amount numeric(14,2))";

    private static final int RECORDS = 200;
    private static final int DEAD = RECORDS / 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String record(long id) {
        String coupon = id % 5 == 0 ? ",\"coupon\":\"C" + id + "\"" : "";
        return "{\"id\":" + id + ",\"account\":\"a" + (id % 7) + "\",\"amount\":" + id + coupon + "}";
    }

    @Test
    void deadLettersOfAMissingColumnAreReplayedOnceAfterTheColumnIsAdded() throws Exception {
        SinkFixture f = new SinkFixture("dlq_replay", 2, false, DDL);
        f.produceValues(0, RECORDS, DlqReplayIT::record);
        String[] settings = {"input.unknown.fields", "reject", "deadletter.topic.partitions", "2"};
        Path config = ChildJvm.propertiesFile(f.config(settings));

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(settings))) {
            assertThat(deadLetterPartitions(f))
                    .as("created at start, with the configured partitions")
                    .isEqualTo(2);
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == RECORDS);
            assertThat(worker.stats().recordsDeadLettered()).isEqualTo(DEAD);
        }
        assertThat(f.rowCount()).isEqualTo(RECORDS - DEAD);
        assertThat(endOffsets(f, f.topic + ".dlt")).isEqualTo(DEAD);

        inspectListsAndFilters(f, config);

        String dryRun = command(List.of("dlq", "replay", "--config", config.toString(), "--dry-run"));
        assertThat(dryRun).contains("dry run: would replay " + DEAD + " of " + DEAD + " dead letter(s) read");
        assertThat(endOffsets(f, f.topic)).as("a dry run sends nothing").isEqualTo(RECORDS);

        f.execute("ALTER TABLE " + f.table + " ADD COLUMN coupon text");
        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(settings))) {
            String replay = command(List.of("dlq", "replay", "--config", config.toString()));
            assertThat(replay).contains("replayed " + DEAD + " of " + DEAD + " dead letter(s) read");
            assertThat(endOffsets(f, f.topic)).isEqualTo(RECORDS + DEAD);
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == RECORDS + DEAD);
            assertThat(worker.stats().recordsDeadLettered()).isZero();

            String again = command(List.of("dlq", "replay", "--config", config.toString()));
            assertThat(again).contains("replayed 0 of 0 dead letter(s) read");
            assertThat(endOffsets(f, f.topic))
                    .as("the second replay sends nothing")
                    .isEqualTo(RECORDS + DEAD);
        }

        assertThat(f.rowCount()).isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT count(DISTINCT id) FROM " + f.table)).isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE coupon = 'C' || id AND id % 5 = 0"))
                .as("every dead letter written once, with the field that was missing a column")
                .isEqualTo(DEAD);
        assertThat(f.queryLong("SELECT sum(amount) FROM " + f.table)).isEqualTo((long) RECORDS * (RECORDS - 1) / 2);
        assertThat(endOffsets(f, f.topic + ".dlt"))
                .as("nothing dead-lettered again")
                .isEqualTo(DEAD);
    }

    private static void inspectListsAndFilters(SinkFixture f, Path config) throws Exception {
        List<JsonNode> all =
                json(command(List.of("dlq", "inspect", "--config", config.toString(), "--format", "json")));
        assertThat(all).hasSize(DEAD);
        assertThat(all).allSatisfy(letter -> {
            assertThat(letter.get("topic").asText()).isEqualTo(f.topic + ".dlt");
            assertThat(letter.get("error").get("kind").asText()).isEqualTo("POISON");
            assertThat(letter.get("error").get("topic").asText()).isEqualTo(f.topic);
            assertThat(letter.get("error").get("message").asText()).contains("coupon");
            assertThat(letter.has("value")).as("values only with --show-values").isFalse();
        });
        List<String> sources = all.stream()
                .map(l -> l.get("error").get("partition").asText() + "@"
                        + l.get("error").get("offset").asText())
                .distinct()
                .toList();
        assertThat(sources).as("one dead letter per rejected record").hasSize(DEAD);

        long onPartitionZero =
                all.stream().filter(l -> l.get("partition").asInt() == 0).count();
        assertThat(json(command(List.of(
                        "dlq", "inspect", "--config", config.toString(), "--format", "json", "--partition", "0"))))
                .hasSize((int) onPartitionZero)
                .allSatisfy(l -> assertThat(l.get("partition").asInt()).isZero());
        assertThat(json(command(List.of(
                        "dlq", "inspect", "--config", config.toString(), "--format", "json", "--kind", "fatal"))))
                .isEmpty();
        String table = command(List.of("dlq", "inspect", "--config", config.toString(), "--limit", "3"));
        assertThat(table).contains("SOURCE").contains("3 dead letter(s)").doesNotContain("coupon\":");
    }

    private static List<JsonNode> json(String output) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.lines().filter(l -> l.startsWith("{")).toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    /** Runs a pgsink command from the worker jar; returns its output, asserting it exited 0. */
    private static String command(List<String> args) throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("-Xmx256m"), args, Map.of())) {
            assertThat(child.waitFor(Duration.ofMinutes(2))).as(child.output()).isZero();
            return child.output();
        }
    }

    private static int deadLetterPartitions(SinkFixture f) throws Exception {
        try (Admin admin = admin(f)) {
            TopicDescription d = admin.describeTopics(List.of(f.topic + ".dlt"))
                    .allTopicNames()
                    .get()
                    .get(f.topic + ".dlt");
            return d.partitions().size();
        }
    }

    /** The sum of the topic's end offsets: how many records it ever received. */
    private static long endOffsets(SinkFixture f, String topic) throws Exception {
        try (Admin admin = admin(f)) {
            int partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .size();
            long sum = 0;
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                sum += admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                        .partitionResult(tp)
                        .get()
                        .offset();
            }
            return sum;
        }
    }

    private static Admin admin(SinkFixture f) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, f.services.kafkaBootstrap()));
    }
}
