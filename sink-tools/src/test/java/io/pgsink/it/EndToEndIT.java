package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndToEndIT {

    @Test
    void hundredThousandRecordsOverFourPartitionsLandExactlyWithTheirValues() throws Exception {
        SinkFixture f = new SinkFixture("e2e", 4);
        f.produce(0, 100_000, id -> 1);

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig("write.concurrency", "2"))) {
            await().atMost(Duration.ofMinutes(3)).until(() -> f.rowCount() >= 100_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> f.committedTotal() == 100_000);
            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }

        assertThat(f.rowCount()).isEqualTo(100_000);
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, 100_000, id -> 1));
    }

    @Test
    void upsertModeKeepsTheLatestVersionOfEachKey() throws Exception {
        SinkFixture f = new SinkFixture("upsert", 2);
        f.produce(0, 5_000, id -> 1);
        f.produce(0, 5_000, id -> id % 3 == 0 ? 2 : 1);
        f.produce(0, 2_000, id -> id % 3 == 0 ? 3 : 1);

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig("write.mode", "upsert"))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 12_000);
        }

        assertThat(f.rowCount()).isEqualTo(5_000);
        assertThat(f.tableChecksum())
                .isEqualTo(SinkFixture.expectedChecksum(0, 5_000, id -> id % 3 != 0 ? 1 : id < 2_000 ? 3 : 2));
    }

    @Test
    void cleanCloseCommitsExactlyWhatIsInTheTable() throws Exception {
        SinkFixture f = new SinkFixture("close", 3);
        f.produce(0, 30_000, id -> 1);

        SinkWorker worker = SinkWorker.start(f.sinkConfig("batch.max.records", "500"));
        await().atMost(Duration.ofMinutes(1)).until(() -> f.rowCount() > 5_000);
        worker.close();

        assertThat(f.committedTotal()).isEqualTo(f.rowCount());
    }
}
