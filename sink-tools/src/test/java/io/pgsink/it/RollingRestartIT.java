package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

/**
 * A rollout: three workers on a steady stream, each stopped with SIGTERM in turn and replaced, one of them while
 * the group is rebalancing. Insert mode on a primary key, so a record written twice would be dead-lettered
 * (23505): a clean stop must hand over exactly what it wrote, rebalance or not.
 */
class RollingRestartIT {

    private static final int SIGTERM_EXIT = 143;
    /** Records per tick of the producer, one tick every 50 ms: a steady 4,000 records/s. */
    private static final int PER_TICK = 200;

    @Test
    void rollingRestartWithOneStopInsideARebalanceWritesEveryRecordOnce() throws Exception {
        SinkFixture f = new SinkFixture("rolling", 6);
        String[] settings = {};
        AtomicLong produced = new AtomicLong();
        ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
        List<ChildJvm> all = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = f.producer();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, f.services.kafkaBootstrap()))) {
            List<ChildJvm> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(start(f, all, settings));
            }
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> f.membersWithPartitions() == 3);
            stream.scheduleAtFixedRate(() -> produceTick(f, producer, produced), 0, 50, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> f.rowCount() > 10_000);

            // First worker: stopped, then replaced; its replacement joining starts a rebalance.
            stopCleanly(workers.get(0));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> f.membersWithPartitions() == 2);
            workers.set(0, start(f, all, settings));

            // Second worker: stopped while the group rebalances for the replacement that just joined. Cooperative
            // rebalancing takes two rounds: once the worker gave up a partition to the newcomer in the first, it is
            // rejoining for the second, when a commit fails with RebalanceInProgressException.
            long startedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> rebalancing(admin, f.group));
            long rebalanceSeen = System.nanoTime();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> workers.get(1).output().contains("partitions revoked"));
            workers.get(1).terminate();
            long sigterm = System.nanoTime();
            GroupState atSigterm = state(admin, f.group);
            System.out.printf(
                    "rolling restart: rebalance seen %d ms after the replacement started, SIGTERM %d ms later,"
                            + " group %s just after it%n",
                    (rebalanceSeen - startedAt) / 1_000_000, (sigterm - rebalanceSeen) / 1_000_000, atSigterm);
            stopCleanly(workers.get(1));
            workers.set(1, start(f, all, settings));

            // Third worker: stopped and replaced as the first was.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> f.membersWithPartitions() == 3);
            stopCleanly(workers.get(2));
            workers.set(2, start(f, all, settings));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> f.membersWithPartitions() == 3);

            stream.shutdown();
            assertThat(stream.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> f.committedTotal() == produced.get());
            for (ChildJvm worker : workers) {
                stopCleanly(worker);
            }
        } finally {
            stream.shutdownNow();
            for (ChildJvm worker : all) {
                worker.close();
            }
        }

        long records = produced.get();
        assertThat(f.rowCount()).isEqualTo(records);
        assertThat(f.queryLong("SELECT count(DISTINCT id) FROM " + f.table)).isEqualTo(records);
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, records, id -> 1));
        assertThat(f.deadLetterCount()).isZero();
        assertThat(f.committedTotal()).isEqualTo(records);
    }

    private static ChildJvm start(SinkFixture f, List<ChildJvm> all, String... settings) throws Exception {
        ChildJvm worker = f.childWorker(settings);
        all.add(worker);
        return worker;
    }

    /**
     * SIGTERM and the exit status of a clean stop; the worker's last offset commit must have gone through (a
     * rebalance under way only delays it), or the next owner would write some records again.
     */
    private static void stopCleanly(ChildJvm worker) throws Exception {
        worker.terminate();
        assertThat(worker.waitFor(Duration.ofSeconds(60))).as(worker.output()).isEqualTo(SIGTERM_EXIT);
        assertThat(worker.output())
                .contains("pgsink worker stopped")
                .doesNotContain("refused the final offset commit")
                .doesNotContain("still rebalancing when the shutdown timeout ran out")
                .doesNotContain("could not commit offsets of revoked partitions");
    }

    private static void produceTick(SinkFixture f, KafkaProducer<byte[], byte[]> producer, AtomicLong produced) {
        for (int i = 0; i < PER_TICK; i++) {
            long id = produced.get();
            producer.send(new ProducerRecord<>(
                    f.topic,
                    ("k" + id).getBytes(StandardCharsets.UTF_8),
                    SinkFixture.event(id, 1).getBytes(StandardCharsets.UTF_8)));
            produced.incrementAndGet();
        }
    }

    private static boolean rebalancing(Admin admin, String group) throws Exception {
        GroupState state = state(admin, group);
        return state == GroupState.PREPARING_REBALANCE || state == GroupState.COMPLETING_REBALANCE;
    }

    private static GroupState state(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group))
                .describedGroups()
                .get(group)
                .get()
                .groupState();
    }
}
