package io.pgsink.tools.examples;

import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One run of the migration against given servers: fill the source table if it does not exist, publish it by
 * keyset pages from the publisher's checkpoint, write it to the target with an in-process pgsink worker (exactly-once,
 * upsert by primary key), and compare the two tables. Run it again after a kill and it resumes: the publisher from
 * its checkpoint, the worker from its progress table.
 */
final class Migration {

    static final String TOPIC = "migration.orders";
    static final int PARTITIONS = 4;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(30);

    private final PrintStream out;
    private final Progress progress;

    Migration(PrintStream out) {
        this.out = out;
        this.progress = new Progress(out, PROGRESS_EVERY);
    }

    boolean run(String bootstrap, String sourceUrl, String targetUrl, long rows) throws Exception {
        try (Connection source = DriverManager.getConnection(sourceUrl);
                Connection target = DriverManager.getConnection(targetUrl)) {
            long total = prepare(source, target, bootstrap, rows);
            Map<String, String> settings = settings(bootstrap, targetUrl);
            printConfig(settings);
            try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(settings))) {
                publish(new KeysetPublisher(source, target, bootstrap, TOPIC), target, total, worker);
                awaitTarget(target, total, worker);
            }
            return check(source, target, bootstrap);
        }
    }

    private long prepare(Connection source, Connection target, String bootstrap, long rows) throws Exception {
        if (MigrationTables.exists(source, MigrationTables.TABLE)) {
            out.println("source table " + MigrationTables.TABLE + " exists: using it as it is");
        } else {
            out.printf("creating source table %s with %,d rows...%n", MigrationTables.TABLE, rows);
            MigrationTables.createSource(source, rows);
        }
        MigrationTables.createTarget(target);
        ensureTopic(bootstrap);
        long total = Queries.countQuietly(source, "SELECT count(*) FROM " + MigrationTables.TABLE);
        out.printf(
                "source: %,d rows; target: %,d rows already%n",
                total, Queries.countQuietly(target, "SELECT count(*) FROM " + MigrationTables.TABLE));
        return total;
    }

    static Map<String, String> settings(String bootstrap, String targetUrl) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", bootstrap);
        s.put("kafka.group.id", "pgsink-migration");
        // A restarted run takes the killed one's partitions at once instead of waiting out its session timeout.
        s.put("kafka.group.instance.id", "migration-worker");
        s.put("postgres.url", targetUrl);
        s.put("delivery.guarantee", "exactly-once");
        s.put("route.orders.topics", TOPIC);
        s.put("route.orders.table", MigrationTables.TABLE);
        // Upsert by the primary key: a row the publisher publishes again after a kill overwrites itself.
        s.put("route.orders.mode", "upsert");
        return s;
    }

    private void printConfig(Map<String, String> settings) {
        out.println("worker configuration (pgsink.properties):");
        settings.forEach((k, v) -> out.println("  " + k + "=" + (k.equals("postgres.url") ? redact(v) : v)));
    }

    /** The URL without its query string, which carries the password in this example. */
    static String redact(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?****";
    }

    private void publish(KeysetPublisher publisher, Connection target, long total, SinkWorker worker) throws Exception {
        KeysetPublisher.Checkpoint from = publisher.checkpoint();
        if (from.published() > 0) {
            out.printf(
                    "publisher resumes after id %,d (checkpoint table %s: %,d rows published before)%n",
                    from.lastId(), MigrationTables.CHECKPOINT, from.published());
        }
        KeysetPublisher.Checkpoint end = publisher.publish(published -> {
            requireHealthy(worker);
            progress.maybe(published, total, () -> countTarget(target));
        });
        out.printf("publisher done: %,d rows published in all (last id %,d)%n", end.published(), end.lastId());
    }

    /** Until the target has the source's row count, or the worker has nothing left to read and writes no more. */
    private void awaitTarget(Connection target, long total, SinkWorker worker) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        long previous = -1;
        int idle = 0;
        while (System.nanoTime() < deadline) {
            requireHealthy(worker);
            long rows = countTarget(target);
            progress.maybe(total, total, () -> rows);
            idle = worker.stats().lag() == 0 && rows == previous ? idle + 1 : 0;
            // Rows the table refused never arrive: stop waiting once nothing is left to read and nothing moves.
            if (rows >= total || idle >= 10) {
                out.printf("worker caught up: %,d rows in the target; stopping it%n", rows);
                return;
            }
            previous = rows;
            Thread.sleep(500);
        }
        throw new IllegalStateException("the target did not catch up within " + CATCH_UP_TIMEOUT);
    }

    private static long countTarget(Connection target) {
        try {
            return Queries.countQuietly(target, "SELECT count(*) FROM " + MigrationTables.TABLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the target's rows: " + e.getMessage(), e);
        }
    }

    static void requireHealthy(SinkWorker worker) {
        if (!worker.health().isHealthy()) {
            throw new IllegalStateException(
                    "worker unhealthy: " + worker.health().detail());
        }
    }

    private boolean check(Connection source, Connection target, String bootstrap) throws SQLException {
        out.println("final check (row count and an order-independent checksum of every row, both databases):");
        out.println("  " + TableChecksum.query(MigrationTables.TABLE) + ";");
        TableChecksum s = TableChecksum.of(source, MigrationTables.TABLE);
        TableChecksum t = TableChecksum.of(target, MigrationTables.TABLE);
        out.println("  source: " + s);
        out.println("  target: " + t);
        long deadLetters = Queries.recordsIn(bootstrap, TOPIC + ".dlt");
        out.printf("  dead-letter topic %s.dlt holds %d record(s)%n", TOPIC, deadLetters);
        long published = Queries.recordsIn(bootstrap, TOPIC);
        out.printf(
                "  topic %s holds %,d records for %,d source rows: %,d published again after a kill, written over"
                        + " themselves by the upsert%n",
                TOPIC, published, s.rows(), Math.max(0, published - s.rows()));
        if (s.equals(t)) {
            out.println("check: MATCH");
            return true;
        }
        out.printf(
                "check: MISMATCH: target has %+,d rows against the source, checksum %s%n",
                t.rows() - s.rows(), s.checksum().equals(t.checksum()) ? "equal" : "differs");
        return false;
    }

    private static void ensureTopic(String bootstrap) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> topics = admin.listTopics().names().get();
            if (!topics.contains(TOPIC)) {
                admin.createTopics(java.util.List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                        .all()
                        .get();
            }
        }
    }

    /** A progress line at most every period: published, rows in the target, and the target's rate. */
    private static final class Progress {
        private final PrintStream out;
        private final long periodNanos;
        private long lastNanos = System.nanoTime();
        private long lastRows = -1;

        Progress(PrintStream out, Duration period) {
            this.out = out;
            this.periodNanos = period.toNanos();
        }

        void maybe(long published, long total, LongSupplier target) {
            long now = System.nanoTime();
            if (lastRows >= 0 && now - lastNanos < periodNanos) {
                return;
            }
            long rows = target.getAsLong();
            double seconds = (now - lastNanos) / 1e9;
            out.printf(
                    "progress: published %,d / %,d (%d%%), target rows %,d, %,.0f rows/s%n",
                    published,
                    total,
                    total == 0 ? 100 : published * 100 / total,
                    rows,
                    lastRows < 0 ? 0 : (rows - lastRows) / seconds);
            lastNanos = now;
            lastRows = rows;
        }
    }
}
