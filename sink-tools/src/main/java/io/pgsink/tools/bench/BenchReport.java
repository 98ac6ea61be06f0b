package io.pgsink.tools.bench;

import java.util.List;

/**
 * Everything one {@code pgsink bench} run measured, with the machine it ran on.
 *
 * @param upsertCeiling for reference: the same rows upserted the way pgsink's COPY path does, from memory
 * @param pipeline the worker measurements on the backlog, in the order they ran
 * @param library the library API against plain JDBC, in the order they ran (empty unless asked for)
 * @param seconds the whole run, start-up of the embedded servers included
 */
record BenchReport(
        BenchOptions options,
        Machine machine,
        Measurement copyCeiling,
        Measurement upsertCeiling,
        Measurement rowByRow,
        List<Measurement> pipeline,
        List<LatencyRun.Latency> latency,
        List<LibraryRun.Result> library,
        double seconds) {

    /**
     * The machine and the software under the measurement.
     *
     * @param loadAverageAtStart the one-minute load average before the bench started its servers: other work on
     *     the machine, which the figures share the cores with
     * @param benchMaxHeapBytes the bench JVM's own maximum heap, in which the library measurements run
     */
    record Machine(
            int cpus,
            long memoryBytes,
            String java,
            String postgres,
            String kafka,
            long benchMaxHeapBytes,
            double loadAverageAtStart) {}

    double vsCopy(Measurement m) {
        return m.rowsPerSecond() / copyCeiling.rowsPerSecond();
    }

    /** NaN when the row-by-row baseline did not run. */
    double vsRowByRow(Measurement m) {
        return rowByRow == null ? Double.NaN : m.rowsPerSecond() / rowByRow.rowsPerSecond();
    }

    /** A library variant's rate over the named one's (the plain JDBC loop, or the autocommitted one). */
    double libraryVs(LibraryRun.Result r, String baseline) {
        return library.stream()
                .filter(b -> b.name().equals(baseline))
                .findFirst()
                .map(b -> r.rowsPerSecond() / b.rowsPerSecond())
                .orElse(Double.NaN);
    }
}
