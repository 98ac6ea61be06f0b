package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.testing.ChildJvm;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A worker killed with SIGKILL again and again while it writes, restarted each time, into a table with no unique
 * key, so nothing in the database would catch a record written twice: the table must hold every record exactly
 * once, by the worker's own bookkeeping alone.
 */
class CrashLoopIT {

    private static final int RECORDS = 500_000;
    private static final int KILLS = 5;
    private static final long SEED = 20_261_130L;
    private static final int SIGTERM_EXIT = 143;
    /** Longer than a worker takes to start on a loaded machine, so that a restart without the id has to wait. */
    private static final String SESSION_TIMEOUT_MS = "15000";
    /** No unique key; written_at shows when the restarted worker wrote its first row. */
    private static final String DDL =
            "(id bigint NOT NULL, payload text NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp())";

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** How long a restarted worker took: to its first new row, and from started to its partitions assigned. */
    private record Resume(long firstRowMillis, long joinMillis) {
        @Override
        public String toString() {
            return firstRowMillis + " ms (join " + joinMillis + " ms)";
        }
    }

    @Test
    void workerKilledRepeatedlyMidStreamWritesEveryRecordExactlyOnce() throws Exception {
        SinkFixture f = new SinkFixture("crashloop", 4, true, DDL);
        // Records arrive in steps, each published while no worker runs, a little past the next kill moment: every
        // restarted worker then has records of its own to write, however fast the killed one was (on an idle
        // machine a worker could write everything before a late kill landed, and the restart had nothing to do).
        List<Long> moments = new ArrayList<>(killMoments(new Random(SEED)));
        moments.add(RECORDS * 85L / 100);
        long[] produced = {0};
        Runnable publishNext = () -> {
            long upTo = moments.isEmpty() ? RECORDS : Math.min(RECORDS, moments.get(0) + RECORDS * 5L / 100);
            f.produceValues(produced[0], upTo, CrashLoopIT::record);
            produced[0] = upTo;
        };
        publishNext.run();
        // A static member id: a restarted worker takes its partitions back at once, where without one the group
        // waits for the dead member's session to time out (the last restart shows the difference).
        String[] settings = {
            "kafka.group.instance.id", "crashloop-worker", "kafka.consumer.session.timeout.ms", SESSION_TIMEOUT_MS
        };
        List<Resume> staticResumes = new ArrayList<>();
        Resume dynamicResume;

        ChildJvm worker = f.childWorker(settings);
        try {
            for (int i = 0; i < KILLS; i++) {
                long rows = moments.remove(0);
                worker = killAfterAndRestart(f, worker, rows, publishNext, settings, staticResumes);
            }
            // One more kill, restarted without the id: the group waits for the dead member's session to expire.
            List<Resume> dynamic = new ArrayList<>();
            long rows = moments.remove(0);
            worker = killAfterAndRestart(
                    f,
                    worker,
                    rows,
                    publishNext,
                    new String[] {"kafka.consumer.session.timeout.ms", SESSION_TIMEOUT_MS},
                    dynamic);
            dynamicResume = dynamic.get(0);

            awaitOrExplain(f, worker, Duration.ofSeconds(90), () -> f.committedTotal() == RECORDS);
            worker.terminate();
            assertThat(worker.waitFor(Duration.ofSeconds(60)))
                    .as(worker.output())
                    .isEqualTo(SIGTERM_EXIT);
        } finally {
            worker.close();
        }
        System.out.printf(
                "crash loop: resume after SIGKILL, restart to first new row: %s with a static member id, %s"
                        + " without (session timeout %s ms)%n",
                staticResumes, dynamicResume, SESSION_TIMEOUT_MS);

        assertThat(f.rowCount()).as("rows").isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT count(DISTINCT id) FROM " + f.table))
                .as("distinct ids")
                .isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT sum(id) FROM " + f.table)).isEqualTo((long) RECORDS * (RECORDS - 1) / 2);
        assertThat(f.queryLong("SELECT sum(hashtext(payload)) FROM " + f.table))
                .as("checksum of the payloads")
                .isEqualTo(f.queryLong("SELECT sum(hashtext(" + payloadSql("g") + ")) FROM generate_series(0, "
                        + (RECORDS - 1) + ") AS g"));
        assertThat(f.queryLong("SELECT count(*) FROM " + f.table + " WHERE payload <> " + payloadSql("id")))
                .as("rows whose payload is not their record's")
                .isZero();
        assertThat(f.committedTotal()).isEqualTo(RECORDS);
        assertThat(f.queryLong("SELECT sum(next_offset) FROM pgsink_progress WHERE group_id = '" + f.group + "'"))
                .as("offsets in the progress table")
                .isEqualTo(RECORDS);
        assertThat(f.deadLetterCount()).isZero();
    }

