package io.pgsink.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The report as tables for people. */
final class ReportText {

    private static final String ROW = "%-76s %9s %6s %6s %9s %7s %10s %10s %8s %9s %9s%n";
    private static final String LATENCY_ROW = "%-26s %8s %9s %9s %8s %8s %8s %9s %9s %8s %9s%n";
    private static final String NOTES = String.join(
            "\n",
            "row-by-row is a sample of SAMPLE rows. Pipeline rates run from the worker logging that it started (when",
            "/health turns 200) until the group has committed every offset; rows/s is records read per second (for the",
            "Debezium row: change events and tombstones, not rows), MB/s their keys' and values' bytes per second.",
            "The Debezium row drains as many records (a fifth as many ids, creates, updates, 15% deletes) and is checked",
            "to leave exactly the expected rows (count and checksum). \"start s\" is the part spent before the first",
            "commit (group join, first fetch, first batch); \"end target\" is the batch size target at the end; \"cpu s\"",
            "the worker JVM's CPU time. \"peak heap\" is the worker's jvm_heap_used_peak_bytes, \"after GC\" the most",
            "heap in use right after a collection (GC log). Latency runs from handing the event to the Kafka producer (sent_at) to the insert",
            "(written_at = clock_timestamp()), slightly before COMMIT. \"warm-up\" is the cold start: from the first send",
            "until the worker's committed offsets had kept within 100 ms of sending for 5 s in a row; the rows measured",
            "are the following ones; \"p99 all\" includes the cold start. \"late max\" is how late the producer thread",
            "sent at worst.");

    private static final String LIBRARY_ROW = "%-62s %10s %9s %8s %9s %10s %9s%n";
    private static final String LIBRARY_NOTES = String.join(
            "\n",
            "Library API against plain JDBC, one after the other in the bench JVM (max heap MAXHEAP), on a table of",
            "bigint key, text, numeric, timestamptz, jsonb and uuid columns, emptied and checkpointed before each; every",
            "variant's rows were counted afterwards. Each variant makes its rows (typed values, the jsonb payload a map)",
            "as it goes: the first row is that cost alone. \"x loop\" is over the JDBC loop committing every 1,000;",
            "\"x autocommit\" over the autocommitted loop, which ran on a sample only: its rate is the sample's, and",
            "1,000,000 rows would take about 1,000,000 / that rate. \"peak heap\" is the bench JVM's heap in use, sampled",
            "every 10 ms, garbage included; \"after GC\" the most in use right after a collection during the variant (an",
            "upper bound of what it kept live).");

    private ReportText() {}

    static void print(BenchReport r, PrintStream out) {
        if (r.options().library()) {
            library(r, out);
            return;
        }
        BenchReport.Machine m = r.machine();
        out.printf(
                "pgsink bench: %,d records, %d partitions, upsert; PostgreSQL %s (fsync on) and Kafka %s"
                        + " embedded, same box%n",
                r.options().records(), r.options().partitions(), m.postgres(), m.kafka());
        out.printf(
                "machine: %d CPUs, %.0f GiB, Java %s, load average %.1f at start; each worker in its own JVM"
                        + " with -Xmx%s%n%n",
                m.cpus(), m.memoryBytes() / 1073741824.0, m.java(), m.loadAverageAtStart(), BenchOptions.WORKER_XMX);
        if (r.options().throughput()) {
            out.printf(
                    "pipeline workers' observability: %s%n",
                    describe(r.options().observability()));
            throughput(r, out);
        }
        if (r.options().latency()) {
            latency(r, out);
        }
        long sample = r.rowByRow() == null
                ? r.options().rowByRowSample()
                : r.rowByRow().rows();
        out.printf("%n%s%nbench took %.0f s%n", NOTES.replace("SAMPLE", String.format("%,d", sample)), r.seconds());
    }

