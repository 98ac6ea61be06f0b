package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.SinkWorker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Several workers in one consumer group. */
class GroupIT {

    @Test
    void twoWorkersSplitThePartitionsAndOneStoppingHandsItsPartitionsOver() throws Exception {
        SinkFixture f = new SinkFixture("group", 4);
        f.produce(0, 100, id -> 1);

        SinkWorker a = SinkWorker.start(f.sinkConfig("batch.max.records", "500"));
        try (SinkWorker b = SinkWorker.start(f.sinkConfig("batch.max.records", "500"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 100);
            await().atMost(Duration.ofMinutes(1)).until(() -> f.membersWithPartitions() == 2);
            f.produce(100, 40_000, id -> 1);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> a.stats().recordsWritten() > 1_000 && b.stats().recordsWritten() > 1_000);
            Thread producer = new Thread(() -> f.produce(40_000, 60_000, id -> 1));
            producer.start();
            a.close(); // mid-stream: a's partitions move to b
            producer.join();

            await().atMost(Duration.ofMinutes(2)).until(() -> f.committedTotal() == 60_000);
            // Insert mode on a primary key: a record written twice would be dead-lettered with 23505.
            assertThat(a.stats().recordsDeadLettered() + b.stats().recordsDeadLettered())
                    .isZero();
            assertThat(a.stats().recordsWritten() + b.stats().recordsWritten()).isEqualTo(60_000);
        } finally {
            a.close();
        }
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, 60_000, id -> 1));
    }
}