    /**
     * One moment in each fifth of 5% to 75% of the rows, at a random row count within it: spread over the run,
     * never bunched, and leaving room for the last kill at 85%.
     */
    private static List<Long> killMoments(Random random) {
        List<Long> moments = new ArrayList<>();
        long span = RECORDS * 70L / 100 / KILLS;
        for (int i = 0; i < KILLS; i++) {
            moments.add(RECORDS * 5L / 100 + i * span + (long) (random.nextDouble() * span));
        }
        return moments;
    }

    /**
     * Kills the worker once the table holds {@code rows} rows, publishes the next records, starts a new worker and
     * waits for its first row; adds the time from the restart to that row to {@code resumes}.
     */
    private static ChildJvm killAfterAndRestart(
            SinkFixture f, ChildJvm worker, long rows, Runnable publish, String[] settings, List<Resume> resumes)
            throws Exception {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> f.rowCount() >= rows);
        worker.kill();
        publish.run();
        long restartedAt = System.currentTimeMillis();
        ChildJvm next = f.childWorker(settings);
        try {
            String firstNewRow = "SELECT coalesce((extract(epoch FROM min(written_at)) * 1000)::bigint, 0) FROM "
                    + f.table + " WHERE written_at > to_timestamp(" + restartedAt + " / 1000.0)";
            awaitOrExplain(f, next, Duration.ofSeconds(60), () -> f.queryLong(firstNewRow) > 0);
            resumes.add(new Resume(
                    f.queryLong(firstNewRow) - restartedAt,
                    logMillis(next.output(), "pgsink worker started", "partitions assigned")));
            return next;
        } catch (Exception | AssertionError e) {
            next.close();
            throw e;
        }
    }

    /** Waits for {@code condition}; on timeout, fails with the table's and the group's state and the worker's log. */
    private static void awaitOrExplain(SinkFixture f, ChildJvm worker, Duration atMost, Callable<Boolean> condition)
            throws Exception {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    e.getMessage() + "\nrows: " + f.rowCount() + ", group offsets: " + f.committed()
                            + ", progress table: "
                            + f.queryLong(
                                    "SELECT coalesce(sum(next_offset), -1) FROM pgsink_progress WHERE group_id = '"
                                            + f.group + "'")
                            + "\nworker log:\n" + worker.output(),
                    e);
        }
    }

    /** Milliseconds from the first line of {@code log} that contains {@code from} to the first with {@code to}. */
    private static long logMillis(String log, String from, String to) {
        return Duration.between(logTime(log, from), logTime(log, to)).toMillis();
    }

    private static LocalDateTime logTime(String log, String text) {
        String line = log.lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
        return LocalDateTime.parse(line.substring(0, 23), LOG_TIME);
    }

    /** The payload of record {@code id}, in SQL: the table's checksum is compared with one computed from it. */
    private static String payloadSql(String id) {
        return "'p' || " + id + " || '-' || ((" + id + "::bigint * 7919) % 10007)";
    }

    private static String record(long id) {
        return "{\"id\":" + id + ",\"payload\":\"p" + id + "-" + (id * 7919 % 10007) + "\"}";
    }
}
