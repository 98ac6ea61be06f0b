package io.pgsink.app.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The report as a table for people. */
final class ReportText {

    private static final String ROW = "%-58s %9s %7s %9s %9s %10s %10s%n";

    private ReportText() {
    }

    static void print(BenchReport r, PrintStream out) {
        BenchReport.Machine m = r.machine();
        out.printf("pgsink bench: %,d records, %d partitions, upsert; PostgreSQL %s (fsync on) and Kafka %s"
            + " embedded, same box%n", r.options().records(), r.options().partitions(), m.postgres(), m.kafka());
        out.printf("machine: %d CPUs, %.0f GiB, Java %s; each worker in its own JVM with -Xmx%s%n%n", m.cpus(),
            m.memoryBytes() / 1073741824.0, m.java(), BenchOptions.WORKER_XMX);
        out.printf(ROW, "throughput", "rows/s", "x COPY", "x row-row", "mean batch", "peak heap", "after GC");
        List<Measurement> all = new ArrayList<>(List.of(r.copyCeiling(), r.rowByRow()));
        all.addAll(r.pipeline());
        for (Measurement x : all) {
            Measurement.WorkerFigures w = x.worker();
            out.printf(ROW, x.description(), String.format("%,.0f", x.rowsPerSecond()),
                String.format("%.2f", r.vsCopy(x)), String.format("%.1f", r.vsRowByRow(x)),
                w == null ? "" : String.format("%,.0f", w.meanBatch(x.rows())),
                w == null ? "" : mib(w.peakHeapBytes()), w == null ? "" : mib(w.maxHeapAfterGcBytes()));
        }
        out.printf("%nlatency, produce to insert, at %,d records/s offered (%d s warm-up not counted, then %d s):%n",
            r.options().rate(), BenchOptions.LATENCY_WARMUP_SECONDS, BenchOptions.LATENCY_SECONDS);
        String row = "%-40s %10s %9s %8s %8s %8s %10s %10s%n";
        out.printf(row, "worker", "sent/s", "rows", "p50 ms", "p99 ms", "max ms", "late max", "peak heap");
        for (LatencyRun.Latency l : r.latency()) {
            out.printf(row, "COPY, adaptive, " + l.concurrency() + " lane(s)", String.format("%,.0f", l.achievedRate()),
                String.format("%,d", l.rows()), String.format("%.1f", l.p50Millis()),
                String.format("%.1f", l.p99Millis()), String.format("%.1f", l.maxMillis()),
                String.format("%.1f ms", l.maxLateMillis()), mib(l.worker().peakHeapBytes()));
        }
        out.printf("%nrow-by-row is a sample of %,d rows; \"peak heap\" is the worker's jvm_heap_used_peak_bytes,"
            + " \"after GC\" the most heap in use right after a collection (GC log); latency ends at the insert"
            + " (written_at = clock_timestamp()), slightly before COMMIT; \"late max\" is how late the producer"
            + " thread sent at worst.%nbench took %.0f s%n", r.rowByRow().rows(), r.seconds());
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.0f MiB", bytes / 1048576.0);
    }
}
