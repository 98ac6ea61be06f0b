package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The table changes while the worker runs: new fields land without a restart, nothing is dead-lettered. */
class SchemaChangeIT {

    private static final String DDL = "(id bigint PRIMARY KEY, qty int, v text)";

    @Test
    void anAddedColumnAndAWidenedTypeAreWrittenWithoutARestart() throws Exception {
        SinkFixture f = new SinkFixture("schemachange", 2, true, DDL);
        f.produceValues(0, 500, id -> "{\"id\": " + id + ", \"qty\": 1, \"v\": \"a\"}");

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> f.committedTotal() == 500);

            f.execute("ALTER TABLE " + f.table + " ADD COLUMN note text");
            f.produceValues(
                    500, 1_000, id -> "{\"id\": " + id + ", \"qty\": 2, \"v\": \"b\", \"note\": \"n" + id + "\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> f.committedTotal() == 1_000);

            f.execute("ALTER TABLE " + f.table + " ALTER COLUMN qty TYPE bigint");
            f.produceValues(1_000, 1_500, id -> "{\"id\": " + id + ", \"qty\": " + (5_000_000_000L + id) + "}");
            await().atMost(Duration.ofSeconds(30)).until(() -> f.committedTotal() == 1_500);

            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }

        assertThat(f.rowCount()).isEqualTo(1_500);
        assertThat(f.queryLong(
                        "SELECT count(*) FROM " + f.table + " WHERE id BETWEEN 500 AND 999 AND note = 'n' || id"))
                .isEqualTo(500);
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE id >= 1000 AND qty = 5000000000 + id"))
                .isEqualTo(500);
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE id < 500 AND note IS NULL AND qty = 1"))
                .isEqualTo(500);
        assertThat(DeadLetters.readAll(f)).isEmpty();
    }
}
