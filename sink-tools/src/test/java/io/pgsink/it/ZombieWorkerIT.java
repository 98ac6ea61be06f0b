package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A worker frozen (SIGSTOP) past its session timeout while it holds batches, its partitions handed to another
 * worker that writes newer versions, then thawed (SIGCONT): a zombie. Whatever it still had in hand when it froze is
 * older than what the table holds by then, and must never land over it.
 */
class ZombieWorkerIT {

    private static final int KEYS = 2_000;
    private static final int VERSIONS = 40;
    private static final int SIGTERM_EXIT = 143;
    /** Past kafka.consumer.session.timeout.ms (6 s), as a long GC pause or a stalled VM would be. */
    private static final Duration FROZEN = Duration.ofSeconds(15);

    @Test
    void frozenWorkerThawedAfterItsPartitionsMovedOverwritesNothingExactlyOnce() throws Exception {
        frozenWorkerThawedAfterItsPartitionsMovedOverwritesNothing("exactly-once");
    }

    @Disabled("Known gap, at-least-once has only the in-memory fence: observed 424 of 2,000 rows left at older"
            + " versions (oldest 6, while 40 was sent and written last): after SIGCONT the frozen worker's writer"
            + " committed the batch already handed to it about 170 ms before its poll thread saw the partitions lost")
    @Test
    void frozenWorkerThawedAfterItsPartitionsMovedOverwritesNothingAtLeastOnce() throws Exception {
        frozenWorkerThawedAfterItsPartitionsMovedOverwritesNothing("at-least-once");
    }

    private static void frozenWorkerThawedAfterItsPartitionsMovedOverwritesNothing(String guarantee) throws Exception {
        SinkFixture f = new SinkFixture("zombie", 6);
        // Small fixed batches: each worker's writer trails its consumer through the burst, so the one frozen holds
        // batches already handed to its writer, and more behind them.
        String[] settings = {
            "write.mode", "upsert",
            "delivery.guarantee", guarantee,
            "batch.max.records", "500",
            "batch.target.latency.ms", "0",
            "batch.linger.ms", "500"
        };
        try (ChildJvm a = f.childWorker(settings);
                ChildJvm b = f.childWorker(settings)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> f.membersWithPartitions() == 2);
            produceVersionsInOrder(f);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> f.queryLong("SELECT coalesce(max(version), 0) FROM " + f.table) >= VERSIONS / 4);
            a.stop();
            long frozenAt = System.nanoTime();
            long rowsAtFreeze = f.rowCount();
            long newestAtFreeze = f.queryLong("SELECT max(version) FROM " + f.table);

            // Frozen past its session timeout, a is dropped from the group and b takes its partitions. b writes
            // newer versions of a's keys, unless a froze inside a transaction: then b waits for a's row locks.
            await().atMost(FROZEN.plusSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> System.nanoTime() - frozenAt >= FROZEN.toNanos() && f.membersWithPartitions() == 1);
            long frozenMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            long newestBeforeThaw = f.queryLong("SELECT count(*) FROM " + f.table + " WHERE version = " + VERSIONS);
            a.resume();

            // a finds its partitions lost, rejoins and may get some back; it keeps running, and every record is
            // handled in the end.
            await().atMost(Duration.ofSeconds(60)).until(() -> a.output().contains("partitions lost"));
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> f.committedTotal() == (long) KEYS * VERSIONS && f.membersWithPartitions() == 2);
            assertThat(a.process().isAlive()).as(a.output()).isTrue();
            assertThat(b.process().isAlive()).as(b.output()).isTrue();

            // A clean stop of both waits for anything either still had in hand: the table is final after it.
            a.terminate();
            b.terminate();
            assertThat(a.waitFor(Duration.ofSeconds(60))).as(a.output()).isEqualTo(SIGTERM_EXIT);
            assertThat(b.waitFor(Duration.ofSeconds(60))).as(b.output()).isEqualTo(SIGTERM_EXIT);

            System.out.printf(
                    "zombie %s: froze a at %d rows (newest version %d) for %d ms; %d keys at the last version at thaw;"
                            + " a's log: %d batch(es) rolled back as moved%n",
                    guarantee,
                    rowsAtFreeze,
                    newestAtFreeze,
                    frozenMillis,
                    newestBeforeThaw,
                    count(a.output(), "moved to another owner"));
            long stale = f.queryLong("SELECT count(*) FROM " + f.table + " WHERE version <> " + VERSIONS);
            assertThat(stale)
                    .as(
                            "rows left older than the newest version sent for their key (oldest: version %d)",
                            f.queryLong("SELECT min(version) FROM " + f.table))
                    .isZero();
            assertThat(f.rowCount()).isEqualTo(KEYS);
            assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, KEYS, id -> VERSIONS));
            assertThat(f.deadLetterCount()).isZero();
            assertThat(f.committedTotal()).isEqualTo((long) KEYS * VERSIONS);
        }
    }

    /** Every key at version 1, then every key at version 2, ...: per key (so per partition) in version order. */
    private static void produceVersionsInOrder(SinkFixture f) {
        try (KafkaProducer<byte[], byte[]> producer = f.producer()) {
            for (int version = 1; version <= VERSIONS; version++) {
                for (long id = 0; id < KEYS; id++) {
                    producer.send(new ProducerRecord<>(
                            f.topic,
                            ("k" + id).getBytes(StandardCharsets.UTF_8),
                            SinkFixture.event(id, version).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
