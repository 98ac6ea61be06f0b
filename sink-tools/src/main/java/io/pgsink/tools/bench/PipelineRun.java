package io.pgsink.tools.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline measurement: a worker process, in a consumer group of its own, drains a pre-published backlog into
 * a fresh table in upsert mode. The clock runs from the worker reporting that it started (connected, table checked,
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

    /** A pre-published topic: its name, the records in it (the sum of its end offsets) and their bytes. */
    record Backlog(String topic, long records, long bytes) {}

    private final BenchDatabase database;
    private final BenchKafka kafka;
    private final Observability observability;
    private final OtlpReceiver receiver;

    /** @param receiver where workers export spans; null unless {@code observability} is {@link Observability#FULL} */
    PipelineRun(BenchDatabase database, BenchKafka kafka, Observability observability, OtlpReceiver receiver) {
        this.database = database;
        this.kafka = kafka;
        this.observability = observability;
        this.receiver = receiver;
    }

    /** The settings every benchmark worker shares: this broker and database, upsert mode, its own group and table. */
    static Map<String, String> baseSettings(BenchDatabase database, BenchKafka kafka, String topic, String name) {
        Map<String, String> settings = connection(database, kafka, name);
        settings.put("kafka.topics", topic);
        settings.put("table", "bench_" + name);
        settings.put("write.mode", "upsert");
        return settings;
    }

    private static Map<String, String> connection(BenchDatabase database, BenchKafka kafka, String name) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("kafka.group.id", "bench-" + name);
        settings.put("postgres.url", database.server().jdbcUrl());
        settings.put("postgres.user", database.server().user());
        settings.put("postgres.password", database.server().password());
        return settings;
    }

    /** Drains the plain JSON backlog with {@code variant}'s settings; the table must then hold every id. */
    Measurement measure(Variant variant, Backlog backlog) throws Exception {
        String table = "bench_" + variant.name();
        database.freshTable(table);
        Map<String, String> settings = baseSettings(database, kafka, backlog.topic(), variant.name());
        settings.putAll(variant.settings());
        LOG.info("measuring {}: {}", variant.name(), variant.settings());
        Measurement m = drain(variant, settings, backlog);
        long rows = database.count(table);
        database.drop(table);
        if (rows != backlog.records()) {
            throw new IllegalStateException(variant.name() + ": the table holds " + rows + " rows after the group"
                    + " committed " + backlog.records() + " records");
        }
        return m;
    }

    /**
     * Drains the Debezium backlog through a route with format debezium, upsert by the record key (the primary key),
     * deletes on (the format's default); the table must then equal the state the events leave, in row count and
     * checksum, or the bench fails.
     */
    Measurement measureDebezium(Backlog backlog, DebeziumData.Published published) throws Exception {
        Variant variant = new Variant(
                BenchRun.DEBEZIUM_ROW,
                "pipeline: Debezium envelope (schemas), upsert+delete, COPY, adaptive, 1 lane",
                Map.of(
                        "route.dbz.topics", backlog.topic(),
                        "route.dbz.table", "bench_" + BenchRun.DEBEZIUM_ROW,
                        "route.dbz.format", "debezium",
                        "route.dbz.mode", "upsert",
                        "route.dbz.key.source", "record-key"));
        String table = "bench_" + variant.name();
        database.freshTable(table);
        Map<String, String> settings = connection(database, kafka, variant.name());
        settings.putAll(variant.settings());
        LOG.info("measuring {}: {}; {}", variant.name(), variant.settings(), published.mix());
        Measurement m = drain(variant, settings, backlog);
        verify(table, published);
        database.drop(table);
        return m;
    }

    private void verify(String table, DebeziumData.Published published) throws Exception {
        String expectedTable = table + "_expected";
        database.load(expectedTable, published::forEachExpectedRow);
        BenchDatabase.Contents expected = database.contents(expectedTable);
        BenchDatabase.Contents actual = database.contents(table);
        database.drop(expectedTable);
        if (expected.rows() != published.expectedRows() || !expected.equals(actual)) {
            throw new IllegalStateException(String.format(
                    "%s does not hold the state the Debezium events leave: %,d rows, checksum %s; expected %,d rows,"
                            + " checksum %s",
                    table, actual.rows(), actual.checksum(), expected.rows(), expected.checksum()));
        }
        LOG.info("{} holds the expected final state: {} rows, checksum {}", table, actual.rows(), actual.checksum());
    }

    private Measurement drain(Variant variant, Map<String, String> settings, Backlog backlog) throws Exception {
        if (observability.tracing()) {
            settings.put("tracing.otlp.endpoint", receiver.endpoint());
        }
        long exportsBefore = receiver == null ? 0 : receiver.requests();
        String group = settings.get("kafka.group.id");
        long start;
        long firstCommit;
        long end;
        Measurement.WorkerFigures figures;
        try (WorkerProcess worker =
                WorkerProcess.start(settings, BenchOptions.WORKER_XMX, variant.jvmFlags(), observability.metrics())) {
            worker.awaitStarted(START_TIMEOUT);
            start = System.nanoTime();
            firstCommit = awaitCommitted(kafka, worker, group, backlog.records(), timeout(backlog.records()));
            end = System.nanoTime();
            figures = worker.stop();
        }
        if (observability.tracing()) {
            requireExported(variant.name(), receiver.requests() - exportsBefore);
        }
        Measurement m = new Measurement(
                variant.name(),
                variant.description(),
                backlog.records(),
                (end - start) / 1e9,
                (firstCommit - start) / 1e9,
                figures,
                backlog.bytes());
        LOG.info("{}: {} records/s, {} MB/s", variant.name(), Math.round(m.rowsPerSecond()), m.megabytesPerSecond());
        return m;
    }

    /** With tracing on, a run whose spans never reached the receiver measured nothing: fail it. */
    private void requireExported(String name, long exports) {
        if (exports == 0) {
            throw new IllegalStateException(
                    name + ": tracing was on but the worker exported no spans to " + receiver.endpoint());
        }
        LOG.info("{}: {} span exports received, {} bytes in all so far", name, exports, receiver.bytes());
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
