package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.client.Outcome;
import io.pgsink.client.PgBatchClient;
import io.pgsink.client.QueueingWriter;
import io.pgsink.testing.PgProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's queueing writer under load and a database crash: {@value #THREADS} threads queue {@value #OPERATIONS}
 * inserts, updates and deletes of {@value #KEYS} keys that every thread touches, while the server is killed with
 * SIGKILL once and started again.
 *
 * <p>The oracle: the order of one key's operations is the order they were queued in, which is defined only if two
 * threads never queue an operation of the same key at the same moment. So each thread queues under a lock striped
 * by key, and while it holds the lock applies the operation to an in-memory copy of the table, one by one, as
 * PostgreSQL would (an insert of a present key fails with 23505 and changes nothing; an update or delete of a
 * missing key changes nothing). That copy is the expected table, and each operation's expected outcome is noted
 * with it. At the end the table must equal the copy row by row, every future must be complete, and exactly the
 * inserts of present keys must have failed.
 *
 * <p>The crash is the hard case: a COMMIT the server executed and made durable, whose reply the client never got
 * ({@link PgProxy} withholds it), so the client must find out after the restart that its batch did commit. Writing
 * it again would apply its operations twice (an update then an insert of a missing key ends with the update's
 * value when applied twice), and report its inserts as failed.
 */
class LibraryStressIT {

    private static final Logger LOG = LoggerFactory.getLogger(LibraryStressIT.class);
    private static final int THREADS = 32;
    private static final int OPERATIONS = Integer.getInteger("pgsink.stress.operations", 1_000_000);
    private static final int KEYS = 50_000;
    /** Locks that keep two threads from queueing operations of one key at once. */
    private static final int STRIPES = 4_096;
    /** The crash comes once this share of the operations is queued. */
    private static final double CRASH_AT = 0.3;

    private static final long ABSENT = -1;
    /** A bound for a wait that a writer making progress never reaches, even on a busy machine. */
    private static final Duration DONE = Duration.ofMinutes(10);

    /** What an operation must come to, by the one-by-one application; and what it came to. */
    private static final byte PENDING = 0;

    private static final byte ONE_ROW = 1;
    private static final byte NO_ROW = 2;
    private static final byte DUPLICATE_KEY = 3;
    private static final byte OTHER = 4;

    private final Object[] stripes = new Object[STRIPES];
    private final long[] expected = new long[KEYS];
    private final byte[] expectedOutcome = new byte[OPERATIONS];
    private final byte[] actualOutcome = new byte[OPERATIONS];
    private final char[] kinds = new char[OPERATIONS];
    private final AtomicReferenceArray<String> otherFailures = new AtomicReferenceArray<>(OPERATIONS);
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();

    LibraryStressIT() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
        java.util.Arrays.fill(expected, ABSENT);
    }

    @Test
    void queuedOperationsOfSharedKeysEndAsAppliedOneByOneAcrossACrashThatHidACommitsOutcome() throws Exception {
        try (CrashablePostgres pg = CrashablePostgres.start();
                PgProxy proxy = PgProxy.startFor(pg.jdbcUrl("postgres"))) {
            pg.execute("postgres", "CREATE TABLE stress (id int PRIMARY KEY, val bigint NOT NULL)");
            CrashAtCommit crash = new CrashAtCommit(pg);
            long started = System.nanoTime();
            try (PgBatchClient client = PgBatchClient.builder(
                            proxy.jdbcUrl(pg.jdbcUrl("postgres")), pg.user(), pg.password())
                    .poolSize(4)
                    .retry(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(90))
                    .build()) {
                QueueingWriter writer = client.queueingWriter()
                        .maxQueued(20_000, QueueingWriter.WhenFull.BLOCK)
                        .closeTimeout(DONE)
                        .build();
                queueFromAllThreads(writer, proxy, crash);
                LOG.info("all {} operations queued after {} ms", OPERATIONS, millisSince(started));
                writer.close();
                long elapsed = millisSince(started);
                LOG.info(
                        "{} operations written in {} ms: {} operations/s, across a crash and restart",
                        OPERATIONS,
                        elapsed,
                        OPERATIONS * 1000L / Math.max(1, elapsed));

                await("every future complete")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> completed.get() == OPERATIONS);
                assertThat(crash.failure.get()).as("the crash and restart").isNull();
                assertThat(proxy.withheldCommits())
                        .as("the withheld COMMIT happened")
                        .isEqualTo(1);
                assertEveryOutcomeAsAppliedOneByOne();
                try (Connection c = pg.connect("postgres")) {
                    assertTableAsAppliedOneByOne(c);
                }
                assertNoConnectionLeaked(client);
            }
        }
    }

    /** Runs the threads; once {@link #CRASH_AT} of the operations are queued, arms the crash at the next COMMIT. */
    private void queueFromAllThreads(QueueingWriter writer, PgProxy proxy, CrashAtCommit crash) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 0x5eedL + t;
                running.add(threads.submit(() -> queue(writer, new SplittableRandom(seed))));
            }
            await("a share of the operations queued")
                    .atMost(DONE)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> queued.get() >= OPERATIONS * CRASH_AT);
            proxy.withholdReplyToCommit(1, crash);
            LOG.info("crash armed at the next COMMIT after {} operations queued", queued.get());
            for (Future<?> thread : running) {
                thread.get(DONE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private void queue(QueueingWriter writer, SplittableRandom random) {
        while (true) {
            int key = random.nextInt(KEYS);
            synchronized (stripes[key % STRIPES]) {
                int seq = queued.getAndIncrement();
                if (seq >= OPERATIONS) {
                    return;
                }
                var unused = queueOne(writer, random, key, seq)
                        .whenComplete((outcome, failure) -> note(seq, outcome, failure));
            }
        }
    }

    /**
     * Chooses an operation for the key by what it holds now (mostly ones that change it, a few that cannot: an
     * insert of a present key, an update or delete of a missing one), applies it to the copy and queues it.
     */
    private CompletableFuture<Outcome> queueOne(QueueingWriter writer, SplittableRandom random, int key, int seq) {
        boolean present = expected[key] != ABSENT;
        int dice = random.nextInt(1_000);
        Map<String, Object> id = Map.of("id", key);
        // Inserts of present keys are few: each costs the bisection of its batch's inserts about log2(n) writes.
        if (present ? dice < 2 : dice < 800) {
            kinds[seq] = 'i';
            expectedOutcome[seq] = present ? DUPLICATE_KEY : ONE_ROW;
            if (!present) {
                expected[key] = seq;
            }
            return writer.insert("stress", Map.of("id", key, "val", (long) seq));
        }
        if (present ? dice < 650 : dice < 900) {
            kinds[seq] = 'u';
            expectedOutcome[seq] = present ? ONE_ROW : NO_ROW;
            if (present) {
                expected[key] = seq;
            }
            return writer.update("stress", Map.of("val", (long) seq), id);
        }
        kinds[seq] = 'd';
        expectedOutcome[seq] = present ? ONE_ROW : NO_ROW;
        expected[key] = ABSENT;
        return writer.delete("stress", id);
    }

    private void note(int seq, Outcome outcome, Throwable failure) {
        byte actual;
        if (failure != null) {
            actual = OTHER;
            otherFailures.set(seq, failure.toString());
        } else if (outcome.ok()) {
            actual = outcome.rowsAffected() == 1 ? ONE_ROW : outcome.rowsAffected() == 0 ? NO_ROW : OTHER;
        } else if ("23505".equals(outcome.failure().sqlState())) {
            actual = DUPLICATE_KEY;
        } else {
            actual = OTHER;
            otherFailures.set(seq, outcome.failure().toString());
        }
        actualOutcome[seq] = actual;
        completed.incrementAndGet();
    }

    private void assertEveryOutcomeAsAppliedOneByOne() {
        int pending = 0;
        int duplicates = 0;
        List<String> wrong = new ArrayList<>();
        for (int seq = 0; seq < OPERATIONS; seq++) {
            byte actual = actualOutcome[seq];
            pending += actual == PENDING ? 1 : 0;
            duplicates += expectedOutcome[seq] == DUPLICATE_KEY ? 1 : 0;
            if (actual != expectedOutcome[seq] && wrong.size() < 20) {
                wrong.add("operation " + seq + " (" + kinds[seq] + "): expected " + expectedOutcome[seq] + ", got "
                        + actual + (otherFailures.get(seq) == null ? "" : " (" + otherFailures.get(seq) + ")"));
            }
        }
        LOG.info("{} inserts of present keys were expected to fail with 23505", duplicates);
        assertThat(pending).as("futures not completed").isZero();
        assertThat(wrong)
                .as("outcomes that differ from the one-by-one application (1 one row, 2 no row, 3 23505, 4 other)")
                .isEmpty();
    }

    private void assertTableAsAppliedOneByOne(Connection c) throws SQLException {
        long rows = 0;
        List<String> wrong = new ArrayList<>();
        long[] actual = new long[KEYS];
        java.util.Arrays.fill(actual, ABSENT);
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, val FROM stress")) {
            while (rs.next()) {
                actual[rs.getInt(1)] = rs.getLong(2);
                rows++;
            }
        }
        long expectedRows = 0;
        for (int key = 0; key < KEYS; key++) {
            expectedRows += expected[key] == ABSENT ? 0 : 1;
            if (actual[key] != expected[key] && wrong.size() < 20) {
                wrong.add("key " + key + ": expected " + expected[key] + ", got " + actual[key] + " (-1: no row)");
            }
        }
        LOG.info("{} rows in the table, {} expected", rows, expectedRows);
        assertThat(wrong).as("rows that differ from the one-by-one application").isEmpty();
        assertThat(rows).isEqualTo(expectedRows);
    }

    private static void assertNoConnectionLeaked(PgBatchClient client) {
        // HikariCP counts a connection back in the pool asynchronously of close(): poll briefly.
        await("every connection back in the pool")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    int[] usage = client.poolUsage();
                    return usage[0] == 0 && usage[1] == usage[2];
                });
        int[] usage = client.poolUsage();
        LOG.info("pool at the end: active {}, idle {}, total {}", usage[0], usage[1], usage[2]);
        assertThat(usage[0]).as("active connections").isZero();
        assertThat(usage[1]).as("idle connections").isEqualTo(usage[2]);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** Run by the proxy once the server has answered the withheld COMMIT: kills the server and starts it again. */
    private static final class CrashAtCommit implements Runnable {
        private final CrashablePostgres pg;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicLong crashedAt = new AtomicLong();

        CrashAtCommit(CrashablePostgres pg) {
            this.pg = pg;
        }

        @Override
        public void run() {
            try {
                crashedAt.set(System.nanoTime());
                pg.crash();
                LOG.info("PostgreSQL killed after answering a withheld COMMIT; starting it again");
                pg.restart();
                LOG.info("PostgreSQL back after {} ms", millisSince(crashedAt.get()));
            } catch (RuntimeException e) {
                failure.set(e);
                throw e;
            }
        }
    }
}
