package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

/** Real database failures: an outage, schema drift, a deadlock. */
class DatabaseFailureIT {

    @Test
    void outageLongerThanMaxPollIntervalKeepsTheWorkerInItsGroupAndLosesNothing() throws Exception {
        SinkFixture f = new SinkFixture("outage", 2);
        String database = "db_" + f.table;
        f.execute("CREATE DATABASE " + database);
        String url = f.services.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        try (Connection c = java.sql.DriverManager.getConnection(url, f.services.dbUser(), f.services.dbPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + f.table + " " + SinkFixture.TABLE_DDL);
        }
        f.produce(0, 2_000, id -> 1);

        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(
                "postgres.url", url, "kafka.consumer.max.poll.interval.ms", "5000", "shutdown.timeout.ms", "3000"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 2_000);
            String member = onlyMember(f).consumerId();

            // Refuse new connections and drop the open ones, for well over max.poll.interval.ms.
            f.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            f.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            f.produce(2_000, 5_000, id -> 1);
            await().during(Duration.ofSeconds(12))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> f.committedTotal() == 2_000 && worker.health().status() != Health.Status.FAILED);
            assertThat(worker.health().status()).isEqualTo(Health.Status.DEGRADED);
            f.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");

            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 5_000);
            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().retries()).isPositive();
            assertThat(worker.stats().recordsDeadLettered()).isZero();
            assertThat(onlyMember(f).consumerId())
                    .as("never rebalanced out of the group")
                    .isEqualTo(member);
        }
        try (Connection c = java.sql.DriverManager.getConnection(url, f.services.dbUser(), f.services.dbPassword());
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*), count(DISTINCT id) FROM " + f.table)) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5_000);
            assertThat(rs.getLong(2)).isEqualTo(5_000);
        }
    }

    @Test
    void aDroppedColumnIsNoticedWithoutARestartAndTheRestOfEachRecordWritten() throws Exception {
        SinkFixture f = new SinkFixture("dropcolumn", 2);
        f.produce(0, 3_000, id -> 1);
        try (SinkWorker worker = SinkWorker.start(f.sinkConfig("write.mode", "upsert"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 3_000);

            // The records still carry "amount": with input.unknown.fields=ignore, a field without a column.
            f.execute("ALTER TABLE " + f.table + " DROP COLUMN amount");
            f.produce(3_000, 5_000, id -> 1);

            await().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 5_000);
            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }
        assertThat(f.rowCount()).isEqualTo(5_000);
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE version = 1 AND payload IS NOT NULL"))
                .isEqualTo(5_000);
    }

    @Test
    void deadlockWithAConcurrentTransactionIsRetriedTransparently() throws Exception {
        SinkFixture f = new SinkFixture("deadlock", 1);
        f.execute("INSERT INTO " + f.table + " (id, account, version) VALUES (1, 'x', 0), (2, 'x', 0)");
        try (Connection other = f.services.openConnection();
                Statement st = other.createStatement()) {
            other.setAutoCommit(false);
            st.execute("SET deadlock_timeout = '60s'"); // so that the sink, not this session, detects the deadlock
            st.execute("UPDATE " + f.table + " SET version = 99 WHERE id = 1");

            try (SinkWorker worker = SinkWorker.start(f.sinkConfig("write.mode", "upsert", "batch.linger.ms", "300"))) {
                f.produceValues(0, 2, i -> SinkFixture.event(2 - i, 5)); // id 2, then id 1: locks 2, waits for 1
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> f.queryLong("SELECT count(*) FROM pg_stat_activity"
                                        + " WHERE application_name = 'pgsink' AND wait_event_type = 'Lock'")
                                == 1);
                CompletableFuture<Void> closeTheCycle = CompletableFuture.runAsync(() -> {
                    try {
                        st.execute("UPDATE " + f.table + " SET version = 98 WHERE id = 2");
                        other.commit();
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                closeTheCycle.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committedTotal() == 2);
                assertThat(worker.stats().retries()).isPositive();
                assertThat(worker.stats().recordsDeadLettered()).isZero();
            }
        }
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE version = 5"))
                .isEqualTo(2);
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(1, 3, id -> 5));
    }

    private static MemberDescription onlyMember(SinkFixture f) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, f.services.kafkaBootstrap()))) {
            List<MemberDescription> members = List.copyOf(admin.describeConsumerGroups(List.of(f.group))
                    .describedGroups()
                    .get(f.group)
                    .get()
                    .members());
            assertThat(members).hasSize(1);
            return members.get(0);
        }
    }
}
