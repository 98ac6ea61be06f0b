package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.SinkWorker;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A blocked database holds back the committed offsets, never the other way round. */
class BackpressureIT {

    @Test
    void committedOffsetsDoNotPassWhatPostgresHoldsWhileTheTableIsLocked() throws Exception {
        SinkFixture f = new SinkFixture("locked", 2);
        f.produce(0, 5_000, id -> 1);
        try (SinkWorker worker = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 5_000);

            try (Connection locker = f.services.openConnection();
                    Statement st = locker.createStatement()) {
                locker.setAutoCommit(false);
                // EXCLUSIVE blocks the sink's inserts but still lets the test read the table.
                st.execute("LOCK TABLE " + f.table + " IN EXCLUSIVE MODE");
                f.produce(5_000, 15_000, id -> 1);

                await().during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> f.committedTotal() <= f.rowCount() && f.rowCount() == 5_000);
                locker.rollback();
            }

            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 15_000);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, 15_000, id -> 1));
    }
}
