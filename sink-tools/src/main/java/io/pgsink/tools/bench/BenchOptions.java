package io.pgsink.tools.bench;

import java.util.Set;

/**
 * What {@code pgsink bench} measures: the backlog size, its partitions and the offered load of the latency run,
 * with the sizes derived from them.
 *
 * @param records records in the backlog every pipeline measurement drains, and rows in the COPY ceiling
 * @param partitions partitions of the benchmark topics
 * @param rate records per second the latency run offers
 * @param json print one JSON object instead of the table
 * @param throughput run the throughput measurements (ceiling, baseline, pipelines)
 * @param latency run the latency measurements
 * @param library run the library API measurements (issue 13) instead: {@code --only library}
 * @param observability what the pipeline workers run with beyond writing (the latency workers always have metrics)
 * @param rows the pipeline rows to run, by name; empty runs them all
 */
record BenchOptions(
        int records,
        int partitions,
        int rate,
        boolean json,
        boolean throughput,
        boolean latency,
        boolean library,
        Observability observability,
        Set<String> rows) {

    static final int DEFAULT_RECORDS = 1_000_000;
    static final int DEFAULT_PARTITIONS = 8;
    static final int DEFAULT_RATE = 20_000;
    /** Rows the row-by-row baseline inserts: one fsync'd commit each is too slow for the whole backlog. */
    static final int ROW_BY_ROW_SAMPLE = 20_000;

    static final int LATENCY_SECONDS = 20;
    static final String WORKER_XMX = "256m";

    BenchOptions(int records, int partitions, int rate, boolean json, boolean throughput, boolean latency) {
        this(records, partitions, rate, json, throughput, latency, false, Observability.METRICS, Set.of());
    }

    BenchOptions(
            int records, int partitions, int rate, boolean json, boolean throughput, boolean latency, boolean library) {
        this(records, partitions, rate, json, throughput, latency, library, Observability.METRICS, Set.of());
    }

    BenchOptions {
        rows = Set.copyOf(rows);
        require(records >= 1_000 && records <= 50_000_000, "--records must be between 1000 and 50000000");
        require(partitions >= 1 && partitions <= 256, "--partitions must be between 1 and 256");
        require(rate >= 100 && rate <= 1_000_000, "--rate must be between 100 and 1000000");
    }

    /** Whether any measurement needs Kafka: the library measurements do not. */
    boolean kafka() {
        return throughput || latency;
    }

    /** Whether the pipeline row named {@code name} is to run. */
    boolean runs(String name) {
        return rows.isEmpty() || rows.contains(name);
    }

    int rowByRowSample() {
        return Math.min(ROW_BY_ROW_SAMPLE, records);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
