package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Schema drift mid-stream (a column's default dropped, records that relied on it now rejected): the worker stops
 * with an operator's message after at most error.drift.consecutive.rejections rejections, whatever the batch size,
 * and the dead-letter topic holds fewer than that many.
 */
class DriftIT {

    private static final String DDL = "(id bigint PRIMARY KEY, account text NOT NULL DEFAULT 'none', amount int)";
    private static final int LIMIT = 5;

    private static String record(long id) {
        return "{\"id\": " + id + ", \"amount\": " + (id % 100) + "}";
    }

    @Test
    void aDroppedDefaultStopsTheWorkerAtFullSpeed() throws Exception {
        stopsOnDrift("drift", 1_000, "batch.linger.ms", "100");
    }

    @Test
    void aDroppedDefaultStopsTheWorkerAtATrickleOfOneRecordPerBatch() throws Exception {
        stopsOnDrift("drifttrickle", 20, "batch.max.records", "1");
    }

    private static void stopsOnDrift(String name, int records, String... config) throws Exception {
        SinkFixture f = new SinkFixture(name, 1, true, DDL);
        f.produceValues(0, records, DriftIT::record);
        String[] settings = new String[config.length + 2];
        System.arraycopy(config, 0, settings, 0, config.length);
        settings[config.length] = "error.drift.consecutive.rejections";
        settings[config.length + 1] = Integer.toString(LIMIT);

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(settings))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> f.committedTotal() == records);
            f.execute("ALTER TABLE " + f.table + " ALTER COLUMN account DROP DEFAULT");
            f.produceValues(records, 2L * records, DriftIT::record);

            await().atMost(Duration.ofSeconds(40)).until(() -> worker.health().status() == Health.Status.FAILED);
            assertThat(worker.health().detail())
                    .contains(LIMIT + " records in a row")
                    .contains("SQLSTATE 23502")
                    .contains("column \"account\"")
                    .contains(f.table)
                    .contains("restore the column's default");
            assertThat(worker.stats().recordsDeadLettered()).isLessThan(LIMIT);
        }

        assertThat(DeadLetters.readAll(f)).hasSizeLessThan(LIMIT);
        assertThat(f.rowCount()).isEqualTo(records);
        assertThat(f.committedTotal()).isLessThan(records + LIMIT);
    }
}
