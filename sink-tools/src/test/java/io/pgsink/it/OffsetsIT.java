package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.GroupOffsets;
import io.pgsink.PartitionOffsets;
import io.pgsink.SinkWorker;
import io.pgsink.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@code pgsink offsets list} and {@code reset}, run from the worker jar as an operator would, against a group
 * whose workers ran in exactly-once mode.
 */
class OffsetsIT {

    /** No key: a record written twice is a second row, so duplicates can be counted per id. */
    private static final String NO_KEY_DDL =
            "(id bigint, account text NOT NULL, amount numeric(14,2), at timestamptz, payload jsonb, version int)";

    private static final int PER_PARTITION = 300;

    @Test
    void resetToOffsetOfOnePartitionMakesAnExactlyOnceWorkerWriteItsRecordsFromThereAgain() throws Exception {
        SinkFixture f = new SinkFixture("offsets_reset", 2, true, NO_KEY_DDL);
        produceByPartition(f);
        runToTheEnd(f);
        Path config = ChildJvm.propertiesFile(f.config());

        List<String> listed = lines(offsets(List.of("list", "--config", config.toString(), "--json"), 0));
        assertThat(listed)
                .containsExactly(
                        listLine(f.topic, 0, PER_PARTITION, PER_PARTITION, 0),
                        listLine(f.topic, 1, PER_PARTITION, PER_PARTITION, 0));

        String reset = offsets(
                List.of(
                        "reset",
                        "--config",
                        config.toString(),
                        "--to-offset",
                        "100",
                        "--topic",
                        f.topic,
                        "--partition",
                        "0",
                        "--execute"),
                0);
        assertThat(reset).containsPattern("\\Q" + f.topic + "\\E +0 +300 +100").contains("applied: 1 partition(s)");
        try (GroupOffsets offsets = GroupOffsets.open(f.sinkConfig())) {
            PartitionOffsets p0 = offsets.list().get(0);
            assertThat(p0.committed()).isEqualTo(100);
            assertThat(p0.nextOffset()).isEqualTo(100);
            assertThat(p0.owner()).isEqualTo("pgsink offsets reset");
            assertThat(p0.lag()).isEqualTo(200);
        }

        try (SinkWorker again = SinkWorker.start(f.sinkConfig("delivery.guarantee", "exactly-once"))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 2 * PER_PARTITION);
            assertThat(again.stats().recordsDeadLettered()).isZero();
        }
        assertThat(f.rowCount()).isEqualTo(2 * PER_PARTITION + 200);
        assertThat(idsWrittenTwice(f))
                .isEqualTo(LongStream.range(100, PER_PARTITION).boxed().toList());
    }

    /**
     * A worker killed after its transaction committed and before its Kafka commit leaves the group's offset behind
     * the progress table's. The next owner starts from the table and commits that start to the group as well, even
     * on a partition with nothing more to read: otherwise consumer lag (and an autoscaler reading it) stays up for
     * good.
     */
    @Test
    void groupOffsetsBehindTheProgressTableAreBroughtUpToItWithoutWritingAgain() throws Exception {
        SinkFixture f = new SinkFixture("offsets_behind", 2, true, NO_KEY_DDL);
        produceByPartition(f);
        runToTheEnd(f);
        f.setKafkaOffsets(Map.of(
                new TopicPartition(f.topic, 0), new OffsetAndMetadata(0),
                new TopicPartition(f.topic, 1), new OffsetAndMetadata(120)));
        assertThat(f.committedTotal()).isEqualTo(120);

        try (SinkWorker again = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 2 * PER_PARTITION);
            assertThat(again.stats().recordsWritten()).isZero();
        }
        assertThat(f.rowCount()).isEqualTo(2 * PER_PARTITION);
        assertThat(idsWrittenTwice(f)).isEmpty();
    }

    @Test
    void resetIsRefusedWhileAWorkerOfTheGroupRuns() throws Exception {
        SinkFixture f = new SinkFixture("offsets_refused", 2, true, NO_KEY_DDL);
        produceByPartition(f);
        Path config = ChildJvm.propertiesFile(f.config());

        try (SinkWorker running = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 2 * PER_PARTITION);

            String dryRun = offsets(List.of("reset", "--config", config.toString(), "--to-earliest"), 0);
            assertThat(dryRun).contains("dry run: nothing changed");

            String refused = offsets(List.of("reset", "--config", config.toString(), "--to-earliest", "--execute"), 1);
            assertThat(refused.lines().filter(line -> line.startsWith("pgsink offsets reset:")))
                    .containsExactly("pgsink offsets reset: consumer group " + f.group
                            + " has 1 active member(s): stop every worker of the group and run the reset again;"
                            + " nothing was changed");
            assertThat(f.committedTotal()).isEqualTo(2 * PER_PARTITION);
            try (GroupOffsets offsets = GroupOffsets.open(f.sinkConfig())) {
                assertThat(offsets.list())
                        .extracting(PartitionOffsets::nextOffset)
                        .containsExactly((long) PER_PARTITION, (long) PER_PARTITION);
            }
        }
        assertThat(f.rowCount()).isEqualTo(2 * PER_PARTITION);
    }

    /** Ids 0..299 to partition 0 and 1000..1299 to partition 1, in order: on each partition, offset = id % 1000. */
    private static void produceByPartition(SinkFixture f) {
        try (KafkaProducer<byte[], byte[]> producer = f.producer()) {
            for (int partition = 0; partition < 2; partition++) {
                for (long id = partition * 1000L; id < partition * 1000L + PER_PARTITION; id++) {
                    producer.send(new ProducerRecord<>(
                            f.topic,
                            partition,
                            ("k" + id).getBytes(StandardCharsets.UTF_8),
                            SinkFixture.event(id, 1).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static void runToTheEnd(SinkFixture f) throws Exception {
        try (SinkWorker worker = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 2 * PER_PARTITION);
        }
        assertThat(f.rowCount()).isEqualTo(2 * PER_PARTITION);
    }

    /** Runs {@code pgsink offsets ARGS} from the worker jar; returns its output, asserting the exit code. */
    private static String offsets(List<String> args, int expectedExit) throws Exception {
        List<String> command = new ArrayList<>(List.of("offsets"));
        command.addAll(args);
        try (ChildJvm child = ChildJvm.start(List.of("-Xmx256m"), command, Map.of())) {
            assertThat(child.waitFor(Duration.ofMinutes(2))).as(child.output()).isEqualTo(expectedExit);
            return child.output();
        }
    }

    private static List<String> lines(String output) {
        // The owner is the worker's random id, and its generation counts its claims: only their form is fixed.
        return output.lines()
                .filter(line -> line.startsWith("{"))
                .map(line -> line.replaceAll("\"owner\":\"pgsink-[0-9a-f]{8}\"", "\"owner\":\"OWNER\"")
                        .replaceAll("\"generation\":[1-9][0-9]*", "\"generation\":G"))
                .toList();
    }

    private static String listLine(String topic, int partition, long offset, long end, long lag) {
        return "{\"topic\":\"" + topic + "\",\"partition\":" + partition + ",\"committed\":" + offset
                + ",\"next_offset\":" + offset + ",\"generation\":G,\"owner\":\"OWNER\",\"log_start\":0"
                + ",\"log_end\":" + end + ",\"start\":" + offset + ",\"start_from\":\"progress-table\",\"lag\":" + lag
                + "}";
    }

    private static List<Long> idsWrittenTwice(SinkFixture f) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = f.services.openConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT id FROM " + f.table + " GROUP BY id HAVING count(*) > 1 ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
