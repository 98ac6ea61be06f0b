package io.pgsink.tools.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline measurement: a worker process, in a consumer group of its own, drains the pre-published backlog
 * into a fresh table in upsert mode. The clock runs from the worker reporting healthy (connected, table checked,
 * consumer polling; group join still ahead) until the group's committed offsets cover the whole backlog, which the
 * worker commits only after the rows are in a committed transaction.
 */
final class PipelineRun {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    /**
     * A worker configuration to measure: its name, a description, the settings it changes, and JVM flags beyond
     * {@code -Xmx} (none for the JVM's defaults).
     */
    record Variant(String name, String description, Map<String, String> settings, List<String> jvmFlags) {

        Variant(String name, String description, Map<String, String> settings) {
            this(name, description, settings, List.of());
        }
    }

    private final BenchDatabase database;
    private final BenchKafka kafka;
    private final String topic;
    private final long records;

    PipelineRun(BenchDatabase database, BenchKafka kafka, String topic, long records) {
        this.database = database;
        this.kafka = kafka;
        this.topic = topic;
        this.records = records;
    }

    /** The settings every benchmark worker shares: this broker and database, upsert mode, its own group and table. */
    static Map<String, String> baseSettings(BenchDatabase database, BenchKafka kafka, String topic, String name) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("kafka.group.id", "bench-" + name);
        settings.put("kafka.topics", topic);
        settings.put("postgres.url", database.server().jdbcUrl());
        settings.put("postgres.user", database.server().user());
        settings.put("postgres.password", database.server().password());
        settings.put("table", "bench_" + name);
        settings.put("write.mode", "upsert");
        return settings;
    }

    Measurement measure(Variant variant) throws Exception {
        String table = "bench_" + variant.name();
        database.freshTable(table);
        Map<String, String> settings = baseSettings(database, kafka, topic, variant.name());
        settings.putAll(variant.settings());
        LOG.info("measuring {}: {}", variant.name(), variant.settings());
        long start;
        long firstCommit;
        long end;
        Measurement.WorkerFigures figures;
        try (WorkerProcess worker = WorkerProcess.start(settings, BenchOptions.WORKER_XMX, variant.jvmFlags())) {
            worker.awaitHealthy(START_TIMEOUT);
            start = System.nanoTime();
            firstCommit = awaitCommitted(kafka, worker, "bench-" + variant.name(), records, timeout(records));
            end = System.nanoTime();
            figures = worker.stop();
        }
        long rows = database.count(table);
        database.drop(table);
        if (rows != records) {
            throw new IllegalStateException(variant.name() + ": the table holds " + rows + " rows after the group"
                    + " committed " + records + " records");
        }
        Measurement m = new Measurement(
                variant.name(), variant.description(), rows, (end - start) / 1e9, (firstCommit - start) / 1e9, figures);
        LOG.info("{}: {} rows/s", variant.name(), Math.round(m.rowsPerSecond()));
        return m;
    }

    /**
     * Polls the group's committed offsets until they add up to {@code target}; returns when (in nanoTime) the
     * first commit was seen.
     */
    static long awaitCommitted(BenchKafka kafka, WorkerProcess worker, String group, long target, Duration timeout)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long firstCommit = 0;
        long nextLog = System.nanoTime() + LOG_INTERVAL_NANOS;
        for (long committed = kafka.committed(group); committed < target; committed = kafka.committed(group)) {
            firstCommit = firstCommit == 0 && committed > 0 ? System.nanoTime() : firstCommit;
            if (System.nanoTime() > nextLog) {
                LOG.info("{}: committed {}, {}", group, committed, worker.progress());
                nextLog += LOG_INTERVAL_NANOS;
            }
            worker.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "group " + group + " did not commit " + target + " records within " + timeout);
            }
            Thread.sleep(20);
        }
        return firstCommit == 0 ? System.nanoTime() : firstCommit;
    }

    /** Generous: a run slower than 1,000 rows/s is broken, not slow. */
    static Duration timeout(long records) {
        return Duration.ofSeconds(Math.max(120, records / 1_000));
    }
}
