package io.pgsink.tools.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every measurement in one go, on one embedded Kafka and one durable embedded PostgreSQL, so the figures
 * compare with each other: the COPY ceiling, the row-by-row baseline, the pipeline variants on one backlog, and
 * the latency at a fixed load.
 */
final class BenchRun {

    private static final Logger LOG = LoggerFactory.getLogger(BenchRun.class);
    private static final String BACKLOG_TOPIC = "bench.backlog";
    private static final String DEBEZIUM_TOPIC = "bench.public.payments";
    /** The Debezium-envelope row's name, as PipelineRun names it. */
    static final String DEBEZIUM_ROW = "debezium_c1";
    /** The reference rows --rows can leave out (the COPY ceiling always runs: every ratio and run compares to it). */
    static final String UPSERT_ROW = "copy_upsert_ceiling";

    static final String ROW_BY_ROW = "row_by_row";
    /** Lane counts measured: one, the default, and two, one per core of the two-core machines this targets. */
    private static final List<Integer> CONCURRENCIES = List.of(1, 2);

    private final BenchOptions options;

    BenchRun(BenchOptions options) {
        this.options = options;
    }

    BenchReport run() throws Exception {
        long start = System.nanoTime();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        LOG.info("starting embedded PostgreSQL (durable){}", options.kafka() ? " and Kafka" : "");
        try (BenchDatabase database = BenchDatabase.start();
                BenchKafka kafka = options.kafka() ? BenchKafka.start() : null) {
            Measurement copy = null;
            Measurement upsert = null;
            Measurement rowByRow = null;
            List<Measurement> pipeline = List.of();
            if (options.throughput()) {
                copy = new CopyCeiling(database).measure(options.records(), false);
                LOG.info("COPY ceiling: {} rows/s", Math.round(copy.rowsPerSecond()));
                if (options.runs(UPSERT_ROW)) {
                    upsert = new CopyCeiling(database).measure(options.records(), true);
                    LOG.info("COPY upsert, for reference: {} rows/s", Math.round(upsert.rowsPerSecond()));
                }
                if (options.runs(ROW_BY_ROW)) {
                    rowByRow = new RowByRow(database).measure(options.rowByRowSample());
                    LOG.info("row-by-row: {} rows/s", Math.round(rowByRow.rowsPerSecond()));
                }
                pipeline = pipeline(database, kafka);
            }
            List<LatencyRun.Latency> latency = new ArrayList<>();
            if (options.latency()) {
                for (int lanes : CONCURRENCIES) {
                    latency.add(new LatencyRun(database, kafka, options).measure(lanes));
                }
            }
            List<LibraryRun.Result> library =
                    options.library() ? new LibraryRun(database, options).measure() : List.of();
            return new BenchReport(
                    options,
                    machine(database, load),
                    copy,
                    upsert,
                    rowByRow,
                    pipeline,
                    latency,
                    library,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private List<Measurement> pipeline(BenchDatabase database, BenchKafka kafka) throws Exception {
        List<PipelineRun.Variant> variants =
                variants().stream().filter(v -> options.runs(v.name())).toList();
        List<Measurement> results = new ArrayList<>();
        try (OtlpReceiver receiver = options.observability().tracing() ? OtlpReceiver.start() : null) {
            LOG.info(
                    "pipeline workers' observability: {}",
                    options.observability().label());
            PipelineRun run = new PipelineRun(database, kafka, options.observability(), receiver);
            if (!variants.isEmpty()) {
                PipelineRun.Backlog backlog =
                        publish(kafka, BACKLOG_TOPIC, () -> kafka.publishBacklog(BACKLOG_TOPIC, options.records()));
                for (PipelineRun.Variant variant : variants) {
                    results.add(run.measure(variant, backlog));
                }
            }
            if (options.runs(DEBEZIUM_ROW)) {
                DebeziumData.Published[] published = new DebeziumData.Published[1];
                PipelineRun.Backlog backlog = publish(kafka, DEBEZIUM_TOPIC, () -> {
                    published[0] = DebeziumData.publish(kafka, DEBEZIUM_TOPIC, options.records());
                    return published[0].bytes();
                });
                results.add(run.measureDebezium(backlog, published[0]));
            }
        }
        return results;
    }

    private PipelineRun.Backlog publish(BenchKafka kafka, String topic, LongSupplier publisher) {
        kafka.createTopic(topic, options.partitions());
        LOG.info("publishing {}: {} records to {} partitions", topic, options.records(), options.partitions());
        long bytes = publisher.getAsLong();
        return new PipelineRun.Backlog(topic, kafka.endOffsets(topic), bytes);
    }

    /** The names of every pipeline row, for {@code --rows}. */
    static List<String> rowNames() {
        List<String> names = new ArrayList<>(
                variants().stream().map(PipelineRun.Variant::name).toList());
        names.add(DEBEZIUM_ROW);
        names.add(UPSERT_ROW);
        names.add(ROW_BY_ROW);
        return names;
    }

    /** The worker configurations compared; each names only what it changes from the defaults. */
    static List<PipelineRun.Variant> variants() {
        List<PipelineRun.Variant> variants = new ArrayList<>();
        variants.add(new PipelineRun.Variant(
                "jdbc_batch",
                "pipeline: JDBC batch (write.method=batch), adaptive," + " 1 lane",
                Map.of("write.method", "batch")));
        for (int lanes : CONCURRENCIES) {
            variants.add(new PipelineRun.Variant(
                    "copy_adaptive_c" + lanes,
                    "pipeline: COPY, adaptive (defaults: exactly-once), " + lanes + " lane(s)",
                    Map.of("write.concurrency", Integer.toString(lanes))));
            // What the progress table costs: the same without it.
            variants.add(new PipelineRun.Variant(
                    "copy_adaptive_c" + lanes + "_at_least_once",
                    "pipeline: COPY, adaptive, at-least-once, " + lanes + " lane(s)",
                    Map.of("write.concurrency", Integer.toString(lanes), "delivery.guarantee", "at-least-once")));
        }
        // The collector deploy/ starts the worker with: far fewer collections than G1 at -Xmx256m (see docs).
        variants.add(new PipelineRun.Variant(
                "copy_adaptive_c2_parallel_gc",
                "pipeline: COPY, adaptive, 2 lanes," + " -XX:+UseParallelGC",
                Map.of("write.concurrency", "2"),
                List.of("-XX:+UseParallelGC")));
        for (int size : List.of(500, 5_000, 50_000)) {
            variants.add(new PipelineRun.Variant(
                    "copy_fixed_" + size,
                    String.format("pipeline: COPY, fixed" + " batches of %,d, 1 lane", size),
                    fixed(size)));
        }
        return variants;
    }

    /** No adaptation: every batch aims at {@code size}, with the byte cap raised so it can get there. */
    private static Map<String, String> fixed(int size) {
        Map<String, String> settings = new java.util.HashMap<>(
                Map.of("batch.target.latency.ms", "0", "batch.max.records", Integer.toString(size)));
        if (size > 20_000) {
            // 50,000 of the bench's records are about 18 MB as the batcher counts them; room for two such batches.
            settings.put("batch.max.bytes", Long.toString(24L << 20));
            settings.put("buffer.max.bytes", Long.toString(40L << 20));
        }
        return settings;
    }

    private static BenchReport.Machine machine(BenchDatabase database, double load) throws Exception {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return new BenchReport.Machine(
                Runtime.getRuntime().availableProcessors(),
                memory,
                System.getProperty("java.version"),
                database.version(),
                AppInfoParser.getVersion(),
                Runtime.getRuntime().maxMemory(),
                load);
    }
}
