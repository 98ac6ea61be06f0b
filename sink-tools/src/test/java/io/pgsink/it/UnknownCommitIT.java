package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.PgProxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A COMMIT that reached PostgreSQL but whose reply never reached the worker ({@link PgProxy} withholds it), with and
 * without the server crashing at that moment, under both delivery guarantees. The worker writes in insert mode into
 * a table without any unique key, so a batch written twice shows as extra rows, not as a duplicate-key error.
 *
 * <p>The crash cases run a PostgreSQL of their own ({@link CrashablePostgres}), killed with SIGKILL once it has
 * answered the withheld COMMIT and started again about three seconds later. Before the worker may reconnect,
 * another client commits {@value #OTHER_TRANSACTIONS} transactions, so that the server hands out again transaction
 * ids that never reached its WAL: an id taken just before the crash must come back, which is what made
 * {@code txid_status} answer for the wrong transaction after a restart.
 *
 * <p>In those cases the COMMIT did commit. The interrupted-COMMIT cases cover the other outcome: the connection is
 * lost during a COMMIT that never committed, and the batch must be written again, not taken for written.
 */
class UnknownCommitIT {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownCommitIT.class);
    private static final int RECORDS = 20_000;
    private static final int BATCH = 200;
    /** The COMMIT whose reply is withheld, counted from the worker's start: about a third into the stream. */
    private static final int WITHHELD_COMMIT = 30;
    /** Transactions another client commits after the restart: more than the ids lost with the crash. */
    private static final int OTHER_TRANSACTIONS = 25;
    /** The record whose batch's COMMIT the interrupted-COMMIT cases hold up. */
    private static final int GATED_ID = 6_000;
    /** The crash cases' database for the worker; the test's own sessions use "postgres". */
    private static final String SINK_DATABASE = "sink";
    /** No unique key: a record written twice is a second row. */
    private static final String NO_KEY_DDL = "(id bigint NOT NULL, account text NOT NULL, amount numeric(14,2),"
            + " at timestamptz, payload jsonb, version int)";

    private static final String COLUMNS = "id, account, amount, at, payload, version";
    private static final Duration DONE = Duration.ofSeconds(90);

    private static long expectedChecksum;

    @BeforeAll
    static void computeExpectedChecksum() throws Exception {
        expectedChecksum = SinkFixture.expectedChecksum(0, RECORDS, id -> 1);
    }

    @Test
    void exactlyOnceResolvesAnUnansweredCommitFromTheProgressTableWithoutWritingTheBatchTwice() throws Exception {
        SinkFixture f = new SinkFixture("uc_eo", 2, true, NO_KEY_DDL);
        Target target = Target.shared(f);
        f.produce(0, RECORDS, id -> 1);

        try (PgProxy proxy = PgProxy.startFor(target.url())) {
            proxy.withholdReplyToCommit(WITHHELD_COMMIT, () -> {});
            try (SinkWorker worker = SinkWorker.start(config(f, proxy, target, "exactly-once"))) {
                awaitEverythingCommittedAndRunning(f, worker, proxy);
            }
        }
        try (Connection c = target.connect()) {
            assertEveryRecordExactlyOnce(c, f.table);
            assertThat(progressTotal(c, f.group)).isEqualTo(RECORDS);
        }
    }

    @Test
    void exactlyOnceResolvesAnUnansweredCommitAcrossAServerCrashAndReissuedTransactionIds() throws Exception {
        SinkFixture f = new SinkFixture("uc_eo_crash", 2, true, null);
        f.produce(0, RECORDS, id -> 1);

        try (CrashablePostgres pg = CrashablePostgres.start()) {
            Target target = Target.crashable(pg, f.table);
            try (PgProxy proxy = PgProxy.startFor(target.url())) {
                CrashAtCommit crash = new CrashAtCommit(pg);
                proxy.withholdReplyToCommit(WITHHELD_COMMIT, crash);
                try (SinkWorker worker = SinkWorker.start(config(f, proxy, target, "exactly-once"))) {
                    crash.awaitRestartReissueIdsAndLetTheWorkerIn();
                    awaitEverythingCommittedAndRunning(f, worker, proxy);
                }
            }
            try (Connection c = target.connect()) {
                assertEveryRecordExactlyOnce(c, f.table);
                assertThat(progressTotal(c, f.group)).isEqualTo(RECORDS);
            }
        }
    }

    @Test
    void atLeastOnceResolvesAnUnansweredCommitByTransactionStatusWithoutWritingTheBatchTwice() throws Exception {
        SinkFixture f = new SinkFixture("uc_alo", 2, true, NO_KEY_DDL);
        Target target = Target.shared(f);
        f.produce(0, RECORDS, id -> 1);

        try (PgProxy proxy = PgProxy.startFor(target.url())) {
            proxy.withholdReplyToCommit(WITHHELD_COMMIT, () -> {});
            try (SinkWorker worker = SinkWorker.start(config(f, proxy, target, "at-least-once"))) {
                awaitEverythingCommittedAndRunning(f, worker, proxy);
            }
        }
        try (Connection c = target.connect()) {
            assertEveryRecordExactlyOnce(c, f.table);
        }
    }

    @Test
    void atLeastOnceWritesTheBatchAgainAfterACrashHidTheCommitsOutcomeAndLosesNothing() throws Exception {
        SinkFixture f = new SinkFixture("uc_alo_crash", 2, true, null);
        f.produce(0, RECORDS, id -> 1);

        try (CrashablePostgres pg = CrashablePostgres.start()) {
            Target target = Target.crashable(pg, f.table);
            try (PgProxy proxy = PgProxy.startFor(target.url())) {
                CrashAtCommit crash = new CrashAtCommit(pg);
                proxy.withholdReplyToCommit(WITHHELD_COMMIT, crash);
                try (SinkWorker worker = SinkWorker.start(config(f, proxy, target, "at-least-once"))) {
                    crash.awaitRestartReissueIdsAndLetTheWorkerIn();
                    awaitEverythingCommittedAndRunning(f, worker, proxy);
                }
            }
            try (Connection c = target.connect()) {
                long rows = queryLong(c, "SELECT count(*) FROM " + f.table);
                assertThat(queryLong(c, "SELECT count(DISTINCT id) FROM " + f.table))
                        .as("every record is in the table")
                        .isEqualTo(RECORDS);
                assertThat(queryLong(c, "SELECT min(id) FROM " + f.table)).isZero();
                assertThat(queryLong(c, "SELECT max(id) FROM " + f.table)).isEqualTo(RECORDS - 1);
                assertThat(SinkFixture.checksum(c, "SELECT DISTINCT " + COLUMNS + " FROM " + f.table))
                        .as("checksum of the distinct rows")
                        .isEqualTo(expectedChecksum);
                assertThat(queryLong(
                                c, "SELECT count(*) FROM (SELECT DISTINCT " + COLUMNS + " FROM " + f.table + ") AS d"))
                        .as("a repeated record repeats its values exactly")
                        .isEqualTo(RECORDS);
                long duplicates = rows - RECORDS;
                LOG.info(
                        "at-least-once across a crash: {} rows for {} records, {} duplicates",
                        rows,
                        RECORDS,
                        duplicates);
                assertThat(duplicates)
                        .as("duplicates: at most the one batch whose COMMIT went unanswered")
                        .isBetween(0L, (long) BATCH);
            }
        }
    }

    @Test
    void exactlyOnceWritesAgainABatchWhoseInterruptedCommitDidNotCommit() throws Exception {
        interruptedCommitIsWrittenAgain("exactly-once");
    }

    @Test
    void atLeastOnceWritesAgainABatchWhoseInterruptedCommitDidNotCommit() throws Exception {
        interruptedCommitIsWrittenAgain("at-least-once");
    }

    /**
     * The other outcome: the connection is lost during a COMMIT that never committed. A deferred constraint trigger
     * makes the COMMIT of the batch holding record {@value #GATED_ID} wait for an advisory lock the test holds; the
     * test terminates that backend while it waits, so the transaction rolls back and the worker sees its COMMIT
     * fail without an answer. The batch must be written again: a resolver that took it for committed loses it.
     */
    private void interruptedCommitIsWrittenAgain(String guarantee) throws Exception {
        SinkFixture f = new SinkFixture("uc_gate_" + guarantee.charAt(0), 2, true, NO_KEY_DDL);
        Target target = Target.shared(f);
        long lockKey = f.table.hashCode();
        f.execute("CREATE FUNCTION " + f.table + "_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.id = " + GATED_ID + " THEN PERFORM pg_advisory_xact_lock_shared(" + lockKey + "); END IF;"
                + " RETURN NULL; END $$");
        f.execute("CREATE CONSTRAINT TRIGGER gate AFTER INSERT ON " + f.table
                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + f.table + "_gate()");
        f.produce(0, RECORDS, id -> 1);

        try (Connection gate = target.connect();
                PgProxy proxy = PgProxy.startFor(target.url())) {
            run(gate, "SELECT pg_advisory_lock(" + lockKey + ")");
            try (SinkWorker worker = SinkWorker.start(config(f, proxy, target, guarantee))) {
                String waiting = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND application_name = 'pgsink' AND wait_event = 'advisory' AND query = 'COMMIT'";
                await("the gated batch's COMMIT waiting for the lock")
                        .atMost(DONE)
                        .until(() -> queryLongs(gate, waiting).size() == 1);
                long pid = queryLongs(gate, waiting).get(0);
                assertThat(queryLong(gate, "SELECT count(*) FROM " + f.table + " WHERE id = " + GATED_ID))
                        .as("the gated batch is not committed")
                        .isZero();
                run(gate, "SELECT pg_terminate_backend(" + pid + ")");
                run(gate, "SELECT pg_advisory_unlock(" + lockKey + ")");

                await().atMost(DONE).until(() -> f.committedTotal() == RECORDS);
                assertThat(worker.stats().retries())
                        .as("the worker retried to learn the outcome")
                        .isPositive();
                assertThat(worker.stats().recordsDeadLettered()).isZero();
                assertThat(deadLetterTopicSize(f)).isZero();
                assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            }
        }
        try (Connection c = target.connect()) {
            assertEveryRecordExactlyOnce(c, f.table);
            if (guarantee.equals("exactly-once")) {
                assertThat(progressTotal(c, f.group)).isEqualTo(RECORDS);
            }
        }
    }

    private static SinkConfig config(SinkFixture f, PgProxy proxy, Target target, String guarantee) {
        return f.sinkConfig(
                "postgres.url", proxy.jdbcUrl(target.url()),
                "postgres.user", target.user(),
                "postgres.password", target.password(),
                "delivery.guarantee", guarantee,
                "write.mode", "insert",
                "batch.max.records", String.valueOf(BATCH),
                "batch.target.latency.ms", "0");
    }

    /** Offsets committed for every record, the withheld COMMIT resolved, nothing dead-lettered, still running. */
    private static void awaitEverythingCommittedAndRunning(SinkFixture f, SinkWorker worker, PgProxy proxy)
            throws Exception {
        await().atMost(DONE).until(() -> f.committedTotal() == RECORDS);
        assertThat(proxy.withheldCommits()).as("the withheld COMMIT happened").isEqualTo(1);
        assertThat(worker.stats().retries())
                .as("the worker retried to learn the outcome")
                .isPositive();
        assertThat(worker.stats().recordsDeadLettered()).isZero();
        assertThat(deadLetterTopicSize(f)).isZero();
        assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
    }

    private static void assertEveryRecordExactlyOnce(Connection c, String table) throws Exception {
        assertThat(queryLong(c, "SELECT count(*) FROM " + table)).isEqualTo(RECORDS);
        assertThat(queryLong(c, "SELECT count(DISTINCT id) FROM " + table)).isEqualTo(RECORDS);
        assertThat(queryLong(c, "SELECT min(id) FROM " + table)).isZero();
        assertThat(queryLong(c, "SELECT max(id) FROM " + table)).isEqualTo(RECORDS - 1);
        assertThat(SinkFixture.checksum(c, "SELECT " + COLUMNS + " FROM " + table))
                .as("checksum of the rows")
                .isEqualTo(expectedChecksum);
    }

    /** The next offsets the progress table holds for the group, summed over its partitions. */
    private static long progressTotal(Connection c, String group) throws SQLException {
        try (var ps = c.prepareStatement("SELECT sum(next_offset) FROM pgsink_progress WHERE group_id = ?")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<Long> queryLongs(Connection c, String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private static long deadLetterTopicSize(SinkFixture f) throws Exception {
        TopicPartition dlt = new TopicPartition(f.topic + ".dlt", 0);
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, f.services.kafkaBootstrap()))) {
            return admin.listOffsets(Map.of(dlt, OffsetSpec.latest()))
                    .partitionResult(dlt)
                    .get()
                    .offset();
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Where the worker writes: the shared test database, or a database on a test's own crashable server. */
    private record Target(String url, String user, String password) {

        static Target shared(SinkFixture f) {
            return new Target(f.services.jdbcUrl(), f.services.dbUser(), f.services.dbPassword());
        }

        static Target crashable(CrashablePostgres pg, String table) throws SQLException {
            pg.execute("postgres", "CREATE DATABASE " + SINK_DATABASE);
            Target target = new Target(pg.jdbcUrl(SINK_DATABASE), pg.user(), pg.password());
            try (Connection c = target.connect();
                    Statement st = c.createStatement()) {
                assertThat(setting(st, "fsync")).isEqualTo("on");
                assertThat(setting(st, "synchronous_commit")).isEqualTo("on");
                st.execute("CREATE TABLE " + table + " " + NO_KEY_DDL);
            }
            return target;
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        private static String setting(Statement st, String name) throws SQLException {
            try (ResultSet rs = st.executeQuery("SHOW " + name)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /**
     * The action run once the server has answered the withheld COMMIT: bars the worker's database, takes a
     * transaction id that will never reach the WAL, crashes the server and schedules its restart. The test thread
     * then waits for the restart, commits other transactions (which get the lost ids again) and lets the worker in.
     */
    private static final class CrashAtCommit implements Runnable {

        private final CrashablePostgres pg;
        private final CompletableFuture<Void> restarted = new CompletableFuture<>();
        private volatile long unloggedId = -1;

        CrashAtCommit(CrashablePostgres pg) {
            this.pg = pg;
        }

        @Override
        public void run() {
            try {
                // Committed and durable before the crash: after the restart the worker cannot connect until the
                // test allows it, so the other client's transactions come first.
                pg.execute("postgres", "ALTER DATABASE " + SINK_DATABASE + " ALLOW_CONNECTIONS false");
                try (Connection c = pg.connect("postgres");
                        Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    unloggedId = queryLong(st.getConnection(), "SELECT txid_current()");
                    LOG.info("crashing PostgreSQL; transaction id {} was handed out and never logged", unloggedId);
                    pg.crash();
                }
            } catch (SQLException | RuntimeException e) {
                restarted.completeExceptionally(e);
                throw new IllegalStateException("the crash failed", e);
            }
            CompletableFuture.runAsync(pg::restart, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS))
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            restarted.complete(null);
                        } else {
                            restarted.completeExceptionally(failure);
                        }
                    });
        }

        void awaitRestartReissueIdsAndLetTheWorkerIn() throws SQLException {
            await("the crash and restart").atMost(DONE).until(restarted::isDone);
            restarted.join();
            List<Long> ids = new ArrayList<>();
            try (Connection c = pg.connect("postgres")) {
                c.setAutoCommit(false);
                for (int i = 0; i < OTHER_TRANSACTIONS; i++) {
                    ids.add(queryLong(c, "SELECT txid_current()"));
                    c.commit();
                }
            }
            LOG.info(
                    "after the restart another client committed transactions {} to {}",
                    ids.get(0),
                    ids.get(ids.size() - 1));
            assertThat(ids)
                    .as("the restarted server hands out again an id taken before the crash")
                    .contains(unloggedId);
            pg.execute("postgres", "ALTER DATABASE " + SINK_DATABASE + " ALLOW_CONNECTIONS true");
        }
    }
}