    private static void throughput(BenchReport r, PrintStream out) {
        out.printf(
                ROW,
                "throughput",
                "rows/s",
                "MB/s",
                "x COPY",
                "x row-row",
                "start s",
                "mean batch",
                "end target",
                "cpu s",
                "peak heap",
                "after GC");
        List<Measurement> all = new ArrayList<>();
        for (Measurement reference : Arrays.asList(r.copyCeiling(), r.upsertCeiling(), r.rowByRow())) {
            if (reference != null) {
                all.add(reference);
            }
        }
        all.addAll(r.pipeline());
        for (Measurement x : all) {
            Measurement.WorkerFigures w = x.worker();
            boolean worker = w != null;
            out.printf(
                    ROW,
                    x.description(),
                    String.format("%,.0f", x.rowsPerSecond()),
                    x.bytes() < 0 ? "" : String.format("%.1f", x.megabytesPerSecond()),
                    String.format("%.2f", r.vsCopy(x)),
                    r.rowByRow() == null ? "" : String.format("%.1f", r.vsRowByRow(x)),
                    worker ? String.format("%.1f", x.firstCommitSeconds()) : "",
                    worker && w.batches() > 0 ? String.format("%,.0f", w.meanBatch(x.rows())) : "",
                    worker ? String.format("%,d", w.finalTargetRecords()) : "",
                    worker ? String.format("%.0f", w.cpuSeconds()) : "",
                    worker ? mib(w.peakHeapBytes()) : "",
                    worker ? mib(w.maxHeapAfterGcBytes()) : "");
        }
    }

    private static void library(BenchReport r, PrintStream out) {
        BenchReport.Machine m = r.machine();
        out.printf(
                "pgsink bench --only library: %,d rows per variant; PostgreSQL %s (fsync on) embedded, same box%n",
                r.options().records(), m.postgres());
        out.printf(
                "machine: %d CPUs, %.0f GiB, Java %s, load average %.1f at start%n%n",
                m.cpus(), m.memoryBytes() / 1073741824.0, m.java(), m.loadAverageAtStart());
        out.printf(
                LIBRARY_ROW,
                "library API vs JDBC",
                "rows",
                "rows/s",
                "x loop",
                "x autocommit",
                "peak heap",
                "after GC");
        for (LibraryRun.Result x : r.library()) {
            boolean reference = x.name().equals(LibraryRun.MAKE_ROWS);
            out.printf(
                    LIBRARY_ROW,
                    x.description(),
                    String.format("%,d", x.rows()),
                    String.format("%,.0f", x.rowsPerSecond()),
                    reference ? "" : String.format("%.2f", r.libraryVs(x, LibraryRun.BASELINE)),
                    reference ? "" : String.format("%.1f", r.libraryVs(x, LibraryRun.AUTOCOMMIT)),
                    mib(x.peakHeapBytes()),
                    x.maxHeapAfterGcBytes() > 0 ? mib(x.maxHeapAfterGcBytes()) : "no GC");
        }
        out.printf(
                "%n%s%nbench took %.0f s%n", LIBRARY_NOTES.replace("MAXHEAP", mib(m.benchMaxHeapBytes())), r.seconds());
    }

    private static void latency(BenchReport r, PrintStream out) {
        out.printf(
                "%nlatency, produce to insert, at %,d records/s offered (after the warm-up, %d s measured):%n",
                r.options().rate(), BenchOptions.LATENCY_SECONDS);
        out.printf(
                LATENCY_ROW,
                "worker",
                "sent/s",
                "warm-up s",
                "rows",
                "p50 ms",
                "p99 ms",
                "max ms",
                "p99 all",
                "late max",
                "cpu s",
                "peak heap");
        for (LatencyRun.Latency l : r.latency()) {
            out.printf(
                    LATENCY_ROW,
                    "COPY, adaptive, " + l.concurrency() + " lane(s)",
                    String.format("%,.0f", l.achievedRate()),
                    String.format("%.1f%s", l.warmupSeconds(), l.caughtUp() ? "" : " (never caught up)"),
                    String.format("%,d", l.measured().rows()),
                    String.format("%.1f", l.measured().p50()),
                    String.format("%.1f", l.measured().p99()),
                    String.format("%.1f", l.measured().max()),
                    String.format("%,.0f", l.all().p99()),
                    String.format("%.1f ms", l.maxLateMillis()),
                    String.format("%.0f", l.worker().cpuSeconds()),
                    mib(l.worker().peakHeapBytes()));
        }
    }

    private static String describe(Observability o) {
        return switch (o) {
            case OFF -> "off (no http.port: no metrics, no /health; no tracing)";
            case METRICS -> "metrics (http.port: /metrics, scraped by the bench once a second; no tracing)";
            case FULL -> "full (metrics, and a span per batch exported over OTLP/HTTP to a receiver in the bench)";
        };
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.0f MiB", bytes / 1048576.0);
    }
}
