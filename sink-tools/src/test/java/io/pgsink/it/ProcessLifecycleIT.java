package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.SinkWorker;
import io.pgsink.testing.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workers in their own JVMs, stopped the hard way (SIGKILL) and the clean way (SIGTERM). */
class ProcessLifecycleIT {

    /** The JVM's exit status after SIGTERM, once its shutdown hooks have run: 128 + 15. */
    private static final int SIGTERM_EXIT = 143;

    private static ChildJvm worker(SinkFixture f, String... overrides) throws Exception {
        Map<String, String> config = f.config(overrides);
        // A killed member keeps its partitions until its session times out: keep that short here.
        config.put("kafka.consumer.session.timeout.ms", "6000");
        config.put("kafka.consumer.heartbeat.interval.ms", "1000");
        return ChildJvm.start(
                List.of("-Xmx512m"),
                List.of("run", "--config", ChildJvm.propertiesFile(config).toString()),
                Map.of());
    }

    @Test
    void workerKilledWithSigkillMidStreamAndRestartedLosesNothing() throws Exception {
        SinkFixture f = new SinkFixture("sigkill", 4);
        f.produce(0, 100_000, id -> 1);

        // Small fixed batches keep the first worker busy long enough to be killed mid-stream.
        try (ChildJvm first =
                worker(f, "write.mode", "upsert", "batch.max.records", "100", "batch.target.latency.ms", "0")) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.rowCount() > 10_000);
            first.kill();
        }
        long rowsAtKill = f.rowCount();
        f.produce(0, 20_000, id -> 2); // newer versions of some keys arrive while the worker is down

        try (ChildJvm second = worker(f, "write.mode", "upsert")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 120_000);
            second.terminate();
            assertThat(second.waitFor(Duration.ofSeconds(60)))
                    .as(second.output())
                    .isEqualTo(SIGTERM_EXIT);
        }

        assertThat(rowsAtKill).isLessThan(100_000);
        assertThat(f.rowCount()).isEqualTo(100_000);
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, 100_000, id -> id < 20_000 ? 2 : 1));
    }

    @Test
    void sigtermCommitsExactlyWhatIsWrittenSoARestartWritesNothingTwice() throws Exception {
        SinkFixture f = new SinkFixture("sigterm", 3);
        f.produce(0, 50_000, id -> 1);

        try (ChildJvm first = worker(f, "batch.max.records", "100", "batch.target.latency.ms", "0")) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.rowCount() > 5_000);
            first.terminate();
            assertThat(first.waitFor(Duration.ofSeconds(60))).as(first.output()).isEqualTo(SIGTERM_EXIT);
            assertThat(first.output()).contains("pgsink worker stopped");
        }
        assertThat(f.committedTotal()).isEqualTo(f.rowCount());

        // Insert mode on a primary key: a record written twice would fail with 23505 and be dead-lettered.
        try (SinkWorker second = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 50_000);
            assertThat(second.stats().recordsDeadLettered()).isZero();
        }
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, 50_000, id -> 1));
    }

    @Test
    void badConfigurationExitsWithCode2NamingEveryBadKey() throws Exception {
        SinkFixture f = new SinkFixture("badconfig", 1);
        try (ChildJvm child = worker(f, "batch.max.records", "lots", "write.mode", "merge")) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(child.output())
                    .contains("batch.max.records")
                    .contains("write.mode")
                    .doesNotContain(f.services.dbPassword() + "@");
        }
    }
}
